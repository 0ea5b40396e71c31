"""The All candidates CSV is sanitised and assembled column-wise in Arrow
(``csv_fields.safe_csv_arrow``, ``table_csv.csv_rows``); every field must still be exactly
``safe_csv_text`` of its value, and the file exactly what Python's ``csv.writer`` writes."""

from __future__ import annotations

import csv
import io
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.export.cells import PYTHON_SPACES, safe_csv_text
from pipeline.export.csv_fields import safe_csv_arrow
from pipeline.export.table_csv import _has_quoted_bytes, csv_rows, write_table_csv
from tests.export.hostile_text import HOSTILE

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
FIELDS = st.one_of(st.none(), TEXT, st.sampled_from(HOSTILE))


def test_python_spaces_are_what_str_isspace_says() -> None:
    spaces = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
    assert spaces == PYTHON_SPACES


@pytest.mark.parametrize("dtype", ["str", object])
def test_hostile_text_is_safe_csv_text_of_each_value(dtype: object) -> None:
    values = [*HOSTILE, None, *HOSTILE[::-1]]
    series = pd.Series(values, dtype=dtype)
    assert safe_csv_arrow(series).to_pylist() == [safe_csv_text(v) for v in series.tolist()]


def test_missing_and_not_text_values_take_the_full_rule() -> None:
    odd = pd.Series(["=1", float("nan"), None, pd.NA, "a\ud800b", 3, True], dtype=object)
    assert safe_csv_arrow(odd).to_pylist() == [safe_csv_text(v) for v in odd.tolist()]
    assert safe_csv_arrow(odd).to_pylist()[:5] == ["'=1", "", "", "", "ab"]


@given(st.lists(FIELDS, max_size=40).map(lambda v: v + v[::2]))
@settings(max_examples=200, deadline=None)
def test_any_text_column_is_safe_csv_text_of_each_value(values: list[str | None]) -> None:
    for dtype in ("str", object):
        series = pd.Series(values, dtype=dtype)
        assert safe_csv_arrow(series).to_pylist() == [safe_csv_text(v) for v in series.tolist()]


def _csv_module(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


CELLS = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.sampled_from(["", ",", '"', '""', "a,b", 'say "hi"', "\r", "\n", "a\r\nb", " x "]),
)


@given(st.integers(1, 4).flatmap(lambda k: st.lists(st.lists(CELLS, min_size=k, max_size=k))))
@settings(max_examples=300, deadline=None)
def test_csv_rows_are_the_bytes_csv_writer_writes(rows: list[list[str]]) -> None:
    k = len(rows[0]) if rows else 1
    columns = [pa.array([r[j] for r in rows], type=pa.large_string()) for j in range(k)]
    assert csv_rows(columns) == _csv_module(rows)


def test_a_lone_empty_field_is_quoted_as_csv_writer_does() -> None:
    rows = [[""], ["a"], [""]]
    columns = [pa.array(["", "a", ""], type=pa.large_string())]
    assert csv_rows(columns) == _csv_module(rows) == b'""\r\na\r\n""\r\n'


def test_the_table_csv_is_what_csv_writer_writes_from_safe_csv_text(tmp_path, monkeypatch):
    # Small chunks, so rows cross chunk boundaries.
    monkeypatch.setattr("pipeline.export.table_csv.CHUNK", 3)
    frame = pd.DataFrame(
        {
            "=Name": pd.Series([*HOSTILE[:10], None], dtype="str"),
            "Score": [0.5, -0.0, np.nan, 1e-5, 2.0, np.inf, 3.25, 0.0, 1.0, -2.5, 7.0],
            "Rank": pd.array([1, 2, None, 4, 5, 6, 7, 8, 9, 10, 11], dtype="Int64"),
            "Link": pd.Series(["https://x", None, "=bad", *["a,b"] * 8], dtype=object),
        }
    )
    path = write_table_csv(tmp_path / "all.csv", frame)
    header = [safe_csv_text(c) for c in frame.columns]
    body = [[safe_csv_text(v) for v in row] for row in frame.astype(object).values.tolist()]
    assert path.read_bytes() == b"\xef\xbb\xbf" + _csv_module([header, *body])


@given(st.lists(st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)), max_size=30))
@settings(max_examples=100, deadline=None)
def test_an_integer_column_is_safe_csv_text_of_each_value(values: list[int | None]) -> None:
    series = pd.Series(values, dtype="Int64")
    assert safe_csv_arrow(series).to_pylist() == [safe_csv_text(v) for v in series.tolist()]
    full = pd.Series([v or 0 for v in values], dtype="int64")
    assert safe_csv_arrow(full).to_pylist() == [str(v or 0) for v in values]
    small = pd.Series([v or 0 for v in values], dtype="int64").clip(-100, 100).astype("int8")
    assert safe_csv_arrow(small).to_pylist() == [safe_csv_text(v) for v in small.tolist()]


ODD_FLOATS = [0.0, -0.0, 1e16, 1e-5, 123456789012345.6, -2.5, 5e-324]
FLOATS = st.one_of(st.none(), st.floats(), st.sampled_from(ODD_FLOATS))


@pytest.mark.filterwarnings("ignore:overflow encountered in cast:RuntimeWarning")  # float32
@given(st.lists(FLOATS, max_size=30).map(lambda v: v + v[::3]))
@settings(max_examples=200, deadline=None)
def test_a_float_column_is_safe_csv_text_of_each_value(values: list[float | None]) -> None:
    for dtype in ("float64", "Float64", "float32"):
        series = pd.Series(values, dtype=dtype)
        assert safe_csv_arrow(series).to_pylist() == [safe_csv_text(v) for v in series.tolist()]


def test_signed_zeros_nan_and_infinities_in_one_float_column() -> None:
    series = pd.Series([0.0, -0.0, np.nan, np.inf, -np.inf, -0.0, 0.0, -1.5, 1e22, 3.0])
    assert safe_csv_arrow(series).to_pylist() == [
        "0.0", "-0.0", "", "", "", "-0.0", "0.0", "-1.5", "1e+22", "3.0"
    ]  # fmt: skip
    assert safe_csv_arrow(pd.Series([], dtype="float64")).to_pylist() == []


@given(st.lists(CELLS, max_size=12), st.integers(0, 3), st.integers(0, 3))
@settings(max_examples=300, deadline=None)
def test_quoted_bytes_are_found_as_a_field_by_field_look_would(
    fields: list[str], head: int, tail: int
) -> None:
    for kind in (pa.large_string(), pa.string()):
        column = pa.array(fields, type=kind)[head : max(head, len(fields) - tail)]
        oracle = any(c in v for v in column.to_pylist() for c in ',"\r\n')
        assert _has_quoted_bytes(column) == oracle


def test_csv_rows_of_slices_with_and_without_quoted_fields() -> None:
    rows = [["a", "1", "x,y"], ["é", "2", "plain"], ["", "3", 'say "hi"'], ["=b", "4", "z"]]
    columns = [pa.array([r[j] for r in rows], type=pa.large_string()) for j in range(3)]
    assert csv_rows(columns) == _csv_module(rows)
    assert csv_rows([c[1:3] for c in columns]) == _csv_module(rows[1:3])
    assert csv_rows([c[3:] for c in columns]) == _csv_module(rows[3:])
    assert csv_rows([c[:0] for c in columns]) == b""
