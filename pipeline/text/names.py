"""What the project knows about names, shared by ingest (display) and normalize (keys).

Tables: ``pipeline/data/name_credentials.csv`` (credentials, generational suffixes, surname
particles, Mac stems) and the ``nicknames`` package (Apache-2.0) plus
``pipeline/data/extra_nicknames.csv``. ``fold_name`` is the one transliteration every name key uses.
See docs/domain.md (names) for the facts behind them.
"""

from __future__ import annotations

import csv
import re
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
from anyascii import anyascii
from nicknames import NickNamer

__all__ = [
    "MARKS",
    "dotless",
    "fold_name",
    "known_given_names",
    "last_key",
    "name_table",
    "nicknamer",
    "plain_words",
]

_DATA = Path(__file__).resolve().parent.parent / "data"
#: Trademark-like marks people append to credentials ("PMP®").
MARKS = "®©"


def dotless(token: str) -> str:
    return token.strip(MARKS).replace(".", "")


@cache
def name_table() -> dict[str, frozenset[str]]:
    """data/name_credentials.csv by kind, loaded once.

    Kinds: credential (keyed without dots, exactly and upper-cased for 3+ letters), suffix, and
    the two display_case rules: particle (lower-cased inside a longer surname) and mac_stem
    (MACDONALD -> MacDonald, while Machado or Macias keep a plain capital).
    """
    with (_DATA / "name_credentials.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_kind: dict[str, set[str]] = {}
    for row in rows:
        by_kind.setdefault(row["kind"], set()).add(row["token"])
    creds = {dotless(t) for t in by_kind["credential"]}
    return {
        "exact": frozenset(creds),
        "upper": frozenset(c.upper() for c in creds if len(c) >= 3),
        "suffix": frozenset(suffix_key(t) for t in by_kind["suffix"]),
        "particle": frozenset(by_kind["particle"]),
        "mac_stem": frozenset(by_kind["mac_stem"]),
    }


def suffix_key(token: str) -> str:
    return token.rstrip(".").lower()  # only a final dot: "J.R." is initials, not "Jr."


_NON_KEY = re.compile(r"[^a-z0-9?]+|(?<![a-z?])\?+|\?+(?![a-z?])")
# A "?" inside a word is a letter a legacy encoding could not write ("Nguy?n" for "Nguyễn"):
# kept as an unknown letter; elsewhere it is punctuation.


@lru_cache(maxsize=1 << 18)
def fold_name(text: str) -> str:
    """Transliterated, lower-case, letters and digits separated by single spaces."""
    ascii_text = anyascii(text).lower().replace("'", "")  # O'Brien -> obrien, not "o brien"
    return " ".join(_NON_KEY.sub(" ", ascii_text).split())


def _fold_word(text: str) -> str:
    """``fold_name(text)``, for a word of ASCII letters its lower case without the call (the
    package's nicknames are such words but for three, and their 3,800 folds cost 4 ms a run)."""
    return text.lower() if text.isascii() and text.isalpha() else fold_name(text)


def plain_words(values: np.ndarray) -> np.ndarray:
    """True where a value is one word of ASCII letters only ("Smith", not "O'Brien", "Lee Jr"
    or "Zoë"): the name most rows hold, which every cleaner and key leaves as it is, but for
    case (``fold_name`` and ``last_key`` of it are its lower case). Builtin maps, no Python
    call per value. Example: plain_words(object_array(["Ann", "Ann Lee", ""])) -> [True,
    False, False].
    """
    n = len(values)
    ascii_ = np.fromiter(map(str.isascii, values), bool, n)
    return ascii_ & np.fromiter(map(str.isalpha, values), bool, n)


def last_key(last: str) -> str:
    words = fold_name(last).split()
    while len(words) > 1 and words[-1] in name_table()["suffix"]:
        words.pop()
    return " ".join(words)


@cache
def nicknamer() -> NickNamer:
    """One NickNamer per process: the package table plus data/extra_nicknames.csv, keyed like us."""
    lookup: dict[str, set[str]] = {}
    for canonical, nicks in NickNamer.default_lookup().items():
        lookup.setdefault(_fold_word(canonical), set()).update(map(_fold_word, nicks))
    with (_DATA / "extra_nicknames.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            lookup.setdefault(fold_name(row["canonical"]), set()).add(fold_name(row["nickname"]))
    return NickNamer(nickname_lookup=lookup)


@cache
def surname_families() -> dict[str, str]:
    """Surname key -> the key of its family: spellings of one name in other romanisations
    (Lee, Yi, Rhee; Kang, Gang; Hammoud, Hamoud), from data/surname_variants.csv."""
    out: dict[str, str] = {}
    with (_DATA / "surname_variants.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            family = fold_name(row["family"])
            out[family] = family
            out[fold_name(row["variant"])] = family
    return out


@cache
def known_given_names() -> frozenset[str]:
    nn = nicknamer()
    return frozenset(nn.nickname_lookup) | frozenset(nn.canonical_lookup)
