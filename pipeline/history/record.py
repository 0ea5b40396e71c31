"""One run's entry in the history, and what it says about the run before.

``prepare(result, path)`` opens the history, builds this run's rows from the Result, compares
them with the last run, and works out who is due; nothing is written until ``Pending.commit()``,
which the CLI calls after the workbook is written (so a run that writes no workbook leaves no
trace, and a history that cannot be written never costs the user a workbook).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.history import changes as changes_mod
from pipeline.history import delta as delta_mod
from pipeline.history import reads, store
from pipeline.history.blobs import Ahead
from pipeline.history.differ import _stored_rows, may_differ
from pipeline.history.entry import inputs_frame, marks_from
from pipeline.history.namekeys import name_keys
from pipeline.history.report import (
    UNSAVED,
    Report,
    assess,
    due_frame,
    summary_items,
    who_is_due,
)
from pipeline.history.snapshot import columnar
from pipeline.settings import History

if TYPE_CHECKING:  # openpyxl (through export) is imported only when a sheet is made
    from pipeline.export.whatchanged import WhatChanged


def _text(series: pd.Series) -> pd.Series:
    """Each cell as stripped text, "" when missing."""
    if isinstance(series.dtype, pd.StringDtype):  # already text: no round trip through objects
        return series.fillna("").astype(str).str.strip()
    return series.astype(object).where(series.notna(), "").astype(str).str.strip()


#: The columns of a ranked (or filtered) frame that ``snapshot`` reads.
_SNAPSHOT_SOURCES = (
    "prospect_id", "full_name", "first_name", "last_name", "company", "company_key", "title",
    "seniority", "school", "grad_year", "is_connection", "is_alum", "connected_on", "warmth",
    "score", "rank",
)  # fmt: skip


def snapshot(ranked: pd.DataFrame, filtered: pd.DataFrame | None = None) -> pd.DataFrame:
    """store.PROSPECT_COLUMNS for everyone in the run: ranked, then those the settings left out
    (rank empty). Both frames need the columns of ``schema.RANKED`` (filtered: PROSPECTS)."""
    frame = _sources(ranked, filtered)
    repeated = frame["prospect_id"].duplicated().to_numpy()
    return _snapshot_of((frame[~repeated] if repeated.any() else frame).reset_index(drop=True))


def snapshot_table(
    ranked: pd.DataFrame, filtered: pd.DataFrame | None = None
) -> pa.Table | pd.DataFrame:
    """``snapshot`` as the Arrow table the history stores (``snapshot.columnar``: SQLite's
    types), made once per run: the comparison with the last run and the commit both take it as
    it is. The people are the first of each prospect_id, as in ``snapshot``, in its order (not
    sorted: who reads it in prospect_id order sorts the few rows it needs). A frame whose
    values Arrow cannot hold as SQLite does (``columnar`` gives None) is ``snapshot``'s
    DataFrame, which the commit writes as rows."""
    frame = _snapshot_of(_sources(ranked, filtered).reset_index(drop=True))
    table = columnar(frame, store.PROSPECT_COLUMNS)
    if table is None:
        return snapshot(ranked, filtered)  # type: ignore[return-value]
    ids = table["prospect_id"].combine_chunks()
    if len(pc.unique(ids)) < len(ids):  # one hash pass; finding the first of each takes two
        first = pc.index_in(ids, value_set=ids).to_numpy(zero_copy_only=False)
        table = table.filter(pa.array(first == np.arange(len(ids))))
    return table.combine_chunks()


def _sources(ranked: pd.DataFrame, filtered: pd.DataFrame | None) -> pd.DataFrame:
    # Only the columns read below: the ranked frame has about 60, and copying them all (concat,
    # dropping duplicates) cost most of a second at 200,000 people.
    frames = [ranked] if filtered is None or filtered.empty else [ranked, filtered]
    frames = [f[[c for c in _SNAPSHOT_SOURCES if c in f.columns]] for f in frames]
    return frames[0] if len(frames) == 1 else pd.concat(frames)


def _snapshot_of(frame: pd.DataFrame) -> pd.DataFrame:
    name = _text(frame["full_name"])
    unnamed = (name == "").to_numpy(dtype=bool)
    if unnamed.any():  # first and last name only where the full name is empty
        rest = frame[unnamed]
        name = name.copy()
        name[unnamed] = (_text(rest["first_name"]) + " " + _text(rest["last_name"])).str.strip()
    connected = pd.to_datetime(frame["connected_on"], errors="coerce")
    return pd.DataFrame(
        {
            "prospect_id": frame["prospect_id"].astype(str),
            "name": name,  # stripped
            "name_key": name_keys(name),
            "company": _text(frame["company"]),
            "company_key": _text(frame["company_key"]),
            "title": _text(frame["title"]),
            "seniority": _text(frame["seniority"]),
            "school": _text(frame["school"]),
            "grad_year": pd.to_numeric(frame["grad_year"], errors="coerce").astype("Int64"),
            "is_connection": frame["is_connection"].eq(True).astype(int),
            "is_alum": frame["is_alum"].eq(True).astype(int),
            "connected_on": connected.dt.strftime("%Y-%m-%d").where(connected.notna(), None),
            "warmth": pd.to_numeric(frame.get("warmth"), errors="coerce"),
            "score": pd.to_numeric(frame.get("score"), errors="coerce"),
            "rank": pd.to_numeric(frame.get("rank"), errors="coerce").round().astype("Int64"),
        }
    )


@dataclass
class Pending(Report):
    """A run ready to go into the history: its rows, and what it says compared with before."""

    path: Path
    conn: sqlite3.Connection
    run: store.Run
    notes: list[str] = field(default_factory=list)
    delta: Any = None  # delta.Delta from the last run, for the commit
    ahead: Any = None  # blobs.Ahead: the commit's blobs, made while the workbook is written

    def rows(self) -> pd.DataFrame:
        """The What changed table (report.TABLE_COLUMNS): the changes, then who is due."""
        return self.frame()

    def what_changed(self) -> WhatChanged:
        """The What changed sheet's content (title, summary items, rows)."""
        from pipeline.export.whatchanged import WhatChanged

        title = f"What changed since your run of {self.since}" if self.since else "What needs you"
        items = summary_items(self.found, len(self.overdue_ids), len(self.reasons))
        return WhatChanged(title, tuple(items), self.frame())

    def with_due(self, ranked: pd.DataFrame) -> pd.DataFrame:
        """``ranked`` with each due person's reason in front of their Why."""
        return with_due(ranked, self.due)

    def commit(self) -> int:
        """Write the run in one transaction; returns its run_id."""
        try:
            blobs = self.ahead.get() if self.ahead is not None else None
            return store.write_run(self.conn, self.run, self.delta, blobs)
        except sqlite3.Error as exc:  # SQLite's message names no data: "database is locked" …
            raise store.HistoryError(
                f"Could not add this run to {self.path.name} ({exc}); the workbook was written."
            ) from None
        finally:
            self.conn.close()

    def close(self) -> None:
        self.conn.close()


