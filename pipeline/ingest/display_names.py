"""Person names for display: what ingest puts in first_name, last_name, full_name, credentials.

Display functions keep case and accents (keys, which fold both, are in
``pipeline.normalize.names``). Frame functions work once per distinct value, so a million-row
frame costs what its distinct names cost. A text with no letter or digit left ("." or "-" as a
last name) cleans to "". See docs/domain.md (names).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from itertools import repeat

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.extensions import ExtensionArray

from pipeline.ingest.coded import Coded
from pipeline.ingest.credentials import join_credentials, split_credentials
from pipeline.text.arrow_text import STR
from pipeline.text.names import dotless, name_table, plain_words

__all__ = [
    "clean_display",
    "clean_name_parts",
    "clean_names_frame",
    "display_case",
    "display_values",
    "full_names",
    "parse_full_name",
    "text_column",
]

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


def display_values(values: np.ndarray, *, particles: bool = True) -> np.ndarray:
    """``display_case(clean_display(v), particles=particles)`` of each str of ``values``; a
    plain word (``plain_words``) is clean already, so only one in a single case is recased.

    >>> from pipeline.text.arrow_text import object_array
    >>> display_values(object_array(["SMITH", "Lee", "DOE 🇨🇦"])).tolist()
    ['Smith', 'Lee', 'Doe']
    """
    values = np.asarray(values, dtype=object)
    n = len(values)
    plain = plain_words(values)
    out = values.copy()
    other = np.flatnonzero(~plain)
    out[other] = [display_case(clean_display(v), particles=particles) for v in values[other]]
    uniform = np.fromiter(map(str.isupper, values), bool, n)
    uniform |= np.fromiter(map(str.islower, values), bool, n)
    cased = np.flatnonzero(plain & uniform)
    out[cased] = [display_case(v, particles=particles) for v in values[cased]]
    return out


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
    first_name, last_name, creds = clean_name_parts(first, last, fix_case=fix_case)
    columns = {
        "first_name": text_column(*first_name),
        "last_name": text_column(*last_name),
        "full_name": full_names(first_name, last_name),
        "credentials": creds,
    }
    index = first.index
    return pd.DataFrame({k: pd.Series(v, index=index, copy=False) for k, v in columns.items()})


#: A text column as (values, codes): ``values[codes]`` is the column.
ValuesCodes = tuple[np.ndarray, np.ndarray]


def clean_name_parts(
    first: pd.Series | Coded, last: pd.Series | Coded, *, fix_case: bool = True
) -> tuple[ValuesCodes, ValuesCodes, ExtensionArray]:
    """``clean_names_frame``'s first and last names as (values, codes), the values not
    necessarily distinct, and its credentials column: for a caller that goes on working per
    value (``alumni_names.person_names``) without encoding the columns again. A name given as
    ``Coded`` (its values text, not necessarily distinct) is read by its codes as it is."""
    # Per distinct first name and per distinct last name, never per pair: a million distinct
    # people have far fewer distinct first and last names. Only the case rule looks at both
    # fields ("JANE DOE" is a row in capitals), and it splits exactly into per-field flags.
    f, lst = _FieldTable(first, fix_case, False), _FieldTable(last, fix_case, True)
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
        first_pick = (uniform | f.own_case[f.codes]).astype(np.intp)
        last_pick = (uniform | lst.own_case[lst.codes]).astype(np.intp)
        # Each row's name is the cleaned or the re-cased distinct value: codes into both, side
        # by side, so that the rows are taken by Arrow and never made Python objects.
        first_name = (np.concatenate([f.name, f.cased]), f.codes + first_pick * len(f.name))
        last_name = (np.concatenate([lst.name, lst.cased]), lst.codes + last_pick * len(lst.name))
    else:
        first_name, last_name = (f.name, f.codes), (lst.name, lst.codes)
    f_has = (f.creds != "")[f.codes]
    both = np.flatnonzero(f_has & (lst.creds != "")[lst.codes])
    creds = text_column(
        np.concatenate([lst.creds_alone, f.creds_alone]),
        np.where(f_has, len(lst.creds_alone) + f.codes, lst.codes),
        both,
        [join_credentials(f"{f.creds[f.codes[i]]}, {lst.creds[lst.codes[i]]}") for i in both],
    )
    return first_name, last_name, creds


def text_column(
    values: np.ndarray, codes: np.ndarray, at: np.ndarray | None = None, patch: Sequence[str] = ()
) -> ExtensionArray:
    """``values[codes]`` as a text column (pandas' "str"), taken by Arrow, with the rows ``at``
    set to ``patch``: what ``text_series`` makes of it, without a Python object per row.

    >>> from pipeline.text.arrow_text import object_array
    >>> list(text_column(object_array(["a", "b"]), np.array([1, 0, 1]), np.array([2]), ["c"]))
    ['b', 'a', 'c']
    """
    column = pa.array(values, type=pa.large_string()).take(np.asarray(codes, dtype=np.intp))
    return _patched(column, at, patch)


def _patched(column: pa.Array, at: np.ndarray | None, patch: Sequence[str]) -> ExtensionArray:
    if at is not None and len(at):
        mask = np.zeros(len(column), dtype=bool)
        mask[at] = True
        column = pc.replace_with_mask(column, mask, pa.array(patch, type=pa.large_string()))
    return pd.array(column, dtype=STR)


def full_names(
    first: tuple[np.ndarray, np.ndarray],
    last: tuple[np.ndarray, np.ndarray],
    family_first: np.ndarray | None = None,
) -> ExtensionArray:
    """``f"{first} {last}".strip()`` of each row, each name given as (distinct values, codes);
    rows where ``family_first`` is True read ``last + first`` (CJK: no space). Joined by Arrow;
    only rows with an empty name or spaces at its edges are made in Python.

    >>> from pipeline.text.arrow_text import object_array
    >>> list(full_names((object_array(["Ann", ""]), np.array([0, 1])),
    ...                 (object_array(["Lee"]), np.array([0, 0]))))
    ['Ann Lee', 'Lee']
    """
    (f_values, f_codes), (l_values, l_codes) = first, last
    left_tidy = np.array([v != "" and v == v.lstrip() for v in f_values], dtype=bool)
    right_tidy = np.array([v != "" and v == v.rstrip() for v in l_values], dtype=bool)
    odd = ~(left_tidy[f_codes] & right_tidy[l_codes])
    if family_first is not None:
        odd |= family_first
    at = np.flatnonzero(odd)
    a, b = f_values[f_codes[at]], l_values[l_codes[at]]
    glued = family_first[at] if family_first is not None else np.zeros(len(at), dtype=bool)
    patch = [y + x if g else f"{x} {y}".strip() for x, y, g in zip(a, b, glued, strict=True)]
    space = pa.scalar(" ", pa.large_string())
    joined = pc.binary_join_element_wise(
        pa.array(f_values, type=pa.large_string()).take(np.asarray(f_codes, dtype=np.intp)),
        pa.array(l_values, type=pa.large_string()).take(np.asarray(l_codes, dtype=np.intp)),
        space,
    )
    return _patched(joined, at, patch)


class _FieldTable:
    """One name field cleaned once per distinct value, with the flags clean_names_frame needs."""

    def __init__(self, values: pd.Series | Coded, fix_case: bool, particles: bool) -> None:
        # Coded.of: Arrow text factorized in Arrow; the codes and values pd.factorize gives.
        coded = values if isinstance(values, Coded) else Coded.of(values.fillna("").astype(str))
        self.codes, uniques = coded.codes, coded.values
        n = len(uniques)
        # One word of ASCII letters (most names) cleans to itself with no credentials: only the
        # other distinct values are cleaned one by one.
        other = np.flatnonzero(~plain_words(uniques))
        cleaned = [_clean_field(u) for u in uniques[other]]
        self.name = uniques.copy()
        self.name[other] = [c[0] for c in cleaned]
        self.creds = np.full(n, "", dtype=object)
        self.creds[other] = [c[1] for c in cleaned]
        self.creds_alone = self.creds.copy()
        has = np.flatnonzero(self.creds != "")
        self.creds_alone[has] = [join_credentials(c) for c in self.creds[has]]
        names = self.name
        if not fix_case:
            return
        # str.isupper(a + " " + b) == no lower-case letter in a or b, and an upper-case one in
        # either: (a + "A").isupper() says the first, a.isupper() then the second.
        self.upper = np.fromiter(map(str.isupper, names), bool, n)
        self.lower = np.fromiter(map(str.islower, names), bool, n)
        self.no_lower = np.fromiter(map(str.isupper, map(str.__add__, names, repeat("A"))), bool, n)
        self.no_upper = np.fromiter(map(str.islower, map(str.__add__, names, repeat("a"))), bool, n)
        caps = np.flatnonzero(self.upper)
        long_caps = np.zeros(n, dtype=bool)
        long_caps[caps] = [sum(map(str.isalpha, v)) > 3 for v in names[caps]]
        self.own_case = self.lower | long_caps
        # display_case leaves a name in mixed case as typed: only the uniform ones are recased.
        self.cased = names.copy()
        uniform = np.flatnonzero(self.upper | self.lower)
        self.cased[uniform] = [display_case(v, particles=particles) for v in names[uniform]]
