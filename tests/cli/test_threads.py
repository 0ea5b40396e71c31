"""threads.in_order: the tasks' results and error are those of a loop, threaded or not."""

from __future__ import annotations

import random
import threading
import time
from functools import partial

import pytest

from pipeline.threads import calls_in_order, in_order


def _slow_square(item: tuple[int, float]) -> tuple[int, int]:
    value, pause = item
    time.sleep(pause)
    return value, value * value


def _items(seed: int, n: int = 12) -> list[tuple[int, float]]:
    rng = random.Random(seed)
    return [(rng.randrange(-50, 50), rng.random() * 0.01) for _ in range(n)]


def _pool_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("prospects")]


@pytest.mark.parametrize("seed", range(5))
def test_threaded_equals_a_loop_in_the_items_order(seed: int) -> None:
    items = _items(seed)
    start = list(range(len(items)))
    random.Random(seed).shuffle(start)
    loop = [_slow_square(item) for item in items]
    assert in_order(_slow_square, items, threaded=True) == loop
    assert in_order(_slow_square, items, threaded=True, start=start) == loop
    assert in_order(_slow_square, items, threaded=False) == loop
    assert in_order(_slow_square, iter(items), threaded=True) == loop  # any iterable
    assert not _pool_threads()  # the pool ends with the call


def test_the_results_come_in_order_when_the_later_tasks_end_first() -> None:
    # The first task ends last: a join in the order tasks end would put it last.
    items = [(1, 0.2), (2, 0.0), (3, 0.0), (4, 0.0)]
    assert in_order(_slow_square, items, threaded=True) == [(1, 1), (2, 4), (3, 9), (4, 16)]


def test_threaded_work_runs_on_two_threads_at_most_and_serial_work_on_the_callers() -> None:
    seen: list[int] = []

    def where(item: int) -> int:
        time.sleep(0.005)
        seen.append(threading.get_ident())
        return item

    in_order(where, range(10), threaded=True)
    assert threading.get_ident() not in seen and 1 <= len(set(seen)) <= 2
    seen.clear()
    in_order(where, range(10), threaded=False)  # below a caller's threshold: no thread
    assert set(seen) == {threading.get_ident()}
    seen.clear()
    in_order(where, [1], threaded=True)  # one task: no thread either
    assert set(seen) == {threading.get_ident()}
    assert in_order(where, [], threaded=True) == []


def test_the_tasks_begin_in_the_start_order() -> None:
    begun: list[int] = []
    lock = threading.Lock()

    def note(item: int) -> int:
        with lock:
            begun.append(item)
        time.sleep(0.02)
        return item

    assert in_order(note, range(4), threaded=True, start=[3, 1, 2, 0]) == [0, 1, 2, 3]
    assert set(begun[:2]) == {3, 1}  # two workers begin the first two named
    with pytest.raises(ValueError, match="start"):
        in_order(note, range(3), threaded=True, start=[0, 0, 1])


class Broken(Exception):
    pass


def _fails_at(bad: dict[int, float]):
    def task(item: int) -> int:
        if item in bad:
            time.sleep(bad[item])
            raise Broken(f"task {item}")
        return item

    return task


@pytest.mark.parametrize("threaded", [False, True])
def test_the_error_is_the_first_failing_items_as_a_loop_meets_it(threaded: bool) -> None:
    # Task 2 fails late, task 5 at once: a loop meets task 2's error, and so does the caller.
    with pytest.raises(Broken, match=r"^task 2$"):
        in_order(_fails_at({2: 0.1, 5: 0.0}), range(8), threaded=threaded)
    with pytest.raises(Broken, match=r"^task 2$"):
        in_order(_fails_at({2: 0.1, 5: 0.0}), range(8), threaded=threaded, start=range(7, -1, -1))
    assert not _pool_threads()


@pytest.mark.parametrize("threaded", [True, False])
def test_calls_in_order_returns_each_task_result_in_the_tasks_order(threaded: bool) -> None:
    items = _items(7)
    tasks = [partial(_slow_square, item) for item in items]
    start = list(reversed(range(len(items))))
    assert calls_in_order(tasks, threaded=threaded) == [_slow_square(i) for i in items]
    assert calls_in_order(tasks, threaded=threaded, start=start) == [_slow_square(i) for i in items]


def test_calls_in_order_raises_the_first_failing_task_error() -> None:
    def fail(message: str) -> None:
        time.sleep(0.01 if message == "first" else 0.0)
        raise ValueError(message)

    tasks = [partial(_slow_square, (1, 0.0)), partial(fail, "first"), partial(fail, "second")]
    with pytest.raises(ValueError, match="first"):
        calls_in_order(tasks, threaded=True, start=[2, 1, 0])
