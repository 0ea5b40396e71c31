"""``compare_sets`` from THREAD_PAIRS pairs: the comparisons on two threads, the name's first;
the same levels as one thread gives, and the error one thread would meet first."""

import dataclasses
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from pipeline.link import levels
from pipeline.link.block import RULES, candidate_pairs
from pipeline.link.compare import compare_sets, comparisons_for
from pipeline.link.em import u_pairs
from pipeline.link.levels import Comparison, Rows
from tests.link.generated import blocking_frame

MODULE = sys.modules["pipeline.link.compare"]  # not the function pipeline.link exports
POOLS = sys.modules["pipeline.threads"]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return blocking_frame(120, 700, seed=7)


def _sets(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    return candidate_pairs(frame, RULES, ("connections",)).pairs, u_pairs(frame, 3000, seed=3)


def _threads(monkeypatch, on: bool) -> None:
    monkeypatch.setattr(MODULE, "TOGETHER_PAIRS", 0)  # each set alone, as at the real size
    monkeypatch.setattr(MODULE, "THREAD_PAIRS", 0 if on else 10**12)


def _started(monkeypatch) -> list:
    """Counts the pools the module starts."""
    started: list = []
    real = POOLS.ThreadPoolExecutor

    def pool(*args, **kwargs):
        started.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(POOLS, "ThreadPoolExecutor", pool)
    return started


def test_threaded_levels_equal_one_thread(frame, monkeypatch):
    sets = _sets(frame)
    comparisons = comparisons_for(list(frame.columns))
    assert MODULE.LONGEST in [c.name for c in comparisons]
    _threads(monkeypatch, False)
    serial = compare_sets(frame, sets, comparisons, {})
    _threads(monkeypatch, True)
    started = _started(monkeypatch)
    threaded = compare_sets(frame, sets, comparisons, {})
    assert started == [(2,)]  # one pool, its two workers the two lanes
    for mine, theirs in zip(threaded, serial, strict=True):
        pd.testing.assert_frame_equal(mine, theirs, check_exact=True)
    assert [len(t) for t in threaded] == [len(s) for s in sets]
    assert all(t[c.name].dtype == np.int8 for t in threaded for c in comparisons)


@pytest.mark.parametrize("together", [True, False])
def test_small_sets_start_no_thread(frame, monkeypatch, together):
    """Below THREAD_PAIRS (as it is) no thread, whether the sets are compared together (the
    sample) or each alone."""
    if not together:
        monkeypatch.setattr(MODULE, "TOGETHER_PAIRS", 0)
    started = _started(monkeypatch)
    compare_sets(frame, _sets(frame), comparisons_for(list(frame.columns)), {})
    assert started == []


class Broken(Exception):
    pass


def _failing(name: str, message: str, delay: float = 0.0) -> Comparison:
    def compute(a, b, rows):
        time.sleep(delay)  # the other thread's error is met first in time
        raise Broken(message)

    return Comparison(name, ("name_key",), ("same", "other"), compute, rows=True)


def _ok(name: str, seen: list, delay: float = 0.0) -> Comparison:
    def compute(a, b, rows):
        time.sleep(delay)
        seen.append(name)
        return np.zeros(len(rows.left), dtype=np.int8)

    return Comparison(name, ("name_key",), ("same", "other"), compute, rows=True)


@pytest.mark.parametrize("threaded", [False, True])
@pytest.mark.parametrize(
    ("order", "raised"),
    [
        (("ok", "name!", "job!"), "name!"),  # the name's (its thread's) error comes first
        (("job!", "ok", "name!"), "job!"),  # this thread's error comes first
        (("ok", "name!"), "name!"),  # only the second thread fails
        (("name", "job!"), "job!"),  # only this thread fails
    ],
)  # the error that comes first is the later one in time (the one that fails sleeps first)
def test_the_first_error_reaches_the_caller(frame, monkeypatch, threaded, order, raised):
    """The error of the earliest failing task, as one thread running them in order meets."""
    _threads(monkeypatch, threaded)
    seen: list = []
    comparisons = [
        _failing(n.rstrip("!"), n, 0.3 if n == raised else 0.0) if n.endswith("!") else _ok(n, seen)
        for n in order
    ]
    sets = _sets(frame)
    with pytest.raises(Broken) as caught:
        compare_sets(frame, sets, comparisons, {})
    assert str(caught.value) == raised


def test_a_lane_stops_past_the_other_lanes_error(frame, monkeypatch):
    """The name of the random pairs is not compared after the candidates' job failed."""
    _threads(monkeypatch, True)
    seen: list = []
    comparisons = [_failing("job", "job!"), _ok("name", seen, 0.3)]
    pairs = _sets(frame)[1]
    with pytest.raises(Broken, match="job!"):
        compare_sets(frame, (pairs, pairs), comparisons, {})
    assert seen in ([], ["name"])  # the candidates' name may run beside the job, not the rest


def test_work_ahead_failing_is_left_to_the_comparison(frame, monkeypatch):
    """A comparison's ``prepare`` that fails says nothing; its comparison, run as ever, gives
    its levels (or meets the error itself, in order)."""
    _threads(monkeypatch, True)
    seen: list = []

    def ahead(rows):
        raise Broken("ahead")

    named = dataclasses.replace(_ok("name", seen), prepare=(ahead,))
    got = compare_sets(frame, _sets(frame), [named, _ok("job", seen)], {})
    assert [len(g) for g in got] == [len(s) for s in _sets(frame)]
    assert sorted(seen) == ["job", "job", "name", "name"]


def test_work_made_once_by_one_thread(frame):
    """Two threads asking ``Rows.once`` for one key: made once, the other waits for it."""
    made: list = []

    def make(_):
        made.append(1)
        time.sleep(0.2)
        return object()

    rows = Rows(frame, np.zeros(1, int), np.zeros(1, int), {})
    with ThreadPoolExecutor(2) as pool:
        got = list(pool.map(lambda _: rows.once("work", make), range(2)))
    assert made == [1] and got[0] is got[1] is rows.cache["work"]
    assert levels._MAKING == {}  # no lock left behind
    with pytest.raises(Broken):  # a failed make leaves nothing: the next asks again
        rows.once("failed", lambda _: (_ for _ in ()).throw(Broken("x")))
    assert "failed" not in rows.cache and levels._MAKING == {}


def test_work_ahead_is_the_first_piece_of_each_prepare(frame):
    """``work_ahead`` makes the first piece of each comparison's per-run work into the cache,
    and the levels compared afterwards are those compared without it."""
    comparisons = comparisons_for(list(frame.columns))
    sets = _sets(frame)
    cache: dict = {}
    ahead = MODULE.work_ahead(frame, comparisons, cache)
    assert len(ahead) == sum(1 for c in comparisons if c.prepare) == 1
    for work in ahead:
        work()
    assert ("token letters", "name_key") in cache
    assert "address names" not in cache  # the name's second piece is left to compare_sets
    made = compare_sets(frame, sets, comparisons, cache)
    for mine, theirs in zip(made, compare_sets(frame, sets, comparisons, {}), strict=True):
        pd.testing.assert_frame_equal(mine, theirs, check_exact=True)


def test_the_longest_begins_first_and_its_work_ahead_beside_it(frame, monkeypatch):
    """On two threads the name's first task is begun first, its per-run work on the other
    thread meanwhile, then the rest in order."""
    _threads(monkeypatch, True)
    began: list = []

    def noting(name):
        def compute(a, b, rows):
            began.append(name)
            time.sleep(0.2 if name == "name" else 0.0)
            return np.zeros(len(rows.left), dtype=np.int8)

        return Comparison(name, ("name_key",), ("same", "other"), compute, rows=True)

    def ahead(rows):
        began.append("ahead")

    comparisons = [noting("job"), dataclasses.replace(noting("name"), prepare=(ahead,))]
    compare_sets(frame, _sets(frame), comparisons, {})
    assert began[:3] in (["name", "ahead", "job"], ["ahead", "name", "job"])
    assert began[3:] == ["job", "name"]  # the random pairs, in order
