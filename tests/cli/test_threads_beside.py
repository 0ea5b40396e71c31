"""threads.beside: a task started in the block runs on a second thread (or at once), its result
is the serial one, and an error is the one doing the work in order would have met."""

from __future__ import annotations

import threading
import time

import pytest

from pipeline import threads


class Broken(Exception):
    pass


def _square(value: int, pause: float = 0.0) -> int:
    time.sleep(pause)
    return value * value


def _fail(message: str, pause: float = 0.0) -> None:
    time.sleep(pause)
    raise Broken(message)


def _beside_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("prospects-beside")]


@pytest.mark.parametrize("threaded", [False, True])
def test_results_are_the_serial_ones_and_the_thread_ends_with_the_block(threaded: bool) -> None:
    where: list[int] = []
    with threads.beside(threaded=threaded) as start:
        jobs = [start(_square, v, 0.01 * (v % 3)) for v in range(-4, 5)]
        note = start(lambda: where.append(threading.get_ident()))
        mine = sum(range(100))  # the block's own work meanwhile
        assert [job.result() for job in jobs] == [v * v for v in range(-4, 5)]
        note.result()
    assert mine == 4950
    assert (where == [threading.get_ident()]) is not threaded  # a second thread, or the caller's
    assert not _beside_threads()


def test_the_tasks_run_one_after_another_in_the_order_started() -> None:
    begun: list[int] = []
    with threads.beside(threaded=True) as start:
        for i in range(6):
            start(lambda i=i: (begun.append(i), time.sleep(0.002)))
    assert begun == list(range(6))


@pytest.mark.parametrize("threaded", [False, True])
def test_a_tasks_error_reaches_the_caller(threaded: bool) -> None:
    with pytest.raises(Broken, match=r"^the task$"), threads.beside(threaded=threaded) as start:
        job = start(_fail, "the task", 0.02)
        job.result()
    assert not _beside_threads()


@pytest.mark.parametrize("threaded", [False, True])
def test_a_started_tasks_error_comes_before_the_blocks_later_one(threaded: bool) -> None:
    # The block fails at once, the task it started before fails later: one thread doing the
    # work in order would have met the task's error.
    with pytest.raises(Broken, match=r"^first task$"), threads.beside(threaded=threaded) as start:
        start(_square, 2)
        start(_fail, "first task", 0.05)
        start(_fail, "second task", 0.0)
        raise Broken("the block")
    # No task failed: the block's own error.
    with pytest.raises(Broken, match=r"^the block$"), threads.beside(threaded=threaded) as start:
        start(_square, 2, 0.02)
        raise Broken("the block")


def test_a_failed_task_is_kept_until_asked_for() -> None:
    with threads.beside(threaded=True) as start:
        job = start(_fail, "later")
        fine = start(_square, 3)
        assert fine.result() == 9  # one task failing does not stop the next
        with pytest.raises(Broken, match="later"):
            job.result()
