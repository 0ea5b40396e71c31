"""Person names: display cleaning (used by ingest) and matching keys (used by normalize and link).

Display functions keep case and accents; key functions transliterate to lower-case ASCII. Frame
functions work once per unique value or pair, so a million-row frame costs what its distinct names
cost. Data: ``data/name_credentials.csv`` (credentials and generational suffixes) and
``data/extra_nicknames.csv`` (pairs the ``nicknames`` package, Apache-2.0, lacks).

Decisions worth knowing:
- A generational suffix (Jr., Sr., II-IV) is not a credential: it stays in the display last name
  ("Doe, Jr." -> "Doe Jr.") because it tells father from son, but matching keys drop it, since one
  source often omits it.
- Two first names are compatible when one's own name is among the other's variants (or is its
  initial), not merely when their variant sets overlap: overlap would make Christopher and
  Christina (both "Chris") or Alexander and Alexandra (both "Alex") the same person.
- A text with no letter or digit left ("." or "-" as a last name) cleans to "".
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from anyascii import anyascii
from nameparser import HumanName
from nicknames import NickNamer

_DATA = Path(__file__).resolve().parent.parent / "data"

# ---------------------------------------------------------------------------------------------
# Display cleaning

_PRE_NFKC = str.maketrans({"™": "®", "℠": "", "´": "’"})  # NFKC would turn ™ into the letters TM
_FILLERS = {0x115F, 0x1160, 0x3164, 0xFFA0}  # Hangul fillers: letters that draw nothing
_KEEP_SYMBOLS = {ord("®")}  # kept so split_credentials can see "PMP®"


class _CharPolicy(dict):
    """str.translate table filled lazily: each code point is classified once per process."""

    def __missing__(self, cp: int) -> int | str | None:
        cat = unicodedata.category(chr(cp))
        if cat == "Cc":
            out: int | str | None = " "
        elif cat in ("Cf", "Cs", "Co", "Cn", "Me") or cp in _FILLERS:
            out = None  # zero-width, bidi, tags, private use, keycaps
        elif (cat == "So" and cp not in _KEEP_SYMBOLS) or 0x1F3FB <= cp <= 0x1F3FF:
            out = None  # emoji, pictographs, flags (regional indicators), skin tones
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


# ---------------------------------------------------------------------------------------------
# Credentials and suffixes

_PART_SPLIT = re.compile(r"\s*(?:[,;|]|\s[-–—]\s)\s*")
_TOKEN_SPLIT = re.compile(r"[\s/]+")
_TRAILING_PARENS = re.compile(r"^(.*?)\s*\(([^()]*)\)$")
_QUALIFIER = re.compile(r"^\(?(?:candidate|cand\.?|c)\)?$|^['’]?\d{2}(?:\d{2})?$", re.IGNORECASE)
_DOTTED = re.compile(r"^(?:[A-Z][A-Za-z]{0,3}\.)+(?:[A-Z][A-Za-z]{0,3}\.?)?$")
_ACRONYM = re.compile(r"^[A-Z]{2,6}$")
_MARKS = "®©"


def _dotless(token: str) -> str:
    return token.strip(_MARKS).replace(".", "")


@cache
def _name_table() -> dict[str, frozenset[str]]:
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
    creds = {_dotless(t) for t in by_kind["credential"]}
    return {
        "exact": frozenset(creds),
        "upper": frozenset(c.upper() for c in creds if len(c) >= 3),
        "suffix": frozenset(_suffix_key(t) for t in by_kind["suffix"]),
        "particle": frozenset(by_kind["particle"]),
        "mac_stem": frozenset(by_kind["mac_stem"]),
    }


def _suffix_key(token: str) -> str:
    return token.rstrip(".").lower()  # only a final dot: "J.R." is initials, not "Jr."


def _is_suffix(token: str) -> bool:
    return _suffix_key(token) in _name_table()["suffix"]


def _credential_kind(token: str, *, loose: bool) -> str:
    """'known', 'shaped' (looks like one but is not in the table) or '' (not a credential).

    ``loose`` is for text after a comma, where "MASC" or "Ph.D" is surely a credential; without a
    comma only exact spellings count, so the surname "Mba" or "Ma" is never taken for one.
    """
    table, key = _name_table(), _dotless(token)
    if not key:
        return ""
    if key in table["exact"] or (token.endswith(tuple(_MARKS)) and key.isupper()):
        return "known"
    if not loose:
        return ""
    if key.upper() in table["upper"]:
        return "known"
    shaped = _DOTTED.match(token.strip(_MARKS)) and sum(ch.isupper() for ch in key) >= 2
    if shaped and max(len(s) for s in token.split(".")) >= 2:
        return "known"  # "P.Geo.", "M.Sc.A.": dotted abbreviations are not initials like "J.R."
    if _ACRONYM.match(key) and key.lower() not in _known_given_names():
        return "shaped"  # "CPA, ABV": trusted only next to a known credential
    return ""


def _read_credentials(tokens: list[str], kinds: list[str]) -> list[str] | None:
    """The credentials in ``tokens`` (qualifiers like "Candidate" attached), or None if any fails.

    Appends each token's kind to ``kinds`` so the caller can ask for one known credential overall.
    """
    out: list[str] = []
    for token in filter(None, tokens):
        if out and _QUALIFIER.match(token):
            out[-1] = f"{out[-1]} {token}"
            continue
        kind = _credential_kind(token, loose=True)
        if not kind:
            return None
        kinds.append(kind)
        out.append(token.strip(_MARKS))
    return out or None


def _strip_trailing_credentials(name: str) -> tuple[str, list[str]]:
    """Peel exact-spelling credentials off the end of a comma-less name ("Doe MBA PMP®")."""
    tokens = name.split()
    cut = len(tokens)
    while cut > 1 and _credential_kind(tokens[cut - 1], loose=False):
        cut -= 1
    rest = " ".join(tokens[:cut])
    if cut == len(tokens) or (rest.isupper() and not all(t[-1] in _MARKS for t in tokens[cut:])):
        return name, []  # in an ALL CAPS name "LEE MA" the MA may well be a surname
    return rest, [t.strip(_MARKS) for t in tokens[cut:]]


@lru_cache(maxsize=1 << 18)
def split_credentials(last_name: str) -> tuple[str, str]:
    """Split a last name into (name, credentials); a suffix such as Jr. stays in the name.

    >>> split_credentials("Doe, P.Eng., MASc.")
    ('Doe', 'P.Eng., MASc.')
    >>> split_credentials("Doe, Jr.")
    ('Doe Jr.', '')
    """
    text = " ".join(str(last_name).split()) if isinstance(last_name, str) else ""
    parens = _TRAILING_PARENS.match(text)
    if parens and parens.group(1):
        kinds: list[str] = []
        inner = _read_credentials(_TOKEN_SPLIT.split(parens.group(2)), kinds)
        if inner and "known" in kinds:
            name, more = split_credentials(parens.group(1))
            return name, ", ".join(filter(None, [more, *inner]))
    head, *tail = _PART_SPLIT.split(text)
    suffixes: list[str] = []
    creds: list[str] = []
    kinds: list[str] = []
    for part in filter(None, tail):
        if _is_suffix(part):
            suffixes.append(part)
            continue
        found = _read_credentials(_TOKEN_SPLIT.split(part), kinds)
        if found is None:
            return text, ""  # "Doe, Jane" or anything else that is not a credential list
        creds.extend(found)
    if creds and "known" not in kinds:
        return text, ""
    head, trailing = _strip_trailing_credentials(head)
    name = " ".join([head, *suffixes]).strip()
    return name, ", ".join(trailing + creds)


# ---------------------------------------------------------------------------------------------
# Display case


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
        elif part.startswith("mac") and part[3:] in _name_table()["mac_stem"]:
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
        if particles and i < len(words) - 1 and word.lower() in _name_table()["particle"]:
            out.append(word.lower())
        else:
            out.append("-".join(_case_word(w) for w in word.split("-")))
    return " ".join(out)


# ---------------------------------------------------------------------------------------------
# Full names


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
    human = HumanName(text)
    first, last = human.first, human.last
    if len(_dotless(first)) == 1 and human.middle:
        first = f"{first} {human.middle}"
    if not first and not last:
        first = text  # nameparser sees "Dr." alone as a title: keep what the person typed
    return first, last, clean_display(human.nickname)


# ---------------------------------------------------------------------------------------------
# Matching keys and first-name variants

_NON_KEY = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=1 << 18)
def _key(text: str) -> str:
    """Transliterated, lower-case, letters and digits separated by single spaces."""
    ascii_text = anyascii(text).lower().replace("'", "")  # O'Brien -> obrien, not "o brien"
    return " ".join(_NON_KEY.sub(" ", ascii_text).split())


def _last_key(last: str) -> str:
    words = _key(last).split()
    while len(words) > 1 and words[-1] in _name_table()["suffix"]:
        words.pop()
    return " ".join(words)


def name_key(first: str, last: str) -> str:
    """Matching key of a cleaned name: ``name_key("Zoë", "García-López") == "zoe garcia lopez"``.

    Credentials and pronouns must already be gone (clean_names_frame does that).
    """
    return f"{_key(first or '')} {_last_key(last or '')}".strip()


@cache
def _nicknamer() -> NickNamer:
    """One NickNamer per process: the package table plus data/extra_nicknames.csv, keyed like us."""
    lookup: dict[str, set[str]] = {}
    for canonical, nicks in NickNamer.default_lookup().items():
        lookup.setdefault(_key(canonical), set()).update(_key(n) for n in nicks)
    with (_DATA / "extra_nicknames.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            lookup.setdefault(_key(row["canonical"]), set()).add(_key(row["nickname"]))
    return NickNamer(nickname_lookup=lookup)


@cache
def _known_given_names() -> frozenset[str]:
    nn = _nicknamer()
    return frozenset(nn.nickname_lookup) | frozenset(nn.canonical_lookup)


@lru_cache(maxsize=1 << 18)
def first_name_variants(first: str) -> tuple[str, ...]:
    """The key of ``first`` then, sorted, its nicknames, canonicals and the canonicals' nicknames.

    Multi-word names also take the variants of their first word ("Mary Ann" -> "mary" ...), or of
    the second when the first is an initial ("J. Robert" -> "robert" ...).

    >>> first_name_variants("J."), "robert" in first_name_variants("Bob")
    (('j',), True)
    """
    own = _key(first or "")
    if len(own) <= 1:
        return (own,) if own else ()
    words = own.split()
    bases = {own, words[0]}
    if len(words) > 1 and len(words[0]) == 1:
        bases.add(words[1])
    nn = _nicknamer()
    found: set[str] = set()
    for base in bases:
        canonicals = nn.canonicals_of(base)
        found |= {base} | nn.nicknames_of(base) | canonicals
        for canonical in canonicals:
            found |= nn.nicknames_of(canonical)
    found.discard(own)
    return (own, *sorted(found))


def _unique_codes(first: pd.Series, last: pd.Series) -> tuple[np.ndarray, list, list, np.ndarray]:
    """Codes of each row's unique (first, last) pair, the unique values and the pair table."""
    f_codes, f_uniq = pd.factorize(first.fillna("").astype(str))
    l_codes, l_uniq = pd.factorize(last.fillna("").astype(str))
    width = max(len(l_uniq), 1)
    pairs, inverse = np.unique(f_codes.astype(np.int64) * width + l_codes, return_inverse=True)
    return inverse, list(f_uniq), list(l_uniq), np.column_stack(np.divmod(pairs, width))


