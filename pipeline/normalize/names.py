"""Person-name matching keys (used by normalize and link).

Keys transliterate to lower-case ASCII and drop generational suffixes (one source often omits
"Jr."); display cleaning happens earlier, in ``pipeline.ingest.display_names``. Two first names
are compatible when one's own name is among the other's variants (or is its initial), not merely
when their variant sets overlap: overlap would make Christopher and Christina (both "Chris") or
Alexander and Alexandra (both "Alex") the same person. See docs/domain.md (names).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import pandas as pd

from pipeline.ingest.display_names import clean_display, full_names
from pipeline.text.arrow_text import STR, object_array, taken_series, text_series
from pipeline.text.names import fold_name, last_key, nicknamer, plain_words

__all__ = ["alternate_name_keys", "first_name_variants", "name_key", "names_frame"]
__all__ += ["variants_compatible"]


def name_key(first: str, last: str) -> str:
    """Matching key of a cleaned name: ``name_key("Zoë", "García-López") == "zoe garcia lopez"``.

    Credentials and pronouns must already be gone (clean_names_frame does that).
    """
    return f"{fold_name(first or '')} {last_key(last or '')}".strip()


@lru_cache(maxsize=1 << 18)
def first_name_variants(first: str) -> tuple[str, ...]:
    """The key of ``first`` then, sorted, its nicknames, canonicals and the canonicals' nicknames.

    Multi-word names also take the variants of their first word ("Mary Ann" -> "mary" ...), or of
    the second when the first is an initial ("J. Robert" -> "robert" ...).

    >>> first_name_variants("J."), "robert" in first_name_variants("Bob")
    (('j',), True)
    >>> "seonyeong" in first_name_variants("Natalie (Seonyeong)")
    True
    """
    own = fold_name(first or "")
    if len(own) <= 1:
        return (own,) if own else ()
    words = own.split()
    bases = {own, words[0]}
    if len(words) > 1 and len(words[0]) == 1:
        bases.add(words[1])
    # "Natalie (Seonyeong)": an English name beside the given name; either may be used alone
    for inner in re.findall(r"\(([^)]*)\)", first or ""):
        bases |= {w for w in fold_name(inner).split() if len(w) > 1}
        outer = fold_name(re.sub(r"\([^)]*\)", " ", first or "")).split()
        bases |= {w for w in outer[:1] if len(w) > 1}
    nn = nicknamer()
    found: set[str] = set()
    for base in bases:
        canonicals = nn.canonicals_of(base)
        found |= {base} | nn.nicknames_of(base) | canonicals
        for canonical in canonicals:
            found |= nn.nicknames_of(canonical)
    found.discard(own)
    return (own, *sorted(found))


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes of each row's value ("" for a missing one) and the distinct values (object array)."""
    codes, uniques = pd.factorize(values.fillna("").astype(str))
    return codes, np.asarray(uniques, dtype=object)


def _keys_of(values: np.ndarray, key: Callable[[str], str]) -> np.ndarray:
    """``key`` (fold_name or last_key) of each distinct value: a plain word's key is its lower
    case, so only the other values are folded one by one."""
    plain = plain_words(values)
    out = np.fromiter(map(str.lower, values), object, len(values))
    other = np.flatnonzero(~plain)
    out[other] = [key(v) for v in values[other]]
    return out


