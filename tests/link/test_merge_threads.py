"""``merge._merge`` from THREADED records: the columns and the prospect ids made on two threads
give the frame one thread gives, the ids made once per cluster (``cluster.cluster_ids``) are the
ones each record carried before (``cluster.prospect_ids``), and a worker's error reaches the
caller as one thread would have met it."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from pipeline.link.cluster import cluster_ids, prospect_ids
from tests.link.test_compare_threads import _started

MERGE = sys.modules["pipeline.link.merge"]


def _frame(seed: int, n: int) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Records of three sources with text ("", missing), numbers and dates, clustered with
    gaps between labels, clusters of one record and of several."""
    rng = np.random.default_rng(seed)
    pick = lambda values: [values[i] for i in rng.integers(0, len(values), n)]  # noqa: E731
    frame = pd.DataFrame(
        {
            "source": pick(["connections", "alumni", "manual"]),
            "source_row": rng.integers(0, 50, n),
            "record_id": pd.Series([f"r{i}" for i in range(n)], dtype="str"),
            "first_name": pd.Series(pick(["ann", "", None, "zoë"]), dtype="str"),
            "company": pd.Series(pick(["acme", "", None]), dtype="str"),
            "school": pd.Series(pick(["", "state u", None]), dtype="str"),
            "grad_year": pd.array(pick([2015, None, 1999]), dtype="Int64"),
            "career_years": np.where(rng.random(n) < 0.3, np.nan, rng.random(n) * 30),
            "connected_on": pd.to_datetime(pick([None, "2024-01-02", "2021-05-06"])),
            "linkedin_slug": pd.Series(pick(["", None, "ann-lee", "bo-wu-1"]), dtype="str"),
            "name_key": pd.Series(pick(["ann lee", "bo wu", ""]), dtype="str"),
            "company_key": pd.Series(pick(["acme", ""]), dtype="str"),
            "alumni_record": pd.Series(pick(["", None, "A7", "B12"]), dtype="str"),
        }
    )
    labels = rng.permutation(np.r_[np.arange(n // 2), rng.integers(0, n // 2 + 20, n - n // 2)])
    return frame, labels * 2, rng.random(2 * (n // 2 + 20))


def _threaded(monkeypatch, on: bool) -> list:
    """Sets whether _merge goes on two threads; the pools it starts are counted."""
    monkeypatch.setattr(MERGE, "THREADED", 0 if on else 10**12)
    return _started(monkeypatch)


@pytest.mark.parametrize("seed", range(5))
def test_threads_give_the_one_thread_frame(monkeypatch, seed):
    frame, labels, conf = _frame(seed, 300)
    ids = lambda: cluster_ids(frame, labels)  # noqa: E731
    started = _threaded(monkeypatch, False)
    alone = MERGE._merge(frame, labels, conf, ids)
    assert not started
    started = _threaded(monkeypatch, True)
    pd.testing.assert_frame_equal(MERGE._merge(frame, labels, conf, ids), alone)
    assert len(started) == 1
    assert (alone["record_ids"].str.contains("|", regex=False)).any()


@pytest.mark.parametrize("seed", range(5))
def test_ids_per_cluster_are_the_records_ones(seed):
    """The ids made once per cluster give the frame the ids put on every record gave."""
    frame, labels, conf = _frame(seed, 200)
    with_ids = frame.assign(prospect_id=prospect_ids(frame, labels))
    got = MERGE._merge(frame, labels, conf, lambda: cluster_ids(frame, labels))
    pd.testing.assert_frame_equal(got, MERGE._merge(with_ids, labels, conf))
    assert got["prospect_id"].is_unique


@pytest.mark.parametrize("on", [False, True])
def test_a_failing_task_raises_to_the_caller(monkeypatch, on):
    """The ids' error (begun first) reaches the caller, as without threads; a missing column's
    error too, whichever thread met it."""
    frame, labels, conf = _frame(1, 300)
    _threaded(monkeypatch, on)

    def failing():
        raise ValueError("no ids")

    with pytest.raises(ValueError, match="no ids"):
        MERGE._merge(frame, labels, conf, failing)
    with pytest.raises(KeyError, match="record_id"):
        MERGE._merge(
            frame.drop(columns="record_id"), labels, conf, lambda: cluster_ids(frame, labels)
        )


def test_no_records(monkeypatch):
    frame, _, _ = _frame(0, 0)
    _threaded(monkeypatch, True)
    got = MERGE._merge(
        frame,
        np.zeros(0, dtype=np.int32),
        np.zeros(0),
        lambda: cluster_ids(frame, np.zeros(0, dtype=np.int32)),
    )
    assert len(got) == 0 and got["record_ids"].dtype == "str"
