"""Alumni spreadsheets and lists, whatever their layout.

The header row is found by scoring rows against the synonym table, every sheet whose header names
people is read (a "Notes" or pivot sheet is skipped and said so), and the columns are mapped by
``alumni_fields.map_columns`` (see ``ingest.alumni_layout``); users see the decisions with
``prospects inspect`` and override them with ``[alumni.columns]`` in the settings. Every row read
is a person or a Ledger line: read = accepted + rejected per file and sheet. ``source_row`` is
the spreadsheet row or CSV line.

Safety: spreadsheets are read by python-calamine (Rust, no Python XML parser, no entity
expansion); openpyxl, where it reads, goes through defusedxml (installed, so openpyxl uses it).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline import threads
from pipeline.ingest import clean
from pipeline.ingest.alumni_fields import (
    EXTRA,
    IGNORE,
    coded_class_years,
    map_columns,
    parse_class_years,
)
from pipeline.ingest.alumni_layout import (
    AlumniTable,
    Layout,
    find_tables,
)
from pipeline.ingest.alumni_names import coded_person_names
from pipeline.ingest.coded import THREADED_ROWS, Coded, coded_and_cleaned, combine, one_list
from pipeline.ingest.display_names import display_values
from pipeline.ingest.ledger import FileReport, Ingested, people_frame, split_rows
from pipeline.ingest.table import MAX_COLUMNS
from pipeline.text.arrow_text import STR, object_array, taken_series, text_series

# The layout's names (and the column mapping) are importable from here, where callers found them.
__all__ = ["AlumniTable", "Layout", "find_tables", "map_columns", "parse_class_years"]
__all__ += ["alumni_from_table", "read_alumni"]

SOURCE = "alumni"


def read_alumni(
    path: Path,
    *,
    overrides: Mapping[str, str] = {},
    default_school: str = "",
    max_bytes: int = 500_000_000,
) -> Ingested:
    """People and Ledger from an alumni spreadsheet or text file (every sheet that holds people).

    Example: read_alumni(Path("alumni.xlsx"), default_school="University of Waterloo").people
    has the People columns, plus given_name, former_name, alumni_record, class_years and every
    unmapped column of the file kept under its own header.
    """
    layout = find_tables(path, overrides, max_bytes=max_bytes)
    parts = [alumni_from_table(t, default_school) for t in layout.tables]
    if layout.skipped:
        skipped = "; ".join(f"{sheet} ({why})" for sheet, why in layout.skipped)
        first = parts[0].reports[0]
        details = {**first.details, "sheets skipped": skipped}
        report = FileReport(
            first.file, first.kind, first.read, first.accepted, first.rejected, details
        )
        parts[0] = Ingested(parts[0].people, parts[0].ledger, (report, *parts[0].reports[1:]))
    people = pd.concat([p.people for p in parts], ignore_index=True)
    extras = [
        c
        for c in people.columns
        if (people[c].dtype == object or str(people[c].dtype) == "str") and people[c].hasnans
    ]
    if extras:  # an extra column one sheet lacks: "" not NaN
        people[extras] = people[extras].fillna("")
    return Ingested(
        people,
        pd.concat([p.ledger for p in parts], ignore_index=True),
        tuple(r for p in parts for r in p.reports),
    )


def alumni_from_table(found: AlumniTable, default_school: str = "") -> Ingested:
    """People and Ledger rows from one table of alumni (see read_alumni for the columns)."""
    table = found.table
    rows = table.rows.reset_index(drop=True)
    n, label, by_field = len(rows), table.name, found.by_field
    # Each column is factorized once (and cleaned, when mapped, by the thread that encoded it);
    # cleaning, parsing and the duplicate check share the codes, so a million rows cost what
    # their distinct values cost.
    raw, by_column = coded_and_cleaned(rows, set(by_field.values()))
    cleaned = {f: by_column[c] for f, c in by_field.items()}
    empty = Coded.empty(n)

    def coded(field: str) -> Coded:
        return cleaned.get(field, empty)

    def get(field: str) -> pd.Series:
        return coded(field).series()

    def maybe(field: str) -> pd.Series | None:
        return get(field) if field in by_field else None

    # The names (the longest piece, mostly Python) and the e-mail addresses on a second thread
    # while the other columns are made here, then the reasons while the frame is made; a long
    # list only. Each error comes in the order started, as on one thread.
    with threads.beside(threaded=n >= THREADED_ROWS) as start:
        naming = start(
            coded_person_names, coded("first_name"), coded("last_name"), maybe("full_name"),
            maybe("preferred_name"), maybe("middle_name"),
        )  # fmt: skip
        email = start(_per_value, coded("email"), clean.email)
        grad_year, class_years = coded_class_years(
            [coded("preferred_class_year"), coded("grad_year")], pd.RangeIndex(n)
        )
        if found.sheet_year is not None:  # one sheet per class year: the year is the sheet's name
            grad_year = grad_year.fillna(found.sheet_year)
            class_years = class_years.where(class_years != "", str(found.sheet_year))
        school = coded("school").map(lambda v: v or default_school)
        rest: dict[str, object] = {
            "linkedin_slug": _per_value(coded("linkedin_url"), clean.linkedin_slug),
            "email": None,
            "company": get("company"),
            "title": get("title"),
            "location": _location(*(coded(f) for f in ("location", "city", "region", "country"))),
            "school": school.series(),
            "degree": coded("degree").map(one_list).series(),
            "major": coded("major").map(one_list).series(),
            "grad_year": grad_year.array,  # the array, so Int64 survives people_frame
        }
        former_name = _displayed(coded("former_name")).series()
        filled = _filled(raw)
        names = naming.result()
        reasoning = start(_reasons, raw, filled, found, names["full_name"])
        rest["email"] = email.result()
        columns: dict[str, object] = {
            "first_name": names["first_name"],
            "last_name": names["last_name"],
            "full_name": names["full_name"],
            "credentials": names["credentials"],
            **rest,
            "given_name": names["given_name"],
            "former_name": former_name,
            "alumni_record": get("record_id"),
            "class_years": class_years,
        }
        taken = set(columns) | {"record_id", "source", "source_file", "source_row", "connected_on"}
        for cm in found.mapping:  # unmapped columns are kept as extra attributes, never dropped
            if cm.field == "":
                name = cm.column if cm.column not in taken else f"{cm.column} (extra)"
                columns[name] = rows[cm.column].to_numpy()
                taken.add(name)
        full = people_frame(columns, n)
        reasons = reasoning.result()
    accepted, ledger = split_rows(full, np.asarray(table.lines), reasons, label)
    accepted["source"] = SOURCE
    accepted["source_file"] = label
    accepted["record_id"] = f"{SOURCE}:{label}:" + accepted["source_row"].astype(str)
    details = {"sheet": table.sheet or "-", "encoding": table.encoding}
    if table.columns_dropped:
        details["columns not read"] = f"{table.columns_dropped:,} past the {MAX_COLUMNS:,}th"
    if table.delimiter:
        details["delimiter"] = {"\t": "tab"}.get(table.delimiter, table.delimiter)
    details["header row"] = str(table.header_line)
    if found.sheet_year is not None and "grad_year" not in by_field:
        details["class year"] = f"{found.sheet_year}, from the sheet name"
    details["columns"] = ", ".join(
        f"{cm.column} → "
        + {"": "kept as extra", IGNORE: "ignored"}.get(cm.field, cm.field)
        + (f" ({cm.confidence:.2f})" if cm.field not in ("", IGNORE) and cm.confidence < 1 else "")
        for cm in found.mapping
    )
    report = FileReport(label, SOURCE, n, len(accepted), int((reasons != "").sum()), details)
    return Ingested(accepted.reset_index(drop=True), ledger, (report,))


def per_unique_display(values: pd.Series) -> pd.Series:
    """A name given in capitals ("SMITH") in sensible case, once per distinct value."""
    return _displayed(Coded.of(values)).series(values.index)


def _displayed(col: Coded) -> Coded:
    return Coded(col.codes, display_values(col.values))


def _per_value(col: Coded, fn) -> pd.Series:
    """A vectorised Series cleaner run on the distinct values only, then spread to the rows."""
    # The cleaned values stay Arrow text and are taken by the codes (no Python string per value
    # made and read back).
    values = fn(col.distinct()).astype(STR)
    return pd.Series(values.array.take(np.asarray(col.codes, dtype=np.intp)), copy=False)


def _location(location: Coded, *parts: Coded) -> pd.Series:
    """The location column, else "City, Region, Country" from the parts that are there."""
    tuples, members = combine([location, *parts])
    cells = [col.values[m] for col, m in zip([location, *parts], members, strict=True)]
    built = [loc or ", ".join(p for p in ps if p) for loc, *ps in zip(*cells, strict=True)]
    return taken_series(object_array(built), tuples.codes)


def _filled(raw: dict[str, Coded]) -> dict[str, np.ndarray]:
    """Which cells of each column hold something (not empty or only spaces), judged once per
    distinct value."""
    return {c: ~col.blank()[col.codes] for c, col in raw.items()}


def _reasons(
    raw: dict[str, Coded], filled: dict[str, np.ndarray], found: AlumniTable, full_name: pd.Series
) -> pd.Series:
    """Why each row is not a person ("" when it is): empty, template, no name, exact duplicate.
    ``filled``: ``_filled(raw)``."""
    n = len(full_name)
    if not raw:
        return text_series("", pd.RangeIndex(n))
    anything = np.logical_or.reduce(list(filled.values()))
    content_cols = [c for f, c in found.by_field.items() if f != "record_id"]
    content = np.logical_or.reduce([filled[c] for c in content_cols]) if content_cols else anything
    # Pre-numbered template rows hold only a number or an ID ("17", "ID-0017"), nothing else.
    extra_cols = [m.column for m in found.mapping if m.field in ("", EXTRA)]
    other = np.add.reduce([filled[c].astype(np.int64) for c in extra_cols]) if extra_cols else 0
    template = anything & ~content & (other <= 1)
    reasons = np.full(n, "", dtype=object)
    reasons[anything & ~content & ~template] = "no name"
    reasons[template] = "empty template row"
    reasons[~anything] = "empty row"
    reasons[content & full_name.eq("").to_numpy(dtype=bool)] = "no name"  # compared in Arrow
    kept = np.flatnonzero(reasons == "")
    first = _first_equal_row(raw, filled, kept)
    dup = first >= 0
    if dup.any():
        lines = np.asarray(found.table.lines)
        reasons[kept[dup]] = [f"exact duplicate of row {int(x)}" for x in lines[first[dup]]]
    return text_series(reasons)


def _first_equal_row(
    raw: dict[str, Coded], filled: dict[str, np.ndarray], rows: np.ndarray
) -> np.ndarray:
    """For each of ``rows``, the earlier row of ``rows`` with the same cells (every blank the
    same), or -1. Columns with many distinct values go first: after one or two, only the few
    rows that still share every cell so far are left to compare."""
    order = sorted(raw, key=lambda c: -raw[c].size)
    group = np.zeros(len(rows), dtype=np.int64)
    live = np.arange(len(rows))  # positions in rows still sharing a group with another row
    for c in order:
        if not len(live):
            break
        codes = np.where(filled[c][rows[live]], raw[c].codes[rows[live]], -1)
        group[live], _ = pd.factorize(group[live] * (raw[c].size + 1) + codes + 1)
        counts = np.bincount(group[live])
        live = live[counts[group[live]] > 1]
    first = np.full(len(rows), -1, dtype=np.int64)
    if len(live):
        g = group[live]
        firsts = pd.Series(live).groupby(g).transform("min").to_numpy()
        later = firsts != live
        first[live[later]] = rows[firsts[later]]
    return first
