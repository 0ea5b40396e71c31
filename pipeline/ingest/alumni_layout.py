"""Where the people are in an alumni file: which sheets, which header row, which columns.

The header row is found by scoring rows against the synonym table; every sheet whose header names
people is a table (a "Notes" or pivot sheet is skipped and said so), and its columns are mapped by
``alumni_fields.map_columns``. A LinkedIn connections export or a list of target employers given
as an alumni list is refused with a sentence saying what it is. ``check_file`` and
``first_table`` serve the other lists of one table too (targets, students).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError
from pipeline.ingest import kinds
from pipeline.ingest.alumni_fields import (
    IGNORE,
    NAME_FIELDS,
    ColumnMap,
    header_like,
    header_scorer,
    map_columns,
    years_in,
)
from pipeline.ingest.readers import (
    HeaderScorer,
    TextTable,
    grid_table,
    read_sheets,
    read_text_table,
)
from pipeline.safety import check_input

SHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
WHAT = "an alumni list (a header row with columns such as First Name, Last Name, Class Year)"
_MIN_SCORE = 2


@dataclass(frozen=True)
class AlumniTable:
    """One table of people (a CSV, or one sheet) with its column mapping."""

    table: TextTable
    mapping: tuple[ColumnMap, ...]
    sheet_year: int | None = None  # "Class of 2019": the year of a sheet without a year column

    @property
    def by_field(self) -> dict[str, str]:
        return {m.field: m.column for m in self.mapping if m.field not in ("", IGNORE)}


@dataclass(frozen=True)
class Layout:
    """Where the people are in one file: the tables read, and the sheets skipped with why."""

    file: str
    tables: tuple[AlumniTable, ...]
    skipped: tuple[tuple[str, str], ...] = ()  # (sheet, reason)


def check_file(path: Path, max_bytes: int, what: str = "an alumni list") -> Path:
    """The path, if it exists, is within the size limit and has a spreadsheet or text suffix."""
    path = check_input(Path(path))
    if not path.is_file():
        raise InputError(f"{path.name} does not exist; check the path to {what}.")
    if path.stat().st_size > max_bytes:
        raise InputError(
            f"{path.name} is larger than the size limit of {max_bytes / 1_000_000:g} MB; raise "
            f"max_archive_mb under [ingest] in the settings if it really is {what}."
        )
    if path.suffix.lower() not in SHEET_SUFFIXES | TEXT_SUFFIXES:
        raise InputError(
            f"{path.name} is not a spreadsheet or CSV file; save it as .xlsx, .ods or .csv."
        )
    return path


def first_table(
    path: Path, score: HeaderScorer, min_score: float, what: str, advice: str
) -> TextTable:
    """The table of a CSV or text file, or of the first sheet whose header row ``score`` rates at
    ``min_score`` or more (a list of targets or of students: one table). InputError names
    ``what`` the file should be, and ``advice`` ends the sentence when no sheet has a header."""
    if path.suffix.lower() in TEXT_SUFFIXES:
        return read_text_table(path.read_bytes(), path.name, score, min_score=min_score, what=what)
    if path.suffix.lower() not in SHEET_SUFFIXES:
        raise InputError(f"{path.name} is not a spreadsheet or CSV file; save it as .xlsx or .csv.")
    for sheet, grid in read_sheets(path, path.name):
        try:
            return grid_table(grid, path.name, score, sheet=sheet, min_score=min_score, what=what)
        except InputError:
            continue
    raise InputError(
        f"{path.name} does not look like {what}: no sheet has such a header row; {advice}"
    )


def find_tables(
    path: Path, overrides: Mapping[str, str] = {}, *, max_bytes: int = 500_000_000
) -> Layout:
    """The tables of people in an alumni file: one per sheet whose header names people.

    Raises InputError when no table has a name column, listing the columns it saw and the
    settings line that maps one.
    """
    if Path(path).exists():
        kinds.check_alumni(path)  # Connections.csv or the archive here: every one an "alum"
    path = check_file(path, max_bytes)
    scorer = header_scorer(overrides)
    if path.suffix.lower() in TEXT_SUFFIXES:
        data = path.read_bytes()
        try:
            table = read_text_table(data, path.name, scorer, min_score=_MIN_SCORE, what=WHAT)
        except InputError as error:
            fallback = _fallback(lambda: read_text_table(data, path.name, header_like, min_score=1))
            if fallback is None:
                raise error from None
            table = fallback
        found = _mapped(table, overrides)
        _refuse_other_lists(path.name, found)
        if not found.by_field.keys() & NAME_FIELDS:
            raise no_name_error(table.name, list(table.rows.columns))
        return Layout(path.name, (found,))
    tables: list[AlumniTable] = []
    skipped: list[tuple[str, str]] = []
    nameless: list[TextTable] = []
    for sheet, grid in read_sheets(path, path.name, max_bytes=max_bytes):
        _refuse_other_lists(path.name, rows=grid[:30])
        try:
            table = grid_table(grid, path.name, scorer, sheet=sheet, min_score=_MIN_SCORE)
        except InputError:
            skipped.append((sheet, "no header row naming people"))
            guess = _fallback(
                lambda g=grid, s=sheet: grid_table(g, path.name, header_like, sheet=s)
            )
            nameless += [guess] if guess is not None else []
            continue
        found = _mapped(table, overrides)
        _refuse_other_lists(path.name, found)
        if found.by_field.keys() & NAME_FIELDS:
            tables.append(found)
        else:
            skipped.append((sheet, "no name column"))
            nameless.insert(0, table)  # a real header without names says most to the user
    if tables:
        return Layout(path.name, tuple(tables), tuple(skipped))
    if nameless:
        raise no_name_error(nameless[0].name, list(nameless[0].rows.columns))
    raise InputError(
        f"{path.name} has no sheet with a header row naming people (for example First Name, "
        "Last Name, Class Year); check that you chose the right file."
    )


def _refuse_other_lists(
    name: str, found: AlumniTable | None = None, rows: Sequence[Sequence[str]] = ()
) -> None:
    """A table whose header (``found``'s, or any of the top ``rows`` of a sheet) is LinkedIn's
    connections, or a LAMP list of employers without a name column, is not an alumni list."""
    headers = [list(found.table.rows.columns)] if found is not None else list(rows)
    for cells in headers:
        kind = kinds.header_kind(cells)
        if kind == "connections":
            raise kinds.wrong_for_alumni(name, kinds.CONNECTIONS)
        if kind != "targets":
            continue
        fields = {m.field for m in map_columns(list(cells), {})}
        if found is not None:
            fields = set(found.by_field)
        if fields & NAME_FIELDS:
            continue  # an alumni list with employer columns (Company, Alumni status …)
        raise InputError(
            f"{name} is a list of target employers, not an alumni list; {kinds.AS_TARGETS}."
        )


def _fallback(read) -> TextTable | None:
    try:
        return read()
    except InputError:
        return None


def _mapped(table: TextTable, overrides: Mapping[str, str]) -> AlumniTable:
    years = years_in(table.sheet) if table.sheet else ()
    mapping = tuple(map_columns(list(table.rows.columns), overrides))
    return AlumniTable(table, mapping, years[0] if len(years) == 1 else None)


def no_name_error(label: str, columns: list[str]) -> InputError:
    """The error for a table without a name column: what was seen, and the settings line to add."""
    shown = [c if len(c) <= 40 else c[:39] + "…" for c in columns[:15]]
    seen = ", ".join(f"'{c}'" for c in shown) + (" …" if len(columns) > 15 else "")
    # Only a column nothing else claims can be offered as the names: never Company or Position.
    free = [cm.column for cm in map_columns(columns) if not cm.field]
    example = next((c for c in free if not c.startswith("column ")), None)
    if example is None:
        return InputError(
            f"{label}: no column holds people's names (its columns are {seen}); add a column "
            "of names (First Name and Last Name, or Name), or check that you chose the right file."
        )
    example = example.replace('"', '\\"')
    return InputError(
        f"{label}: no column of names was found among {seen}; say which column holds the names "
        f'by adding under [alumni.columns] in the settings a line such as  "{example}" = '
        '"full_name"  (or "first_name" / "last_name").'
    )
