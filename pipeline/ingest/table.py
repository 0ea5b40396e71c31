"""The table every reader returns, and the header logic CSV and sheet readers share.

A header is found by *content*, with a scorer the caller passes, never by a fixed skip.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.errors import InputError
from pipeline.text.arrow_text import text_series

HeaderScorer = Callable[[Sequence[str]], float]
"""Given the cells of a candidate header row, how header-like it is (e.g. known column names)."""

_SPACES = re.compile(r"\s+")


MAX_COLUMNS = 500  # real alumni lists have dozens; more are reported, not read


@dataclass(frozen=True)
class TextTable:
    """A table of text cells read from a CSV or one spreadsheet sheet.

    `rows` has one column per header cell (cleaned, made unique); every cell is str, "" when
    missing. `lines[i]` is the 1-based line (CSV) or sheet row number of `rows.iloc[i]`, as a
    person sees it in a text editor or in Excel, for messages like "Connections.csv, line 12".
    """

    name: str
    rows: pd.DataFrame
    lines: np.ndarray
    header_line: int
    encoding: str
    delimiter: str
    sheet: str = ""
    wrapped: bool = False  # rows were wrapped whole in quotes (an Excel re-save)
    newline: str = ""  # "LF", "CRLF" or "CR" for CSV text; "" for sheets
    columns_dropped: int = 0  # columns past MAX_COLUMNS, not read (said in the report)

    def narrowed(self) -> TextTable:
        """The table cut to MAX_COLUMNS columns: a file 100,000 columns wide is not a list of
        people, and every step after this one works column by column."""
        extra = self.rows.shape[1] - MAX_COLUMNS
        if extra <= 0:
            return self
        rows = self.rows.iloc[:, :MAX_COLUMNS]
        return dataclasses.replace(self, rows=rows, columns_dropped=self.columns_dropped + extra)


def clean_header(cells: Sequence[str]) -> list[str]:
    """Header cells stripped, inner whitespace collapsed, blanks and duplicates made unique.

    Example: [" First\\nName ", "", "Email", "Email"] ->
    ["First Name", "column 2", "Email", "Email (2)"].
    """
    names = [_SPACES.sub(" ", str(c)).strip() for c in cells]
    names = [n or f"column {i + 1}" for i, n in enumerate(names)]
    seen: Counter[str] = Counter()
    taken = {n.casefold() for n in names}
    unique = []
    for n in names:
        key = n.casefold()
        seen[key] += 1
        if seen[key] > 1:
            k = seen[key]
            while f"{n} ({k})".casefold() in taken:
                k += 1
            n = f"{n} ({k})"
            taken.add(n.casefold())
        unique.append(n)
    return unique


def find_header(
    candidates: Sequence[Sequence[str]], score_header: HeaderScorer, min_score: float
) -> int | None:
    """Index of the best-scoring candidate row (the first of equals), or None below min_score.

    Example: find_header([["Notes:"], ["Name", "Email"]], scorer, 2) -> 1.
    """
    best, best_score = None, float("-inf")
    for i, cells in enumerate(candidates):
        score = score_header(clean_header(cells[:MAX_COLUMNS])) if cells else float("-inf")
        if score > best_score:
            best, best_score = i, score
    return best if best is not None and best_score >= min_score else None


def no_header(name: str, what: str, max_scan: int) -> InputError:
    return InputError(
        f"{name} does not look like {what}: no header row was found in its first {max_scan} "
        "lines; check that you chose the right file."
    )


def frame_of(header: Sequence[str], body: list[list[str]]) -> pd.DataFrame:
    """Build the frame column-wise; columns with no header and no data (Excel padding) go."""
    lengths = set(map(len, body))
    width = max(lengths | {len(header)})
    cells = list(header) + [""] * (width - len(header))
    names = clean_header(cells)
    if lengths - {width}:
        body = [r if len(r) == width else r + [""] * (width - len(r)) for r in body]
    columns = list(zip(*body, strict=True)) if body else [() for _ in names]
    data = {}
    for j, (n, col) in enumerate(zip(names, columns, strict=True)):
        if not cells[j].strip() and not any(col):
            continue
        data[n] = text_series(col)
    return pd.DataFrame(data, index=pd.RangeIndex(len(body)))
