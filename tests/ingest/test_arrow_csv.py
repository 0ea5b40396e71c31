"""Arrow's CSV reader (pipeline.ingest.arrow_csv) reads a body as pandas' C parser read it before.

The oracle is the fast path with Arrow turned off (``read_rows`` declining): pandas' C parser,
which tests/ingest/test_readers.py compares with the csv module in turn.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.ingest import arrow_csv, delimited

KNOWN = {"first name", "last name", "email address"}
HEADER = "First Name,Last Name,Email Address\n"
# Quotes in every place a quote can stand, empty and blank lines, CRLF, BOMs, accents, delimiters.
PIECES = st.sampled_from(
    ["a", "b", " ", ",", ";", '"', '""', "\n", "\r\n", "\t", "é", "\ufeff", "x,y", '"q,r"', "0"]
)


def score(cells) -> float:
    return sum(c.casefold() in KNOWN for c in cells)


def fast(text: str, delimiter: str = ","):
    return delimited._read_fast(
        text.encode(), text, *delimited._head_of(text), "utf-8", delimiter, False, score, 2, 60
    )


def without_arrow(text: str, delimiter: str = ","):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(arrow_csv, "read_rows", lambda *_: None)
        return fast(text, delimiter)


def same(a, b) -> None:
    assert (a is None) == (b is None)
    if a is None:
        return
    (frame, lines, header), (old_frame, old_lines, old_header) = a, b
    assert header == old_header
    assert lines.tolist() == old_lines.tolist()
    pd.testing.assert_frame_equal(frame, old_frame, check_exact=True)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.booleans(), st.lists(PIECES, max_size=40).map("".join), st.sampled_from([",", ";"]))
def test_arrow_reads_what_pandas_read(preamble: bool, body: str, delimiter: str) -> None:
    header = HEADER.replace(",", delimiter)
    text = ("Notes:\n\n" if preamble else "") + header + body
    same(fast(text, delimiter), without_arrow(text, delimiter))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(PIECES.filter(lambda p: "\n" not in p), min_size=3, max_size=3)))
def test_arrow_reads_rows_of_random_cells(rows: list[list[str]]) -> None:
    body = "".join(",".join(cells) + "\n" for cells in rows)
    same(fast(HEADER + body), without_arrow(HEADER + body))


@pytest.mark.parametrize(
    ("body", "used"),
    [
        ('Ada,"Quill, Jr",a@x.org\r\n\r\nBo,Ray,\r\n\n"",,\n', True),  # empty lines are skipped
        ('Ada,Q"uill",a@x.org\n"Bo"b,Ray,', True),  # quotes inside and after a cell
        ("Ada,Quill\nBo,Ray,b@x.org\n", False),  # a short row: pandas pads it
        ("   \nAda,Quill,a@x.org\n", False),  # a blank first line of one cell
    ],
)
def test_arrow_reads_or_declines(body: str, used: bool) -> None:
    text = HEADER + body
    raw = np.frombuffer(body.encode(), dtype=np.uint8)
    begins = np.concatenate(([0], np.flatnonzero(raw == 10) + 1))
    begins = begins[begins < len(raw)]
    read = arrow_csv.read_rows(memoryview(body.encode()), raw, begins, ",")
    assert (read is not None) == used
    same(fast(text), without_arrow(text))


def test_empty_lines_are_those_with_nothing_before_their_line_end() -> None:
    body = b"a\n\n\r\n \nb\r\n\n"
    raw = np.frombuffer(body, dtype=np.uint8)
    begins = np.concatenate(([0], np.flatnonzero(raw == 10) + 1))[:6]
    assert arrow_csv.empty_lines(raw, begins).tolist() == [False, True, True, False, False, True]


@pytest.mark.parametrize("body", ['a","', 'a","\n', 'a","\nb,c,d\n', 'Ada,x"y,"z\n\nBo,Ray,\n'])
def test_a_quote_left_open_after_a_literal_quote_is_refused(body: str) -> None:
    # An even number of quotes, yet the second opens a cell that never closes: pandas refuses
    # the body, so the fast path declines and the csv module decides (it reports the quote).
    assert fast(HEADER + body) is None
    same(fast(HEADER + body), without_arrow(HEADER + body))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200), st.integers(1, 17))
def test_positions_are_where_each_byte_is(data: bytes, scan: int) -> None:
    raw = np.frombuffer(data, dtype=np.uint8)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(delimited, "_SCAN", scan)  # many pieces, the last one short
        found = delimited._positions(raw, (10, 34))
    for positions, value in zip(found, (10, 34), strict=True):
        assert positions.tolist() == np.flatnonzero(raw == value).tolist()


def test_a_body_of_many_blocks_keeps_its_chunks_and_reads_as_pandas_read(monkeypatch) -> None:
    rows = [f'Ada{i},"Q, {i}",a{i}@x.org\n' if i % 3 else f"Bo{i},Ray,\n\n" for i in range(300)]
    text = HEADER + "".join(rows)
    monkeypatch.setattr(arrow_csv, "_BLOCK", 512)
    frame = fast(text)[0]
    assert frame["First Name"].array._pa_array.num_chunks > 1  # the reader's blocks, not joined
    same(fast(text), without_arrow(text))
