"""A sheet's columns are made safe column-wise (``cells.safe_column`` on a Series) and written
by one XlsxWriter method per column when every cell of it takes the same one
(``sheets.write_grid``); both must give exactly what the value-by-value way gives."""

from __future__ import annotations

import math
import zipfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.export import sheets
from pipeline.export.cells import cell_value, safe_column
from pipeline.export.sheets import Book, Col, write_grid
from tests.export.hostile_text import HOSTILE


def _same(a: list[object], b: list[object]) -> bool:
    def key(v: object) -> tuple:
        return (type(v), "nan" if isinstance(v, float) and math.isnan(v) else repr(v))

    return [key(v) for v in a] == [key(v) for v in b]


@pytest.mark.parametrize(
    "series",
    [
        pd.Series([1.5, np.nan, np.inf, -np.inf, -0.0, 0.0, 1e300, 5e-324]),
        pd.Series([1.5, 2.5], dtype="float32"),
        pd.Series([3, -4, 0], dtype="int64"),
        pd.Series([3, 4], dtype="uint8"),
        pd.Series([True, False]),
        pd.Series([*HOSTILE, None, *HOSTILE], dtype="str"),
        pd.Series(["=1", 2.0, None, True, np.int64(3)], dtype=object),
        pd.Series([1, None, 3], dtype="Int64"),
        pd.Series(pd.to_datetime(["2024-05-01", None])),
        pd.Series([], dtype="float64"),
        pd.Series([], dtype="str"),
        pd.Series([], dtype=object),
        pd.Series(["é"], dtype="str"),  # one row
        pd.Series([*HOSTILE, None, np.nan, pd.NA, "ok", "ok"], dtype=object),  # text, missing
        pd.Series([None, None], dtype=object),
        pd.Series(["a", b"b"], dtype=object),  # bytes are not text: value by value
        pd.Series(["a\ud800b", "ok", None], dtype=pd.StringDtype("python")),  # lone surrogate
        pd.Series([2**64 - 1, None], dtype="UInt64"),
        pd.Series([True, None, False], dtype="boolean"),
        pd.Series([3, None], dtype="int64[pyarrow]"),
        pd.Series([True, None], dtype="bool[pyarrow]"),
    ],
)
def test_safe_column_of_a_series_is_cell_value_of_each_value(series: pd.Series) -> None:
    want = [cell_value(v) for v in series.tolist()]
    assert _same(safe_column(series), want)
    assert _same(safe_column(series), safe_column(series.tolist()))


@given(st.lists(st.one_of(st.none(), st.text(max_size=8), st.sampled_from(HOSTILE)), max_size=30))
@settings(max_examples=100, deadline=None)
def test_safe_column_of_any_text_series_is_cell_value_of_each(values: list[str | None]) -> None:
    series = pd.Series(values, dtype="str")
    assert _same(safe_column(series), [cell_value(v) for v in series.tolist()])


@pytest.mark.parametrize("dtype", ["str", object])
def test_safe_column_of_text_sorts_plain_from_odd_text_as_safe_text_does(dtype) -> None:
    # every character of the first planes first, in the middle and last: the fast path must
    # take only the text that safe_text leaves as it is
    chars = [chr(c) for c in range(0x3100) if not 0xD800 <= c <= 0xDFFF] + ["\ufffe", "\uffff"]
    values = [v for c in chars for v in (c, c + "x", "x" + c, "x" + c + "y")]
    series = pd.Series(values, dtype=dtype)
    assert _same(safe_column(series), [cell_value(v) for v in values])


def _sheet_xml(cols: list[Col], path, *, cell_by_cell: bool, monkeypatch) -> bytes:
    if cell_by_cell:  # no column writer: every cell takes put's way, as before
        monkeypatch.setattr(sheets, "_column_writer", lambda ws, c, safe: None)
    with Book(path) as book:
        write_grid(book, book.sheet("Grid"), cols)
    monkeypatch.undo()
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml")


def test_column_writers_write_what_cell_by_cell_writes(tmp_path, monkeypatch) -> None:
    n = 7
    frame = pd.DataFrame(
        {
            "Text": pd.Series(["=1+1", None, "a\r\nb", "", "ok", "@x", "  "], dtype="str"),
            "Score": [0.5, np.nan, -0.0, np.inf, 1.0, 2.25, 1e-9],
            "Count": np.arange(n, dtype="int64"),
            "Flag": [True, False] * 3 + [True],
            "Mixed": pd.Series(["a", 1.5, None, True, 3, "b", np.nan], dtype=object),
            "Blank": pd.Series([None] * n, dtype=object),
        }
    )
    cols = [
        Col("Text", frame["Text"], 20, None, True),
        Col("Score", frame["Score"], 9, "0.00"),
        Col("Count", frame["Count"].tolist()),
        Col("Flag", frame["Flag"]),
        Col("Mixed", frame["Mixed"].tolist()),
        Col("Blank", frame["Blank"].tolist(), user=True),  # tinted: blank cells are written
    ]
    fast = _sheet_xml(cols, tmp_path / "a.xlsx", cell_by_cell=False, monkeypatch=monkeypatch)
    slow = _sheet_xml(cols, tmp_path / "b.xlsx", cell_by_cell=True, monkeypatch=monkeypatch)
    assert fast == slow
    assert b"=1+1" in fast and b"<f>" not in fast  # text stays text


def test_a_column_writer_only_for_one_kind_of_value(tmp_path) -> None:
    book = Book(tmp_path / "x.xlsx")
    ws = book.sheet("x")
    assert sheets._column_writer(ws, Col("a", []), ["x", None]) == ws.write_string
    assert sheets._column_writer(ws, Col("a", []), [1, 2.5, None]) == ws.write_number
    assert sheets._column_writer(ws, Col("a", []), [True, None]) == ws.write_boolean
    assert sheets._column_writer(ws, Col("a", []), [True, 1]) is None  # put: boolean, number
    assert sheets._column_writer(ws, Col("a", []), ["x", 1.0]) is None
    assert sheets._column_writer(ws, Col("a", [], links=["u"]), ["x"]) is None
    assert sheets._column_writer(ws, Col("a", [], formula=str), ["x"]) is None
    book.close()
