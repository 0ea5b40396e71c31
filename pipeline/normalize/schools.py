"""Canonical school keys: "UWaterloo", "U Waterloo" and "Univ. of Waterloo" are one school.

Exact lookup in the shipped nickname table (``pipeline/data/school_aliases.csv``) and the user's
own aliases first; fuzzy matching only as a fallback, only on inputs of 4+ characters and only
against full names, because short keys are ambiguous ("UW" is also the University of Washington,
"MIT" is one typo from "MTI"). Text folding is ``pipeline.text.fold``, shared with company keys.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache, lru_cache
from importlib import resources
from types import MappingProxyType

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from pipeline.text.arrow_text import object_array, taken_series
from pipeline.text.fold import fold

__all__ = ["FUZZY_CUTOFF", "is_school_name", "school_key", "school_keys"]

#: token_sort_ratio needed to accept a fuzzy match. 93 keeps "University of Waterlo" -> waterloo
#: (97.7) but refuses "University of York" -> "York University" (90.9) and Calgary/Cagliari (88.4).
FUZZY_CUTOFF = 93.0
#: A fuzzy winner must beat the runner-up school by this much, or the input stays unknown.
FUZZY_MARGIN = 3.0
MIN_FUZZY_CHARS = 4  # short keys are ambiguous (UW, MIT): docs/domain.md, schools
MIN_FUZZY_CHOICE_CHARS = 12  # fuzzy targets are full names, never nicknames like "waterloo"

#: Abbreviations written in school names, expanded before lookup ("Univ. of Waterloo").
_ABBREVIATIONS = {"univ": "university", "uni": "university", "inst": "institute"}
#: Words that make a name a school, after folding (accents gone: "université" -> "universite").
_SCHOOL_WORDS = re.compile(
    r"\b(universit(y|e|at|a|aet|eit)|universidad|universidade|college|colleges|school|cegep"
    r"|polytechnique|polytechnic|politecnico|hochschule|ecole|institute of technology)\b"
)
_NO_ALIASES: Mapping[str, str] = MappingProxyType({})
_SEPARATORS = re.compile(r"\s+[-–—|/]\s+|,|\(|;")


def _expand(folded: str) -> str:
    return " ".join(_ABBREVIATIONS.get(word, word) for word in folded.split())


@cache
def _shipped() -> tuple[tuple[str, str], ...]:
    """(alias, key) rows of the shipped table, keys themselves included as aliases."""
    path = resources.files("pipeline.data").joinpath("school_aliases.csv")
    with resources.as_file(path) as csv_path:
        table = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    rows = [(str(key), str(key)) for key in table["key"].unique()]
    rows += [
        (str(alias), str(key)) for alias, key in zip(table["alias"], table["key"], strict=True)
    ]
    return tuple(rows)


def _lookup_table(rows: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Folded alias -> key, plus the alias without spaces ("U of T" and "UofT" meet as "uoft").

    A spaceless form shared by two schools is dropped rather than guessed.
    """
    table: dict[str, str] = {}
    squeezed: dict[str, set[str]] = {}
    for alias, key in rows:
        folded = _expand(fold(alias))
        table[folded] = key
        squeezed.setdefault(folded.replace(" ", ""), set()).add(key)
    for form, keys in squeezed.items():
        if len(keys) == 1 and form not in table:
            table[form] = next(iter(keys))
    return table


@cache
def _resolver(
    user_items: tuple[tuple[str, str], ...],
) -> tuple[dict[str, str], list[str], list[str]]:
    """Exact table (user aliases win), and the fuzzy choices with the key each one stands for."""
    shipped = _lookup_table(_shipped())
    user_rows: list[tuple[str, str]] = []
    for alias, target in user_items:
        key = _resolve(target, shipped, *_fuzzy_choices(shipped)) or _expand(fold(target))
        user_rows += [(alias, key), (target, key)]
    exact = {**shipped, **_lookup_table(tuple(user_rows))}
    return exact, *_fuzzy_choices(exact)