def names_frame(first: pd.Series, last: pd.Series) -> pd.DataFrame:
    """Matching columns for cleaned display names, on the index of ``first``.

    Columns: name_key, first_key, last_key, first_name_variants ("|"-joined, own key first).

    >>> names_frame(pd.Series(["Bob"]), pd.Series(["Doe Jr."]))["name_key"].tolist()
    ['bob doe']
    """
    f_codes, f_uniq = _codes(first)
    l_codes, l_uniq = _codes(last)
    # Keys once per distinct first and last name; each row takes its own by its codes.
    f_keys = _keys_of(f_uniq, fold_name)
    l_keys = _keys_of(l_uniq, last_key)
    f_vars = object_array(["|".join(first_name_variants(v)) for v in f_uniq])
    columns = {
        "first_key": (f_keys, f_codes),
        "last_key": (l_keys, l_codes),
        "first_name_variants": (f_vars, f_codes),
    }
    # name_key is f"{first} {last}".strip(): joined by Arrow, only rows with an empty key or
    # edge spaces made in Python.
    name_key = pd.Series(full_names((f_keys, f_codes), (l_keys, l_codes)), index=first.index)
    taken = {name: taken_series(v, codes, first.index) for name, (v, codes) in columns.items()}
    return pd.DataFrame({"name_key": name_key, **taken}, index=first.index).astype(STR)


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
    never compatible. Each distinct string is split once; the pairs are tested as integer
    lookups (the same answers as ``_compatible``, which says it one pair at a time).

    >>> variants_compatible(pd.Series(["bob|rob|robert"]), pd.Series(["robert|bob|rob"]))
    array([ True])
    """
    if len(a) != len(b):
        raise ValueError("variants_compatible needs two Series of the same length")
    both = pd.concat([a, b], ignore_index=True).fillna("").astype(STR)
    codes, strings = pd.factorize(both)
    if not len(a):
        return np.zeros(0, dtype=bool)
    ca, cb = codes[: len(a)], codes[len(a) :]
    parts = [str(v).split("|") for v in strings]
    n = len(parts)
    owner = np.repeat(np.arange(n), [len(p) for p in parts])
    word, words = pd.factorize(pd.Series([w for p in parts for w in p], dtype=object))
    starts = np.r_[0, np.cumsum([len(p) for p in parts])[:-1]]
    own = word[starts]  # each string's own name (its first part)
    own_text = words.to_numpy(dtype=object)[own]
    initial = np.array([len(w) == 1 for w in own_text], dtype=bool)
    # (string, word) and (string, first letter of a non-empty word) as sorted integer keys
    width = np.int64(len(words) + 1)
    has_word = np.unique(owner * width + word)
    letter, letters = pd.factorize(pd.Series([w[:1] for p in parts for w in p], dtype=object))
    letter_of_own = pd.Index(letters).get_indexer(
        pd.Series([w[:1] for w in own_text], dtype=object)
    )
    filled = np.array([bool(w) for p in parts for w in p], dtype=bool)
    span = np.int64(len(letters) + 1)
    has_letter = np.unique(owner[filled] * span + letter[filled])

    def holds(table: np.ndarray, keys: np.ndarray) -> np.ndarray:
        at = np.searchsorted(table, keys)
        return (at < len(table)) & (table[np.minimum(at, len(table) - 1)] == keys)

    inverse, pairs = pd.factorize(ca.astype(np.int64) * n + cb)  # each distinct pair once
    x, y = np.divmod(np.asarray(pairs, dtype=np.int64), n)
    answer = (own[x] == own[y]) | holds(has_word, y * width + own[x])
    answer |= holds(has_word, x * width + own[y])
    answer |= initial[x] & (letter_of_own[x] >= 0) & holds(has_letter, y * span + letter_of_own[x])
    answer |= (
        ~initial[x]
        & initial[y]
        & (letter_of_own[y] >= 0)
        & holds(has_letter, x * span + letter_of_own[y])
    )
    empty = np.array([not v for v in strings.to_numpy(dtype=object)], dtype=bool)
    answer &= ~empty[x] & ~empty[y]
    return answer[inverse]


_FORMER_PREFIX = re.compile(r"^(?:n[ée]e|born|formerly|former|maiden(?: name)?)\s*:?\s+", re.I)


@lru_cache(maxsize=1 << 16)
def _former_words(former: str) -> tuple[tuple[str, ...], ...]:
    """The folded words of each former name in ``former`` (separated by ; , / or |), prefixes
    such as "née" gone; once per distinct text, whoever it belongs to."""
    found = []
    for part in re.split(r"\s*[;,/|]\s*", former):
        words = fold_name(_FORMER_PREFIX.sub("", clean_display(part))).split()
        if words:
            found.append(tuple(words))
    return tuple(found)


@lru_cache(maxsize=1 << 16)
def _joined_last_key(words: tuple[str, ...]) -> str:
    return last_key(" ".join(words))


@lru_cache(maxsize=1 << 16)
def _alternates(first_key: str, variants: str, former: str) -> str:
    """Keys "first former-last" for each former or maiden name in ``former`` ("|"-joined)."""
    keys: list[str] = []
    own = variants.split("|")
    for words in _former_words(former):
        # "Jane Smith" is a whole former name when its first word is the person's first name (or
        # a variant of it); otherwise every word is the former last name ("van der Berg").
        if len(words) > 1 and words[0] in own:
            words = words[1:]
        last = _joined_last_key(words)
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
    # Whether a row has a former name is decided once per distinct text (as Arrow strips it):
    # the million rows are neither made Python strings nor stripped one by one.
    codes, distinct = _codes(former)
    filled = (text_series(distinct).str.strip() != "").to_numpy(dtype=bool)
    rows = np.flatnonzero(filled[codes])
    if not len(rows):
        return text_series("", names.index)
    # Plain lists of the rows that have one: iterating Arrow text value by value is slow.
    f, v = (names[c].array.take(rows).to_numpy(dtype=object) for c in _FIRST)
    x = distinct[codes[rows]]
    # A former name that is one plain word is one former last name whose key is its lower case
    # (no prefix such as "née", no separator, no suffix to drop): "first former".
    plain = plain_words(x)
    keys = np.empty(len(x), dtype=object)
    keys[plain] = [
        f"{a} {b}".strip() for a, b in zip(f[plain], map(str.lower, x[plain]), strict=True)
    ]
    other = np.flatnonzero(~plain)
    keys[other] = [_alternates(*row) for row in zip(f[other], v[other], x[other], strict=True)]
    at = np.zeros(len(names), dtype=np.intp)
    at[rows] = np.arange(1, len(rows) + 1)
    return taken_series(np.concatenate([[""], keys]), at, names.index)


_FIRST = ("first_key", "first_name_variants")
