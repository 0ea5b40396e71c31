"""``rows_xml.write_ahead`` writes a streamed sheet's rows as XlsxWriter writes them cell by cell:
every part of the workbook (the sheets' XML, the styles, whose numbering follows the order
formats are first used) is the same with it and without it."""

from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.export import rows_xml, sheets
from pipeline.export.cells import write_cell
from pipeline.export.sheets import Book, Col, write_grid
from tests.export.hostile_text import HOSTILE

#: Text XlsxWriter treats in its own ways: XML's specials, its escape of the escape, a
#: "rich string" it writes as it is, blanks at either end (Python's idea of a blank).
ODD = [
    "a & b", "<b>x</b>", 'say "hi"', "x > y", "<r>raw</r>", "<r>", "_x0041_", "a_x00e9_b",
    " lead", "trail ", "\u00a0nbsp", "ideo\u3000", "\u2028", "tab\t", "line\nbreak", "é ü 😀",
    "\ufeffbom", "x" * 40,
]  # fmt: skip
NUMBERS = [0.0, -0.0, 1, -1, 2**53 + 1, 2**70, 1e-9, 1e300, 5e-324, 0.1 + 0.2, 1234567.125, 3]


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def _book(
    path, blocks, *, ahead: bool, monkeypatch, note: bool = True, column_look=None
) -> tuple[dict[str, bytes], list[int]]:
    """A workbook of one sheet per block (a list of (Col list, first_row)), written with or
    without write_ahead: its parts, and how many rows write_ahead wrote at each grid."""
    written = []

    def counted(*args):
        done = rows_xml.write_ahead(*args) if ahead else 0
        written.append(done)
        return done

    monkeypatch.setattr(sheets, "write_ahead", counted)
    with Book(path) as book:
        for n, grids in enumerate(blocks):
            ws = book.sheet(f"S{n}")
            end = 0
            for j, look in (column_look or {}).items():  # a column's own format
                ws.set_column(j, j, 12, book.fmt(**look))
            for cols, first_row in grids:
                end = write_grid(
                    book, ws, cols, first_row=first_row, freeze=None, widths=not column_look
                )
            if note:
                write_cell(ws, end + 1, 0, "a note under the grid")
    monkeypatch.undo()
    return _parts(path), written


def _same(tmp_path, blocks, monkeypatch, **options) -> list[int]:
    fast, written = _book(tmp_path / "a.xlsx", blocks, ahead=True, monkeypatch=monkeypatch,
                          **options)  # fmt: skip
    slow, _ = _book(tmp_path / "b.xlsx", blocks, ahead=False, monkeypatch=monkeypatch, **options)
    assert fast.keys() == slow.keys()
    for name in fast:
        assert fast[name] == slow[name], name
    return written


def _hostile_grid(n: int, seed: int) -> list[Col]:
    rng = np.random.default_rng(seed)
    texts = [*HOSTILE, *ODD]
    text = [texts[i] if i < len(texts) else None for i in rng.integers(0, len(texts) + 5, n)]
    numbers = [NUMBERS[i] if i < len(NUMBERS) else None for i in rng.integers(0, 15, n)]
    flags = [bool(i) if i < 2 else None for i in rng.integers(0, 3, n)]
    return [
        Col("Text", pd.Series(text, dtype="str"), 20, None, True),
        Col("Score", pd.Series(numbers, dtype=object), 9, "0.00"),
        Col("Count", list(range(n))),
        Col("Flag", flags),
        Col("Object text", text),  # a list: safe_column value by value
        Col("Yours", [None] * n, user=True),  # tinted: a blank cell on every row
        Col("Empty", [None] * n),  # no cell at all
        Col("Floats", pd.Series(rng.normal(size=n)).round(3)),
    ]


def test_rows_written_ahead_are_what_xlsxwriter_writes(tmp_path, monkeypatch) -> None:
    blocks = [[(_hostile_grid(300, seed), 0)] for seed in range(3)]
    written = _same(tmp_path, blocks, monkeypatch)
    assert written == [299, 299, 299]  # the fast way was taken: all rows but the last


