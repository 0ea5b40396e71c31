"""Dates as people's files really write them, several formats mixed in one column.

LinkedIn writes `08 Jan 2024` (Connections), `1/8/18, 6:14 PM` (old exports, Invitations) and
`Jan 2024` / `2024` (Positions, Education); Excel re-saves turn them into `5-Jan-26`, with month
abbreviations in the user's language (`30-oct-09`, `5-ene-26`, `3 févr. 2024`). Each distinct value
is parsed once; anything unreadable becomes NaT and is flagged, never an exception.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd

from pipeline.text.arrow_text import STR

# Month names and abbreviations (en, es, fr, de, pt, it, nl), accent-free and lower-case. A small
# constant rather than a data file: it never needs tuning, and no two languages disagree on a key.
_MONTH_WORDS = {
    1: "jan january ene enero janv janvier jän jaen januar jänner janeiro gen gennaio januari",
    2: "feb february febrero fev fevr fevrier februar fevereiro febbraio februari",
    3: "mar march marzo mars mär maer mrz maerz märz marco marzo maart mrt",
    4: "apr april abr abril avr avril aprile",
    5: "may mayo mai maio mag maggio mei",
    6: "jun june junio juin juni junho giu giugno",
    7: "jul july julio juil juillet juli julho lug luglio",
    8: "aug august ago agosto aou aout augustus",
    9: "sep sept september set septiembre setiembre septembre setembro settembre",
    10: "oct october octubre octobre okt oktober out outubro ott ottobre",
    11: "nov november noviembre novembre novembro",
    12: "dec december dic diciembre decembre dez dezember dezembro dicembre",
}


@cache
def _months() -> dict[str, int]:
    return {_fold(word): month for month, words in _MONTH_WORDS.items() for word in words.split()}


def _fold(text: str) -> str:
    """Lower-case without accents: 'Févr.' -> 'fevr.', 'Mär' -> 'mar'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class _Raw(NamedTuple):
    label: str
    year: int
    month: int
    day: int
    time: tuple[int, int, int] = (0, 0, 0)
    slash: bool = False  # M/D or D/M: decided per column
    precision: str = "day"  # "day", "month" or "year"


_WORD = r"([^\W\d_]+)\.?"
_TIME = r"(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap])?\.?\s*(?:m\.?)?)?"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        (
            "d mon y",
            rf"(\d{{1,2}})(\.?\s+(?:de\s+)?|-|\s*/\s*){_WORD}(?:\s+de)?"
            r"(\s+|-|\s*/\s*|,\s*)(\d{4}|\d{2})",
        ),
        ("mon d, y", rf"{_WORD}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})"),
        ("mon y", rf"{_WORD}(?:\s+de)?(\s+|-|\s*/\s*)(\d{{4}}|\d{{2}})"),
        (
            "iso",
            r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[t\s](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
            r"\s*(?:z|[+-]\d{2}:?\d{2})?",
        ),
        ("y/m/d", r"(\d{4})/(\d{1,2})/(\d{1,2})"),
        ("y-m", r"(\d{4})-(\d{1,2})"),
        ("m/y", r"(\d{1,2})/(\d{4})"),
        ("slash", rf"(\d{{1,2}})/(\d{{1,2}})/(\d{{4}}|\d{{2}}){_TIME}"),
        ("dotted", rf"(\d{{1,2}})\.(\d{{1,2}})\.(\d{{4}}|\d{{2}}){_TIME}"),
        ("year", r"(\d{4})"),
    )
)


def _year(text: str) -> int:
    y = int(text)
    if len(text) == 2:  # LinkedIn began in 2003: '09' is 2009, while '85' is a 1985 birth date
        return 2000 + y if y < 70 else 1900 + y
    return y


def _clock(groups: tuple[str | None, ...]) -> tuple[int, int, int]:
    hour, minute, second, ampm = groups
    if hour is None:
        return (0, 0, 0)
    h = int(hour)
    if ampm is not None:
        if not 1 <= h <= 12:
            raise ValueError("12-hour clock out of range")
        h = h % 12 + (12 if ampm == "p" else 0)
    return (h, int(minute or 0), int(second or 0))


@lru_cache(maxsize=100_000)
def _match(value: str) -> _Raw | None:
    """The fields of one date string, or None. Slash dates keep (first, second) as (month, day)."""
    text = _fold(value.strip())
    try:
        for kind, pattern in _PATTERNS:
            m = pattern.fullmatch(text)
            if m is not None:
                return _fields(kind, m.groups())
    except (ValueError, KeyError):
        return None
    return None


