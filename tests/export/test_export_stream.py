"""export/stream.py: plain rows take a fast lane that writes exactly what openpyxl writes."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import WriteOnlyCell

from pipeline.export.stream import PlainRow, is_plain, prepare

ROWS = [
    ["Ada Lovelace", 1, 0.25, True, None, "x"],
    ["  padded  ", -7, 1e-9, False, "a & b < c > d", "naïve 𝐉𝐚𝐧𝐞 日本"],
    [None, None, None, None, None, None],
    ["line\nbreak", 12345678901234567890, 3.141592653589793, 0, 2.0, '"quoted"'],
]


def _sheet_xml(rows: list[list[object]], fast: bool, height_row: int | None = None) -> bytes:
    book = Workbook(write_only=True)
    ws = book.create_sheet("S")
    if height_row:
        ws.row_dimensions[height_row].height = 30
    if fast:
        prepare(ws)
    ws.append([WriteOnlyCell(ws, "header")])  # a cell object: openpyxl's own path
    for row in rows:
        ws.append(PlainRow(row) if fast and is_plain(row) else row)
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as z:
        return z.read("xl/worksheets/sheet1.xml")


@pytest.mark.parametrize("height_row", [None, 3])
def test_plain_rows_are_written_byte_for_byte_as_openpyxl_writes_them(height_row):
    assert _sheet_xml(ROWS, fast=True, height_row=height_row) == _sheet_xml(
        ROWS, fast=False, height_row=height_row
    )


def test_values_read_back_unchanged():
    book = Workbook(write_only=True)
    ws = book.create_sheet("S")
    prepare(ws)
    for row in ROWS:
        ws.append(PlainRow(row))
    buffer = io.BytesIO()
    book.save(buffer)
    back = [list(r) for r in load_workbook(buffer).active.iter_rows(values_only=True)]
    assert back[0] == ["Ada Lovelace", 1, 0.25, True, None, "x"]
    assert back[1][0] == "  padded  " and back[1][4] == "a & b < c > d"
    assert back[1][5] == "naïve 𝐉𝐚𝐧𝐞 日本"


@pytest.mark.parametrize(
    ("row", "plain"),
    [
        (["a", 1, 2.5, True, None], True),
        (["a", ""], False),  # openpyxl writes an empty cell for ""
        ([None, None], False),
        (["a", object()], False),
        ([WriteOnlyCell(None, "a")], False),
    ],
)
def test_is_plain(row, plain):
    assert is_plain(row) is plain


def test_prepare_leaves_ordinary_sheets_alone():
    ws = Workbook().active
    prepare(ws)
    ws.append(PlainRow(["a", 1]))
    assert [c.value for c in ws[1]] == ["a", 1]
