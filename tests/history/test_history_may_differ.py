"""A run compares itself with the last one on the rows that may have changed only
(``differ.may_differ``); the changes found must be those of the two whole runs, whatever the
settings, with vanished ids relinked, people on one side only, flags, levels and titles that
changed, and missing cells (None from SQLite, NA from pandas) on either side."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from benchmarks.bench_history import TARGETS, first_run, marks, next_run
from pipeline.history import reads, store
from pipeline.history.changes import diff, records
from pipeline.history.differ import may_differ
from pipeline.history.record import _last_run
from pipeline.settings import History


def _runs(tmp_path):
    rng = np.random.default_rng(11)
    old = first_run(4_000, rng)
    old.loc[5:9, "company_key"] = None  # missing on the old side only
    old.loc[10:14, "rank"] = pd.NA
    new = next_run(old, 1, rng)
    # ids that vanish and come back under another id: relinked by name and class year
    renamed = new.index[20:30]
    new.loc[renamed, "prospect_id"] = [f"linked-{i}" for i in range(len(renamed))]
    # a new title at the same level (no event), a new title one level up (a promotion)
    new.loc[40:44, "title"] = "Staff Engineer"
    new.loc[45:49, ["title", "seniority"]] = ["Chief Scientist", "CXO"]
    new.loc[50:54, "is_alum"] = 1 - new.loc[50:54, "is_alum"]
    new.loc[55:59, "is_connection"] = 1 - new.loc[55:59, "is_connection"]
    new.loc[60:64, "rank"] = pd.NA
    db = tmp_path / "history.sqlite"
    conn = store.open_for_writing(db)
    inputs = pd.DataFrame([{"kind": "export", "name": "x.csv"}])
    day = date(2026, 1, 5)
    run = store.Run(datetime(2026, 1, 5), "2026-01-05", "test", old, marks(old, day, rng), inputs,
                    TARGETS)  # fmt: skip
    store.write_run(conn, run)
    return conn, new


@pytest.mark.parametrize(
    "settings", [History(), History(rank_move_within=0), History(rank_move=0)], ids=str
)
def test_the_rows_that_may_differ_give_the_changes_of_the_whole_runs(tmp_path, settings):
    conn, new = _runs(tmp_path)
    _since, old, earlier = _last_run(conn)
    whole_old = reads.prospects(conn, 1)
    targets = {t.lower() for t in TARGETS}
    whole = diff(whole_old, records(new), targets, rank_move=settings.rank_move,
                 within=settings.rank_move_within)  # fmt: skip
    keep = {m["prospect_id"] for m in earlier}
    old_rows, new_rows = may_differ(old, new, keep, settings.rank_move, settings.rank_move_within)
    if settings.rank_move_within or not settings.rank_move:  # else every rank move counts
        assert len(new_rows) < len(new) / 2  # most people did not change
    part = diff(old_rows, new_rows, targets, rank_move=settings.rank_move,
                within=settings.rank_move_within)  # fmt: skip
    kinds = {c["kind"] for c in whole}
    assert {"job_change", "promotion", "new_connection", "left", "newly_alum"} <= kinds
    assert part == whole
    # the rows handed over are the rows themselves (SQLite's values on the old side)
    by_id = {r["prospect_id"]: r for r in whole_old}
    assert all(by_id[r["prospect_id"]] == r for r in old_rows)
    # the marked people are there on both sides, changed or not (the report shows them)
    assert keep and keep <= {r["prospect_id"] for r in old_rows}
    conn.close()


def test_an_empty_last_run_reads_as_an_empty_frame(tmp_path):
    conn = store.open_for_writing(tmp_path / "h.sqlite")
    empty = first_run(3, np.random.default_rng(1)).iloc[:0]
    none = pd.DataFrame(columns=list(store.MARK_COLUMNS))
    files = pd.DataFrame(columns=list(store.INPUT_COLUMNS))
    store.write_run(
        conn, store.Run(datetime(2026, 1, 5), "2026-01-05", "t", empty, none, files, ())
    )
    since, old, _ = _last_run(conn)
    assert since == "2026-01-05" and list(old.columns) == list(store.PROSPECT_COLUMNS)
    assert len(old) == 0
    new = first_run(5, np.random.default_rng(2))
    old_rows, new_rows = may_differ(old, new, set(), 10)
    assert old_rows == [] and len(new_rows) == 5
    conn.close()