def _fields(kind: str, g: tuple) -> _Raw:
    months = _months()
    if kind == "d mon y":
        sep = "-" if "-" in g[1] else "/" if "/" in g[1] else " "
        label = f"D{sep}Mon{sep}{'YYYY' if len(g[4]) == 4 else 'YY'}"
        label = "DD Mon YYYY" if label == "D Mon YYYY" else label
        return _Raw(label, _year(g[4]), months[g[2]], int(g[0]))
    if kind == "mon d, y":
        return _Raw("Mon D, YYYY", int(g[2]), months[g[0]], int(g[1]))
    if kind == "mon y":
        sep = "-" if "-" in g[1] else "/" if "/" in g[1] else " "
        label = f"Mon{sep}{'YYYY' if len(g[2]) == 4 else 'YY'}"
        return _Raw(label, _year(g[2]), months[g[0]], 1, precision="month")
    if kind == "iso":
        label = "YYYY-MM-DD hh:mm" if g[3] is not None else "YYYY-MM-DD"
        clock = _clock((g[3], g[4], g[5], None))
        return _Raw(label, int(g[0]), int(g[1]), int(g[2]), clock)
    if kind == "y/m/d":
        return _Raw("YYYY/MM/DD", int(g[0]), int(g[1]), int(g[2]))
    if kind == "y-m":
        return _Raw("YYYY-MM", int(g[0]), int(g[1]), 1, precision="month")
    if kind == "m/y":
        return _Raw("MM/YYYY", int(g[1]), int(g[0]), 1, precision="month")
    if kind == "year":
        return _Raw("YYYY", int(g[0]), 1, 1, precision="year")
    year = "YYYY" if len(g[2]) == 4 else "YY"
    clock = _clock(g[3:7])
    suffix = "" if g[3] is None else " h:mm AM/PM" if g[6] else " hh:mm"
    if kind == "dotted":  # 08.01.2024 is day-first wherever it is written
        return _Raw(f"D.M.{year}{suffix}", _year(g[2]), int(g[1]), int(g[0]), clock)
    return _Raw(f"M/D/{year}{suffix}", _year(g[2]), int(g[0]), int(g[1]), clock, slash=True)


def _to_datetime64(raw: _Raw, dayfirst: bool) -> tuple[str, np.datetime64] | None:
    month, day, label = raw.month, raw.day, raw.label
    if raw.slash and dayfirst:
        month, day, label = raw.day, raw.month, "D/M/" + label[4:]
    if not 1800 <= raw.year <= 2200:
        return None
    try:
        stamp = dt.datetime(raw.year, month, day, *raw.time)
    except ValueError:
        return None
    return label, np.datetime64(stamp, "s")


@dataclass(frozen=True)
class ParsedDates:
    """Result of parse_dates: the dates, a count per format seen, and which values failed."""

    dates: pd.Series
    formats: dict[str, int]
    unparsed: pd.Series


def parse_dates(values: pd.Series, *, dayfirst: bool | None = None) -> ParsedDates:
    """Parse a column of date text in any of the formats real exports mix.

    M/D/Y is read month-first (LinkedIn is American) unless dayfirst=True, or dayfirst is None and
    the column holds values whose first number only fits a day (13/01/2024). Month-year and
    year-only values give the first of that month or year. Empty cells give NaT and are not
    unparsed. Example: parse_dates(pd.Series(["08 Jan 2024", "5-ene-26", "junk", ""])) ->
    dates [2024-01-08, 2026-01-05, NaT, NaT], formats {"DD Mon YYYY": 1, "D-Mon-YY": 1},
    unparsed [False, False, True, False].
    """
    codes, uniques = pd.factorize(values.astype(STR).fillna(""), sort=False)
    texts = [str(u) for u in uniques]
    raws = [_match(t) if t.strip() else None for t in texts]
    if dayfirst is None:
        slashes = [r for r in raws if r is not None and r.slash]
        day_first = sum(r.month > 12 for r in slashes) > sum(r.day > 12 for r in slashes)
    else:
        day_first = dayfirst
    stamps = np.full(len(texts) + 1, np.datetime64("NaT"), dtype="datetime64[s]")
    labels: list[str] = []
    label_ids = np.full(len(texts) + 1, -1, dtype=np.int64)
    failed = np.zeros(len(texts) + 1, dtype=bool)
    for i, (text, raw) in enumerate(zip(texts, raws, strict=True)):
        parsed = _to_datetime64(raw, day_first) if raw is not None else None
        if parsed is None:
            failed[i] = bool(text.strip())
            continue
        label, stamps[i] = parsed
        if label not in labels:
            labels.append(label)
        label_ids[i] = labels.index(label)
    # factorize marks missing values -1, which indexes the trailing NaT / not-failed slot.
    row_labels = label_ids[codes]
    counts = np.bincount(row_labels[row_labels >= 0], minlength=len(labels))
    formats = {label: int(n) for label, n in zip(labels, counts, strict=True) if n}
    formats = dict(sorted(formats.items(), key=lambda item: -item[1]))
    dates = pd.Series(stamps[codes].astype("datetime64[ns]"), index=values.index, name=values.name)
    unparsed = pd.Series(failed[codes], index=values.index, name=values.name)
    return ParsedDates(dates, formats, unparsed)


@lru_cache(maxsize=10_000)
def parse_month_year(value: str) -> tuple[int | None, int | None]:
    """(year, month) of a Positions/Education date; month None when only a year is given.

    Example: parse_month_year("Jan 2024") -> (2024, 1); parse_month_year("2024") -> (2024, None);
    parse_month_year("") -> (None, None).
    """
    raw = _match(value) if value and value.strip() else None
    if raw is None or _to_datetime64(raw, dayfirst=False) is None:
        return (None, None)
    return (raw.year, None if raw.precision == "year" else raw.month)
