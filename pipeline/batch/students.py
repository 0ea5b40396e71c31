"""The students table of a career centre: one row per student, read like an alumni list.

Columns are found by their header (``pipeline/data/student_columns.csv``: exact synonyms, the
header without a bracketed remark, then fuzzy synonyms), wherever the header row is. Fields:

    student_id        optional; the row number when absent
    name              or first_name + last_name
    email, program, degree, grad_year
    target_roles      several separated by ; or |
    target_companies  several separated by ; or |
    lamp_file         a LAMP list per student (instead of, or besides, target_companies)
    locations         optional, several separated by ; or |
    linkedin_export   optional: the student's own archive zip, folder or Connections.csv

Paths are relative to the table's folder. A row that cannot give a shortlist is set aside with
its reason (no name, no targets, an unreadable year, a file that is not there, a repeated id),
never dropped silently: read = accepted + rejected.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from pipeline.errors import InputError
from pipeline.ingest import clean
from pipeline.ingest.alumni import SHEET_SUFFIXES, TEXT_SUFFIXES, check_file
from pipeline.ingest.alumni_fields import ColumnMap, normalize_header, years_in
from pipeline.ingest.ledger import FileReport
from pipeline.ingest.readers import TextTable, grid_table, read_sheets, read_text_table
from pipeline.settings import Settings

FIELDS = (
    "student_id", "name", "first_name", "last_name", "email", "program", "degree", "grad_year",
    "target_roles", "target_companies", "lamp_file", "locations", "linkedin_export",
)  # fmt: skip
COLUMNS = (
    "student_id", "name", "email", "program", "degree", "grad_year", "target_roles",
    "target_companies", "lamp_file", "locations", "linkedin_export", "source_row",
)  # fmt: skip
WHAT = "a students table (a header row with Name, Graduation year, Target roles …)"
_FUZZY_CUTOFF = 86.0
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_SPLIT = re.compile(r"\s*[;|\n]\s*")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Students:
    """The accepted students (COLUMNS; lists as tuples, paths absolute or ""), the rows set
    aside (source_row, reason), the file's report and how its columns were mapped."""

    table: pd.DataFrame
    rejected: pd.DataFrame
    report: FileReport
    mapping: tuple[ColumnMap, ...]
    header_row: int
    sheet: str = ""
    how: str = ""


@cache
def synonyms() -> dict[str, str]:
    """Normalized header -> field, from data/student_columns.csv."""
    text = resources.files("pipeline.data").joinpath("student_columns.csv").read_text("utf-8")
    return {row["header"]: row["field"] for row in csv.DictReader(text.splitlines())}


def field_of(header: str) -> tuple[str, float, str]:
    """(field, confidence, how) for one header cell; ("", 0, "unmapped") when none fits."""
    table = synonyms()
    norm, bare = normalize_header(header), normalize_header(_BRACKETS.sub(" ", str(header)))
    if norm in table:
        return table[norm], 1.0, "exact synonym"
    if bare in table:
        return table[bare], 0.95, f"synonym '{bare}' (bracketed text ignored)"
    if len(norm) >= 4:
        hit = process.extractOne(
            norm, list(table), scorer=fuzz.token_sort_ratio, score_cutoff=_FUZZY_CUTOFF
        )
        if hit:
            return table[hit[0]], round(hit[1] / 100, 2), f"fuzzy synonym '{hit[0]}'"
    return "", 0.0, "unmapped"


def map_columns(columns: Sequence[str]) -> list[ColumnMap]:
    """Each header's field; a field goes to its most confident column, the leftmost on a tie.

    >>> [m.field for m in map_columns(["Student", "Grad Yr", "Target roles", "Shoe size"])]
    ['name', 'grad_year', 'target_roles', '']
    """
    found = [ColumnMap(c, *field_of(c)) for c in columns]
    best: dict[str, ColumnMap] = {}
    for cm in found:
        if cm.field and (cm.field not in best or cm.confidence > best[cm.field].confidence):
            best[cm.field] = cm
    return [
        cm if not cm.field or best[cm.field] is cm
        else ColumnMap(cm.column, "", 0.0, f"also looks like {cm.field}")
        for cm in found
    ]  # fmt: skip


