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

from pipeline.text.arrow_text import STR
from pipeline.text.names import fold_name

_SPLIT = r"[.\-_+\s]+"
COLUMNS = (("email", True), ("linkedin_slug", False))  # (column, read as an e-mail address)


def _per_value(values: pd.Series, text, coded=None) -> tuple[np.ndarray, np.ndarray]:
    """``text`` (string work on a Series) on the distinct values only: the code of each row's
    value and the result per distinct value. ``coded``: the codes and distinct values of
    ``values`` (a missing value read as ""), made before."""
    codes, uniques = pd.factorize(values.fillna("").astype(STR)) if coded is None else coded
    return codes, text(pd.Series(uniques, dtype=STR)).to_numpy(dtype=object)


def _last_word(values: pd.Series) -> pd.Series:
    """The last white-space-separated word of each text ("" when none). A text of printable
    ASCII without a space is its own last word, so Python splits only the others."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out = values.to_numpy(dtype=object).copy()
    try:
        one_word = pc.match_substring_regex(pa.array(out, pa.large_string()), "^[!-~]+$")
        split = ~one_word.to_numpy(zero_copy_only=False)
    except (pa.ArrowException, UnicodeEncodeError):  # text UTF-8 cannot hold
        split = np.ones(len(out), dtype=bool)
    if split.any():
        words = pd.Series(out[split], dtype=STR).str.split().str[-1].to_numpy(dtype=object).copy()
        words[pd.isna(words)] = ""  # no word (pandas makes the column float where none has one)
        out[split] = words
    return pd.Series(out, index=values.index, dtype=STR)


def address_words(values: pd.Series, email: bool) -> pd.DataFrame:
    """first and last name word of each address's local part (``email``) or URL slug ("" when
    fewer than two), and the words after the first run together; once per distinct value.

    >>> words = address_words(pd.Series(["maria.santana.acevedo9@x.org", "jsmith@x.org"]), True)
    >>> words.to_dict("records")[0], words.to_dict("records")[1]["last"]
    ({'first': 'maria', 'last': 'acevedo', 'joined': 'santanaacevedo'}, '')
    """
    codes, uniques = pd.factorize(values.fillna("").astype(STR))
    *found, words = _distinct_words(np.asarray(uniques, dtype=object), email)
    first, last, joined = (words[c][codes] for c in found)
    return pd.DataFrame({"first": first, "last": last, "joined": joined}, index=values.index)


def _distinct_words(
    text: np.ndarray, email: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``address_words`` of distinct values: first, last and joined per value as codes into
    the words returned last (an object array of distinct text, "" among them). The words stay
    codes from the split on: a first name is in thousands of addresses, and its text is
    folded, compared and coded once."""
    import pyarrow as pa
    import pyarrow.compute as pc

    owner, token_codes, tokens = _tokens(text, email)
    # fold each distinct word once; a word of lower-case letters a to z folds to itself
    plain = pc.match_substring_regex(pa.array(tokens, pa.large_string()), "^[a-z]+$")
    folded = tokens.copy()
    for i in np.flatnonzero(~plain.to_numpy(zero_copy_only=False)):
        folded[i] = fold_name(tokens[i]).replace(" ", "")
    # two words may fold alike ("Ann", "ann"): one code for each folded text, "" the last
    codes, words = _factorized(np.append(folded, ""))
    empty = codes[-1]
    code = codes[token_codes]
    kept = code != empty
    code, owner = code[kept], owner[kept]  # owner: ascending value number
    count = np.bincount(owner, minlength=len(text)) if len(owner) else np.zeros(len(text), int)
    start = np.searchsorted(owner, np.arange(len(text)), side="left")
    end = start + count - 1
    two = count >= 2
    first = np.full(len(text), empty, dtype=np.intp)
    last = first.copy()
    first[two], last[two] = code[start[two]], code[end[two]]
    joined = last.copy()  # two words: the second is the rest; more: joined below
    many = np.flatnonzero(count > 2)
    if len(many):  # the words after the first, run together by Arrow
        rest = count[many] - 1
        at = np.repeat(start[many] + 1 - np.r_[0, np.cumsum(rest)[:-1]], rest) + np.arange(
            rest.sum()
        )
        lists = pa.LargeListArray.from_arrays(
            pa.array(np.r_[0, np.cumsum(rest)], pa.int64()),
            pa.array(words[code[at]], pa.large_string()),
        )
        runs = pc.binary_join(lists, pa.scalar("", pa.large_string())).to_numpy(
            zero_copy_only=False
        )
        # the words are distinct, so they keep their codes; a run new to them is added
        codes, words = _factorized(np.concatenate([words, runs]))
        joined[many] = codes[len(codes) - len(runs) :]
    return first, last, joined, words


