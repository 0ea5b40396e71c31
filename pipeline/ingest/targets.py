"""Target employer lists: the LAMP template (# | Employer List | Advocacy | Motivation | Posting)
and career-centre variants with other header words, read as target employers with their scores.

Header words are data (``pipeline/data/lamp_columns.csv``); a header cell matches a word exactly,
without its bracketed remark ("Alumni (Y/N)"), or by its first words ("Interest level 1-3").
Every row read is a target or a counted reason: read = accepted + rejected.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.ingest import clean
from pipeline.ingest.alumni_layout import check_file, first_table
from pipeline.ingest.ledger import FileReport
from pipeline.ingest.readers import TextTable
from pipeline.text.arrow_text import text_series

COLUMNS = ("employer", "advocacy", "motivation", "posting", "lamp_order", "source_row")
WHAT = "a LAMP target list (a header row with Employer, Advocacy, Motivation, Posting)"
_YES = {"y", "yes", "true", "1", "x", "✓", "✔", "oui", "si", "sí", "ja"}
_DIGIT = re.compile(r"\d")


@cache
def headers() -> dict[str, str]:
    """Normalized header word -> LAMP field, from data/lamp_columns.csv."""
    text = resources.files("pipeline.data").joinpath("lamp_columns.csv").read_text("utf-8")
    return {row["header"]: row["field"] for row in csv.DictReader(text.splitlines())}


def _norm(cell: str) -> str:
    return re.sub(r"[^a-z]+", " ", str(cell).lower()).strip()


def field_of(cell: str) -> str:
    """The LAMP field a header cell names, or "": 'Alumni at employer? (Y/N)' -> 'advocacy'."""
    table = headers()
    for norm in (_norm(cell), _norm(re.sub(r"\([^)]*\)", " ", str(cell)))):
        if norm in table:
            return table[norm]
    words = _norm(re.sub(r"\([^)]*\)", " ", str(cell))).split()
    for n in range(len(words) - 1, 0, -1):  # the longest leading words that are a synonym
        field = table.get(" ".join(words[:n]), "")
        if field and (n > 1 or len(words[0]) > 2):  # never a one-letter prefix
            return field
    return ""


def score_header(cells: Sequence[str]) -> float:
    """Distinct LAMP fields a row names; 0 unless one of them is the employer."""
    fields = {field_of(c) for c in cells if c}
    return float(len(fields - {""})) if "employer" in fields else 0.0


def read_targets(path: Path, *, max_bytes: int = 500_000_000) -> tuple[pd.DataFrame, FileReport]:
    """Target employers from a LAMP list, in list order.

    Columns: employer, advocacy (bool: Y/Yes/x/✓), motivation and posting (0-3, 0 when blank),
    lamp_order (1 = work on it first: by motivation, then posting, then advocacy, as the LAMP
    method sorts), source_row. Rows without an employer and repeated employers are rejected
    and counted in the report. Example: read_targets(Path("lamp.xlsx"))[0].iloc[0].tolist()
    -> ["Shopify", True, 3, 2, 1, 5].
    """
    path = check_file(path, max_bytes, what="a target list")
    table = _table(path)
    by_field: dict[str, str] = {}
    for column in table.rows.columns:
        field = field_of(column)
        if field and field not in by_field:
            by_field[field] = column
    rows = table.rows.reset_index(drop=True)
    n = len(rows)
    blank = text_series([""] * n)
    employer = clean.text(rows[by_field["employer"]])
    out = pd.DataFrame({"employer": employer})
    advocacy = clean.text(rows[by_field["advocacy"]]) if "advocacy" in by_field else blank
    out["advocacy"] = advocacy.str.lower().isin(_YES).to_numpy()
    for field in ("motivation", "posting"):
        values = rows[by_field[field]] if field in by_field else blank
        digit = values.str.extract(r"(\d)", expand=False)
        out[field] = pd.to_numeric(digit, errors="coerce").fillna(0).clip(0, 3).astype(int)
    out["source_row"] = np.asarray(table.lines, dtype="int64")
    key = employer.str.casefold()
    reasons = text_series([""] * n)
    dup = (key != "") & key.duplicated(keep="first")
    first_row = out["source_row"].groupby(key).transform("first")
    reasons[dup] = "duplicate of row " + first_row[dup].astype(str)
    anything = rows.apply(lambda s: s.str.strip() != "").any(axis=1) if n else blank != ""
    reasons[(employer == "") & anything] = "empty template row"
    reasons[(employer == "") & ~anything] = "empty row"
    keep = (reasons == "").to_numpy()
    targets = out.loc[keep].reset_index(drop=True)
    order = targets.sort_values(
        ["motivation", "posting", "advocacy"], ascending=False, kind="stable"
    ).index
    targets["lamp_order"] = 0
    targets.loc[order, "lamp_order"] = np.arange(1, len(targets) + 1)
    counts = reasons[~keep].value_counts()
    details = {
        "sheet": table.sheet or "-",
        "header row": str(table.header_line),
        "columns": ", ".join(f"{c} → {f}" for f, c in by_field.items()),
    }
    if len(counts):
        details["rejected"] = "; ".join(f"{c} × {r}" for r, c in counts.items())
    report = FileReport(table.name, "targets", n, int(keep.sum()), int((~keep).sum()), details)
    return targets[list(COLUMNS)], report


def _table(path: Path) -> TextTable:
    return first_table(path, score_header, 1, WHAT, "check that you chose the right file.")
