"""The names of alumni rows: parsed from a full name when that is all there is, preferred names
chosen, capitals recased, and CJK names read family name first.

A name column in CJK script without a space is split family name first (one character, or a
known two-character family name; four Han characters split 2 + 2, as Japanese names mostly do).
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from pipeline.ingest.coded import Coded, per_unique
from pipeline.ingest.display_names import (
    clean_name_parts,
    display_case,
    display_values,
    full_names,
    parse_full_name,
    text_column,
)
from pipeline.text.arrow_text import STR, text_series

_CJK = re.compile(r"^[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff々ー・\s]+$")


def _has_kana(name: str) -> bool:
    # A comparison per character, not a regex: compiling [\uac00-\ud7af] took a millisecond.
    return any("\u3040" <= c <= "\u30ff" for c in name)


def _has_hangul(name: str) -> bool:
    return any("\uac00" <= c <= "\ud7af" for c in name)


@cache
def _compound_surnames() -> frozenset[str]:
    text = resources.files("pipeline.data").joinpath("cjk_compound_surnames.csv").read_text("utf-8")
    return frozenset(row["surname"] for row in csv.DictReader(text.splitlines()))


def is_cjk(text: str) -> bool:
    return bool(text) and bool(_CJK.match(text))


def split_cjk(name: str) -> tuple[str, str]:
    """(given, family) of a CJK name, written family name first: "王小明" -> ("小明", "王")."""
    parts = name.split()
    if len(parts) > 1:
        return " ".join(parts[1:]), parts[0]
    if _has_kana(name) or len(name) < 2:
        return "", name  # kana: no rule tells where the family name ends; keep it whole
    if name[:2] in _compound_surnames() and len(name) > 2:
        return name[2:], name[:2]
    if len(name) == 4 and not _has_hangul(name):
        return name[2:], name[:2]
    return name[1:], name[:1]


def _parse_full(full: str) -> tuple[str, str, str]:
    if not full:
        return "", "", ""
    if is_cjk(full):
        given, family = split_cjk(full.strip())
        return given, family, ""
    return parse_full_name(full)


def person_names(
    first: pd.Series,
    last: pd.Series,
    full: pd.Series | None = None,
    preferred: pd.Series | None = None,
    middle: pd.Series | None = None,
) -> pd.DataFrame:
    """Display names of alumni rows: first_name, last_name, full_name, credentials, given_name.

    ``full`` ("Last, First", "First Last", "LAST, First M.", "王小明") fills rows whose first and
    last are empty. A preferred name (column, or "Robert (Bob) Smith") becomes the first name;
    the given name is kept. ALL CAPS surnames get a sensible case (O'Brien, van der Berg); CJK
    names read family name first with no space.

    >>> names = person_names(pd.Series([""]), pd.Series([""]), pd.Series(["MCDONALD, Mary"]))
    >>> names.iloc[0, :3].tolist()
    ['Mary', 'McDonald', 'Mary McDonald']
    """
    empty = text_series("", first.index)
    nickname = empty
    if full is not None:
        parsed = per_unique(full, _parse_full)
        blank = (first == "") & (last == "")
        first = first.where(~blank, parsed.str[0]).astype(STR)
        last = last.where(~blank, parsed.str[1]).astype(STR)
        nickname = parsed.str[2].where(blank, "").astype(STR)
    if middle is not None:  # "J." + "Robert": the person goes by the middle name
        initial = first.str.replace(".", "", regex=False).str.len() == 1
        with_middle = (first + " " + middle).str.strip()
        first = first.where(~(initial & (middle != "")), with_middle).astype(STR)
    given: pd.Series | None = None  # None: everyone goes by the given name
    if preferred is not None or full is not None:  # else no row has a name to go by
        given = first
        chosen = preferred if preferred is not None else empty
        chosen = chosen.where(chosen != "", nickname)
        first = chosen.where(chosen != "", first)
    return _shown(first.astype(STR), last, given, first.index)


def coded_person_names(
    first: Coded,
    last: Coded,
    full: pd.Series | None = None,
    preferred: pd.Series | None = None,
    middle: pd.Series | None = None,
) -> pd.DataFrame:
    """``person_names`` of coded first and last names (``Coded``: the alumni list's cleaned
    columns). When no column gives a name of its own (no full, preferred or middle name: the
    large list), the names are read by the codes they have, not made columns and encoded again."""
    if full is None and preferred is None and middle is None and _text(first) and _text(last):
        return _shown(first, last, None, pd.RangeIndex(len(first.codes)))
    return person_names(first.series(), last.series(), full, preferred, middle)


def _text(col: Coded) -> bool:
    """Whether every value of ``col`` is text (as the columns person_names reads are)."""
    return col.text is not None or all(isinstance(v, str) for v in col.values)


def _shown(
    first: pd.Series | Coded, last: pd.Series | Coded, given: pd.Series | None, index: pd.Index
) -> pd.DataFrame:
    """The display names of rows whose first name to show is ``first`` and whose given name
    is ``given`` (None: ``first``)."""
    # Cleaned per distinct value; the first and last names stay (values, codes) from there on
    # (not made columns and encoded again): the same rows, fewer passes over a million.
    (first_values, first_codes), (last_values, last_codes), credentials = clean_name_parts(
        first, last
    )
    # Alumni offices write surnames in capitals ("LEE, Jane"): recase them even when short.
    shown_first = Coded(first_codes, first_values)
    recased = _recased(Coded(last_codes, last_values))
    # The CJK rule per row, from one flag per first and last name value.
    family_cjk = np.fromiter(map(is_cjk, recased.values), bool, len(recased.values))
    first_cjk = np.fromiter(map(is_cjk, shown_first.values), bool, len(shown_first.values))
    cjk = family_cjk[recased.codes] & ((shown_first.values == "") | first_cjk)[shown_first.codes]
    full = full_names((shown_first.values, shown_first.codes), (recased.values, recased.codes), cjk)
    names = pd.DataFrame(
        {
            "first_name": pd.Series(text_column(first_values, first_codes), index, copy=False),
            "last_name": recased.series(index),
            "full_name": pd.Series(full, index=index, copy=False),
            "credentials": pd.Series(credentials, index=index, copy=False),
        }
    )
    same = None if given is None else (given == first).to_numpy()
    if same is None or same.all():  # everyone goes by their given name: the first name shown
        given_name = text_column(shown_first.values, shown_first.codes)
    else:
        shown = Coded.of(given)
        shown = Coded(shown.codes, display_values(shown.values, particles=False))
        given_name = text_column(
            np.concatenate([shown_first.values, shown.values]),
            np.where(same, shown_first.codes, len(shown_first.values) + shown.codes),
        )
    names["given_name"] = pd.Series(given_name, index=index, copy=False)
    return names


def _recased(last: Coded) -> Coded:
    """``_recase_surname`` of each distinct last name; only those in capitals can change."""
    values = last.values.copy()
    caps = np.flatnonzero(np.fromiter(map(str.isupper, values), bool, len(values)))
    values[caps] = [_recase_surname(v) for v in values[caps]]
    return Coded(last.codes, values)


def _recase_surname(last: str) -> str:
    if last.isupper() and sum(ch.isalpha() for ch in last) >= 2:
        return display_case(last)
    return last