def _tokens(text: np.ndarray, email: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The non-empty words of each value (local part of an address with ``email``, else the
    slug) split at ``_SPLIT``, an address's words stripped of digits at their ends, words with
    digits left out: value numbers (ascending), and each word as a code into the distinct
    words (an object array, the last thing returned).

    Values of printable ASCII only are split by Arrow (RE2) at once; there the only white
    space is " " and a digit is 0 to 9, so RE2 reads the pattern as Python does. Others (Unicode
    spaces and digits, control characters) go through Python's ``re``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = pa.array(text, pa.large_string())
    ascii_only = pc.match_substring_regex(values, "^[ -~]*$").to_numpy(zero_copy_only=False)
    plain = np.flatnonzero(ascii_only)
    part = values.take(pa.array(plain, pa.int64()))
    if email:
        part = pc.list_element(pc.split_pattern(part, "@", max_splits=1), 0)
    lists = pc.split_pattern_regex(part, "[.\\-_+ ]+")
    words = pc.list_flatten(lists)
    owner = plain[pc.list_parent_indices(lists).to_numpy()]
    if email:  # "tinren59": a number after the name; in a URL a word with digits is its suffix
        words = pc.utf8_trim(words, "0123456789")
    good = pc.and_(pc.not_equal(words, ""), pc.invert(pc.match_substring_regex(words, "[0-9]")))
    good = good.to_numpy(zero_copy_only=False)
    owners = [owner[good]]
    # coded by Arrow: a million words as Python strings cost more than their splitting
    encoded = words.filter(pa.array(good)).dictionary_encode()
    found = [encoded.indices.to_numpy(zero_copy_only=False).astype(np.intp)]
    tokens = np.asarray(encoded.dictionary.to_numpy(zero_copy_only=False), dtype=object)
    other = np.flatnonzero(~ascii_only)
    if len(other):
        rest = pd.Series(text[other], index=other, dtype=STR)
        if email:
            rest = rest.str.split("@").str[0]
        split = rest.str.split(_SPLIT, regex=True).explode().fillna("")
        if email:
            split = split.str.strip("0123456789")
        split = split[(split != "") & ~split.str.contains(r"\d", regex=True)]
        owners.append(split.index.to_numpy(dtype="int64"))
        # Arrow's distinct words first, so they keep their codes
        codes, tokens = _factorized(np.concatenate([tokens, split.to_numpy(dtype=object)]))
        found = [found[0], codes[len(codes) - len(split) :]]
    owner, codes = np.concatenate(owners), np.concatenate(found)
    order = np.argsort(owner, kind="stable")  # a value's words stay in their order
    return owner[order], codes[order], tokens


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


def address_names(frame: pd.DataFrame, text=None) -> AddressNames:
    """The per-record work of the level, once: ``frame`` has first_key and last_key, and
    email, linkedin_slug, first_name_variants where known. ``text``: a column -> its codes
    and distinct values (a missing value read as ""), made before (``levels.Rows.text``)."""

    def coded(column: str) -> tuple[np.ndarray, np.ndarray] | None:
        if text is None:
            return None
        made = text(column)
        # codes taken for a few records (``levels.Rows.taken``: a session's pairs) point into
        # the whole run's values: the words of those few are found faster from their own
        if len(made.values) > len(frame):
            return None
        return made.codes, made.values

    last = frame["last_key"].fillna("").astype(STR)
    first_key = frame["first_key"].fillna("").astype(STR)
    parts = [
        _per_value(last, _last_word, coded("last_key")),
        _per_value(last, lambda s: s.str.replace(" ", "", regex=False), coded("last_key")),
        _per_value(first_key, lambda s: s.str.split().str[0].fillna(""), coded("first_key")),
        _per_value(first_key, lambda s: s.str[:1], coded("first_key")),
    ]
    columns = [(c, email) for c, email in COLUMNS if c in frame.columns]
    for c, email in columns:
        made = coded(c)
        codes, uniques = pd.factorize(frame[c].fillna("").astype(STR)) if made is None else made
        *found, distinct = _distinct_words(np.asarray(uniques, dtype=object), email)
        parts += [(value[codes], distinct) for value in found]  # each record's word's code
    # one vocabulary, so that equal text is an equal integer across all these columns: made
    # of the distinct values' results (the addresses' distinct words), then each row's code
    # looked up through its value's
    ends = np.cumsum([len(u) for _, u in parts])
    every = np.concatenate([*(u for _, u in parts), np.array([""], dtype=object)])
    codes, vocabulary = _factorized(every)
    empty = int(codes[-1])
    split = [codes[end - len(u) : end][c] for (c, u), end in zip(parts, ends, strict=True)]
    last_word, compact, given, initial = split[:4]
    one_letter = np.fromiter(map(len, vocabulary), np.int64, len(vocabulary)) == 1
    words = {}
    for k, (c, _email) in enumerate(columns):
        w_first, w_last, w_joined = split[4 + 3 * k : 7 + 3 * k]
        words[c] = (w_first, w_last, w_joined, one_letter[w_first])
    variant_codes, variants = None, np.zeros(0, dtype=object)
    if "first_name_variants" in frame.columns:
        given_variants = frame["first_name_variants"].fillna("").astype(STR)
        variant_codes, distinct = pd.factorize(given_variants)
        variants = np.asarray(distinct, dtype=object)
    names = AddressNames(
        vocabulary, empty, words, {}, last_word, compact, given, initial, variant_codes, variants
    )
    everyone = np.arange(len(frame))
    for c in words:
        names.own[c] = _spells(names, c, everyone, everyone, strict=True)
    return names


def _factorized(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize`` of an object array of str (codes in order of first appearance, the
    distinct values as an object array), by Arrow's dictionary: hashing Python strings costs
    twice as much. Text UTF-8 cannot hold is factorized by pandas."""
    import pyarrow as pa

    try:
        encoded = pa.array(values, pa.large_string()).dictionary_encode()
    except (pa.ArrowException, UnicodeEncodeError):
        codes, uniques = pd.factorize(values)
        return codes, np.asarray(uniques, dtype=object)
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.intp)
    return codes, np.asarray(encoded.dictionary.to_numpy(zero_copy_only=False), dtype=object)


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
    # per record first: only a record whose address has a last word and spells another name
    # than its own can spell the other's, and only a record with a last name and an initial
    # can be spelled; most pairs are out on those two tests, without their words looked up
    named = (names.compact != names.empty) & (names.initial != names.empty)
    for column, own in names.own.items():
        ready = (names.words[column][1] != names.empty) & ~own
        for x, y in ((left, right), (right, left)):
            at = np.flatnonzero(ready[x] & named[y])
            if len(at):
                out[at] |= _spells(names, column, x[at], y[at], strict=False)
    return out


def spelled_by_address(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
    """``spelled`` for aligned rows of ``a`` and ``b`` (both have first_key and last_key, and
    email, linkedin_slug, first_name_variants where known)."""
    n = len(a)
    both = pd.concat([a, b[a.columns]], ignore_index=True)
    return spelled(address_names(both), np.arange(n), np.arange(n, 2 * n))
