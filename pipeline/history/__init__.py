"""The run history (``out/history.sqlite``): what each run saw, and what changed since.

    pending = history.prepare(result, Path("out/history.sqlite"))   # compares with the last run
    run.write(replace(result, ranked=pending.with_due(result.ranked)), out,
              what_changed=pending.what_changed())
    pending.commit()                                                 # one transaction
    print(pending.summary())

``for_run`` gives the same answers, worked out on a second thread while the workbook is begun
(``background.Background``: ``what_changed`` is then a function run.write calls).

``changes_since(path, since)`` answers ``prospects changes``; ``runs(path)`` ``prospects
history``; ``person(path, prospect_id)`` the history part of ``prospects explain``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pipeline.history import reads, store
from pipeline.history.report import Report, assess
from pipeline.history.store import HistoryError
from pipeline.settings import History

if TYPE_CHECKING:  # record imports pandas: a run needs it, `prospects changes` does not
    import pandas as pd

    from pipeline.history.background import Background
    from pipeline.history.early import Early
    from pipeline.history.record import Pending, compare_with, prepare

_T = TypeVar("_T")

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
    "read_early",
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
    result: object,
    workbook: Path,
    path: Path | None,
    *,
    off: bool,
    say: Callable[[str], None],
    early: Early | None = None,
) -> Background | None:
    """The run's entry in the history at ``path`` (default: beside ``workbook``), or None with
    ``off`` (``--no-history``): ``prepare``'s Pending, the file read here (its errors and
    lines here too), the rest on a worker thread (``background.Background``). ``early``:
    ``read_early``'s, started before the stages."""
    from pipeline.history.background import Background
    from pipeline.history.record import begin

    if off:
        return None
    begun = begin(result, path or default_path(workbook), say=say, early=early)
    return Background(begun, result.ranked, result.filtered)  # type: ignore[attr-defined]


def read_early(workbook: Path, path: Path | None, *, off: bool) -> Early | None:
    """The last run's state of the history ``for_run`` will open, read on a second thread
    from ``start()`` while the stages run (``early.Early``); None with ``off``. Close it when
    the run stops."""
    from pipeline.history.early import Early

    return None if off else Early(path or default_path(workbook))


def runs(path: Path) -> pd.DataFrame:
    """One row per run, oldest first (``reads.runs``)."""
    return _read(path, reads.runs)


def run_rows(path: Path) -> list[dict[str, Any]]:
    """``runs`` as plain rows, without pandas (`prospects history`)."""
    return _read(path, lambda conn: reads.rows(conn, reads.RUNS_SQL))


def runs_text(found: Sequence[Mapping[str, Any]]) -> str:
    """`prospects history`: one line per run (counts and file names; no one's name). ``found``:
    ``run_rows(path)``."""
    return _lines(found, "The history has no runs yet.", _run_line)


def _run_line(r: Mapping[str, Any]) -> str:
    export = f"; export of {r['export_date']}" if r["export_date"] else ""
    return (
        f"#{r['run_id']}  {r['run_date']}  {r['people']:,} people ({r['connections']:,} "
        f"connections, {r['alumni']:,} alumni){export}; files: {r['inputs'] or 'none'}"
    )


def _read(path: Path, query: Callable[[sqlite3.Connection], _T]) -> _T:
    """``query`` on the history at ``path``, opened for reading and closed whatever happens."""
    with closing(store.open_for_reading(path)) as conn:
        return query(conn)


def _lines(rows: Iterable[Any], empty: str, line: Callable[[Any], str]) -> str:
    """``line`` of each row, one a line; ``empty`` when there are none."""
    return "\n".join(map(line, rows)) or empty


def changes_since(
    path: Path,
    since: date | None = None,
    settings: History | None = None,
    today: date | None = None,
) -> Report:
    """The last run compared with the one before it or, with ``since``, with the last run made
    on or before that date (the first run when none was).

    Reads only what can have changed: SQLite joins the two runs on their primary key and hands
    over the rows that differ (``reads.differing``), plus the marks and the names of who is due.
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
        new: list[dict[str, Any]] = []  # with no run before: the rows of who is due, below
        if base is None:
            old = None
        else:
            rank_move, within = settings.rank_move, settings.rank_move_within
            old, new = reads.differing(conn, base[0], last_id, rank_move=rank_move, within=within)
        targets = sorted(reads.targets(conn, last_id))
        since_date = str(base[1]) if base else None
        today = today or date.fromisoformat(last_date)
        report = assess(since_date, old, new, targets, reads.marks(conn, last_id), settings, today)
        unknown = [
            pid for pid in (*report.reasons, *report.overdue_ids) if pid not in report.people
        ]
        report.people.update((r["prospect_id"], r) for r in reads.prospects(conn, last_id, unknown))
        return report
    finally:
        conn.close()


def changes_text(report: Report) -> str:
    """`prospects changes`: the summary line, then one line per change and per person due."""
    return report.text()


def person(path: Path, prospect_id: str) -> pd.DataFrame:
    """One person over the runs (``reads.person``); empty when the history has no such person."""
    return _read(path, lambda conn: reads.person(conn, prospect_id))


def person_text(frame: pd.DataFrame) -> str:
    """The person's history for `prospects explain`: one line per run."""
    return _lines(frame.itertuples(), "  Not in the history yet.", _person_line)


def _person_line(r: Any) -> str:
    import pandas as pd

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