def test_rows_without_cells_first_middle_and_last(tmp_path, monkeypatch) -> None:
    gaps = [None, None, "a", None, "b", "=c", None, None, "d", None, None]
    cols = [Col("A", gaps), Col("B", [None, None, 1, None, None, 2.5, None, None, 3, None, None])]
    written = _same(tmp_path, [[(cols, 0)]], monkeypatch)
    assert written == [6]  # up to the row before "d", the last row holding a cell
    one = [Col("A", [None, "only", None])]  # one row holds a cell: nothing ahead
    assert _same(tmp_path, [[(one, 0)]], monkeypatch) == [0]


def test_blocks_below_each_other_and_without_a_note(tmp_path, monkeypatch) -> None:
    # a second block begins below the first (first_row > 0), as on the Settings sheet
    first = [Col("Key", ["a", "b", "c"]), Col("Value", [1, None, 3], number_format="0")]
    second = [Col("File", ["x.csv", "y.csv"]), Col("SHA", ["00", "ff"], user=True)]
    written = _same(tmp_path, [[(first, 0), (second, 5)]], monkeypatch, note=False)
    assert written == [2, 1]


def test_formats_first_used_in_a_later_row_keep_their_numbering(tmp_path, monkeypatch) -> None:
    # Styles are numbered in the order cells first use them. A column with a format of its
    # own (set_column) and none given to write_grid has no blank cells: its first cell, rows
    # down, uses the column's format after the other columns' formats.
    n = 50
    cols = [
        Col("Late", [None] * 20 + ["late"] * (n - 20)),
        Col("Early", ["e"] * n, number_format="0.0"),
        Col("Later", [None] * 30 + [2.5] * (n - 30)),
        Col("Yours", [None] * 10 + ["x"] * (n - 10), user=True),
    ]
    looks = {0: {"bold": True}, 2: {"italic": True}}
    assert _same(tmp_path, [[(cols, 0)]], monkeypatch, column_look=looks) == [n - 1]


@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.text(max_size=6), st.sampled_from([*HOSTILE, *ODD])),
            st.one_of(
                st.none(),
                st.sampled_from(NUMBERS),
                st.floats(allow_nan=False, allow_infinity=False),
            ),
            st.one_of(st.none(), st.booleans()),
        ),
        min_size=0,
        max_size=25,
    ),
    st.booleans(),
)
@settings(max_examples=60, deadline=None)
def test_any_rows_are_written_as_xlsxwriter_writes_them(tmp_path_factory, rows, user) -> None:
    tmp = tmp_path_factory.mktemp("grid")
    text, numbers, flags = (list(c) for c in zip(*rows, strict=True)) if rows else ([], [], [])
    cols = [
        Col("T", pd.Series(text, dtype=object), user=user),
        Col("N", numbers, number_format="0.00"),
        Col("B", flags),
    ]
    with pytest.MonkeyPatch.context() as monkeypatch:
        _same(tmp, [[(cols, 0)]], monkeypatch)


def test_not_the_plain_case_is_left_to_xlsxwriter(tmp_path) -> None:
    with Book(tmp_path / "x.xlsx") as book:
        ws = book.sheet("x")
        fmt = [None, None]
        values = [["a", "b", "c"], [1, 2, 3]]
        kinds = ["write_string", "write_number"]
        ws.set_row(2, 30)  # a row height inside the block
        assert rows_xml.write_ahead(ws, 1, kinds, fmt, values) == 0
        ws2 = book.sheet("y")
        ws2.set_default_row(20)
        assert rows_xml.write_ahead(ws2, 1, kinds, fmt, values) == 0
        ws3 = book.sheet("z")
        assert rows_xml.write_ahead(ws3, 1, kinds, fmt, [["a", 1, "c"], [1, 2, 3]]) == 0
        assert rows_xml.write_ahead(ws3, 1, kinds, fmt, [["a", "b", "c"], [1, np.nan, 3]]) == 0
        assert rows_xml.write_ahead(ws3, 1, kinds, fmt, values) == 2  # the plain case


def test_the_version_checked_is_the_one_installed() -> None:
    # a new XlsxWriter may write its rows otherwise: check it with the tests above, then add it
    assert xlsxwriter.__version__ in rows_xml.CHECKED