def with_due(ranked: pd.DataFrame, due: pd.DataFrame) -> pd.DataFrame:
    """``ranked`` (needs prospect_id and why) with the Due reason put in front of the Why."""
    if due.empty:
        return ranked
    reason = ranked["prospect_id"].map(due["reason"])
    why = ranked["why"].astype(object).where(ranked["why"].notna(), "")
    new = np.where(reason.notna(), reason.fillna("") + " " + why.astype(str), why)
    return ranked.assign(why=pd.Series(new, index=ranked.index).str.strip())


def prepare(
    result: object,
    path: Path,
    *,
    say: Callable[[str], None] = lambda _m: None,
    now: datetime | None = None,
    early: Any = None,
) -> Pending:
    """Open the history at ``path`` and make this run's entry from ``result`` (``run.Result``),
    with its changes since the last run and who is due. Raises store.HistoryError for a history
    from a newer version; a damaged one is set aside (one line to ``say``). ``early``
    (``early.Early``): the last run's state, read while the stages ran. ``begin``, then its
    ``finish`` on this run's snapshot (``background.Background`` makes that on a thread)."""
    begun = begin(result, path, say=say, now=now, early=early)
    pending = begun.finish(snapshot_table(result.ranked, result.filtered))  # type: ignore[attr-defined]
    if isinstance(pending.run.prospects, pa.Table):
        pending.ahead = Ahead(pending.run.prospects)
    return pending


