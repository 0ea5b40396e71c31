"""Tests for pipeline.ingest.dates: every format real exports mix, and garbage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.ingest.dates import parse_dates, parse_month_year


def one(value: str, **kwargs) -> pd.Timestamp:
    return parse_dates(pd.Series([value]), **kwargs).dates.iloc[0]


@pytest.mark.parametrize(
    ("value", "expected", "label"),
    [
        ("08 Jan 2024", "2024-01-08", "DD Mon YYYY"),
        ("8 January 2024", "2024-01-08", "DD Mon YYYY"),
        ("5-Jan-26", "2026-01-05", "D-Mon-YY"),
        ("30-oct-09", "2009-10-30", "D-Mon-YY"),
        ("05-Jan-2026", "2026-01-05", "D-Mon-YYYY"),
        ("1/8/18, 6:14 PM", "2018-01-08 18:14", "M/D/YY h:mm AM/PM"),
        ("1/8/18 6:14 PM", "2018-01-08 18:14", "M/D/YY h:mm AM/PM"),
        ("12/31/18, 12:05 am", "2018-12-31 00:05", "M/D/YY h:mm AM/PM"),
        ("1/8/2018", "2018-01-08", "M/D/YYYY"),
        ("1/8/2018 14:30", "2018-01-08 14:30", "M/D/YYYY hh:mm"),
        ("2024-01-08", "2024-01-08", "YYYY-MM-DD"),
        ("2024-01-08T09:15:00Z", "2024-01-08 09:15", "YYYY-MM-DD hh:mm"),
        ("2024-01-08 09:15:07.123+02:00", "2024-01-08 09:15:07", "YYYY-MM-DD hh:mm"),
        ("Jan 2024", "2024-01-01", "Mon YYYY"),
        ("September 2019", "2019-09-01", "Mon YYYY"),
        ("2024", "2024-01-01", "YYYY"),
        ("2024-03", "2024-03-01", "YYYY-MM"),
        ("January 8, 2024", "2024-01-08", "Mon D, YYYY"),
        ("08.01.2024", "2024-01-08", "D.M.YYYY"),
        ("  08 Jan 2024  ", "2024-01-08", "DD Mon YYYY"),
    ],
)
def test_each_format(value: str, expected: str, label: str) -> None:
    parsed = parse_dates(pd.Series([value]))
    assert parsed.dates.iloc[0] == pd.Timestamp(expected)
    assert parsed.formats == {label: 1}
    assert not parsed.unparsed.iloc[0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Spanish
        ("5-ene-26", "2026-01-05"),
        ("30-abr-09", "2009-04-30"),
        ("12-ago-20", "2020-08-12"),
        ("3-sept-21", "2021-09-03"),
        ("3-sep-21", "2021-09-03"),
        ("24-dic-19", "2019-12-24"),
        ("5 de enero de 2024", "2024-01-05"),
        # French
        ("3 janv. 2024", "2024-01-03"),
        ("3 févr. 2024", "2024-02-03"),
        ("3 fevr 2024", "2024-02-03"),
        ("3 mars 2024", "2024-03-03"),
        ("3 avr. 2024", "2024-04-03"),
        ("3 mai 2024", "2024-05-03"),
        ("3 juin 2024", "2024-06-03"),
        ("3 juil. 2024", "2024-07-03"),
        ("3 août 2024", "2024-08-03"),
        ("3 aout 2024", "2024-08-03"),
        ("3 déc. 2024", "2024-12-03"),
        # German
        ("3. Jän 2024", "2024-01-03"),
        ("3 Mär 2024", "2024-03-03"),
        ("3-Mrz-24", "2024-03-03"),
        ("3 Okt 2024", "2024-10-03"),
        ("3 Dez. 2024", "2024-12-03"),
        # Portuguese
        ("3 fev. 2024", "2024-02-03"),
        ("3-set-24", "2024-09-03"),
        ("3-out-24", "2024-10-03"),
        ("3 dez 2024", "2024-12-03"),
        ("3 mai 2024", "2024-05-03"),
        # Capitalised and upper case
        ("30-Oct-09", "2009-10-30"),
        ("30-OCT-09", "2009-10-30"),
        ("Févr. 2024", "2024-02-01"),
    ],
)
def test_month_names_in_other_languages(value: str, expected: str) -> None:
    assert one(value) == pd.Timestamp(expected)


@pytest.mark.parametrize(
    ("value", "year"),
    [
        ("1-Jan-00", 2000),
        ("1-Jan-26", 2026),
        ("1-Jan-69", 2069),
        ("1-Jan-70", 1970),
        ("1/1/99", 1999),
    ],
)
def test_two_digit_year_pivot(value: str, year: int) -> None:
    assert one(value).year == year


def test_mixed_column_counts_formats_and_keeps_index() -> None:
    values = pd.Series(
        [
            "08 Jan 2024",
            "5-Jan-26",
            "30-oct-09",
            "08 Jan 2024",
            "",
            None,
            "soon",
            "1/8/18, 6:14 PM",
        ],
        index=[10, 11, 12, 13, 14, 15, 16, 17],
    )
    parsed = parse_dates(values)
    assert parsed.dates.index.tolist() == values.index.tolist()
    assert parsed.dates.dtype == np.dtype("datetime64[ns]")
    assert parsed.dates.tolist()[:3] == [
        pd.Timestamp("2024-01-08"),
        pd.Timestamp("2026-01-05"),
        pd.Timestamp("2009-10-30"),
    ]
    assert parsed.dates.isna().tolist() == [False] * 4 + [True] * 3 + [False]
    assert parsed.unparsed.tolist() == [False] * 6 + [True, False]
    assert parsed.formats == {"DD Mon YYYY": 2, "D-Mon-YY": 2, "M/D/YY h:mm AM/PM": 1}


def test_slash_dates_are_month_first_unless_a_day_comes_first() -> None:
    us = parse_dates(pd.Series(["1/8/18", "2/3/18", "12/25/18"]))
    assert us.dates.tolist() == [
        pd.Timestamp(d) for d in ("2018-01-08", "2018-02-03", "2018-12-25")
    ]
    eu = parse_dates(pd.Series(["1/8/18", "2/3/18", "25/12/18"]))
    assert eu.dates.tolist() == [
        pd.Timestamp(d) for d in ("2018-08-01", "2018-03-02", "2018-12-25")
    ]
    assert eu.formats == {"D/M/YY": 3}


def test_dayfirst_can_be_forced() -> None:
    assert one("1/8/18", dayfirst=True) == pd.Timestamp("2018-08-01")
    assert one("25/12/18", dayfirst=False) is pd.NaT


@pytest.mark.parametrize(
    "value",
    [
        "junk",
        "31 Feb 2020",
        "32 Jan 2024",
        "13/13/2020",
        "8 Foo 2024",
        "2024-13-01",
        "13:00",
        "45299",
        "1/8/18, 25:00 PM",
        "08 Jan 1066",
        "N/A",
        "-",
        "Jan",
        "🎉",
    ],
)
def test_garbage_is_nat_and_flagged_never_raises(value: str) -> None:
    parsed = parse_dates(pd.Series([value, "08 Jan 2024"]))
    assert parsed.dates.iloc[0] is pd.NaT
    assert parsed.unparsed.tolist() == [True, False]
    assert parsed.formats == {"DD Mon YYYY": 1}


def test_empty_and_non_string_input() -> None:
    parsed = parse_dates(pd.Series([], dtype="str"))
    assert len(parsed.dates) == 0
    assert parsed.formats == {}
    numbers = parse_dates(pd.Series([2019, None], dtype="object"))
    assert numbers.dates.iloc[0] == pd.Timestamp("2019-01-01")
    assert numbers.unparsed.tolist() == [False, False]


def test_many_rows_parse_fast_through_the_cache() -> None:
    values = pd.Series(["08 Jan 2024", "5-Jan-26", "1/8/18, 6:14 PM"] * 100_000)
    parsed = parse_dates(values)
    assert parsed.dates.notna().all()
    assert sum(parsed.formats.values()) == 300_000


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Jan 2024", (2024, 1)),
        ("Sept 2019", (2019, 9)),
        ("2024", (2024, None)),
        ("2024-01", (2024, 1)),
        ("01/2024", (2024, 1)),
        ("08 Jan 2024", (2024, 1)),
        ("févr. 2021", (2021, 2)),
        ("", (None, None)),
        ("Present", (None, None)),
        ("2024-13", (None, None)),
    ],
)
def test_parse_month_year(value: str, expected: tuple[int | None, int | None]) -> None:
    assert parse_month_year(value) == expected