def names_frame(first: pd.Series, last: pd.Series) -> pd.DataFrame:
    """Matching columns for cleaned display names, on the index of ``first``.

    Columns: name_key, first_key, last_key, first_name_variants ("|"-joined, own key first).

    >>> names_frame(pd.Series(["Bob"]), pd.Series(["Doe Jr."]))["name_key"].tolist()
    ['bob doe']
    """
    inverse, f_uniq, l_uniq, pairs = _unique_codes(first, last)
    f_keys = [_key(v) for v in f_uniq]
    l_keys = [_last_key(v) for v in l_uniq]
    f_vars = ["|".join(first_name_variants(v)) for v in f_uniq]
    columns = {
        "name_key": [f"{f_keys[f]} {l_keys[g]}".strip() for f, g in pairs],
        "first_key": [f_keys[f] for f, _ in pairs],
        "last_key": [l_keys[g] for _, g in pairs],
        "first_name_variants": [f_vars[f] for f, _ in pairs],
    }
    return pd.DataFrame(
        {name: np.asarray(values, dtype=object)[inverse] for name, values in columns.items()},
        index=first.index,
    ).astype("str")


@lru_cache(maxsize=1 << 18)
def _compatible(a: str, b: str) -> bool:
    if not a or not b:
        return False
    a_vars, b_vars = a.split("|"), b.split("|")
    a_own, b_own = a_vars[0], b_vars[0]
    if a_own == b_own or a_own in b_vars or b_own in a_vars:
        return True
    if len(a_own) == 1:
        return any(v.startswith(a_own) for v in b_vars)
    return len(b_own) == 1 and any(v.startswith(b_own) for v in a_vars)


