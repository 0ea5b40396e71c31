"""A streamed sheet's rows as XlsxWriter writes them, made column-wise in Arrow.

XlsxWriter's ``constant_memory`` mode writes each row's XML when the next row is begun, a
Python call or three per cell (about 4 us a cell: the All candidates and Matches sheets hold
240,000 cells at the large size). ``write_ahead`` makes the same XML for a block of rows at
once: each distinct value's cell once (through XlsxWriter's own escaping), each row's cells
joined by Arrow, written where XlsxWriter writes them, with the worksheet left as the cells
written one by one would leave it. It writes every row of the block but the last one that
holds a cell: the caller writes that one cell by cell, so whatever comes next (a note under
the grid, the filter, the end of the sheet) meets XlsxWriter in the state it expects.

Only the plain case goes this way (no row heights or comments on the rows, the default row
height, Excel 2007 XML, rows inside the sheet, the XlsxWriter version this was checked
against: ``CHECKED``); anything else is left to XlsxWriter (``write_ahead`` returns 0).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import _preserve_whitespace, _utf16_len, _utf16_truncate, xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from pipeline.export.table_csv import text_bytes

#: The XlsxWriter versions whose row XML this module makes (tests compare it with theirs).
CHECKED = ("3.3.1",)

_TEXT = pa.large_string()


def write_ahead(
    ws: Worksheet,
    start: int,
    kinds: Sequence[str],
    formats: Sequence[Format | None],
    values: Sequence[Sequence[object]],
) -> int:
    """Write the rows ``start``, ``start + 1`` … (0-based) of ``values`` (one list per column,
    from column 0, values that went through ``cells.cell_value``) as XlsxWriter would write
    them cell by cell: a column's non-missing values with its writer ``kinds[j]``
    ("write_string", "write_number" or "write_boolean", as ``sheets.write_grid`` chose), a
    missing value as a blank cell when ``formats[j]`` is given (else no cell), each cell with
    ``formats[j]``. Returns how many rows (from the first) were written: all but the last one
    that holds a cell, or 0 when these rows are not the plain case (the caller writes them)."""
    n = len(values[0]) if len(values) else 0
    if n < 2 or not _plain(ws, start, n, len(values)):
        return 0
    pieces = [_cells(ws, kinds[j], formats[j], values[j]) for j in range(len(values))]
    if any(p is None for p in pieces):
        return 0  # a value XlsxWriter would refuse or change: cell by cell, as before
    present = np.stack([p[0] != -1 for p in pieces])  # type: ignore[index]
    rows = np.flatnonzero(present.any(axis=0))
    if len(rows) < 2:
        return 0
    ahead = rows[:-1]  # the last row that holds a cell is the caller's
    first, end = start + int(ahead[0]), start + int(ahead[-1])
    used = np.flatnonzero(present[:, ahead].any(axis=1)).tolist()
    # What the first cell's write does: the dimensions, then the row before it written out.
    ws._check_dimensions(first, used[0])
    ws._check_dimensions(end, used[-1])
    ws._write_single_row(first)
    # Style indices are numbered in the order formats are first written: by row, then column.
    firsts = sorted((int(np.argmax(present[j, ahead])), j) for j in used)
    styles = {j: _style(ws, j, formats[j]) for _, j in firsts}
    numbers = pc.cast(pa.array(ahead + start + 1), _TEXT)
    cells = []
    for j in used:
        codes, tails = pieces[j]  # type: ignore[misc]
        s = f' s="{styles[j]}"' if styles[j] is not None else ""
        phrases = [f'"{s}{tail}' for tail in tails] + [f'"{s}/>']  # the last: a blank cell
        taken = codes[ahead]
        taken = np.where(taken == -2, len(tails), taken)
        at = pa.array(taken, mask=taken < 0)
        cell = pc.binary_join_element_wise(
            _scalar(f'<c r="{xl_col_to_name(j)}'),
            numbers,
            pa.array(phrases, _TEXT).take(at),
            _scalar(""),
        )
        cells.append(pc.fill_null(cell, _scalar("")))
    lines = pc.binary_join_element_wise(
        _scalar('<row r="'), numbers, _scalar('">'), *cells, _scalar("</row>"), _scalar("")
    )
    ws.fh.write(text_bytes(lines).to_pybytes().decode("utf-8"))
    return int(ahead[-1]) + 1


def _plain(ws: Worksheet, start: int, n: int, width: int) -> bool:
    """Whether rows ``start`` … ``start + n - 1`` of ``width`` columns are written as plain
    ``<row r="…">`` elements holding only their cells, after the rows already written."""
    stop = start + n
    return (
        xlsxwriter.__version__ in CHECKED
        and bool(ws.constant_memory)
        and ws.excel_version != 2010
        and ws.default_row_height == ws.original_row_height
        and ws.previous_row < start
        and stop <= ws.xls_rowmax
        and width <= ws.xls_colmax
        and not any(start <= r < stop for r in ws.row_info)
        and not any(start <= r < stop for r in ws.comments)
    )


def _style(ws: Worksheet, j: int, fmt: Format | None) -> int | None:
    """The style index a cell of column ``j`` written with ``fmt`` carries (``_write_cell``:
    its own format, else the column's), numbered now if it is the first use."""
    if not fmt:
        info = ws.col_info.get(j)
        fmt = info.column_format if info is not None else None
    return fmt._get_xf_index() if fmt is not None else None


def _cells(
    ws: Worksheet, kind: str, fmt: Format | None, column: Sequence[object]
) -> tuple[np.ndarray, list[str]] | None:
    """(codes, tails) for one column: each row's code into ``tails`` (the XML after the cell's
    reference and style, once per distinct value), -2 for a blank cell, -1 for no cell; None
    when a value must go XlsxWriter's own way."""
    objects = np.empty(len(column), dtype=object)
    objects[:] = column
    missing = objects == None  # noqa: E711 (element by element)
    present = objects[~missing]
    if kind == "write_number":
        try:
            numbers = present.astype(float)  # what "{:.16G}" formats an int as, too
        except (OverflowError, TypeError, ValueError):
            return None
        if not np.isfinite(numbers).all():
            return None  # NaN or infinity: XlsxWriter raises, as it did
        codes, bits = pd.factorize(numbers.view(np.int64))  # by bits: -0.0 is not 0.0
        tails = [f"><v>{x:.16G}</v></c>" for x in bits.view(np.float64).tolist()]
    elif kind == "write_boolean":
        codes, flags = pd.factorize(present.astype(bool))
        tails = [f' t="b"><v>{int(flag)}</v></c>' for flag in flags.tolist()]
    elif kind == "write_string":
        if not all(type(v) is str for v in present.tolist()):
            return None
        codes, texts = pd.factorize(present)
        tails = [_string_tail(ws, text) for text in texts.tolist()]
    else:
        return None
    out = np.full(len(objects), -2 if fmt is not None else -1, dtype=np.int64)
    out[~missing] = codes
    return out, tails


def _string_tail(ws: Worksheet, text: str) -> str:
    """What ``_write_string`` and ``_write_cell`` write for ``text`` after the cell's
    reference and style (in constant_memory mode: an inline string)."""
    if len(text) > ws.xls_strmax // 2 and _utf16_len(text) > ws.xls_strmax:
        text = _utf16_truncate(text, ws.xls_strmax)
    text = ws._escape_control_characters(text)
    if text.startswith("<r>") and text.endswith("</r>"):
        return f' t="inlineStr"><is>{text}</is></c>'
    preserve = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
    return f' t="inlineStr"><is><t{preserve}>{ws._escape_data(text)}</t></is></c>'


def _scalar(text: str) -> pa.Scalar:
    return pa.scalar(text, _TEXT)
