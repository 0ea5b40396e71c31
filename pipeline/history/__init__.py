"""The run history (``out/history.sqlite``): what each run saw, and what changed since.

    pending = history.prepare(result, Path("out/history.sqlite"))   # compares with the last run
    run.write(replace(result, ranked=pending.with_due(result.ranked)), out,
              what_changed=pending.what_changed())
    pending.commit()                                                 # one transaction
    print(pending.summary())

``changes_since(path, since)`` answers ``prospects changes``; ``runs(path)`` ``prospects
history``; ``person(path, prospect_id)`` the history part of ``prospects explain``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.history import store
from pipeline.history.record import Pending, compare_with, prepare
from pipeline.history.store import HistoryError
from pipeline.settings import History

__all__ = [
    "HistoryError",
    "Pending",
    "changes_since",
    "changes_text",
    "default_path",
    "for_run",
    "person",
    "person_text",
    "prepare",
    "runs",
    "runs_text",
]


def default_path(workbook: Path) -> Path:
    """``history.sqlite`` beside the workbook."""
    return Path(workbook).with_name("history.sqlite")


def for_run(
    result: object, workbook: Path, path: Path | None, *, off: bool, say: Callable[[str], None]
) -> Pending | None:
    """The run's Pending entry in the history at ``path`` (default: beside ``workbook``), or
    None with ``off`` (``--no-history``)."""
    return None if off else prepare(result, path or default_path(workbook), say=say)


def runs(path: Path) -> pd.DataFrame:
    """One row per run, oldest first (``store.runs``)."""
    return _read(path, store.runs)


def runs_text(frame: pd.DataFrame) -> str:
    """`prospects history`: one line per run (counts and file names; no one's name)."""
    return _lines(frame, "The history has no runs yet.", _run_line)


def _run_line(r) -> str:
    export = f"; export of {r.export_date}" if r.export_date else ""
    return (
        f"#{r.run_id}  {r.run_date}  {r.people:,} people ({r.connections:,} connections, "
        f"{r.alumni:,} alumni){export}; files: {r.inputs or 'none'}"
    )


def _read(path: Path, query: Callable[[sqlite3.Connection], pd.DataFrame]) -> pd.DataFrame:
    """``query`` on the history at ``path``, opened for reading and closed whatever happens."""
    with closing(store.open_for_reading(path)) as conn:
        return query(conn)


def _lines(frame: pd.DataFrame, empty: str, line: Callable[[Any], str]) -> str:
    """``line`` of each row of ``frame`` (a named tuple), one a line; ``empty`` when none."""
    return "\n".join(line(r) for r in frame.itertuples()) if not frame.empty else empty


def changes_since(
    path: Path,
    since: date | None = None,
    settings: History | None = None,
    today: date | None = None,
) -> Pending:
    """The last run compared with the one before it or, with ``since``, with the last run made
    on or before that date (the first run when none was). The Pending is for reading only."""
    settings = settings or History()
    conn = store.open_for_reading(path)
    rows = conn.execute("SELECT run_id, run_date FROM runs ORDER BY run_id").fetchall()
    if not rows:
        conn.close()
        raise HistoryError(f"{Path(path).name} has no runs yet; run prospects shortlist first.")
    last_id, last_date = rows[-1]
    before = rows[:-1]
    if since is not None:
        on_or_before = [r for r in before if r[1] <= since.isoformat()]
        before = on_or_before or before[:1]
    base = before[-1] if before else None
    if base is None:
        old, new = None, store.prospects(conn, last_id)
    else:  # only the rows that may have changed: the join runs in SQLite
        old, new = store.differing(
            conn,
            int(base[0]),
            last_id,
            rank_move=settings.rank_move,
            within=settings.rank_move_within,
        )
    marks = store.marks(conn, last_id)
    latest = store.Run(
        run_at=pd.Timestamp(last_date).to_pydatetime(),
        run_date=last_date,
        version="",
        prospects=new,
        marks=marks[marks["run_id"] == last_id][list(store.MARK_COLUMNS)],
        inputs=pd.DataFrame(columns=list(store.INPUT_COLUMNS)),
        targets=tuple(store.targets(conn, last_id)),
    )
    earlier = marks[marks["run_id"] < last_id]
    pending = compare_with(
        conn,
        latest,
        str(base[1]) if base else None,
        old,
        earlier,
        settings,
        today or date.fromisoformat(last_date),
    )
    due = [*pending.due.index, *pending.overdue]
    people = pd.concat([new, store.prospects(conn, last_id, due)], ignore_index=True)
    pending.people = people.drop_duplicates("prospect_id")
    pending.path = Path(path)
    return pending


def changes_text(pending: Pending) -> str:
    """`prospects changes`: the summary line, then one line per change and per person due."""
    lines = [pending.summary()]
    for r in pending.rows().itertuples(index=False):
        before, now = (str(v) if isinstance(v, str) else "" for v in (r[2], r[3]))
        arrow = f"{before} -> {now}" if before and now else before or now
        lines.append(f"  {r[0]}: {r[1]}" + (f" ({arrow})" if arrow else ""))
    return "\n".join(lines)


def person(path: Path, prospect_id: str) -> pd.DataFrame:
    """One person over the runs (``store.person``); empty when the history has no such person."""
    return _read(path, lambda conn: store.person(conn, prospect_id))


def person_text(frame: pd.DataFrame) -> str:
    """The person's history for `prospects explain`: one line per run."""
    return _lines(frame, "  Not in the history yet.", _person_line)


def _person_line(r) -> str:
    rank = f"rank {int(r.rank)}" if pd.notna(r.rank) else "not ranked"
    job = " at ".join(str(v) for v in (r.title, r.company) if isinstance(v, str) and v)
    where = f"{job or 'no job known'} ({r.seniority or 'seniority unknown'}), {rank}"
    if pd.isna(r.is_connection) and pd.isna(r.is_alum):
        where = "no longer in your files"
    status = "; ".join(
        f"{label} {v}"
        for label, v in (
            ("status", r.status),
            ("contacted on", r.contacted_on),
            ("interested", r.interested),
        )
        if isinstance(v, str) and v
    )
    return f"  {r.run_date}: {where}" + (f"; {status}" if status else "")
