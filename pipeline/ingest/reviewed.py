"""A workbook the user has reviewed: their Interested answers and the feature values beside them.

``prospects shortlist`` writes the Shortlist and All candidates sheets with one column per ranking
feature and the ID (keep) column; the user fills Interested (yes / no / maybe). ``read_reviewed``
reads them back so ``prospects learn`` can fit weights without rerunning anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.errors import InputError
from pipeline.ingest.readers import grid_table, read_sheets
from pipeline.text.arrow_text import STR
from pipeline.workbook_contract import FEATURE_HEADERS, ID_HEADER, SHORTLIST_SHEET

INTERESTED = "Interested"
#: What people type in the Interested column -> the graded answer (2 yes, 1 maybe, 0 no).
ANSWERS = {"yes": 2, "y": 2, "maybe": 1, "m": 1, "no": 0, "n": 0}


def _has_id(cells: Sequence[str]) -> float:
    return 2.0 if ID_HEADER in (c.strip() for c in cells) else 0.0


def read_reviewed(path: Path) -> pd.DataFrame:
    """One row per person in the workbook: prospect_id, interested ("yes"/"maybe"/"no" or ""),
    grade (2/1/0, NaN when unanswered) and one column per ranking feature found (NaN when blank).

    The Shortlist sheet comes first; All candidates adds the people further down. Raises
    InputError when the file is not a workbook written by ``prospects shortlist``.

    Usage (not run as a doctest: it needs a run's files or frames):

        read_reviewed(Path("out/shortlist.xlsx")).columns[:3].tolist()
        # -> ['prospect_id', 'interested', 'grade']
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(
            f"{path.name} does not exist; give the workbook prospects shortlist wrote."
        )
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError(f"{path.name} is not an .xlsx workbook; give the reviewed shortlist.xlsx.")
    frames = []
    sheets = sorted(read_sheets(path, path.name), key=lambda s: s[0] != SHORTLIST_SHEET)
    for sheet, grid in sheets:
        try:
            table = grid_table(grid, path.name, _has_id, sheet=sheet, min_score=1, max_scan=5)
        except InputError:
            continue  # Matches, Ingest report, Settings: no ID column
        frames.append(_people(table.rows))
    if not frames:
        raise InputError(
            f"{path.name} has no sheet with an '{ID_HEADER}' column; give the workbook "
            "prospects shortlist wrote (Shortlist sheet), with your Interested answers filled in."
        )
    both = pd.concat(frames, ignore_index=True)
    # A person's answer may sit on either sheet; their features are the same on both.
    answered = both.sort_values("grade", na_position="last", kind="stable")
    answered = answered.drop_duplicates("prospect_id", keep="first")
    order = both.drop_duplicates("prospect_id")["prospect_id"]
    return answered.set_index("prospect_id").loc[order].reset_index()


def _people(rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows.rename(columns=lambda c: str(c).strip())
    out = pd.DataFrame({"prospect_id": rows[ID_HEADER].str.strip()})
    said = rows[INTERESTED] if INTERESTED in rows else pd.Series("", index=rows.index)
    said = said.fillna("").astype(STR).str.strip().str.lower()
    grade = said.map(ANSWERS)
    out["interested"] = np.where(
        grade.notna(), said.map({k: _word(v) for k, v in ANSWERS.items()}), ""
    )
    out["grade"] = grade.astype(float)
    for feature, header in FEATURE_HEADERS.items():
        values = rows[header] if header in rows else pd.Series("", index=rows.index)
        out[feature] = pd.to_numeric(values, errors="coerce")
    return out[out["prospect_id"] != ""]


def _word(grade: int) -> str:
    return {2: "yes", 1: "maybe", 0: "no"}[grade]
