"""Spreadsheets (.xlsx, .xlsm, .xls, .ods) into grids of text cells, and a grid into a TextTable.

Merged title rows and blank rows above the header are skipped by finding the header by content.
A sheet's cells are held column by column (``Grid``): a 200,000-row sheet is made text, searched
for blank rows and put into its frame a column at a time, with C-level maps and NumPy, where a
Python loop over its rows and cells took seconds.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterator, Sequence
from itertools import repeat
from pathlib import Path
from typing import overload

import numpy as np
import pandas as pd

from pipeline.errors import InputError
from pipeline.ingest.bounds import check_spreadsheet
from pipeline.ingest.table import HeaderScorer, TextTable, clean_header, find_header, no_header
from pipeline.text.arrow_text import text_series


class Grid(Sequence[list[str]]):
    """A sheet's text cells, held column by column: ``columns[j][i]`` is the cell of row i and
    column j (every row as wide as the widest, padded with ""). Reads as the list of rows it
    stands for: ``grid[0]`` is the first row (a list of str), ``grid[:30]`` the first 30.

    Example: Grid.of_rows([["Name", "Class"], ["Ada"]])[1] -> ["Ada", ""].
    """

    def __init__(self, columns: Sequence[np.ndarray], height: int) -> None:
        self.columns = list(columns)  # object arrays of str, each ``height`` long
        self.height = height

    @classmethod
    def of_rows(cls, rows: Sequence[Sequence[object]]) -> Grid:
        """The grid of ``rows`` (cells as a spreadsheet reader gives them: str, float, bool,
        dates, None …), every cell made text as ``cell_text`` makes it."""
        rows = list(rows)
        width = max(map(len, rows), default=0)
        if any(len(r) != width for r in rows):
            rows = [list(r) + [""] * (width - len(r)) for r in rows]
        cells = np.empty((len(rows), width), dtype=object)
        if rows and width:
            cells[:] = rows
        return cls([text_cells(cells[:, j]) for j in range(width)], len(rows))

    def __len__(self) -> int:
        return self.height

    @overload
    def __getitem__(self, i: int) -> list[str]: ...
    @overload
    def __getitem__(self, i: slice) -> list[list[str]]: ...
    def __getitem__(self, i: int | slice) -> list[str] | list[list[str]]:
        if isinstance(i, slice):
            return [self._row(k) for k in range(*i.indices(self.height))]
        if not -self.height <= i < self.height:
            raise IndexError("grid row out of range")
        return self._row(i % self.height)

    def __iter__(self) -> Iterator[list[str]]:
        return (self._row(k) for k in range(self.height))

    def _row(self, i: int) -> list[str]:
        return [str(col[i]) for col in self.columns]

    def filled_rows(self, start: int) -> np.ndarray:
        """Positions from ``start`` on of the rows with a cell that is more than spaces."""
        undecided = np.arange(start, self.height)
        filled = []
        for col in self.columns:  # most rows are settled by their first column
            if not len(undecided):
                break
            cells = col[undecided]
            some = np.fromiter(map(bool, map(str.strip, cells)), bool, len(cells))
            filled.append(undecided[some])
            undecided = undecided[~some]
        return np.sort(np.concatenate(filled)) if filled else undecided[:0]


def read_sheets(path: Path, name: str, *, max_bytes: int = 500_000_000) -> list[tuple[str, Grid]]:
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
            cells = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            sheets.append((meta.name, Grid.of_rows(cells)))
            del cells  # the cells as read: the grid holds them as text now
    except Exception as error:  # calamine raises many types (zip, xml, password, io)
        kind = "is password-protected" if "password" in str(error).lower() else "is unreadable"
        raise InputError(
            f"{name} {kind} as a spreadsheet; open it in Excel and save it again as .xlsx "
            "(without a password), or export it as CSV."
        ) from None
    return sheets


def text_cells(cells: np.ndarray) -> np.ndarray:
    """A column of cells as read (object array) as text, each as ``cell_text`` makes it: text
    as it is, and the rest by kind, each kind converted in one C-level map over its cells
    (numbers of a Class Year column, dates), never a Python call per cell."""
    n = len(cells)
    is_text = np.fromiter(map(isinstance, cells, repeat(str)), bool, n)
    if is_text.all():
        return cells
    out = cells.copy()
    at = np.flatnonzero(~is_text)
    others = cells[at]
    kinds = np.fromiter(map(type, others), object, len(others))
    for kind in dict.fromkeys(kinds):
        where = np.fromiter(map(operator.is_, kinds, repeat(kind)), bool, len(kinds))
        out[at[where]] = _texts_of(kind, others[where])
    return out


def _texts_of(kind: type, values: np.ndarray) -> np.ndarray:
    """``cell_text`` of each of ``values``, all of exactly the type ``kind``."""
    out = np.empty(len(values), dtype=object)
    if kind is float:
        whole = np.fromiter(map(float.is_integer, values), bool, len(values))
        out[whole] = list(map(str, map(int, values[whole])))
        out[~whole] = list(map(float.__repr__, values[~whole]))
    elif kind is bool:
        out[:] = np.where(values.astype(bool), "TRUE", "FALSE").astype(object)
    elif kind is type(None):
        out[:] = ""
    elif kind is dt.datetime:
        out[:] = list(map(dt.date.isoformat, map(dt.datetime.date, values)))
    elif kind is dt.date:
        out[:] = list(map(dt.date.isoformat, values))
    else:  # int, time, timedelta, a reader's error value: few, each as cell_text says
        out[:] = [cell_text(v) for v in values]
    return out


def cell_text(value: object) -> str:
    """One cell as text: numbers without Excel's float noise (2019.0 -> "2019"), dates
    "YYYY-MM-DD", booleans "TRUE"/"FALSE", an empty cell "". ``text_cells`` does a column."""
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
    grid: Sequence[Sequence[str]],
    name: str,
    score_header: HeaderScorer,
    *,
    sheet: str = "",
    min_score: float = 2,
    max_scan: int = 60,
    what: str = "the expected kind of table",
) -> TextTable:
    """Turn a sheet's grid (from read_sheets, or a list of rows of text) into a TextTable,
    finding the header by content.

    Rows above the header (titles, merged cells) are dropped; empty rows below it are not rows;
    columns with neither a header nor a cell below it (Excel's padding) are dropped.
    lines are spreadsheet row numbers. Example: grid_table([["Alumni 2019"], [], ["Name", "Class"],
    ["Ada", "2019"]], "alumni.xlsx", scorer).lines -> [4], header_line == 3.
    """
    if not isinstance(grid, Grid):
        grid = Grid.of_rows(grid)
    h = find_header(grid[:max_scan], score_header, min_score)
    if h is None:
        label = f"{name} [{sheet}]" if sheet else name
        raise no_header(label, what, max_scan)
    keep = grid.filled_rows(h + 1)
    header = grid[h]
    names = clean_header(header)
    data = {}
    for j, (n, col) in enumerate(zip(names, grid.columns, strict=True)):
        body = col[keep]
        if not header[j].strip() and not any(map(len, body)):
            continue
        data[n] = text_series(body)
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(keep)))
    lines = keep.astype(np.int64) + 1
    label = f"{name} [{sheet}]" if sheet else name
    suffix = Path(name).suffix.lower().lstrip(".") or "xlsx"
    return TextTable(label, frame, lines, h + 1, suffix, "", sheet).narrowed()
