"""decode.utf8_head: plain UTF-8 read as its head only (the rest checked by Arrow's validator,
not made a str): whenever it answers, decode would have read the bytes as "utf-8" and its text
starts with that head; and read_text_table gives the same table either way."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import InputError
from pipeline.ingest import decode as decode_mod
from pipeline.ingest import delimited
from pipeline.ingest.decode import _valid_utf8, decode, utf8_head

# Sequences strict UTF-8 refuses (surrogates, overlong forms, past U+10FFFF, bytes never used,
# cut short) and some it takes.
BAD = [
    b"\xed\xa0\x80",
    b"\xed\xbf\xbf",
    b"\xc0\x80",
    b"\xc1\xbf",
    b"\xe0\x80\x80",
    b"\xf0\x80\x80\x80",
    b"\xf4\x90\x80\x80",
    b"\xf5\x80\x80\x80",
    b"\xff",
    b"\xfe",
    b"\x80",
    b"\xbf",
    b"\xc3",
    b"\xe2\x82",
    b"\xf0\x9f\x98",
]
GOOD = [
    b"a",
    b"\n",
    b"\r\n",
    b",",
    b'"',
    b"\x00",
    b"\xc3\xa9",
    b"\xe2\x82\xac",
    b"\xf0\x9f\x98\x80",
    b"\xf4\x8f\xbf\xbf",
    b"\xed\x9f\xbf",
    b"\xee\x80\x80",
    b"\xef\xbf\xbd",
    b" ",
    b"\t",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"PK\x03\x04",
]
PIECES = st.lists(st.sampled_from(GOOD + BAD), max_size=60).map(b"".join)


def _python_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@settings(max_examples=500, deadline=None)
@given(st.one_of(PIECES, st.binary(max_size=200)))
def test_arrows_validator_is_pythons_strict_utf8(data: bytes):
    assert _valid_utf8(data) == _python_utf8(data)


def _decoded(data: bytes):
    try:
        return decode(data, "x.csv")
    except InputError as error:
        return error


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        PIECES,
        st.text(max_size=80).map(str.encode),
        st.text(max_size=40).map(lambda t: t.encode("utf-16-le")),
        st.binary(max_size=100),
    ),
    st.integers(1, 6),
)
def test_whenever_it_answers_decode_reads_utf8_starting_with_that_head(data: bytes, lines: int):
    quick = utf8_head(data, "x.csv", lines)
    if quick is None:
        return
    head, whole = quick
    decoded = _decoded(data)
    assert not isinstance(decoded, InputError)
    text, encoding = decoded
    assert encoding == "utf-8"
    cut = delimited._nth_newline(text, lines)
    assert head == text[:cut]
    assert whole == (cut == len(text))


def test_it_answers_for_plain_utf8_and_leaves_the_rest_to_decode():
    body = "Name,Email\n" + "Zoë,z@x.org\n" * 500
    head, whole = utf8_head(body.encode(), "x.csv", 3)
    assert head == "Name,Email\nZoë,z@x.org\nZoë,z@x.org\n" and not whole
    assert utf8_head(b"a,b\nc,d", "x.csv", 400) == ("a,b\nc,d", True)
    for other in (
        b"\xef\xbb\xbfa,b\n",  # a BOM
        "a,b\n".encode("utf-16"),
        "a,b\n".encode("utf-16-le"),  # NULs: UTF-16 without a BOM
        "Zoë,b\n".encode("cp1252"),
        b"a,b\n\x00\n",  # binary: decode raises
        b"PK\x03\x04 zip",
        b"",
        b"  \n \n",  # only spaces: decode raises
    ):
        assert utf8_head(other, "x.csv", 400) is None, other


ROWS = st.lists(
    st.tuples(
        st.sampled_from(["Ann", "Zoë", "", " ", "王", '"a,b"', "😀", "x" * 30]),
        st.sampled_from(["a@x.org", "", "é", '"q"', "1"]),
    ),
    max_size=30,
)


def _table(data: bytes, monkeypatch, *, quick: bool):
    if not quick:
        monkeypatch.setattr(delimited, "utf8_head", lambda *_: None)
    try:
        table = delimited.read_text_table(
            data, "a.csv", _score, min_score=2, max_scan=2, what="a list"
        )
    except InputError as error:
        return str(error)
    finally:
        monkeypatch.setattr(delimited, "utf8_head", decode_mod.utf8_head)
    return table


def _score(cells) -> float:
    return sum(c.strip().casefold() in ("name", "email") for c in cells)


@settings(max_examples=200, deadline=None)
@given(ROWS, st.sampled_from(["", "Notes:\nsome note\n\n"]), st.sampled_from(["\n", "\r\n"]))
def test_read_text_table_reads_the_same_table_with_the_head_alone(rows, preamble, newline):
    body = preamble + "Name,Email\n" + "".join(f"{a},{b}\n" for a, b in rows)
    data = body.replace("\n", newline).encode()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(delimited, "_HEAD_LINES", 6)  # heads cut short as well as whole files
        quick = _table(data, patch, quick=True)
        slow = _table(data, patch, quick=False)
    if isinstance(slow, str):
        assert quick == slow
        return
    for field in dataclasses.fields(slow):
        a, b = getattr(quick, field.name), getattr(slow, field.name)
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b, check_exact=True)
        elif isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)
        else:
            assert a == b, field.name


@settings(max_examples=150, deadline=None)
@given(ROWS, st.sampled_from(["", "Notes:\nsome note\n\n"]))
def test_a_body_found_from_a_cut_head_is_what_the_csv_module_reads(rows, preamble):
    # The body's start is found in the head (its first 6 lines here, the header looked for in
    # the first 2 records), not in the whole text.
    text = preamble + "Name,Email\n" + "".join(f"{a},{b}\n" for a, b in rows)
    data = text.encode()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(delimited, "_HEAD_LINES", 6)
        head, whole = utf8_head(data, "a.csv", 6)
        fast = delimited._read_fast(data, None, head, whole, "utf-8", ",", False, _score, 2, 2)
    if fast is None:
        return
    frame, lines, header_line = fast
    slow_frame, slow_lines, slow_header = delimited._read_slow(
        text, "a.csv", ",", False, _score, 2, 2, "a list"
    )
    assert header_line == slow_header
    assert lines.tolist() == slow_lines.tolist()
    assert frame.values.tolist() == slow_frame.values.tolist()
