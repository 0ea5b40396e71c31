"""Alumni spreadsheets and lists, whatever their layout: the header row and the columns are found
by scoring against a synonym table (pipeline/data/alumni_columns.csv); users see the mapping with
``prospects inspect`` and override it with ``[alumni.columns]`` in the settings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from anyascii import anyascii
from rapidfuzz import fuzz, process

from pipeline.errors import InputError
from pipeline.ingest import clean
from pipeline.ingest.ledger import (
    FileReport,
    Ingested,
    duplicate_reasons,
    people_frame,
    split_rows,
)
from pipeline.ingest.readers import TextTable, grid_table, read_sheets, read_text_table
from pipeline.normalize.names import clean_names_frame, parse_full_name

SOURCE = "alumni"
SHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
FIELDS = (
    "record_id", "first_name", "last_name", "full_name", "preferred_name", "former_name",
    "grad_year", "degree", "major", "company", "title", "city", "region", "country",
    "location", "email", "linkedin_url", "school",
)  # fmt: skip
IGNORE = "ignore"  # a settings value that drops a column on purpose
_FUZZY_CUTOFF = 86.0
_YEAR4 = re.compile(r"(?<!\d)((?:19|20)\d\d)(?:\.0+)?(?!\d)")
_YEAR2 = re.compile(r"['’‘](\d\d)(?!\d)")


@dataclass(frozen=True)
class ColumnMap:
    """The decision for one column: which field it feeds and how sure the synonym match is."""

    column: str
    field: str  # one of FIELDS, or "" for an extra attribute kept as-is
    confidence: float
    via: str  # "exact synonym", "fuzzy synonym 'grad yr'", "settings", "unmapped"


@cache
def synonyms() -> dict[str, str]:
    text = resources.files("pipeline.data").joinpath("alumni_columns.csv").read_text("utf-8")
    rows = [line.split(",") for line in text.splitlines()[1:] if line.strip()]
    return {header: field for header, field in rows}


def normalize_header(header: str) -> str:
    """'Pref. Class\\nYear ' -> 'pref class year' (ASCII, lower case, punctuation as spaces)."""
    return re.sub(r"[^a-z0-9]+", " ", anyascii(str(header)).lower()).strip()


def map_columns(columns: Sequence[str], overrides: Mapping[str, str] = {}) -> list[ColumnMap]:
    """Map each header onto a People field; each field goes to its most confident column."""
    table = synonyms()
    keys = list(table)
    wanted = {normalize_header(k): v for k, v in overrides.items()}
    candidates: list[ColumnMap] = []
    for column in columns:
        norm = normalize_header(column)
        if norm in wanted:
            field = "" if wanted[norm] == IGNORE else wanted[norm]
            candidates.append(ColumnMap(column, field, 1.0, "settings"))
        elif norm in table:
            candidates.append(ColumnMap(column, table[norm], 1.0, "exact synonym"))
        elif len(norm) >= 4 and (
            hit := process.extractOne(
                norm, keys, scorer=fuzz.token_sort_ratio, score_cutoff=_FUZZY_CUTOFF
            )
        ):
            via = f"fuzzy synonym '{hit[0]}'"
            candidates.append(ColumnMap(column, table[hit[0]], round(hit[1] / 100, 2), via))
        else:
            candidates.append(ColumnMap(column, "", 0.0, "unmapped"))
    best: dict[str, ColumnMap] = {}
    for cm in candidates:
        if cm.field and (cm.field not in best or cm.confidence > best[cm.field].confidence):
            best[cm.field] = cm
    return [
        cm if not cm.field or best[cm.field] is cm else ColumnMap(cm.column, "", 0.0, "duplicate")
        for cm in candidates
    ]


def score_header(cells: Sequence[str]) -> float:
    """Distinct People fields a candidate header row names (exact synonyms only: fast, strict)."""
    table = synonyms()
    fields = {table.get(normalize_header(c)) for c in cells if c}
    fields.discard(None)
    return float(len(fields))


def parse_class_years(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(grad_year, all years) from class-year text.

    '2019', '2019.0', 'T2019', "'96", "'96 MA, '02 PhD" (earliest is the graduation year; all are
    kept), 'Class of 2019'; '0' or blank is unknown.

    >>> parse_class_years(pd.Series(["'96 MA, '02 PhD", "T2019", "0"]))[0].tolist()
    [1996, 2019, <NA>]
    """
    uniques = pd.unique(values)
    parsed = {v: _years(v) for v in uniques}
    years = values.map(lambda v: parsed[v])
    first = pd.array([y[0] if y else pd.NA for y in years], dtype="Int64")
    every = pd.Series(["|".join(map(str, y)) for y in years], index=values.index, dtype="str")
    return pd.Series(first, index=values.index), every