@dataclass
class Begun:
    """``prepare``'s part that reads the history file (and sets a damaged one aside), on the
    caller's thread: the run's entry without its prospects, the history open for writing, the
    last run's state (``_last_state``) and the lines said. ``finish`` touches no file."""

    path: Path
    conn: sqlite3.Connection
    run: store.Run  # prospects: None until ``finish``
    settings: History
    today: date
    state: tuple[Any, ...]
    notes: list[str]

    def due(self) -> pd.DataFrame:
        """Who is due (``Report.due``): from the marks alone, before the run's snapshot."""
        earlier = self.state[3]
        reasons, _ = who_is_due([*earlier, *own_marks(self.run)], self.settings, self.today)
        return due_frame(reasons)

    def finish(self, prospects: pa.Table | pd.DataFrame) -> Pending:
        """The Pending of the run whose snapshot is ``prospects`` (``snapshot_table``)."""
        run = replace(self.run, prospects=prospects)
        pending = pending_for(self.conn, run, self.settings, self.today, self.state)
        pending.path, pending.notes = self.path, self.notes
        return pending


def begin(
    result: object,
    path: Path,
    *,
    say: Callable[[str], None] = lambda _m: None,
    now: datetime | None = None,
    early: Any = None,
) -> Begun:
    """``prepare`` up to the run's snapshot: the checks, the history opened (a damaged one set
    aside, with its line to ``say``) and the last run's state read, as ``prepare`` does them."""
    from pipeline import __version__

    now = now or datetime.now()
    settings: History = result.settings.history  # type: ignore[attr-defined]
    today: date = result.today  # type: ignore[attr-defined]
    inputs = result.inputs  # type: ignore[attr-defined]
    files = {
        "export": tuple(p for p in (inputs.export,) if p is not None),
        "alumni": tuple(inputs.alumni),
        "targets": tuple(p for p in (inputs.targets,) if p is not None),
    }
    path = Path(path)
    for other in (*inputs.files, *(p for ps in files.values() for p in ps)):
        if Path(other).resolve() == path.resolve():
            # Never set aside (rename) a user's file: a spreadsheet is no SQLite database.
            raise store.HistoryError(
                f"{path.name} is one of the input files; give --history another file name."
            )
    previous = result.previous  # type: ignore[attr-defined]
    run = store.Run(
        run_at=now,
        run_date=today.isoformat(),
        version=__version__,
        prospects=None,  # type: ignore[arg-type]  # Begun.finish gives them
        marks=marks_from(previous.rows if previous is not None else pd.DataFrame()),
        inputs=inputs_frame(files, getattr(result, "signatures", {})),
        targets=tuple(result.context.target_companies.get("key", [])),  # type: ignore[attr-defined]
    )
    notes: list[str] = []

    def note(line: str) -> None:
        notes.append(line)
        say(line)

    conn = store.open_for_writing(path, note, now)
    try:
        state = (early.get(path) if early is not None else None) or _last_state(conn)
    except (sqlite3.DatabaseError, store.HistoryError):  # a damaged page or blob: start again
        conn.close()
        conn = store.start_anew(Path(path), note, now)
        state = _last_state(conn)
    return Begun(path, conn, run, settings, today, state, notes)


def pending_for(
    conn: sqlite3.Connection, run: store.Run, settings: History, today: date, state: Any = None
) -> Pending:
    """``run`` compared with the last run in the history open on ``conn``: the Pending that
    ``prepare`` gives (``commit`` writes the run with the comparison's delta). ``state``: that
    run's ``_last_state``, when it was read already (``early.Early``)."""
    base, last, old, earlier = state if state is not None else _last_state(conn)
    marked = {m["prospect_id"] for m in earlier} | set(run.marks["prospect_id"])
    prospects = run.prospects
    if isinstance(prospects, pa.Table):  # Arrow-backed columns: no copy
        prospects = prospects.to_pandas(types_mapper=pd.ArrowDtype)
    found = None  # one comparison: the commit's delta, and whom the report looks at
    if last is not None and isinstance(run.prospects, pa.Table):
        found = delta_mod.compare(last, run.prospects)
    if old is not None:  # only the people who may have changed go through diff's Python
        at, changed = (None, None) if found is None else (found.at, found.changed)
        old, new = may_differ(
            old, prospects, marked, settings.rank_move, settings.rank_move_within, at=at,
            changed=changed,
        )  # fmt: skip
    else:  # nothing to compare with: the run's rows serve only to name who is due, all marked
        new = _stored_rows(prospects[prospects["prospect_id"].isin(marked)])
    pending = compare_with(conn, run, base, old, earlier, settings, today, new=new)
    pending.delta = found
    return pending


