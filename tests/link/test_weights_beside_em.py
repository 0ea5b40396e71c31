"""The weights' part that reads no m (``frequency.adjusted``, ``classify.ready_weights``) made
apart, at the large size on a second thread while EM runs (``link.score`` from BESIDE_EM
pairs): the floats the one-pass code gave (kept here as the oracle), the same Scored with and
without the thread, and the error one thread would meet first."""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd
import pytest

from pipeline.link.block import RULES, candidate_pairs, file_codes
from pipeline.link.classify import (
    TF_FLOOR,
    Model,
    group_rows,
    ready_tasks,
    ready_weights,
    row_sums,
    weight_columns,
)
from pipeline.link.compare import compare, comparisons_for
from pipeline.link.em import estimate_m_groups, estimate_u
from pipeline.link.frequency import _mean_share, column_codes, frequencies
from pipeline.settings import Settings
from tests.link.generated import blocking_frame
from tests.link.test_compare_threads import _started

LINK = sys.modules["pipeline.link"]
CLASSIFY = sys.modules["pipeline.link.classify"]


def _weight_columns_as_they_were(levels, model, frame, groups, person, tables):
    """weight_columns before the part without m was split off (one loop, m read throughout)."""
    out = {}
    left, right = levels["left"].to_numpy(), levels["right"].to_numpy()
    ids, row = None, np.zeros(len(levels), dtype=np.int64)
    if groups is not None and model.m_groups:
        ids, row = group_rows(groups)
    files = file_codes(frame, None) if frame is not None else None
    for c in model.comparisons:
        level = levels[c.name].to_numpy()
        m = model.m_rows(c.name, ids)
        table = np.log2(m / model.u[c.name])
        w = np.where(level < 0, 0.0, table[row, np.minimum(level, table.shape[1] - 1)])
        out[c.name] = w
        if frame is None:
            continue
        for tf_level, column, *given in c.tf:
            if column not in frame.columns or (given and given[0] not in frame.columns):
                continue
            at = np.flatnonzero(level == tf_level)
            if not len(at):
                continue
            f_left, f_right = frequencies(frame, column, left[at], right[at], tables, person)
            f = np.fmax(f_left, f_right)
            if given:
                codes, uniques = column_codes(frame, given[0], tables)
                has = (uniques != "")[codes] if len(codes) else np.zeros(0, dtype=bool)
                own = np.where(has[left[at]], f_right, f_left)
                f = np.where(has[left[at]] ^ has[right[at]], own, f) * max(has.mean(), 1e-6)
            elif tf_level != 0:
                f = model.u[c.name][tf_level] * f / _mean_share(frame, column, tables)
            tuned = np.log2(m[row[at], tf_level] / np.maximum(f, TF_FLOOR))
            w[at] = np.where(np.isnan(tuned), w[at], tuned)
        for local_level in c.local:
            at = np.flatnonzero(level == local_level)
            if len(at):
                n_files = int(files.max()) + 1
                la, ra = left[at], right[at]
                keys = np.r_[la * n_files + files[ra], ra * n_files + files[la]]
                near = np.bincount(keys, minlength=len(frame) * n_files)
                k = np.maximum(near[la * n_files + files[ra]], near[ra * n_files + files[la]]) - 1
                u = model.u[c.name][local_level]
                f = np.maximum((k + u * len(frame)) / (2 * len(frame)), u)
                w[at] = np.log2(m[row[at], local_level] / np.maximum(f, TF_FLOOR))
    return out


@pytest.fixture(scope="module")
def case():
    frame = blocking_frame(150, 900, seed=11)
    comparisons = comparisons_for(list(frame.columns))
    pairs = candidate_pairs(frame, RULES, ("connections",)).pairs
    levels = compare(frame, pairs, comparisons)
    u = estimate_u(frame, comparisons, 4000)
    files = file_codes(frame, None)
    groups = np.minimum(files[pairs["left"]], files[pairs["right"]]) * 10 + np.maximum(
        files[pairs["left"]], files[pairs["right"]]
    )
    m, m_groups = estimate_m_groups(levels, comparisons, u, groups, min_pairs=5)
    return frame, levels, Model(tuple(comparisons), m, u, m_groups=m_groups), groups


def _assert_same(mine: dict, theirs: dict) -> None:
    assert list(mine) == list(theirs)
    for name in theirs:
        np.testing.assert_array_equal(mine[name].view(np.int64), theirs[name].view(np.int64))


