"""Spreadsheets (.xlsx, .xlsm, .xls, .ods) into grids of text cells, and a grid into a TextTable.

Merged title rows and blank rows above the header are skipped by finding the header by content.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from pipeline.errors import InputError
from pipeline.ingest.bounds import check_spreadsheet
from pipeline.ingest.table import HeaderScorer, TextTable, find_header, frame_of, no_header


def read_sheets(
    path: Path, name: str, *, max_bytes: int = 500_000_000
) -> list[tuple[str, list[list[str]]]]:
    """Every worksheet of an .xlsx/.xlsm/.xls/.ods file as (sheet name, grid of text cells).

    grid[0] is spreadsheet row 1 even when the top rows are empty. Numbers lose Excel's float
    noise (2019.0 -> "2019"), dates become "YYYY-MM-DD", booleans "TRUE"/"FALSE".
    Example: read_sheets(Path("alumni.xlsx"), "alumni.xlsx") ->
    [("Class of 2019", [["Name", "Class"], ["Ada Lovelace", "2019"]])]. A zip-based file
    (.xlsx, .xlsm, .ods) is bounded first (pipeline.ingest.bounds): unpacked size, used range.
    """
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    # calamine allocates a sheet's whole used range at once and aborts the process when it
    # cannot: the file's unpacked size and ranges are checked before it opens the file.
    check_spreadsheet(Path(path), name, max_bytes)
    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets = []
        for meta in book.sheets_metadata:
            if meta.typ not in (SheetTypeEnum.WorkSheet,):
                continue
            grid = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            sheets.append((meta.name, [_row_text(row) for row in grid]))
    except Exception as error:  # calamine raises many types (zip, xml, password, io)
        kind = "is password-protected" if "password" in str(error).lower() else "is unreadable"
        raise InputError(
            f"{name} {kind} as a spreadsheet; open it in Excel and save it again as .xlsx "
            "(without a password), or export it as CSV."
        ) from None
    return sheets


def _row_text(row: Sequence[object]) -> list[str]:
    # Most cells are text already: the type test inline saves a call per cell on big sheets.
    return [v if v.__class__ is str else _cell_text(v) for v in row]


def _cell_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def grid_table(
    grid: list[list[str]],
    name: str,
    score_header: HeaderScorer,
    *,
    sheet: str = "",
    min_score: float = 2,
    max_scan: int = 60,
    what: str = "the expected kind of table",
) -> TextTable:
    """Turn a sheet's grid (from read_sheets) into a TextTable, finding the header by content.

    Rows above the header (titles, merged cells) are dropped; empty rows below it are not rows.
    lines are spreadsheet row numbers. Example: grid_table([["Alumni 2019"], [], ["Name", "Class"],
    ["Ada", "2019"]], "alumni.xlsx", scorer).lines -> [4], header_line == 3.
    """
    h = find_header(grid[:max_scan], score_header, min_score)
    if h is None:
        label = f"{name} [{sheet}]" if sheet else name
        raise no_header(label, what, max_scan)
    keep = [i for i in range(h + 1, len(grid)) if any(map(str.strip, grid[i]))]
    body = [grid[i] for i in keep]
    frame = frame_of(grid[h], body)
    lines = np.asarray(keep, dtype=np.int64) + 1
    label = f"{name} [{sheet}]" if sheet else name
    suffix = Path(name).suffix.lower().lstrip(".") or "xlsx"
    return TextTable(label, frame, lines, h + 1, suffix, "", sheet).narrowed()
