"""One run's entry in the history, and what it says about the run before.

``prepare(result, path)`` opens the history, builds this run's rows from the Result, compares
them with the last run, and works out who is due; nothing is written until ``Pending.commit()``,
which the CLI calls after the workbook is written (so a run that writes no workbook leaves no
trace, and a history that cannot be written never costs the user a workbook).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from anyascii import anyascii

from pipeline.history import changes as changes_mod
from pipeline.history import store
from pipeline.history.report import UNSAVED, Report, assess, summary_items
from pipeline.settings import History
from pipeline.workbook_contract import ID_HEADER, STATUS_CHOICES

if TYPE_CHECKING:  # openpyxl (through export) is imported only when a sheet is made
    from pipeline.export.whatchanged import WhatChanged

_EXPORT_DATE = re.compile(r"(\d{2})-(\d{2})-(\d{4})")  # Basic_LinkedInDataExport_11-28-2026.zip
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def _text(series: pd.Series) -> pd.Series:
    return series.astype(object).where(series.notna(), "").astype(str).str.strip()


def name_keys(names: pd.Series) -> pd.Series:
    """Lower-case ASCII words: "José  Núñez-Park" -> "jose nunez park"."""
    uniques = {v: _NON_ALNUM.sub(" ", anyascii(v).lower()).strip() for v in names.unique()}
    return names.map(uniques)


def snapshot(ranked: pd.DataFrame, filtered: pd.DataFrame | None = None) -> pd.DataFrame:
    """store.PROSPECT_COLUMNS for everyone in the run: ranked, then those the settings left out
    (rank empty). Both frames need the columns of ``schema.RANKED`` (filtered: PROSPECTS)."""
    frame = ranked if filtered is None or filtered.empty else pd.concat([ranked, filtered])
    frame = frame.drop_duplicates("prospect_id").reset_index(drop=True)
    name = _text(frame["full_name"])
    name = name.where(name != "", (_text(frame["first_name"]) + " " + _text(frame["last_name"])))
    connected = pd.to_datetime(frame["connected_on"], errors="coerce")
    return pd.DataFrame(
        {
            "prospect_id": frame["prospect_id"].astype(str),
            "name": name.str.strip(),
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


def _iso(value: object) -> str | None:
    """A date cell as read (datetime, or text like 2026-05-01) -> "2026-05-01"; else None."""
    if isinstance(value, datetime | date | pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, str) and value.strip() and not value.startswith("="):  # our formula
        parsed = pd.to_datetime(value.strip(), errors="coerce", format="ISO8601")
        return None if pd.isna(parsed) else f"{parsed:%Y-%m-%d}"
    return None


def _word(value: object) -> str | None:
    """A typed cell as stripped text; None when empty (numbers kept as their text)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def marks_from(rows: pd.DataFrame) -> pd.DataFrame:
    """store.MARK_COLUMNS from the previous workbook's rows (``Previous.rows``): one row per
    "ID (keep)" with anything the user wrote; Shortlist rows before Archived ones."""
    if rows.empty or ID_HEADER not in rows.columns:
        return pd.DataFrame(columns=list(store.MARK_COLUMNS))
    rows = rows[rows[ID_HEADER].map(_word).notna()]

    def get(name: str) -> pd.Series:
        return rows[name] if name in rows.columns else pd.Series(None, index=rows.index)

    def hashed(value: object) -> str | None:
        text = _word(value)  # notes stay in the workbook: the history keeps only their hash
        return text and hashlib.sha256(text.encode()).hexdigest()[:16]

    status = [_word(v) for v in get("Status")]
    out = pd.DataFrame(
        {
            "prospect_id": [_word(v) for v in get(ID_HEADER)],
            "status": [None if v == STATUS_CHOICES[0] else v for v in status],
            "contacted_on": [_iso(v) for v in get("Contacted on")],
            "follow_up_on": [_iso(v) for v in get("Follow up on")],
            "interested": [_word(v) for v in get("Interested")],
            "notes_hash": [hashed(v) for v in get("Notes")],
        },
        dtype=object,
    )
    out = out[out.drop(columns="prospect_id").notna().any(axis=1)]
    return out.drop_duplicates("prospect_id").reset_index(drop=True)


def inputs_frame(files: dict[str, tuple[Path, ...]]) -> pd.DataFrame:
    """store.INPUT_COLUMNS for the run's files ({kind: paths}); names only, never folders."""
    from pipeline.safety import file_signature as sha256

    rows = []
    for kind, paths in files.items():
        for path in paths:
            path = Path(path)
            found = _EXPORT_DATE.search(path.name)
            export_date = None
            if found:
                month, day, year = map(int, found.groups())
                try:
                    export_date = date(year, month, day).isoformat()
                except ValueError:
                    export_date = None
            is_file = path.is_file()
            rows.append(
                {
                    "kind": kind,
                    "name": path.name,
                    "size": path.stat().st_size if is_file else None,
                    "sha256": sha256(path) if is_file else None,
                    "export_date": export_date,
                }
            )
    return pd.DataFrame(rows, columns=list(store.INPUT_COLUMNS))


@dataclass
class Pending(Report):
    """A run ready to go into the history: its rows, and what it says compared with before."""

    path: Path
    conn: sqlite3.Connection
    run: store.Run
    notes: list[str] = field(default_factory=list)

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
            return store.write_run(self.conn, self.run)
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
) -> Pending:
    """Open the history at ``path`` and make this run's entry from ``result`` (``run.Result``),
    with its changes since the last run and who is due. Raises store.HistoryError for a history
    from a newer version; a damaged one is set aside (one line to ``say``)."""
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
        prospects=snapshot(result.ranked, result.filtered),  # type: ignore[attr-defined]
        marks=marks_from(previous.rows if previous is not None else pd.DataFrame()),
        inputs=inputs_frame(files),
        targets=tuple(result.context.target_companies.get("key", [])),  # type: ignore[attr-defined]
    )
    notes: list[str] = []

    def note(line: str) -> None:
        notes.append(line)
        say(line)

    conn = store.open_for_writing(path, note, now)
    try:
        base, old, earlier = _last_run(conn)
    except sqlite3.DatabaseError:  # a page damaged past the header: set aside, start again
        conn.close()
        conn = store.start_anew(Path(path), note, now)
        base, old, earlier = None, None, []
    pending = compare_with(conn, run, base, old, earlier, settings, today)
    pending.path, pending.notes = Path(path), notes
    return pending


def _last_run(
    conn: sqlite3.Connection,
) -> tuple[str | None, list[dict[str, Any]] | None, list[dict[str, Any]]]:
    """(run_date, prospects) of the last run, or (None, None); and every run's marks."""
    row = conn.execute("SELECT run_id, run_date FROM runs ORDER BY run_id DESC LIMIT 1").fetchone()
    if row is None:
        return None, None, []
    return str(row[1]), store.prospects(conn, int(row[0])), store.marks(conn)


def compare_with(
    conn: sqlite3.Connection,
    run: store.Run,
    since: str | None,
    old: Sequence[Mapping[str, Any]] | None,
    marks: Sequence[Mapping[str, Any]],
    settings: History,
    today: date,
) -> Pending:
    """A Pending for ``run`` compared with ``old`` (the prospects of the run of ``since``; None
    for none), with who is due from ``marks`` (every earlier run's rows) and the run's own marks."""
    own = [dict(m, run_id=UNSAVED, run_date=run.run_date) for m in changes_mod.records(run.marks)]
    new = changes_mod.records(run.prospects)
    found = assess(since, old, new, run.targets, [*marks, *own], settings, today)
    return Pending(**vars(found), path=Path(), conn=conn, run=run)
