"""The name an e-mail address or a LinkedIn URL spells: a second spelling of a person's name.

An address such as ``william.tinren59@...`` was typed once, when the person made it, and keeps
the spelling they gave: a list's later typo in the name ("Tniren"), or a married name entered
over the maiden one, leave the address as it was. A LinkedIn URL (``/in/jonathan-clark-1f3a2``)
is made from the name its owner signed up with and kept when they later show a nickname ("Jon
Clark"). So where two records' names differ, one record's address or URL spelling the OTHER
record's name (and not its own) says the two names are one person's name: the pair is as good
as an exact name match, and as rare by accident as that name (the name comparison's level "same
name as an e-mail address or URL spells it", term-frequency adjusted on the name). A namesake's
neighbour in spelling ("Li Xu" against "Li Wu") has an address that spells its own name.

Only the words are read, once per distinct value: an address's local part or a URL's slug split
at dots, hyphens and underscores; in an address digits at a word's ends are dropped and words
with digits inside left out, in a URL every word with a digit (its suffix: "1f3a2") is left out
("william.tinren59" -> william, tinren; fewer than two words, as "jsmith", say nothing). The
last word (or all words after the first run together: "santanaacevedo") must be the other's
last name; the first word the other's first name, one of
its nickname variants, or its initial alone. "Its own name" is read strictly (the first word
the record's own first name): "william.tinren" on a "Will Tinren" record tells the full name.

The domain is not read: a free-mail domain says nothing about a person, and on the synthetic
benchmark the domains are an artefact of the generator (invented people at example.com,
namesakes at example.org), so a domain comparison would learn the generator rather than people.

The work is per record, once per run (``address_names``): each record's address words and its
own name's parts become integer codes of one vocabulary, and whether its address spells its own
name a boolean. A candidate pair is then a few integer comparisons (``spelled``); only the
nickname test looks at text, once per distinct (word, variants) pair. Per pair, the words of
1.5 million pairs' addresses were split and joined again and again (20 s of 40 at the real size).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.text.names import fold_name

_SPLIT = r"[.\-_+\s]+"
COLUMNS = (("email", True), ("linkedin_slug", False))  # (column, read as an e-mail address)


def _per_value(values: pd.Series, text) -> np.ndarray:
    """``text`` (string work on a Series) on the distinct values only, spread back to rows."""
    codes, uniques = pd.factorize(values.fillna("").astype("str"))
    return text(pd.Series(uniques, dtype="str")).to_numpy(dtype=object)[codes]


def address_words(values: pd.Series, email: bool) -> pd.DataFrame:
    """first and last name word of each address's local part (``email``) or URL slug ("" when
    fewer than two), and the words after the first run together; once per distinct value.

    >>> words = address_words(pd.Series(["maria.santana.acevedo9@x.org", "jsmith@x.org"]), True)
    >>> words.to_dict("records")[0], words.to_dict("records")[1]["last"]
    ({'first': 'maria', 'last': 'acevedo', 'joined': 'santanaacevedo'}, '')
    """
    codes, uniques = pd.factorize(values.fillna("").astype("str"))
    text = pd.Series(uniques, dtype="str")
    if email:
        text = text.str.split("@").str[0]
    tokens = text.str.split(_SPLIT, regex=True).explode()
    tokens = tokens.fillna("")
    if email:  # "tinren59": a number after the name; in a URL a word with digits is its suffix
        tokens = tokens.str.strip("0123456789")
    tokens = tokens[(tokens != "") & ~tokens.str.contains(r"\d", regex=True)]
    # fold each distinct word once: a first name repeats across thousands of addresses
    token_codes, distinct = pd.factorize(tokens)
    folded_distinct = np.array(
        [fold_name(t).replace(" ", "") for t in distinct.to_numpy(dtype=object)], dtype=object
    )
    folded = folded_distinct[token_codes] if len(token_codes) else np.zeros(0, dtype=object)
    kept = folded != ""
    words, owner = folded[kept], tokens.index.to_numpy()[kept]  # owner: ascending value number
    count = np.bincount(owner, minlength=len(text)) if len(owner) else np.zeros(len(text), int)
    start = np.searchsorted(owner, np.arange(len(text)), side="left")
    end = start + count - 1
    two = count >= 2
    first = np.full(len(text), "", dtype=object)
    last = np.full(len(text), "", dtype=object)
    first[two], last[two] = words[start[two]], words[end[two]]
    joined = last.copy()  # two words: the second is the rest; more: joined in Python, rare
    for i in np.flatnonzero(count > 2):
        joined[i] = "".join(words[start[i] + 1 : end[i] + 1])
    return pd.DataFrame(
        {"first": first[codes], "last": last[codes], "joined": joined[codes]}, index=values.index
    )


@dataclass(frozen=True)
class AddressNames:
    """Per record, integer codes into ``vocabulary``: the words each address column spells
    (``words[column]`` = first, last, joined, and whether the first word is one letter), the
    record's own name (last word of its last name, its last name without spaces, its first
    given name and initial), whether its address spells its own name (``own[column]``, read
    strictly), and its first-name variants (codes into ``variants``)."""

    vocabulary: np.ndarray
    empty: int  # the code of ""
    words: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]
    own: dict[str, np.ndarray]
    last_word: np.ndarray
    compact: np.ndarray
    given: np.ndarray
    initial: np.ndarray
    variant_codes: np.ndarray | None
    variants: np.ndarray  # the distinct "|"-joined variants strings


def address_names(frame: pd.DataFrame) -> AddressNames:
    """The per-record work of the level, once: ``frame`` has first_key and last_key, and
    email, linkedin_slug, first_name_variants where known."""
    last = frame["last_key"].fillna("").astype("str")
    first_key = frame["first_key"].fillna("").astype("str")
    parts = [
        _per_value(last, lambda s: s.str.split().str[-1].fillna("")),
        _per_value(last, lambda s: s.str.replace(" ", "", regex=False)),
        _per_value(first_key, lambda s: s.str.split().str[0].fillna("")),
        _per_value(first_key, lambda s: s.str[:1]),
    ]
    columns = [(c, email) for c, email in COLUMNS if c in frame.columns]
    found = {c: address_words(frame[c], email) for c, email in columns}
    for words in found.values():
        parts += [words[k].to_numpy(dtype=object) for k in ("first", "last", "joined")]
    # one vocabulary, so that equal text is an equal integer across all these columns
    n = len(frame)
    codes, vocabulary = pd.factorize(np.concatenate([*parts, np.array([""], dtype=object)]))
    vocabulary = np.asarray(vocabulary, dtype=object)
    empty = int(codes[-1])
    split = [codes[i * n : (i + 1) * n] for i in range(len(parts))]
    last_word, compact, given, initial = split[:4]
    words = {}
    for k, (c, _email) in enumerate(columns):
        w_first, w_last, w_joined = split[4 + 3 * k : 7 + 3 * k]
        one = np.array([len(w) == 1 for w in vocabulary], dtype=bool)[w_first]
        words[c] = (w_first, w_last, w_joined, one)
    variant_codes, variants = None, np.zeros(0, dtype=object)
    if "first_name_variants" in frame.columns:
        given_variants = frame["first_name_variants"].fillna("").astype("str")
        variant_codes, distinct = pd.factorize(given_variants)
        variants = np.asarray(distinct, dtype=object)
    names = AddressNames(
        vocabulary, empty, words, {}, last_word, compact, given, initial, variant_codes, variants
    )
    everyone = np.arange(n)
    for c in words:
        names.own[c] = _spells(names, c, everyone, everyone, strict=True)
    return names


def _spells(
    names: AddressNames, column: str, x: np.ndarray, y: np.ndarray, strict: bool
) -> np.ndarray:
    """True where record x's words (in ``column``) spell record y's name: the last name, and
    the first name exactly or by its initial alone, or (not ``strict``) by a variant."""
    w_first, w_last, w_joined, one = (part[x] for part in names.words[column])
    initial = names.initial[y]
    has = (w_last != names.empty) & (names.compact[y] != names.empty) & (initial != names.empty)
    same_last = (w_last == names.last_word[y]) | (w_joined == names.compact[y])
    same_first = (w_first == names.given[y]) | (one & (w_first == initial))
    out = has & same_last & same_first
    if not strict and names.variant_codes is not None:
        open_ = np.flatnonzero(has & same_last & ~same_first)
        if len(open_):
            out[open_] = _in_variants(names, w_first[open_], names.variant_codes[y[open_]])
    return out


def _in_variants(names: AddressNames, words: np.ndarray, variants: np.ndarray) -> np.ndarray:
    """True where the word is one of the "|"-joined first-name variants (once per distinct
    pair of codes)."""
    width = np.int64(max(len(names.variants), 1))
    joint, inverse = np.unique(words.astype(np.int64) * width + variants, return_inverse=True)
    hit = np.array(
        [
            w != "" and w in names.variants[v].split("|")
            for w, v in zip(names.vocabulary[joint // width], joint % width, strict=True)
        ],
        dtype=bool,
    )
    return hit[inverse]


def spelled(names: AddressNames, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """True where one record's e-mail address or LinkedIn URL spells the other record's name
    and not its own, for pairs of records given as positions into the frame ``names`` was
    made of. The name comparison's level "same name as an e-mail address or URL spells it"
    reads it."""
    out = np.zeros(len(left), dtype=bool)
    for column, own in names.own.items():
        out |= _spells(names, column, left, right, strict=False) & ~own[left]
        out |= _spells(names, column, right, left, strict=False) & ~own[right]
    return out


def spelled_by_address(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
    """``spelled`` for aligned rows of ``a`` and ``b`` (both have first_key and last_key, and
    email, linkedin_slug, first_name_variants where known)."""
    n = len(a)
    both = pd.concat([a, b[a.columns]], ignore_index=True)
    return spelled(address_names(both), np.arange(n), np.arange(n, 2 * n))