def _score_header(cells: Sequence[str]) -> float:
    """Distinct fields a row names; 0 unless one is a name and one a target."""
    fields = {field_of(c)[0] for c in cells if c and c.strip()} - {""}
    named = fields & {"name", "first_name", "last_name"}
    aimed = fields & {"target_roles", "target_companies", "lamp_file"}
    return float(len(fields)) if named and aimed else 0.0


def is_students_table(path: Path, max_bytes: int) -> bool:
    """Whether a spreadsheet or CSV has a students table's header (for ``prospects inspect``).

    The file is checked first (a pipe, a device, a spreadsheet bomb: False, and the alumni
    reader that follows says what is wrong with it in one line)."""
    try:
        _table(check_file(Path(path), max_bytes, WHAT))
    except (InputError, OSError, ValueError):
        return False
    return True


def read_students(path: Path, settings: Settings | None = None) -> Students:
    """Read a students table; each row accepted or set aside with its reason.

    Usage (not run as a doctest: it needs a run's files or frames):

        read_students(Path("students.csv")).table.iloc[0]["target_roles"]
        # -> ('Data Scientist', 'ML Engineer')
    """
    settings = settings or Settings()
    path = check_file(Path(path), settings.ingest.max_archive_mb * 1_000_000, WHAT)
    table = _table(path)
    mapping = tuple(map_columns(list(table.rows.columns)))
    rows = table.rows.reset_index(drop=True)
    n = len(rows)
    blank = pd.Series([""] * n, dtype="str")

    def col(field: str) -> pd.Series:
        column = next((cm.column for cm in mapping if cm.field == field), None)
        return clean.text(rows[column]) if column is not None else blank

    name = col("name")
    given = (col("first_name") + " " + col("last_name")).str.strip()
    name = name.where(name != "", given)
    lines = np.asarray(table.lines, dtype="int64")
    ids = col("student_id")
    ids = ids.where(ids != "", pd.Series([f"row{line}" for line in lines], dtype="str"))
    years = [years_in(v) for v in col("grad_year")]
    grad = pd.array([y[0] if y else pd.NA for y in years], dtype="Int64")
    roles, companies, locations = (col(f).map(_list) for f in ("target_roles",
                                                                   "target_companies",
                                                                   "locations"))  # fmt: skip
    folder = path.parent
    lamp, export = (
        col(f).map(lambda v: str(folder / v) if v else "") for f in ("lamp_file", "linkedin_export")
    )
    email = col("email")
    reasons = pd.Series([""] * n, dtype="str")
    anything = rows.apply(lambda s: s.str.strip() != "").any(axis=1) if n else blank != ""
    checks = [
        (~anything, "empty row"),
        (name == "", "no name"),
        ((roles.map(len) == 0) & (companies.map(len) == 0) & (lamp == ""),
         "no target roles, companies or LAMP file"),
        ((col("grad_year") != "") & pd.Series(grad).isna(), "graduation year not a year"),
        ((email != "") & ~email.str.match(_EMAIL), "e-mail address not valid"),
        ((lamp != "") & ~lamp.map(lambda p: bool(p) and Path(p).is_file()),
         "LAMP file not found"),
        ((export != "") & ~export.map(lambda p: bool(p) and Path(p).exists()),
         "LinkedIn export not found"),
    ]  # fmt: skip
    for bad, reason in checks:  # the first reason that applies is the one reported
        reasons = reasons.where((reasons != "") | ~bad.to_numpy(), reason)
    key = ids.str.casefold()
    first = pd.Series(lines, index=key.index).groupby(key).transform("first")
    dup = (reasons == "") & key.where(reasons == "").duplicated(keep="first") & key.notna()
    reasons[dup] = "same student id as row " + first[dup].astype(str)
    keep = (reasons == "").to_numpy()
    out = pd.DataFrame(
        {
            "student_id": ids,
            "name": name,
            "email": email,
            "program": col("program"),
            "degree": col("degree"),
            "grad_year": grad,
            "target_roles": roles,
            "target_companies": companies,
            "lamp_file": lamp,
            "locations": locations,
            "linkedin_export": export,
            "source_row": lines,
        }
    )
    rejected = pd.DataFrame({"source_row": lines[~keep], "reason": reasons[~keep].to_numpy()})
    counts = rejected["reason"].value_counts()
    details = {"header row": str(table.header_line)}
    if len(counts):
        details["rejected"] = "; ".join(f"{c} × {r}" for r, c in counts.items())
    report = FileReport(table.name, "students", n, int(keep.sum()), int((~keep).sum()), details)
    how = table.encoding + (f", delimiter {table.delimiter!r}" if table.delimiter else "")
    return Students(
        out.loc[keep, list(COLUMNS)].reset_index(drop=True),
        rejected,
        report,
        mapping,
        table.header_line,
        table.sheet,
        how,
    )