def _last_state(
    conn: sqlite3.Connection,
) -> tuple[str | None, pa.Table | None, pd.DataFrame | None, list[dict[str, Any]]]:
    """``_last_run`` with the last run's Arrow table (None when it was read from rows)."""
    row = conn.execute("SELECT run_id, run_date FROM runs ORDER BY run_id DESC LIMIT 1").fetchone()
    if row is None:
        return None, None, None, []
    table = reads.last_snapshot(conn, int(row[0]))
    if table is None and reads.storage(conn, int(row[0])) == "delta":
        from pipeline.history import states

        table = states.state(conn, int(row[0]))  # HistoryError when a blob is damaged
    if table is not None:
        frame = table.to_pandas(types_mapper=pd.ArrowDtype)
        return str(row[1]), table, frame, reads.marks(conn)
    since, old, marks = _last_run(conn)
    return since, None, old, marks


def _last_run(
    conn: sqlite3.Connection,
) -> tuple[str | None, pd.DataFrame | None, list[dict[str, Any]]]:
    """(run_date, prospects: store.PROSPECT_COLUMNS in prospect_id order) of the last run, or
    (None, None); and every run's marks. The prospects come from the run's columnar snapshot
    (``reads.last_snapshot``: Arrow-backed columns) when the file has it, else from its rows
    (object columns: each cell the value SQLite gave, None, int, float or str, as reads.rows
    has it); ``may_differ`` takes either."""
    row = conn.execute("SELECT run_id, run_date FROM runs ORDER BY run_id DESC LIMIT 1").fetchone()
    if row is None:
        return None, None, []
    table = reads.last_snapshot(conn, int(row[0]))
    if table is not None:
        return str(row[1]), table.to_pandas(types_mapper=pd.ArrowDtype), reads.marks(conn)
    sql = (
        f"SELECT {', '.join(store.PROSPECT_COLUMNS)} FROM prospects WHERE run_id = ?"
        " ORDER BY prospect_id"  # the primary key's order: SQLite reads it so anyway
    )
    found = conn.execute(sql, (int(row[0]),)).fetchall()
    columns = zip(*found, strict=True) if found else ((),) * len(store.PROSPECT_COLUMNS)
    old = pd.DataFrame(dict(zip(store.PROSPECT_COLUMNS, columns, strict=True)), dtype=object)
    return str(row[1]), old, reads.marks(conn)


def own_marks(run: store.Run) -> list[dict[str, Any]]:
    """The run's own marks as the history's readers give marks (after every run's)."""
    return [dict(m, run_id=UNSAVED, run_date=run.run_date) for m in changes_mod.records(run.marks)]


def compare_with(
    conn: sqlite3.Connection,
    run: store.Run,
    since: str | None,
    old: Sequence[Mapping[str, Any]] | None,
    marks: Sequence[Mapping[str, Any]],
    settings: History,
    today: date,
    *,
    new: Sequence[Mapping[str, Any]] | None = None,
) -> Pending:
    """A Pending for ``run`` compared with ``old`` (the prospects of the run of ``since``; None
    for none), with who is due from ``marks`` (every earlier run's rows) and the run's own marks.
    ``new``: the run's rows to compare (``may_differ``); default all of ``run.prospects``."""
    own = own_marks(run)
    if new is None:
        prospects = run.prospects
        new = (
            prospects.to_pylist()
            if isinstance(prospects, pa.Table)
            else changes_mod.records(prospects)
        )
    found = assess(since, old, new, run.targets, [*marks, *own], settings, today)
    return Pending(**vars(found), path=Path(), conn=conn, run=run)
