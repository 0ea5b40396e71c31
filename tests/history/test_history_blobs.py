"""The commit's blobs made beforehand (``blobs.Ahead``, on a thread while the workbook is
written) give the same file, byte for byte, as a commit that makes them itself: keyframes or
not, and when Arrow cannot make the snapshot (the rows alone serve, as before)."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from benchmarks.bench_history import first_run, marks, next_run
from pipeline.history import blobs, snapshot, store


def _runs(n: int = 300, k: int = 4) -> list[store.Run]:
    rng = np.random.default_rng(8)
    people, found = first_run(n, rng), []
    for i in range(k):
        if i:
            people = next_run(people, i, rng)
        day = date(2026, 1, 5) + timedelta(days=30 * i)
        frame = people.reindex(columns=list(store.PROSPECT_COLUMNS))
        frame = frame.sample(frac=1, random_state=i).reset_index(drop=True)  # not in key order
        table = snapshot.columnar(frame, store.PROSPECT_COLUMNS)
        assert isinstance(table, pa.Table)
        at = datetime.combine(day, datetime.min.time())
        marked = marks(people, day, rng).reset_index(drop=True)
        files = pd.DataFrame(columns=list(store.INPUT_COLUMNS))
        found.append(store.Run(at, day.isoformat(), "test", table, marked, files, ("acme",)))
    return found


def _write(path: Path, made) -> bytes:
    conn = store.open_for_writing(path)
    try:
        for run in _runs():
            store.write_run(conn, run, None, made(run.prospects))
    finally:
        conn.close()
    return path.read_bytes()


@pytest.mark.parametrize("share", [0.0, 0.2, 1.0])  # a keyframe each run, some, the first only
def test_blobs_made_ahead_write_the_same_file(tmp_path, monkeypatch, share):
    monkeypatch.setattr(store, "KEYFRAME_SHARE", share)
    itself = _write(tmp_path / "itself.sqlite", lambda _table: None)
    ahead = _write(tmp_path / "ahead.sqlite", lambda table: blobs.Ahead(table).get())
    assert ahead == itself
    with sqlite3.connect(tmp_path / "ahead.sqlite") as conn:
        assert conn.execute("SELECT count(*) FROM volatile").fetchone()[0] == 4


def test_without_zstd_the_same_file_as_before(tmp_path, monkeypatch):
    def refuse(_table):
        raise pa.ArrowInvalid("no zstd")

    monkeypatch.setattr(snapshot, "to_bytes", refuse)
    itself = _write(tmp_path / "itself.sqlite", lambda _table: None)
    made = _write(tmp_path / "ahead.sqlite", lambda table: blobs.Ahead(table).get())
    assert blobs.make(_runs(20, 1)[0].prospects).snapshot is None
    assert made == itself


def test_a_failed_thread_leaves_the_blobs_to_the_commit(monkeypatch):
    def broken(_table):
        raise MemoryError

    monkeypatch.setattr(blobs, "make", broken)
    assert blobs.Ahead(_runs(20, 1)[0].prospects).get() is None