def student_settings(base: Settings, student: pd.Series) -> Settings:
    """The centre's settings with one student's name, year, program and targets.

    ``student`` is a row of ``Students.table``.
    """
    me = replace(
        base.me,
        name=str(student["name"]),
        grad_year=int(student["grad_year"]) if pd.notna(student["grad_year"]) else 0,
        major=str(student["program"] or student["degree"] or base.me.major),
    )
    targets = replace(
        base.targets,
        roles=tuple(student["target_roles"]) or base.targets.roles,
        companies=tuple(student["target_companies"]),
        lamp_file=str(student["lamp_file"]),
        locations=tuple(student["locations"]) or base.targets.locations,
    )
    return replace(base, me=me, targets=targets)


def _list(value: str) -> tuple[str, ...]:
    return tuple(v for v in _SPLIT.split(value) if v) if value else ()


def _table(path: Path) -> TextTable:
    if path.suffix.lower() in TEXT_SUFFIXES:
        return read_text_table(path.read_bytes(), path.name, _score_header, min_score=2, what=WHAT)
    if path.suffix.lower() not in SHEET_SUFFIXES:
        raise InputError(f"{path.name} is not a spreadsheet or CSV file; save it as .xlsx or .csv.")
    for sheet, grid in read_sheets(path, path.name):
        try:
            return grid_table(grid, path.name, _score_header, sheet=sheet, min_score=2, what=WHAT)
        except InputError:
            continue
    raise InputError(
        f"{path.name} does not look like {WHAT}: no sheet has such a header row; check the file."
    )


def inspect_students(path: Path, settings: Settings | None = None):
    """``prospects inspect`` for a students table: an ``ingest.inspect.Inspection``."""
    from pipeline.ingest.inspect import SAMPLE_SIZE, Inspection, TableView

    read = read_students(path, settings)
    sample = read.table.head(SAMPLE_SIZE).drop(columns=["source_row"])
    for column in ("target_roles", "target_companies", "locations"):
        sample[column] = sample[column].map("; ".join)
    for column in ("lamp_file", "linkedin_export"):
        sample[column] = sample[column].map(lambda p: Path(p).name if p else "")
    sample = sample.loc[:, [c for c in sample.columns if (sample[c].astype(str) != "").any()]]
    view = TableView(
        label=read.report.file,
        sheet=read.sheet,
        how=read.how,
        header_row=read.header_row,
        mapping=read.mapping,
        read=read.report.read,
        accepted=read.report.accepted,
        reasons=read.rejected["reason"].value_counts(sort=False).to_dict(),
        sample=sample.astype(str),
    )
    return Inspection(Path(path).name, (view,), ())