@pytest.mark.parametrize("how", ["one pass", "ready", "no groups", "people", "no frame"])
def test_weight_columns_equal_the_one_loop(case, how):
    frame, levels, model, groups = case
    assert any(c.tf for c in model.comparisons) and any(c.local for c in model.comparisons)
    person = None
    if how == "no groups":
        groups = None
    if how == "people":  # records of one file as one person, in threes
        person = np.arange(len(frame)) // 3
    if how == "no frame":
        frame = None
    want = _weight_columns_as_they_were(levels, model, frame, groups, person, {})
    for threaded in (False, True):
        made = how == "ready"
        ready = ready_weights(levels, model.comparisons, model.u, frame, {}) if made else None
        got = weight_columns(levels, model, frame, groups, person, {}, ready, threaded=threaded)
        _assert_same(got, want)
    if ready is not None:  # the weights were written into the arrays made ready
        assert all(got[c.name] is into for c, into in zip(model.comparisons, ready[1], strict=True))


@pytest.mark.parametrize("threaded", [False, True])
def test_weight_columns_meet_the_first_comparison_error(case, monkeypatch, threaded):
    """On two threads as on one, the error raised is the first failing comparison's (in the
    comparisons' order), though a later one fails first in time."""
    frame, levels, model, groups = case
    first, later = model.comparisons[1].name, model.comparisons[-1].name
    real = Model.m_rows

    def m_rows(self, name, ids):
        if name == first:
            time.sleep(0.3)
        if name in (first, later):
            raise Broken(name)
        return real(self, name, ids)

    monkeypatch.setattr(Model, "m_rows", m_rows)
    with pytest.raises(Broken) as caught:
        weight_columns(levels, model, frame, groups, None, {}, threaded=threaded)
    assert str(caught.value) == first


def test_weight_columns_threaded_use_two_threads(case, monkeypatch):
    """threaded: the comparisons' columns on a pool of two; not threaded: no pool."""
    frame, levels, model, groups = case
    started = _started(monkeypatch)
    weight_columns(levels, model, frame, groups, None, {})
    assert started == []
    weight_columns(levels, model, frame, groups, None, {}, threaded=True)
    assert started == [(2,)]


def test_weight_columns_threads_never_share_a_scratch(case, monkeypatch):
    """The look-up positions' scratch array a comparison's task writes is never one the other
    thread is writing meanwhile: uses that overlap in time hold different arrays."""
    frame, levels, model, groups = case
    real = CLASSIFY._table_weights
    uses: list[tuple[float, float, int]] = []

    def spied(table, level, row, scratch=None, into=None):
        begun = time.perf_counter()
        time.sleep(0.02)  # both threads at work at once
        out = real(table, level, row, scratch, into)
        uses.append((begun, time.perf_counter(), id(scratch)))
        return out

    monkeypatch.setattr(CLASSIFY, "_table_weights", spied)
    weight_columns(levels, model, frame, groups, None, {}, threaded=True)
    overlapping = [
        (a, b) for i, a in enumerate(uses) for b in uses[i + 1 :] if a[0] < b[1] and b[0] < a[1]
    ]
    assert overlapping  # the two threads did work at once
    assert all(a[2] != b[2] for a, b in overlapping)


def test_a_level_without_pairs_and_a_missing_tf_column(case):
    """No pair at a tf level (the name's), and a tf column the frame lacks: both left out."""
    frame, levels, model, groups = case
    name = next(c for c in model.comparisons if c.name == "name")
    levels = levels.assign(name=np.where(levels["name"] == name.tf[0][0], -1, levels["name"]))
    frame = frame.drop(columns="location")
    want = _weight_columns_as_they_were(levels, model, frame, groups, None, {})
    ready = ready_weights(levels, model.comparisons, model.u, frame, {})
    assert name.tf[0][0] not in [level for level, *_ in ready[0]["name"]]
    assert ready[0]["city"] == []
    _assert_same(weight_columns(levels, model, frame, groups, None, {}, ready), want)


def _threads(monkeypatch, on: bool) -> list:
    """The thread beside EM on (from 0 pairs) or off; the pools started, counted."""
    monkeypatch.setattr(LINK, "BESIDE_EM", 0 if on else 10**12)
    return _started(monkeypatch)


@pytest.fixture(scope="module")
def people():
    return blocking_frame(120, 700, seed=7)


