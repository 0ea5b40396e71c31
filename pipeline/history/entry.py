"""The run's own rows in the history besides its prospects: the marks the user wrote in the
previous workbook (``marks_from``) and the input files (``inputs_frame``). Split from
``record``, which builds the run's entry from them."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.history import store
from pipeline.workbook_contract import ID_HEADER, STATUS_CHOICES

_EXPORT_DATE = re.compile(r"(\d{2})-(\d{2})-(\d{4})")  # Basic_LinkedInDataExport_11-28-2026.zip


def _iso(value: object) -> str | None:
    """A date cell as read (datetime, or text like 2026-05-01) -> "2026-05-01"; else None."""
    if value is pd.NaT:  # a datetime by isinstance, but it has no strftime
        return None
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


def inputs_frame(
    files: dict[str, tuple[Path, ...]], signatures: Mapping[Path, str] = {}
) -> pd.DataFrame:
    """store.INPUT_COLUMNS for the run's files ({kind: paths}); names only, never folders.
    ``signatures``: the files' SHA-256 already made (``Result.signatures``), else hashed here."""
    from pipeline.safety import signature_of

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
                    "sha256": signature_of(path, signatures) if is_file else None,
                    "export_date": export_date,
                }
            )
    return pd.DataFrame(rows, columns=list(store.INPUT_COLUMNS))
