"""The "What changed" sheet, first in the workbook when the history has something to say:
a few summary sentences, then one row per change (who, what it was, what it is now).

The rows are made by ``pipeline.history``; this module only lays them out, every value through
``cells`` (names, titles and companies are typed by strangers).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from openpyxl.cell.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.export.cells import cell_rows, safe_text
from pipeline.export.sheets import HEADER_HEIGHT, Col, col, write_block

CHANGES_SHEET = "What changed"
#: The detail columns, in order, with their widths.
CHANGE_HEADERS = {
    "Change": 26,
    "Name": 24,
    "Before": 40,
    "Now": 40,
    "Rank": 7,
    "Rank before": 11,
    "ID (keep)": 16,
}


WRAPPED = ("Change", "Before", "Now")
_TITLE_FONT = Font(bold=True, size=14, color="1F4E78")


@dataclass(frozen=True)
class WhatChanged:
    """``title``: the sheet's first line; ``lines``: summary sentences (no personal data);
    ``rows``: CHANGE_HEADERS columns, one row per change, in the order to show."""

    title: str
    lines: tuple[str, ...]
    rows: pd.DataFrame

    def __bool__(self) -> bool:
        return not self.rows.empty


def what_changed_sheet(ws: Worksheet, changed: WhatChanged) -> None:
    """Write the sheet: a title, one line per kind of change (counts), a blank row, then the
    table of changes."""
    rows = changed.rows.reindex(columns=list(CHANGE_HEADERS))
    for i, width in enumerate(CHANGE_HEADERS.values(), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    end = len(changed.lines) + 3 + len(rows)  # title, lines, blank row, table header, rows
    ref = f"A1:{get_column_letter(len(CHANGE_HEADERS))}{end}"
    ws.calculate_dimension = lambda: ref  # before the first row: streaming writes it first
    ws.row_dimensions[1].height = 24
    title = WriteOnlyCell(ws, safe_text(changed.title))
    title.data_type, title.font = "s", _TITLE_FONT
    ws.append([title])
    # One short sentence a row, overflowing to the right across the empty cells beside it.
    for row in cell_rows(ws, [["• " + line for line in changed.lines]]):
        ws.append(row)
    last = 1 + len(changed.lines)
    ws.append([])
    ws.row_dimensions[last + 2].height = HEADER_HEIGHT
    cols = [
        col(h, rows[h].tolist())
        if h == "Name"
        else Col(h, rows[h].tolist(), w, "0" if h.startswith("Rank") else None, h in WRAPPED)
        for h, w in CHANGE_HEADERS.items()
    ]
    end = write_block(ws, cols, last + 1, top=True, heights=True)
    ws.auto_filter.ref = f"A{last + 2}:{get_column_letter(len(cols))}{max(end, last + 3)}"