def test_scored_beside_em_equals_one_thread(people, monkeypatch):
    _threads(monkeypatch, False)
    serial = LINK.score(people, Settings())
    started = _threads(monkeypatch, True)
    threaded = LINK.score(people, Settings())
    assert (2,) in started
    for field in ("pairs", "contributions"):
        pd.testing.assert_frame_equal(
            getattr(threaded, field), getattr(serial, field), check_exact=True
        )
    np.testing.assert_array_equal(threaded.prior, serial.prior)
    np.testing.assert_array_equal(threaded.labels, serial.labels)


def test_small_runs_start_no_thread_for_em(people, monkeypatch):
    started = []
    real = LINK.calls_in_order

    def spy(tasks, *, threaded, start=None):
        started.append(threaded)
        return real(tasks, threaded=threaded, start=start)

    monkeypatch.setattr(LINK, "calls_in_order", spy)
    LINK.score(people, Settings())
    assert started == [False]  # 1,000 records make far fewer than BESIDE_EM pairs


class Broken(Exception):
    pass


def _failing(message: str, delay: float = 0.0):
    def fail(*args, **kwargs):
        time.sleep(delay)  # the other task's error is met first in time
        raise Broken(message)

    return fail


@pytest.mark.parametrize("threaded", [False, True])
@pytest.mark.parametrize(
    ("em", "ready", "raised"),
    [
        (True, "adjusted", "em"),  # both fail: EM's, the first task's (met later in time)
        (False, "adjusted", "ready"),  # only a task beside fails
        (True, "touched", "em"),
        (False, "touched", "ready"),  # a later task beside (one array's pages)
        ("adjusted", "touched", "adjusted"),  # the term frequencies' before an array's
        (True, False, "em"),
    ],
)
def test_the_first_error_reaches_the_caller(people, monkeypatch, threaded, em, ready, raised):
    _threads(monkeypatch, threaded)
    if em == "adjusted":  # the first task beside fails late, a later one at once
        monkeypatch.setattr(CLASSIFY, "adjusted", _failing("adjusted", 0.3))
    elif em:
        monkeypatch.setattr(LINK, "estimate_m_groups", _failing("em", 0.3 if ready else 0.0))
    if ready:
        monkeypatch.setattr(CLASSIFY, ready, _failing("ready"))
    with pytest.raises(Broken) as caught:
        LINK.score(people, Settings())
    assert str(caught.value) == raised


def test_ready_tasks_are_ready_weights_in_order(case):
    """The tasks beside EM: the term frequencies first, then one fresh array per comparison,
    as ready_weights gives them (distinct arrays, each as long as the pairs)."""
    frame, levels, model, _ = case
    tasks = ready_tasks(levels, model.comparisons, model.u, frame, {})
    assert len(tasks) == 1 + len(model.comparisons)
    found, *into = (task() for task in tasks)
    want, arrays = ready_weights(levels, model.comparisons, model.u, frame, {})
    assert list(found) == list(want)
    for name in want:
        for (level, at, f, local), (level2, at2, f2, local2) in zip(
            found[name], want[name], strict=True
        ):
            assert (level, local) == (level2, local2)
            np.testing.assert_array_equal(at, at2)
            np.testing.assert_array_equal(f, f2)
    assert len(into) == len(arrays) == len(model.comparisons)
    assert all(a.shape == (len(levels),) and a.dtype == float for a in into)
    assert len({id(a) for a in into}) == len(into)


def test_by_people_names_every_pair_it_changes(case):
    """``link._by_people`` returns the pairs it weighed again; every weight it changed is one of
    theirs, so the sums added again for those alone equal the sums over every pair."""
    frame, levels, model, groups = case
    person = np.arange(len(frame)) // 3  # records in threes: people listed more than once
    tables: dict = {}
    weights = weight_columns(levels, model, frame, groups, None, tables)
    first = {name: w.copy() for name, w in weights.items()}
    again = LINK._by_people(
        levels, model, frame, file_codes(frame, None), groups, person, weights, tables
    )
    moved = [np.flatnonzero(~np.isclose(weights[n], first[n], equal_nan=True)) for n in first]
    assert len(again) and sum(len(m) for m in moved)
    assert all(np.isin(m, again).all() for m in moved)
    total = row_sums(first, len(levels))
    total[again] = row_sums({n: w[again] for n, w in weights.items()}, len(again))
    np.testing.assert_array_equal(
        total.view(np.int64), row_sums(weights, len(levels)).view(np.int64)
    )
