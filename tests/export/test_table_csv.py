"""``table_csv.write_table_csv`` works a column out once per distinct value (few distinct) or
chunk by chunk (many): either way the file must be what ``csv.writer`` writes from
``safe_csv_text`` of each value, and ``csv_fields.safe_csv_texts`` must be that rule on Arrow
text."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.export.cells import safe_csv_text
from pipeline.export.csv_fields import float_fields, safe_csv_texts
from pipeline.export.table_csv import write_table_csv
from tests.export.hostile_text import HOSTILE

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
FIELDS = st.one_of(st.none(), TEXT, st.sampled_from([*HOSTILE, "", "a,b", 'say "hi"', "é"]))


def _oracle(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_csv_text(c) for c in frame.columns])
    writer.writerows([safe_csv_text(v) for v in row] for row in frame.astype(object).values)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


@given(st.lists(FIELDS, max_size=30).map(lambda v: v + v[::2]))
@settings(max_examples=150, deadline=None)
def test_safe_csv_texts_is_safe_csv_text_of_each_value(values: list[str | None]) -> None:
    column = pa.array(values, type=pa.string())
    want = [safe_csv_text(v) for v in values]
    assert safe_csv_texts(column).to_pylist() == want
    assert safe_csv_texts(column[1:]).to_pylist() == want[1:]  # a slice of a longer array
    assert safe_csv_texts(pa.chunked_array([column[:3], column[3:]], pa.string())).to_pylist() == (
        want
    )


def test_safe_csv_texts_cuts_long_text_as_safe_csv_text_does() -> None:
    values = ["é" * 16_383, "é" * 16_384, "a" * 40_000, "😀" * 20_000, "=" + "x" * 20_000]
    assert safe_csv_texts(pa.array(values)).to_pylist() == [safe_csv_text(v) for v in values]


@pytest.mark.parametrize("few", [0, 10**9])  # 0: every column by distinct values; else none
@pytest.mark.parametrize("chunk", [1, 3, 1000])
def test_the_file_is_what_csv_writer_writes(tmp_path, monkeypatch, few: int, chunk: int) -> None:
    monkeypatch.setattr("pipeline.export.table_csv.FEW_DISTINCT", few)
    monkeypatch.setattr("pipeline.export.table_csv.CHUNK", chunk)
    n = 13
    frame = pd.DataFrame(
        {
            "=Name": pd.Series([*HOSTILE[:12], None], dtype="str"),
            "Company": pd.Series(["a,b", "Ünï", None, "a,b", "", '"q"', *["x"] * 7], dtype="str"),
            "Score": [0.5, -0.0, np.nan, 1e-5, 2.0, np.inf, 3.25, 0.0, 1.0, -2.5, 7.0, 0.5, -0.0],
            "Rank": pd.array([*range(1, n), None], dtype="Int64"),
            "Link": pd.Series(["https://x", None, "=bad", *["a,b"] * 10], dtype=object),
            "Odd": pd.Series([1, "a", None, True, 2.5, *["b"] * 8], dtype=object),
        }
    )
    for rows in (frame, frame.iloc[:1], frame.iloc[:0], frame.iloc[5:]):
        path = write_table_csv(tmp_path / "all.csv", rows)
        assert path.read_bytes() == _oracle(rows)


@given(st.lists(FIELDS, max_size=12))
@settings(max_examples=100, deadline=None)
def test_one_column_files_quote_empty_fields(values: list[str | None]) -> None:
    import tempfile
    from pathlib import Path

    frame = pd.DataFrame({"Only": pd.Series(values, dtype="str")})
    with tempfile.TemporaryDirectory() as folder:
        path = write_table_csv(Path(folder) / "one.csv", frame)
        assert path.read_bytes() == _oracle(frame)


def test_float_fields_give_each_float_its_own_text() -> None:
    floats = np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 1.5, 1.5, -0.0, 1e22, 0.1 + 0.2])
    codes, fields = float_fields(floats)
    assert fields.take(codes).to_pylist() == [
        "0.0", "-0.0", "", "", "", "1.5", "1.5", "-0.0", "1e+22", "0.30000000000000004"
    ]  # fmt: skip
    assert float_fields(np.array([], dtype="float64"))[1].take(np.array([], int)).to_pylist() == []


SPECIAL = '\x00\x08\t\n\x0b\r\x1f =+-@＝＋－＠\x85\xa0\u1680\u2000\u3000\ufffe\uffff（é😀a,"'
TRICKY = st.text(alphabet=st.sampled_from(SPECIAL), max_size=6)


@given(st.lists(st.one_of(st.none(), TEXT, TRICKY), max_size=30), st.integers(0, 3))
@settings(max_examples=300, deadline=None)
def test_surely_plain_values_are_their_own_csv_field(values: list[str | None], head: int) -> None:
    from pipeline.export.csv_fields import _surely_csv_plain

    column = pa.array(values, type=pa.large_string())[head:]
    sure = _surely_csv_plain(column)
    for value, surely in zip(column.to_pylist(), sure, strict=True):
        if surely:
            assert safe_csv_text(value) == value
    plain = [v is not None and v.isascii() and v.isalnum() and len(v) < 100 for v in values]
    assert all(sure[plain[head:]]) if len(sure) else True  # ASCII letters and digits: surely plain


def test_bytes_under_a_null_do_not_make_it_plain() -> None:
    from pipeline.export.csv_fields import _surely_csv_plain

    body = pa.py_buffer(b"abcdef")
    offsets = pa.py_buffer(np.array([0, 3, 6], dtype=np.int64).tobytes())
    valid = pa.py_buffer(np.packbits([1, 0], bitorder="little").tobytes())
    column = pa.Array.from_buffers(pa.large_string(), 2, [valid, offsets, body], null_count=1)
    assert _surely_csv_plain(column).tolist() == [True, False]
    assert safe_csv_texts(column).to_pylist() == ["abc", ""]
