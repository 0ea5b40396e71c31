"""The "What changed" sheet, first in the workbook when the history has something to say:
a few summary sentences, then one row per change (who, what it was, what it is now).

The rows are made by ``pipeline.history``; this module only lays them out, every value through
``cells`` (names, titles and companies are typed by strangers).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from pipeline.export.cells import write_cell
from pipeline.export.sheets import Book, Col, col, set_columns, write_grid

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
_TITLE_LOOK = {"bold": True, "font_size": 14, "font_color": "#1F4E78"}


@dataclass(frozen=True)
class WhatChanged:
    """``title``: the sheet's first line; ``lines``: summary sentences (no personal data);
    ``rows``: CHANGE_HEADERS columns, one row per change, in the order to show."""

    title: str
    lines: tuple[str, ...]
    rows: pd.DataFrame

    def __bool__(self) -> bool:
        return not self.rows.empty


class Later:
    """What changed as ``write_workbook`` is given it: a WhatChanged, None, or a function
    giving one (``history.for_run``'s, whose worker may still be busy), called once, by the
    first thread to ask (the workbook's, for its first sheet, or a CSV's, before it replaces the
    old file: a run whose history failed replaces none, as when the history came first); its
    error is raised to each."""

    def __init__(self, given: WhatChanged | Callable[[], WhatChanged | None] | None) -> None:
        self._given = given
        self._lock = threading.Lock()
        self._asked = False
        self._found: WhatChanged | None = None
        self._error: BaseException | None = None

    def get(self) -> WhatChanged | None:
        with self._lock:
            if not self._asked:
                self._asked = True
                try:
                    given = self._given
                    self._found = given() if callable(given) else given
                except BaseException as error:
                    self._error = error
        if self._error is not None:
            raise self._error
        return self._found


def what_changed_sheet(book: Book, changed: WhatChanged) -> None:
    """Write the sheet: a title, one line per kind of change (counts), a blank row, then the
    table of changes."""
    rows = changed.rows.reindex(columns=list(CHANGE_HEADERS))
    cols = [
        col(h, rows[h].tolist())
        if h == "Name"
        else Col(h, rows[h].tolist(), w, "0" if h.startswith("Rank") else None, h in WRAPPED)
        for h, w in CHANGE_HEADERS.items()
    ]
    ws = book.sheet(CHANGES_SHEET)
    set_columns(book, ws, [Col(c.header, [], w) for c, w in zip(cols, CHANGE_HEADERS.values(),
                                                               strict=True)])  # fmt: skip
    ws.set_row(0, 24)
    write_cell(ws, 0, 0, changed.title, book.fmt(**_TITLE_LOOK))
    # One short sentence a row, overflowing to the right across the empty cells beside it.
    for i, line in enumerate(changed.lines, start=1):
        write_cell(ws, i, 0, "• " + line)
    first = len(changed.lines) + 2  # a blank row, then the table
    write_grid(book, ws, cols, first_row=first, freeze=None, top=True, heights=True, widths=False)