def _fuzzy_choices(exact: Mapping[str, str]) -> tuple[list[str], list[str]]:
    long_forms = [a for a in exact if len(a) >= MIN_FUZZY_CHOICE_CHARS and " " in a]
    return long_forms, [exact[a] for a in long_forms]


def _resolve(name: str, exact: Mapping[str, str], choices: list[str], keys: list[str]) -> str:
    folded = _expand(fold(name))
    if not folded:
        return ""
    found = exact.get(folded) or exact.get(folded.replace(" ", ""))
    if found:
        return found
    # "McGill University, Desautels Faculty" or "Waterloo - Math": try the part before a separator.
    head = _SEPARATORS.split(name, maxsplit=1)[0]
    if head != name and fold(head):
        found = _resolve(head, exact, choices, keys)
        if found:
            return found
    if len(folded) < MIN_FUZZY_CHARS or not choices:
        return ""
    best: dict[str, float] = {}
    for _, score, index in process.extract(
        folded,
        choices,
        scorer=fuzz.token_sort_ratio,
        score_cutoff=FUZZY_CUTOFF - FUZZY_MARGIN,
        limit=8,
    ):
        best[keys[index]] = max(best.get(keys[index], 0.0), score)
    ranked = sorted(best.values(), reverse=True)
    if not ranked or ranked[0] < FUZZY_CUTOFF:
        return ""
    if len(ranked) > 1 and ranked[0] - ranked[1] < FUZZY_MARGIN:
        return ""  # two schools fit about equally well: leave it unknown rather than guess
    return max(best, key=best.__getitem__)


def _frozen(user_aliases: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(k), str(v)) for k, v in (user_aliases or {}).items()))


@lru_cache(maxsize=65536)
def _school_key(name: str, user_items: tuple[tuple[str, str], ...], keep_unknown: bool) -> str:
    exact, choices, keys = _resolver(user_items)
    return _resolve(name, exact, choices, keys) or (_expand(fold(name)) if keep_unknown else "")


def school_key(
    name: str, user_aliases: Mapping[str, str] = _NO_ALIASES, *, keep_unknown: bool = False
) -> str:
    """The canonical key of a school name, or "" when it is unknown.

    ``user_aliases`` maps the user's own nicknames to school names (``{"UW": "University of
    Waterloo"}``) and beats the shipped table. With ``keep_unknown`` an unknown school keeps its
    folded name instead of "", so two rows naming the same unlisted school still agree.

    >>> school_key("UWaterloo"), school_key("Univ. of Waterloo")
    ('university of waterloo', 'university of waterloo')
    >>> school_key("UWX")
    ''
    """
    if not isinstance(name, str):
        return ""
    return _school_key(name, _frozen(user_aliases), keep_unknown)


def school_keys(
    names: pd.Series, user_aliases: Mapping[str, str] = _NO_ALIASES, *, keep_unknown: bool = False
) -> pd.Series:
    """``school_key`` of each value (computed once per unique value), same index, text dtype.

    >>> school_keys(pd.Series(["U of T", "", "McGill"])).tolist()
    ['university of toronto', '', 'mcgill university']
    """
    items = _frozen(user_aliases)
    codes, uniques = pd.factorize(names, use_na_sentinel=True)
    resolved = [_school_key(str(u), items, keep_unknown) for u in uniques]
    # Taken in Arrow from the distinct keys (a missing name: the "" after them), not made a
    # million Python strings and read back.
    which = np.where(codes < 0, len(resolved), codes)
    return taken_series(object_array([*resolved, ""]), which, names.index).rename(names.name)


def is_school_name(name: str) -> bool:
    """True when a name reads as a school: a school word, or an exact shipped school nickname.

    >>> is_school_name("Polytechnique Montréal"), is_school_name("MIT"), is_school_name("Shopify")
    (True, True, False)
    """
    if not isinstance(name, str):
        return False
    folded = _expand(fold(name))
    if not folded:
        return False
    if _SCHOOL_WORDS.search(folded):
        return True
    exact = _resolver(())[0]
    return folded in exact or folded.replace(" ", "") in exact