def _years(value: object) -> tuple[int, ...]:
    if not isinstance(value, str):
        return ()
    found = [int(y) for y in _YEAR4.findall(value)]
    found += [(1900 if int(y) >= 40 else 2000) + int(y) for y in _YEAR2.findall(value)]
    return tuple(sorted(set(found)))


def read_alumni(
    path: Path,
    *,
    overrides: Mapping[str, str] = {},
    default_school: str = "",
    max_bytes: int = 500_000_000,
) -> Ingested:
    """People and Ledger from an alumni spreadsheet or text file (every sheet that holds people)."""
    tables = alumni_tables(path, max_bytes=max_bytes)
    parts = [alumni_from_table(t, overrides, default_school) for t in tables]
    people = [p.people for p in parts if len(p.people)]
    ledgers = [p.ledger for p in parts if len(p.ledger)]
    return Ingested(
        pd.concat(people, ignore_index=True) if people else people_frame({}, 0),
        pd.concat(ledgers, ignore_index=True) if ledgers else parts[0].ledger,
        tuple(r for p in parts for r in p.reports),
    )


def alumni_tables(path: Path, *, max_bytes: int = 500_000_000) -> list[TextTable]:
    """The tables of people in an alumni file: one per sheet whose header names people."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path.name} does not exist; check the path to the alumni list.")
    if path.stat().st_size > max_bytes:
        raise InputError(
            f"{path.name} is larger than the size limit; raise [ingest] max_archive_mb."
        )
    suffix = path.suffix.lower()
    what = "an alumni list (a header row with columns such as First Name, Last Name, Class Year)"
    if suffix in TEXT_SUFFIXES:
        return [read_text_table(path.read_bytes(), path.name, score_header, min_score=2, what=what)]
    if suffix not in SHEET_SUFFIXES:
        raise InputError(f"{path.name} is not a spreadsheet or CSV file; save it as .xlsx or .csv.")
    tables = []
    for sheet, grid in read_sheets(path, path.name):
        try:
            tables.append(grid_table(grid, path.name, score_header, sheet=sheet, min_score=2))
        except InputError:
            continue  # a sheet of notes, pivot tables or charts: not people
    if not tables:
        raise InputError(
            f"{path.name} has no sheet with a header row naming people (for example First Name, "
            "Last Name, Class Year); map its columns under [alumni.columns] in the settings."
        )
    return tables


def alumni_from_table(
    table: TextTable, overrides: Mapping[str, str] = {}, default_school: str = ""
) -> Ingested:
    """People and Ledger rows from one table of alumni."""
    rows = table.rows.reset_index(drop=True)
    n = len(rows)
    label = f"{table.name} [{table.sheet}]" if table.sheet else table.name
    mapping = map_columns(list(rows.columns), overrides)
    by_field = {cm.field: cm.column for cm in mapping if cm.field}
    if not ({"first_name", "last_name"} & by_field.keys() or "full_name" in by_field):
        seen = ", ".join(f"'{c}'" for c in rows.columns[:12])
        raise InputError(
            f"{label}: no name column found among {seen}; add for example "
            '"Your Name Column" = "full_name" under [alumni.columns] in the settings.'
        )
    empty = pd.Series([""] * n, dtype="str")

    def get(field: str) -> pd.Series:
        return clean.text(rows[by_field[field]]) if field in by_field else empty

    first, last = get("first_name"), get("last_name")
    if "full_name" in by_field and not {"first_name", "last_name"} <= by_field.keys():
        full = get("full_name")
        parsed = full.map({v: parse_full_name(v) if v else ("", "", "") for v in pd.unique(full)})
        first = first.where(first != "", parsed.str[0]).astype("str")
        last = last.where(last != "", parsed.str[1]).astype("str")
    given = first
    preferred = get("preferred_name")
    first = preferred.where(preferred != "", first).astype("str")
    names = clean_names_frame(first, last)

    grad_year, all_years = parse_class_years(get("grad_year"))
    if "grad_year" not in by_field and table.sheet:
        sheet_years = _years(table.sheet)
        if sheet_years:
            grad_year = pd.Series(pd.array([sheet_years[0]] * n, dtype="Int64"))
    location = get("location")
    parts = [get(f) for f in ("city", "region", "country")]
    joined = pd.Series(
        [", ".join(p for p in t if p) for t in zip(*parts, strict=True)], dtype="str"
    )
    location = location.where(location != "", joined) if n else location
    school = get("school")
    school = school.where(school != "", default_school).astype("str")

    columns: dict[str, object] = {
        "first_name": names["first_name"],
        "last_name": names["last_name"],
        "full_name": names["full_name"],
        "credentials": names["credentials"],
        "linkedin_slug": clean.linkedin_slug(get("linkedin_url")),
        "email": clean.email(get("email")),
        "company": get("company"),
        "title": get("title"),
        "location": location.astype("str"),
        "school": school,
        "degree": get("degree"),
        "major": get("major"),
        "grad_year": grad_year,
        "given_name": given,
        "former_name": get("former_name"),
        "alumni_record": get("record_id"),
        "class_years": all_years,
    }
    for cm in mapping:  # unmapped columns are kept as extra attributes, never dropped
        if not cm.field and cm.column not in columns:
            columns[cm.column] = rows[cm.column]
    full = people_frame(columns, n)

    mapped_cols = [by_field[f] for f in by_field if f != "record_id"]
    content = rows[mapped_cols].apply(lambda s: s.str.strip() != "").any(axis=1).to_numpy()
    anything = (rows.apply(lambda s: s.str.strip() != "").any(axis=1)).to_numpy()
    has_name = (names["full_name"] != "").to_numpy()
    reasons = pd.Series([""] * n, dtype="str")
    reasons[~anything] = "empty row"
    reasons[anything & ~content] = "empty template row"
    reasons[content & ~has_name] = "no name"
    signature = rows.astype("str").agg("\x1f".join, axis=1) if n else empty
    dup = duplicate_reasons(
        signature.where(reasons == "", ""), table.lines, "exact duplicate of row"
    )
    reasons = reasons.where(dup == "", dup)

    accepted, ledger = split_rows(full, np.asarray(table.lines), reasons, label)
    accepted["source"] = SOURCE
    accepted["source_file"] = label
    accepted["record_id"] = f"{SOURCE}:{label}:" + accepted["source_row"].astype(str)
    details = {
        "sheet": table.sheet or "-",
        "encoding": table.encoding,
        "header row": str(table.header_line),
        "columns": ", ".join(
            f"{cm.column} → {cm.field or 'kept as extra'}"
            + (f" ({cm.confidence:.2f})" if cm.field and cm.confidence < 1 else "")
            for cm in mapping
        ),
    }
    report = FileReport(label, SOURCE, n, len(accepted), int((reasons != "").sum()), details)
    return Ingested(accepted.reset_index(drop=True), ledger, (report,))
