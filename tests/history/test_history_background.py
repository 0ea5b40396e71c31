"""The run's history entry worked out on a worker thread (history.background, for_run): the
same Pending, Due column, What changed and history tables as ``prepare`` on the caller's
thread; the worker's error reaches whoever asks for its answer, and a run whose worker failed
writes no file, as when the history came before the workbook."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from history_exports import RUN_DATES, load_settings, mark_contacts, write_version
from typer.testing import CliRunner

from pipeline import history, run
from pipeline.cli import app
from pipeline.export import workbook
from pipeline.history import background, record, store

NOW = datetime(2026, 9, 10, 9)


@pytest.fixture(scope="module")
def second_run(tmp_path_factory) -> tuple[Path, object]:
    """A history of one run, and the Result of the next, whose previous workbook has a
    person due to be contacted again and a follow-up due (so the Due column has a reason)."""
    folder = tmp_path_factory.mktemp("background")
    loaded = load_settings(folder)
    db, book = folder / "history.sqlite", folder / "shortlist.xlsx"
    first = run.shortlist(write_version(folder / "v1", 1), loaded, today=RUN_DATES[1])
    pending = history.prepare(first, db, now=datetime(2026, 6, 1, 9))
    run.write(first, book)
    pending.commit()
    mark_contacts(book)
    inputs = replace(write_version(folder / "v2", 2), previous=book)
    return db, run.shortlist(inputs, loaded, today=RUN_DATES[2])


def _tables(db: Path) -> dict[str, list]:
    with sqlite3.connect(db) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: sorted(map(repr, conn.execute(f"SELECT * FROM {n}"))) for n in names}


def _copy(db: Path, folder: Path, name: str) -> Path:
    copy = folder / name
    shutil.copy(db, copy)
    return copy


@pytest.mark.parametrize("threaded", [True, False])
def test_the_worker_gives_what_prepare_gives(second_run, tmp_path, threaded) -> None:
    db, result = second_run
    a, b = _copy(db, tmp_path, "a.sqlite"), _copy(db, tmp_path, "b.sqlite")
    begun = record.begin(result, a, now=NOW)
    later = background.Background(begun, result.ranked, result.filtered, threaded=threaded)
    alone = history.prepare(result, b, now=NOW)
    assert alone.reasons and alone.overdue_ids and alone.found  # the test has something to see
    due = later.with_due(result.ranked)  # at once, from the marks
    pd.testing.assert_frame_equal(due, alone.with_due(result.ranked))
    assert due["why"].str.startswith("Due:").sum() == 1
    mine, theirs = later.what_changed(), alone.what_changed()
    assert (mine.title, mine.lines) == (theirs.title, theirs.lines)
    pd.testing.assert_frame_equal(mine.rows, theirs.rows)
    assert later.summary() == alone.summary()
    assert later.get() is not None  # the commit's blobs, made by the worker
    later.commit()
    alone.commit()
    later.close()  # after the commit: nothing left to do, nothing raised
    assert _tables(a) == _tables(b)


def test_for_run_is_the_worker_and_its_answers_are_prepare_s(second_run, tmp_path) -> None:
    db, result = second_run
    book = tmp_path / "shortlist.xlsx"
    _copy(db, tmp_path, "history.sqlite")
    later = history.for_run(result, book, None, off=False, say=print)
    assert isinstance(later, background.Background)
    alone = history.prepare(result, _copy(db, tmp_path, "b.sqlite"), now=NOW)
    assert later.summary() == alone.summary()
    later.close()
    alone.close()
    assert history.for_run(result, book, None, off=True, say=print) is None


def _broken(monkeypatch, error: BaseException) -> None:
    def snapshot_table(*_args: object) -> object:
        raise error

    monkeypatch.setattr(background, "snapshot_table", snapshot_table)


def test_the_worker_s_error_reaches_whoever_asks(second_run, tmp_path, monkeypatch) -> None:
    db, result = second_run
    error = RuntimeError("snapshot failed")
    _broken(monkeypatch, error)
    path = _copy(db, tmp_path, "history.sqlite")
    before = _tables(path)
    later = background.Background(record.begin(result, path, now=NOW), result.ranked, None)
    assert later.failed() is error
    for ask in (later.what_changed, later.summary, later.commit):
        with pytest.raises(RuntimeError, match="snapshot failed"):
            ask()
    due = later.with_due(result.ranked)  # the marks' part does not need the worker
    assert due["why"].str.startswith("Due:").sum() == 1
    later.close()
    assert _tables(path) == before


def test_a_failed_worker_leaves_the_csvs_and_the_workbook_as_they_were(
    second_run, tmp_path
) -> None:
    _, result = second_run
    out = tmp_path / "book.xlsx"
    csvs = workbook.files_beside(out)
    for old in (out, *csvs):
        old.write_bytes(b"the user's old file")

    def what_changed() -> None:
        raise RuntimeError("the history's worker failed")

    with pytest.raises(RuntimeError, match="the history's worker failed"):
        workbook.write_workbook(
            out, result.ranked, matches=result.linked.matches, all_rows=3, matches_rows=1,
            what_changed=what_changed,
        )  # fmt: skip
    for old in (out, *csvs):  # the CSVs were begun beside, but replace nothing
        assert old.read_bytes() == b"the user's old file"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (out, *csvs))


def test_later_asks_once_whoever_asks_and_raises_to_each() -> None:
    from pipeline.export.whatchanged import Later

    asked: list[int] = []

    def give() -> str:
        asked.append(1)
        return "changes"

    later = Later(give)  # type: ignore[arg-type]
    assert later.get() == later.get() == "changes" and asked == [1]
    assert Later(None).get() is None

    def fail() -> None:
        asked.append(2)
        raise KeyError("x")

    failing = Later(fail)
    for _ in range(2):
        with pytest.raises(KeyError):
            failing.get()
    assert asked == [1, 2]


@pytest.mark.parametrize(
    "error", [store.HistoryError("The history could not be compared."), RuntimeError("boom")]
)
def test_the_command_meets_the_worker_s_error_as_it_met_prepare_s(
    tmp_path, monkeypatch, error
) -> None:
    """prepare raised before the workbook was begun: one line and exit 1 for our own error,
    the error itself for any other, and no workbook, CSV or run in the history."""
    out = tmp_path / "shortlist.xlsx"
    _broken(monkeypatch, error)
    got = CliRunner().invoke(app, ["shortlist", "--out", str(out)])
    assert got.exit_code == 1
    if isinstance(error, store.HistoryError):
        assert "Error: The history could not be compared." in got.output
    else:
        assert got.exception is error
    assert not out.exists() and not list(tmp_path.glob("*.csv"))
    assert history.run_rows(tmp_path / "history.sqlite") == []
