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

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.history import store
from pipeline.history.report import Report, assess
from pipeline.history.store import HistoryError
from pipeline.settings import History

if TYPE_CHECKING:  # record imports pandas: a run needs it, `prospects changes` does not
    import pandas as pd

    from pipeline.history.record import Pending, compare_with, prepare

__all__ = [
    "HistoryError",
    "Pending",
    "Report",
    "changes_since",
    "changes_text",
    "compare_with",
    "default_path",
    "for_run",
    "person",
    "person_text",
    "prepare",
    "run_rows",
    "runs",
    "runs_text",
]


def __getattr__(name: str) -> object:
    if name in ("Pending", "compare_with", "prepare"):
        from pipeline.history import record

        return getattr(record, name)
    raise AttributeError(f"module 'pipeline.history' has no attribute {name!r}")


def default_path(workbook: Path) -> Path:
    """``history.sqlite`` beside the workbook."""
    return Path(workbook).with_name("history.sqlite")


def for_run(
    result: object, workbook: Path, path: Path | None, *, off: bool, say: Callable[[str], None]
) -> Pending | None:
    """The run's Pending entry in the history at ``path`` (default: beside ``workbook``), or
    None with ``off`` (``--no-history``)."""
    from pipeline.history.record import prepare

    return None if off else prepare(result, path or default_path(workbook), say=say)


def runs(path: Path) -> pd.DataFrame:
    """One row per run, oldest first (``store.runs``)."""
    conn = store.open_for_reading(path)
    try:
        return store.runs(conn)
    finally:
        conn.close()


def run_rows(path: Path) -> list[dict[str, Any]]:
    """``runs`` as plain rows, without pandas (`prospects history`)."""
    conn = store.open_for_reading(path)
    try:
        return store.rows(conn, store.RUNS_SQL)
    finally:
        conn.close()


def runs_text(found: Sequence[Mapping[str, Any]]) -> str:
    """`prospects history`: one line per run (counts and file names; no one's name). ``found``:
    ``run_rows(path)``."""
    if not found:
        return "The history has no runs yet."
    lines = []
    for r in found:
        export = f"; export of {r['export_date']}" if r["export_date"] else ""
        lines.append(
            f"#{r['run_id']}  {r['run_date']}  {r['people']:,} people ({r['connections']:,} "
            f"connections, {r['alumni']:,} alumni){export}; files: {r['inputs'] or 'none'}"
        )
    return "\n".join(lines)


def changes_since(
    path: Path,
    since: date | None = None,
    settings: History | None = None,
    today: date | None = None,
) -> Report:
    """The last run compared with the one before it or, with ``since``, with the last run made
    on or before that date (the first run when none was).

    Reads only what can have changed: SQLite joins the two runs on their primary key and hands
    over the rows that differ (``store.differing``), plus the marks and the names of who is due.
    """
    settings = settings or History()
    conn = store.open_for_reading(path)
    try:
        found = conn.execute("SELECT run_id, run_date FROM runs ORDER BY run_id").fetchall()
        if not found:
            raise HistoryError(f"{Path(path).name} has no runs yet; run prospects shortlist first.")
        last_id, last_date = found[-1]
        before = found[:-1]
        if since is not None:
            before = [r for r in before if r[1] <= since.isoformat()] or before[:1]
        base = before[-1] if before else None
        if base is None:
            old, new = None, store.prospects(conn, last_id)
        else:
            rank_move, within = settings.rank_move, settings.rank_move_within
            old, new = store.differing(conn, base[0], last_id, rank_move=rank_move, within=within)
        targets = sorted(store.targets(conn, last_id))
        since_date = str(base[1]) if base else None
        today = today or date.fromisoformat(last_date)
        report = assess(since_date, old, new, targets, store.marks(conn, last_id), settings, today)
        unknown = [
            pid for pid in (*report.reasons, *report.overdue_ids) if pid not in report.people
        ]
        report.people.update((r["prospect_id"], r) for r in store.prospects(conn, last_id, unknown))
        return report
    finally:
        conn.close()


def changes_text(report: Report) -> str:
    """`prospects changes`: the summary line, then one line per change and per person due."""
    return report.text()


def person(path: Path, prospect_id: str) -> pd.DataFrame:
    """One person over the runs (``store.person``); empty when the history has no such person."""
    conn = store.open_for_reading(path)
    try:
        return store.person(conn, prospect_id)
    finally:
        conn.close()


def person_text(frame: pd.DataFrame) -> str:
    """The person's history for `prospects explain`: one line per run."""
    import pandas as pd

    if frame.empty:
        return "  Not in the history yet."
    lines = []
    for r in frame.itertuples():
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
        lines.append(f"  {r.run_date}: {where}" + (f"; {status}" if status else ""))
    return "\n".join(lines)
