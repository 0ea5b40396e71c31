"""Independent tasks on two threads, joined in a fixed order.

numpy's sorts, Arrow's compute kernels and its CSV reader leave Python's lock while they work, so
a stage with several independent pieces of big-array work can give them to two threads. What the
caller gets must not depend on the scheduling: each task makes its own result, the results come
back in the tasks' order, and an error is the one doing the tasks one after another would have
met first. The pool ends with the call (no thread outlives it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: A stage never uses more than two workers (the second core), whatever the machine.
WORKERS = 2


def in_order(
    fn: Callable[[T], R],
    items: Iterable[T],
    *,
    threaded: bool,
    start: Sequence[int] | None = None,
) -> list[R]:
    """``[fn(item) for item in items]``; with ``threaded`` (and two items or more) on two
    threads. ``start`` gives the items' positions in the order they are begun (the longest
    first, so that the two threads end together); by default, the items' order.

    The results come in the items' order whichever thread made them. When tasks fail, the error
    raised is the first failing item's (in the items' order), once the tasks begun have ended:
    the one a loop would have met. Callers decide ``threaded`` from the size of the work (a
    thread costs more than it saves on small inputs).

    Example: ``in_order(Coded.of, columns, threaded=len(frame) >= 100_000)``.
    """
    items = list(items)
    if not threaded or len(items) < 2:
        return [fn(item) for item in items]
    order = range(len(items)) if start is None else list(start)
    if sorted(order) != list(range(len(items))):
        raise ValueError("start must name each item's position once")
    with ThreadPoolExecutor(WORKERS, thread_name_prefix="prospects") as pool:
        futures = {i: pool.submit(fn, items[i]) for i in order}
        return [futures[i].result() for i in range(len(items))]


def calls_in_order(
    tasks: Iterable[Callable[[], R]], *, threaded: bool, start: Sequence[int] | None = None
) -> list[R]:
    """``[task() for task in tasks]`` by ``in_order``: different pieces of work (``partial``s,
    lambdas) rather than one function over items; the same order, errors and ``start``."""
    return in_order(_call, tasks, threaded=threaded, start=start)


def _call(task: Callable[[], R]) -> R:
    return task()


#: ``start(fn, *args)``: ``fn(*args)`` begun, its result or error held by the Future.
Start = Callable[..., "Future[Any]"]


@contextmanager
def beside(*, threaded: bool) -> Iterator[Start]:
    """A ``start(fn, *args)`` for the block: with ``threaded``, ``fn(*args)`` runs on one second
    thread (the tasks one after another, in the order started) while the block goes on; without,
    it is called there and then (its error raised there). ``start`` gives a Future:
    ``.result()`` is the task's result, or raises its error.

    Tasks are work a loop would have done where they are started, so when the block raises, a
    started task's error (the first started that failed, once the tasks have ended) is raised
    instead of the block's: the one doing the work in order would have met. The thread ends
    with the block, its tasks done. Callers decide ``threaded`` from the size of the work.

    Example::

        with beside(threaded=len(frame) >= 100_000) as start:
            other = start(take_rows, frame.iloc[:, rest], positions)
            words = why(frame)  # meanwhile
            taken = other.result()
    """
    pool = ThreadPoolExecutor(1, thread_name_prefix="prospects-beside") if threaded else None
    started: list[Future[Any]] = []

    def start(fn: Callable[..., Any], *args: object) -> Future[Any]:
        if pool is None:
            done: Future[Any] = Future()
            done.set_result(fn(*args))
            return done
        job = pool.submit(fn, *args)
        started.append(job)
        return job

    try:
        yield start
    except BaseException:
        if pool is not None:
            pool.shutdown(wait=True)
        for job in started:
            failed = job.exception()
            if failed is not None:
                raise failed from failed.__cause__
        raise
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
