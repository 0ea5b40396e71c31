"""Target employer lists: the LAMP template (# | Employer List | Advocacy | Motivation | Posting)
and career-centre variants, read as target companies with their scores.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from pipeline.errors import InputError
from pipeline.ingest import clean
from pipeline.ingest.alumni import SHEET_SUFFIXES, TEXT_SUFFIXES
from pipeline.ingest.ledger import FileReport
from pipeline.ingest.readers import TextTable, grid_table, read_sheets, read_text_table

#: Header words (lower case) -> LAMP field.
HEADERS = {
    "employer": "employer",
    "employer list": "employer",
    "employers": "employer",
    "company": "employer",
    "companies": "employer",
    "organization": "employer",
    "organisation": "employer",
    "target employer": "employer",
    "advocacy": "advocacy",
    "alumni": "advocacy",
    "a": "advocacy",
    "motivation": "motivation",
    "m": "motivation",
    "interest": "motivation",
    "posting": "posting",
    "postings": "posting",
    "p": "posting",
    "jobs": "posting",
}
COLUMNS = ("employer", "advocacy", "motivation", "posting")


def _norm(cell: str) -> str:
    return re.sub(r"[^a-z]+", " ", str(cell).lower()).strip()


def score_header(cells: Sequence[str]) -> float:
    fields = {HEADERS[_norm(c)] for c in cells if _norm(c) in HEADERS}
    return float(len(fields)) if "employer" in fields else 0.0


def read_targets(path: Path) -> tuple[pd.DataFrame, FileReport]:
    """Target employers from a LAMP list: columns employer, advocacy (Y/N), motivation, posting.

    Motivation and posting are 1-3 (0 when blank); rows without an employer are skipped.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path.name} does not exist; check the path to the target list.")
    table = _table(path)
    by_field: dict[str, str] = {}
    for column in table.rows.columns:
        field = HEADERS.get(_norm(column))
        if field and field not in by_field:
            by_field[field] = column
    rows = table.rows.reset_index(drop=True)
    employer = clean.text(rows[by_field["employer"]])
    out = pd.DataFrame({"employer": employer})
    out["advocacy"] = (
        rows[by_field["advocacy"]].str.strip().str.upper().str[:1].eq("Y")
        if "advocacy" in by_field
        else False
    )
    for field in ("motivation", "posting"):
        values = rows[by_field[field]] if field in by_field else pd.Series([""] * len(rows))
        out[field] = pd.to_numeric(values, errors="coerce").fillna(0).clip(0, 3).astype(int)
    keep = (employer != "").to_numpy()
    report = FileReport(
        table.name, "targets", len(rows), int(keep.sum()), int((~keep).sum()),
        {"header row": str(table.header_line), "sheet": table.sheet or "-"},
    )  # fmt: skip
    return out.loc[keep].reset_index(drop=True), report


def _table(path: Path) -> TextTable:
    what = "a LAMP target list (a header row with Employer, Advocacy, Motivation, Posting)"
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return read_text_table(path.read_bytes(), path.name, score_header, min_score=1, what=what)
    if suffix not in SHEET_SUFFIXES:
        raise InputError(f"{path.name} is not a spreadsheet or CSV file; save it as .xlsx or .csv.")
    for sheet, grid in read_sheets(path, path.name):
        try:
            return grid_table(grid, path.name, score_header, sheet=sheet, min_score=1)
        except InputError:
            continue
    raise InputError(f"{path.name} does not look like {what}.")
