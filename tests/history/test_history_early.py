"""The last run's state read on a second thread while the stages run (history.early): the same
Pending as reading it in prepare, used only when the file is unchanged since, and nothing
changed, printed or raised by the thread itself."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from history_exports import RUN_DATES, load_settings, record, write_version

from pipeline import history, run
from pipeline.history import record as record_mod
from pipeline.history import store
from pipeline.history.early import Early


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory) -> tuple[Path, Path, object]:
    """A history of versions 1 and 2, and the Result of version 3."""
    folder = tmp_path_factory.mktemp("early")
    loaded = load_settings(folder)
    db = folder / "history.sqlite"
    record(folder, 1, loaded, db)
    record(folder, 2, loaded, db)
    result = run.shortlist(write_version(folder / "v3", 3), loaded, today=RUN_DATES[3])
    return folder, db, result


def _prepare(result, db: Path, early: Early | None = None) -> history.Pending:
    now = datetime.combine(RUN_DATES[3], datetime.min.time())
    return history.prepare(result, db, now=now, early=early)


def _tables(db: Path) -> dict[str, list]:
    with sqlite3.connect(db) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: sorted(map(repr, conn.execute(f"SELECT * FROM {n}"))) for n in names}


def test_the_early_state_is_the_one_prepare_reads(two_runs, tmp_path) -> None:
    _, db, _ = two_runs
    early = Early(db)
    early.start()
    got = early.get(db)
    assert got is not None
    with sqlite3.connect(db) as conn:
        want = record_mod._last_state(conn)
    assert got[0] == want[0] and got[3] == want[3]  # since, every run's marks
    assert got[1].equals(want[1])
    pd.testing.assert_frame_equal(got[2], want[2])


def test_a_run_with_the_early_state_writes_and_says_what_one_without_does(
    two_runs, tmp_path
) -> None:
    _, db, result = two_runs
    with_early, without = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    shutil.copy(db, with_early)
    shutil.copy(db, without)
    early = Early(with_early)
    early.start()
    a = _prepare(result, with_early, early)
    b = _prepare(result, without)
    assert early.get(with_early) is not None  # it was used: the file had not changed
    pd.testing.assert_frame_equal(a.rows(), b.rows())
    assert a.summary() == b.summary() and a.what_changed().lines == b.what_changed().lines
    a.commit()
    b.commit()
    assert _tables(with_early) == _tables(without)


def test_a_file_changed_after_the_early_read_is_read_again(two_runs, tmp_path) -> None:
    _, db, result = two_runs
    copy = tmp_path / "history.sqlite"
    shutil.copy(db, copy)
    early = Early(copy)
    early.start()
    assert early.get(copy) is not None
    _prepare(result, copy).commit()  # another run lands in between
    assert early.get(copy) is None
    again = _prepare(result, copy, early)  # compares with that run, as prepare alone does
    alone = _prepare(result, copy)
    pd.testing.assert_frame_equal(again.rows(), alone.rows())
    again.close()
    alone.close()
    assert early.get(tmp_path / "other.sqlite") is None  # another file: never its state


@pytest.mark.parametrize("content", [None, b"not a database at all" * 100, "newer"])
def test_no_history_a_damaged_or_newer_one_reads_nothing_and_changes_nothing(
    content, tmp_path
) -> None:
    path = tmp_path / "history.sqlite"
    if content == "newer":
        conn = sqlite3.connect(path)
        conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
        conn.close()
    elif content is not None:
        path.write_bytes(content)
    before = path.read_bytes() if path.exists() else None
    early = Early(path)
    early.start()
    assert early.get(path) is None
    assert (path.read_bytes() if path.exists() else None) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ([path.name] if before else [])


def test_the_damaged_file_still_gets_prepare_s_own_note(two_runs, tmp_path) -> None:
    _, _, result = two_runs
    path = tmp_path / "history.sqlite"
    path.write_bytes(b"not a database at all" * 100)
    said: list[str] = []
    now = datetime.combine(RUN_DATES[3], datetime.min.time())
    early = Early(path)
    early.start()
    pending = history.prepare(result, path, say=said.append, now=now, early=early)
    pending.close()
    assert len(said) == 1 and "set it aside" in said[0]


def test_nothing_is_read_before_start_and_the_run_starts_it_once_the_files_are_read(
    two_runs, monkeypatch
) -> None:
    _, db, _ = two_runs
    early = Early(db)
    assert early.get(db) is None  # not started: prepare reads the state itself
    early.close()
    calls: list[str] = []

    class Stop(Exception):
        pass

    def normalize(*_args: object) -> None:
        calls.append("normalize")
        raise Stop

    monkeypatch.setattr(run, "normalize", normalize)
    with pytest.raises(Stop):
        run.shortlist(
            run.Inputs.sample(), run.load_settings(run.SAMPLE_CONFIG),
            after_reading=lambda: calls.append("after reading"),
        )  # fmt: skip
    assert calls == ["after reading", "normalize"]
