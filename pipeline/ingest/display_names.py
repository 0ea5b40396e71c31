"""Person names for display: what ingest puts in first_name, last_name, full_name, credentials.

Display functions keep case and accents (keys, which fold both, are in
``pipeline.normalize.names``). Frame functions work once per distinct value, so a million-row
frame costs what its distinct names cost. A text with no letter or digit left ("." or "-" as a
last name) cleans to "". See docs/domain.md (names).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
import pandas as pd

from pipeline.ingest.coded import Coded
from pipeline.ingest.credentials import join_credentials, split_credentials
from pipeline.text.arrow_text import object_array, text_series
from pipeline.text.names import dotless, name_table

__all__ = ["clean_display", "clean_names_frame", "display_case", "parse_full_name"]

_PRE_NFKC = str.maketrans({"™": "®", "℠": "", "´": "’"})  # NFKC would turn ™ into the letters TM
_FILLERS = {0x115F, 0x1160, 0x3164, 0xFFA0}  # Hangul fillers: letters that draw nothing
_KEEP_SYMBOLS = {ord("®"), 0xFFFD}  # "PMP®" for split_credentials; "Jo\ufffdo" shows damage


class _CharPolicy(dict):
    """str.translate table filled lazily: each code point is classified once per process."""

    def __missing__(self, cp: int) -> int | str | None:
        cat = unicodedata.category(chr(cp))
        if cat == "Cc":
            out: int | str | None = " "
        elif cat in ("Cf", "Cs", "Co", "Cn", "Me") or cp in _FILLERS:
            out = None  # zero-width, bidi, tags, private use, keycaps
        elif 0x1F3FB <= cp <= 0x1F3FF:
            out = None  # skin tones: part of the emoji before them
        elif cat == "So" and cp not in _KEEP_SYMBOLS:
            out = " "  # emoji, pictographs, flags: "Yi🌍Kim" is two words, "Yi Kim"
        elif 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF:
            out = None  # variation selectors
        else:
            out = cp
        self[cp] = out
        return out


_CHARS = _CharPolicy()
_SUBJECT = r"she|he|they|ze|xe|ey|fae|it|elle|il|ella|él"
_OBJECT = (
    r"her|hers|him|his|them|their|theirs|they|she|he|zir|hir|xem|xir|em|faer|its|all|any|"
    r"elle|lui|ella|él|pronouns?"
)
_PRONOUN_SEQ = rf"(?:{_SUBJECT})(?:\s*/\s*(?:{_OBJECT}))+"
_PRONOUNS_BRACKETED = re.compile(
    rf"[(\[{{]\s*(?:pronouns?\s*:?\s*)?(?:{_PRONOUN_SEQ}|any\s+pronouns|she|he|they)\s*[)\]}}]",
    re.IGNORECASE,
)
_PRONOUNS_BARE = re.compile(rf"(?<!\w){_PRONOUN_SEQ}(?!\w)", re.IGNORECASE)
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]|\{\s*\}")
_END_SEPARATORS = " |¦/\\,;:·•‧∙-–—_~*"
_HAS_ALNUM = re.compile(r"[^\W_]")


@lru_cache(maxsize=1 << 18)
def clean_display(text: str) -> str:
    """Clean a name for display: NFKC, no emoji, invisible marks, pronouns; case and accents kept.

    >>> clean_display("𝐉𝐚𝐧𝐞 🇨🇦 (She/Her)")
    'Jane'
    """
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFKC", text.translate(_PRE_NFKC)).translate(_CHARS)
    text = _PRONOUNS_BARE.sub(" ", _PRONOUNS_BRACKETED.sub(" ", text))
    text = " ".join(_EMPTY_BRACKETS.sub(" ", text).split())
    text = text.strip(_END_SEPARATORS)
    return text if _HAS_ALNUM.search(text) else ""


def _case_word(word: str) -> str:
    parts = re.split(r"(['’])", word.lower())
    out = []
    for i, part in enumerate(parts):
        if part in ("'", "’") or not part:
            out.append(part)
        elif i >= 2 and len(parts[i - 2]) > 1:
            out.append(part)  # "Ma'am"-like inner apostrophes: only O'/D' take a capital after
        elif part.upper() in ("II", "III", "IV"):
            out.append(part.upper())
        elif part.startswith("mc") and len(part) > 3:
            out.append("Mc" + part[2:].capitalize())
        elif part.startswith("mac") and part[3:] in name_table()["mac_stem"]:
            out.append("Mac" + part[3:].capitalize())
        else:
            out.append(part.capitalize())
    return "".join(out)


@lru_cache(maxsize=1 << 16)
def display_case(name: str, *, particles: bool = True) -> str:
    """Give an ALL CAPS or all-lower name a sensible case; mixed case is left as typed.

    "LE" and "DI" are not particles: they are as often whole surnames (Vietnamese Le) or
    capitalised by convention (Di Maria). ``particles=False`` (for first names) keeps "VAN ANH"
    as "Van Anh" instead of "van Anh".

    >>> display_case("VAN DER BERG"), display_case("MCDONALD"), display_case("McKay")
    ('van der Berg', 'McDonald', 'McKay')
    """
    if not (name.isupper() or name.islower()):
        return name
    words = name.split(" ")
    out = []
    for i, word in enumerate(words):
        if particles and i < len(words) - 1 and word.lower() in name_table()["particle"]:
            out.append(word.lower())
        else:
            out.append("-".join(_case_word(w) for w in word.split("-")))
    return " ".join(out)


def parse_full_name(full: str) -> tuple[str, str, str]:
    """(first, last, nickname) from one name cell; titles, suffixes and credentials dropped.

    A middle name is dropped unless the first name is only an initial ("J. Robert Doe" keeps
    "J. Robert", the name the person goes by).

    >>> parse_full_name('Dr. Jane Q. Doe, PhD'), parse_full_name("DOE, Jane M.")
    (('Jane', 'Doe', ''), ('Jane', 'DOE', ''))
    """
    text, _ = split_credentials(clean_display(full))
    if not text:
        return "", "", ""
    # Imported here: nameparser costs about 30 ms at start-up and only a one-cell name column
    # (an alumni list's "Name", a previous workbook's Name) needs it.
    from nameparser import HumanName

    human = HumanName(text)
    first, last = human.first, human.last
    if len(dotless(first)) == 1 and human.middle:
        first = f"{first} {human.middle}"
    if not first and not last:
        first = text  # nameparser sees "Dr." alone as a title: keep what the person typed
    return first, last, clean_display(human.nickname)


@lru_cache(maxsize=1 << 18)
def _clean_field(text: str) -> tuple[str, str]:
    return split_credentials(clean_display(text))


def clean_names_frame(first: pd.Series, last: pd.Series, *, fix_case: bool = True) -> pd.DataFrame:
    """Display columns first_name, last_name, full_name, credentials, on the index of ``first``.

    Cleans both fields, moves credentials out and, with ``fix_case``, fixes the case of ALL CAPS
    or all-lower names (a short all-caps field such as "TJ" is left alone unless the whole name
    is in caps). LinkedIn names are as their owners typed them, so connections keep their case;
    alumni lists exported in capitals get sensible case.

    >>> clean_names_frame(pd.Series(["JANE"]), pd.Series(["DOE, MBA"])).iloc[0].tolist()
    ['Jane', 'Doe', 'Jane Doe', 'MBA']
    """
    # Per distinct first name and per distinct last name, never per pair: a million distinct
    # people have far fewer distinct first and last names. Only the case rule looks at both
    # fields ("JANE DOE" is a row in capitals), and it splits exactly into per-field flags.
    f, lst = _FieldTable(first, fix_case, False), _FieldTable(last, fix_case, True)
    n = len(f.codes)
    if fix_case:
        upper = (
            f.no_lower[f.codes]
            & lst.no_lower[lst.codes]
            & (f.upper[f.codes] | lst.upper[lst.codes])
        )
        lower = (
            f.no_upper[f.codes]
            & lst.no_upper[lst.codes]
            & (f.lower[f.codes] | lst.lower[lst.codes])
        )
        uniform = upper | lower
        first_name = np.where(uniform | f.own_case[f.codes], f.cased[f.codes], f.name[f.codes])
        last_name = np.where(
            uniform | lst.own_case[lst.codes], lst.cased[lst.codes], lst.name[lst.codes]
        )
    else:
        first_name, last_name = f.name[f.codes], lst.name[lst.codes]
    full_name = np.empty(n, dtype=object)
    simple = f.left_tidy[f.codes] & lst.right_tidy[lst.codes]
    full_name[simple] = first_name[simple] + " " + last_name[simple]
    for i in np.flatnonzero(~simple):
        full_name[i] = f"{first_name[i]} {last_name[i]}".strip()
    f_creds, l_creds = f.creds[f.codes], lst.creds[lst.codes]
    creds = np.where(f_creds == "", lst.creds_alone[lst.codes], f.creds_alone[f.codes])
    for i in np.flatnonzero((f_creds != "") & (l_creds != "")):
        creds[i] = join_credentials(f"{f_creds[i]}, {l_creds[i]}")
    columns = {"first_name": first_name, "last_name": last_name}
    columns |= {"full_name": full_name, "credentials": creds}
    return pd.DataFrame({k: text_series(v, first.index) for k, v in columns.items()})


class _FieldTable:
    """One name field cleaned once per distinct value, with the flags clean_names_frame needs."""

    def __init__(self, values: pd.Series, fix_case: bool, particles: bool) -> None:
        # Coded.of: Arrow text factorized in Arrow; the codes and values pd.factorize gives.
        coded = Coded.of(values.fillna("").astype(str))
        self.codes, uniques = coded.codes, coded.values
        cleaned = [_clean_field(u) for u in uniques]
        self.name = object_array([c[0] for c in cleaned])
        self.creds = object_array([c[1] for c in cleaned])
        self.creds_alone = object_array([join_credentials(c[1]) for c in cleaned])
        names = self.name.tolist()
        self.left_tidy = np.array([v != "" and v == v.lstrip() for v in names], dtype=bool)
        self.right_tidy = np.array([v != "" and v == v.rstrip() for v in names], dtype=bool)
        if not fix_case:
            return
        # str.isupper(a + " " + b) == no lower-case letter in a or b, and an upper-case one in
        # either: (a + "A").isupper() says the first, a.isupper() then the second.
        self.upper = np.array([v.isupper() for v in names], dtype=bool)
        self.lower = np.array([v.islower() for v in names], dtype=bool)
        self.no_lower = np.array([(v + "A").isupper() for v in names], dtype=bool)
        self.no_upper = np.array([(v + "a").islower() for v in names], dtype=bool)
        self.own_case = self.lower | (
            self.upper & np.array([sum(map(str.isalpha, v)) > 3 for v in names], dtype=bool)
        )
        self.cased = object_array([display_case(v, particles=particles) for v in names])