def variants_compatible(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Per aligned pair of first_name_variants strings: could these be the same first name?

    True when one name is among the other's variants or is an initial of one; an empty side is
    never compatible. Computed once per unique pair.

    >>> variants_compatible(pd.Series(["bob|rob|robert"]), pd.Series(["robert|bob|rob"]))
    array([ True])
    """
    if len(a) != len(b):
        raise ValueError("variants_compatible needs two Series of the same length")
    inverse, a_uniq, b_uniq, pairs = _unique_codes(
        a.reset_index(drop=True), b.reset_index(drop=True)
    )
    answers = np.fromiter((_compatible(a_uniq[i], b_uniq[j]) for i, j in pairs), bool, len(pairs))
    return answers[inverse]


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
        creds[i] = _join_credentials(f"{f_creds[i]}, {l_creds[i]}")
    columns = {"first_name": first_name, "last_name": last_name}
    columns |= {"full_name": full_name, "credentials": creds}
    return pd.DataFrame(
        {k: pd.Series(v, index=first.index, dtype="str") for k, v in columns.items()}
    )


def _join_credentials(text: str) -> str:
    return ", ".join(dict.fromkeys(c for c in text.split(", ") if c))


class _FieldTable:
    """One name field cleaned once per distinct value, with the flags clean_names_frame needs."""

    def __init__(self, values: pd.Series, fix_case: bool, particles: bool) -> None:
        self.codes, uniques = pd.factorize(values.fillna("").astype(str).to_numpy(dtype=object))
        cleaned = [_clean_field(u) for u in uniques]
        self.name = _object_array([c[0] for c in cleaned])
        self.creds = _object_array([c[1] for c in cleaned])
        self.creds_alone = _object_array([_join_credentials(c[1]) for c in cleaned])
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
            self.upper & np.array([sum(ch.isalpha() for ch in v) > 3 for v in names], dtype=bool)
        )
        self.cased = _object_array([display_case(v, particles=particles) for v in names])


def _object_array(items: list) -> np.ndarray:
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


_FORMER_PREFIX = re.compile(r"^(?:n[ée]e|born|formerly|former|maiden(?: name)?)\s*:?\s+", re.I)


@lru_cache(maxsize=1 << 16)
def _alternates(first_key: str, variants: str, former: str) -> str:
    """Keys "first former-last" for each former or maiden name in ``former`` ("|"-joined)."""
    keys: list[str] = []
    for part in re.split(r"\s*[;,/|]\s*", former):
        words = _key(_FORMER_PREFIX.sub("", clean_display(part))).split()
        if not words:
            continue
        # "Jane Smith" is a whole former name when its first word is the person's first name (or
        # a variant of it); otherwise every word is the former last name ("van der Berg").
        if len(words) > 1 and words[0] in variants.split("|"):
            words = words[1:]
        last = _last_key(" ".join(words))
        key = f"{first_key} {last}".strip()
        if last and key not in keys:
            keys.append(key)
    return "|".join(keys)


def alternate_name_keys(names: pd.DataFrame, former: pd.Series) -> pd.Series:
    """Name keys under a former or maiden last name, for the linker ("|"-joined, or "").

    ``names`` is the output of ``names_frame`` (first_key, first_name_variants); ``former`` is
    aligned with it: a former last name ("Smith"), a whole former name ("Jane Smith", "née
    Smith") or several separated by ";" or ",". Computed once per unique triple (cached).

    >>> n = names_frame(pd.Series(["Jane"]), pd.Series(["Doe"]))
    >>> alternate_name_keys(n, pd.Series(["née Smith"])).tolist()
    ['jane smith']
    """
    former = pd.Series(former.to_numpy(), index=names.index).fillna("").astype("str")
    out = pd.Series("", index=names.index, dtype="str")
    has = (former.str.strip() != "").to_numpy()
    if not has.any():
        return out
    sub = names.loc[has, ["first_key", "first_name_variants"]]
    out.loc[has] = [
        _alternates(f, v, x)
        for f, v, x in zip(sub["first_key"], sub["first_name_variants"], former[has], strict=True)
    ]
    return out
