"""A fast lane for plain rows in write-only sheets: the same XML as openpyxl, built per row.

openpyxl's write-only mode still makes a cell object per value and writes each through several
Python calls (about 9 µs a cell): the All candidates sheet of a 200,000-row alumni list is
3.7 million cells, most of the time it takes to write the workbook. A *plain* row (only text,
numbers, booleans and blanks, no style, link or comment) needs none of that: ``PlainRow`` marks
one, and a sheet ``prepared`` here writes it as one XML string parsed by lxml, byte for byte
what openpyxl writes for the same values. Every other row takes openpyxl's own path.

Only values that already went through ``cells.cell_value`` may be put in a PlainRow (text made
inert and writable there); text openpyxl would take for a formula or an error never is.
"""

from __future__ import annotations

from collections.abc import Callable
from math import isinf, isnan

from lxml import etree
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

_PLAIN = frozenset({str, int, float, bool, type(None)})


class PlainRow(list):
    """A row of plain values (see module doc); an ordinary list to any other sheet."""


def is_plain(values: list[object]) -> bool:
    """Only text, numbers, booleans and None; no empty text (openpyxl writes an empty cell) and
    not all None (openpyxl writes ``<row></row>``, lxml would write ``<row/>``)."""
    return (
        all(type(v) in _PLAIN for v in values)
        and "" not in values
        and any(v is not None for v in values)
    )


def prepare(ws: object) -> None:
    """Let the write-only sheet ``ws`` take PlainRows through the fast lane (idempotent; any
    other kind of sheet is left as it is)."""
    if not isinstance(ws, WriteOnlyWorksheet) or getattr(ws, "_plain_lane", False):
        return
    ws._get_writer()
    to_cells: Callable = ws._values_to_row
    write_row: Callable = ws._writer.write_row
    letters: list[str] = []

    def values_to_row(values, row_idx):
        return values if isinstance(values, PlainRow) else to_cells(values, row_idx)

    def fast_write_row(xf, row, row_idx):
        if not isinstance(row, PlainRow):
            return write_row(xf, row, row_idx)
        while len(letters) < len(row):
            letters.append(get_column_letter(len(letters) + 1))
        dims = ws.row_dimensions.get(row_idx)  # a height set before streaming
        xf.write(etree.fromstring(_row_xml(row, row_idx, dict(dims or {}), letters)))
        ws._max_col = max(ws._max_col, len(row))  # as openpyxl's own path keeps count
        return None

    ws._values_to_row = values_to_row
    ws._writer.write_row = fast_write_row
    ws._plain_lane = True


def _row_xml(row: list[object], row_idx: int, attrs: dict[str, str], letters: list[str]) -> str:
    extra = "".join(f' {k}="{v}"' for k, v in attrs.items())
    parts = [f'<row r="{row_idx}"{extra}>']
    for letter, value in zip(letters, row, strict=False):
        if value is None:
            continue
        ref = f"{letter}{row_idx}"
        if type(value) is str:
            space = ' xml:space="preserve"' if value != value.strip() else ""
            text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            parts.append(f'<c r="{ref}" t="inlineStr"><is><t{space}>{text}</t></is></c>')
        else:
            kind = "b" if type(value) is bool else "n"
            number = "" if isnan(value) or isinf(value) else f"{value:.16g}"
            parts.append(f'<c r="{ref}" t="{kind}"><v>{number}</v></c>')
    parts.append("</row>")
    return "".join(parts)
