"""The person comparisons: name (with its levels as data), program and city (the job's is in
``link.jobs``).

Each takes the two sides of the candidate pairs (frames of equal length, row i against row i)
and returns one level per pair, or, for the name, one mask per level (``levels.levelled``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz.distance import OSA
from rapidfuzz.fuzz import token_set_ratio

from pipeline.link.addresses import address_names, spelled
from pipeline.link.levels import NULL, Level, Rows, distinct_codes, pair_codes, similarity
from pipeline.link.token_letters import character_classes, may_reach, token_letters
from pipeline.normalize.names import variants_compatible
from pipeline.text.arrow_text import STR

# The name comparison's levels, strongest first: adding one is one line here (and its
# condition in the masks of name_conditions), which also offers "same_first" for a level
# Level("first name only", "same_first", m=0.015, u=5e-3, tf="first_key"): on the linkage
# benchmark it made a connection's namesake candidates stronger rivals and cost recall
# (0.9672 -> 0.9631), so it is not a default level.
NAME = (
    Level("exact", "exact", m=0.70, u=5e-5, tf="name_key"),
    # a former-name match is as rare by accident as an exact one: the other record must carry
    # a former name at all (the share with alternates), and this one (its frequency)
    Level("former name", "former", m=0.06, u=1e-5, tf=("name_key", "name_key_alternates"),
          fixed=True),
    # a typo, married name or nickname in one record, the other's exact name in its address
    Level("same name as an e-mail address or URL spells it", "address", m=0.03, u=1e-5,
          tf="name_key"),
    Level("nickname or variant", "variant", m=0.10, u=2e-5, tf="last_key"),
    Level("close spelling", "typo", m=0.05, u=2e-5, local=True),
    Level("same words, other order", "reordered", m=0.02, u=1e-5),
    Level("part of a compound last name", "part", m=0.01, u=1e-5),
    Level("last name only", "same_last", m=0.02, u=5e-3, tf="last_key"),
    Level("last name an initial", "initial", m=0.005, u=2e-4),
    Level("different", m=0.035, u=0.99467),
)  # fmt: skip
NAME_LEVELS = tuple(level.label for level in NAME)


def _has_unknown(names: pd.Series) -> pd.Series:
    return names.str.contains("?", regex=False)


def _city(locations: pd.Series) -> pd.Series:
    return locations.str.split(",").str[0].str.strip().str.lower()


def _folded(text: pd.Series) -> pd.Series:
    return text.str.lower().str.strip()


def name_conditions(
    a: pd.DataFrame | None, b: pd.DataFrame | None, rows: Rows | None = None
) -> dict[str, np.ndarray]:
    """The conditions of the NAME levels, one mask each (see ``levels.levelled``), for the
    pairs ``rows`` (else aligned pair frames ``a`` and ``b``). Equality is tested on codes
    made once per run, string work runs once per distinct pair of values, and the address
    level's per-record work once per run."""
    rows = Rows.of_pairs(a, b) if rows is None else rows
    columns, left, right = rows.frame.columns, rows.left, rows.right
    exact_ = rows.same("name_key")
    variants = rows.on_distinct("first_name_variants", variants_compatible).astype(bool)
    same_last = rows.same("last_key") & ~rows.empty("last_key", left)
    former = np.zeros(len(left), dtype=bool)
    if "former_key" in columns:  # tested where either record has one (a few in a hundred)
        given_a, given_b = ~rows.empty("former_key", left), ~rows.empty("former_key", right)
        at = np.flatnonzero(given_a | given_b)
        given_a, given_b, some = given_a[at], given_b[at], rows.subset(at)
        former[at] = (given_a & some.same("former_key", "last_key")) | (
            given_b & some.same("last_key", "former_key")
        )
        former[at] |= given_a & some.same("former_key")
    # The string scores only where they can still decide the level: most candidate pairs are
    # settled by the exact checks above.
    open_ = ~exact_ & ~(former & variants) & ~(same_last & variants)
    typo = _typo_on(rows, open_ & same_last, "first_key") | _typo_on(
        rows, open_ & variants, "last_key"
    )
    # spellings of one surname in other romanisations (Lee, Yi, Rhee), and letters a legacy
    # encoding lost as "?" ("Nguy?n" against "Nguyễn"): unknown letters, not mismatches
    if "last_family" in columns:
        family = rows.same("last_family") & ~rows.empty("last_family", left)
        typo |= open_ & variants & ~same_last & family
    unknown = rows.per_record("name_key", _has_unknown).astype(bool)
    lost = open_ & (unknown[left] | unknown[right])
    typo |= _on(rows, lost, "name_key", _wildcard_equal) > 0
    # a compound last name against one of its parts is checked before the reordering test,
    # which would call "maria santana" the same words as "maria santana acevedo"
    # (only where one last name has a space, as _part_of would find; tested per record)
    compound = rows.per_record("last_key", _has_space).astype(bool)
    part = open_ & ~typo & variants & (compound[left] | compound[right])
    part = _on(rows, part, "last_key", _part_of) > 0
    reordered = _on(rows, _may_reorder(rows, open_ & ~typo & ~part), "name_key", _token_set)
    reordered = reordered >= 0.95
    rest = open_ & ~typo & ~reordered & ~part & variants
    one_letter = rows.per_record("last_key", _one_letter).astype(bool)
    initial = _on(rows, rest & (one_letter[left] | one_letter[right]), "last_key", _initial_of)
    initial = initial > 0
    # both names a slip apart ("jajie hofmfan" for "jamie hoffman")
    both = open_ & ~typo & ~part & ~same_last & ~variants
    both = _typo_on(rows, both, "first_key")
    typo |= _typo_on(rows, both, "last_key")
    # the other's exact name in one record's e-mail address or LinkedIn URL (a typo, a married
    # name or a nickname in the record's own name field); nickname pairs too, so not ``open_``
    address = np.zeros(len(left), dtype=bool)
    at = np.flatnonzero(~exact_ & ~(former & variants) & ~_both_blank(rows))
    if len(at):
        address[at] = spelled(name_prepare(rows), left[at], right[at])
    key = rows.text("name_key")
    blank_key = (key.codes == key.empty) & ~key.missing  # "" only: a missing key is no text
    return {
        "exact": exact_,
        "former": former & variants,
        "address": address,
        "variant": same_last & variants,
        "typo": typo,
        "reordered": reordered,
        "part": part,
        "same_last": same_last,
        "initial": initial,
        "same_first": variants,
        "null": blank_key[left] | blank_key[right],
    }


def _has_space(values: pd.Series) -> pd.Series:
    return values.str.contains(" ", regex=False)


def _one_letter(values: pd.Series) -> pd.Series:
    return values.str.len() == 1


def _may_reorder(rows: Rows, mask: np.ndarray) -> np.ndarray:
    """``mask`` less the pairs whose name keys cannot reach a token-set similarity of 0.95
    (``token_letters``: counted once per name), so only the others are scored."""
    at = np.flatnonzero(mask)
    out = np.zeros(len(mask), dtype=bool)
    if len(at):
        key = rows.text("name_key")
        out[at] = may_reach(name_letters(rows), key.codes[rows.left[at]], key.codes[rows.right[at]])
    return out


def name_prepare(rows: Rows):
    """The records' ``address_names``, once per run: the name comparison's per-run work that
    reads no pairs, the most of it (1 s of the name's 4 at large), and the last it reads."""
    return rows.once("address names", lambda frame: address_names(frame, rows.text))


def name_letters(rows: Rows):
    """The name keys' ``token_letters``, once per run: per-run work of the name comparison
    that reads no pairs (0.4 s at large), read half-way through."""
    key = rows.text("name_key")
    return rows.once(
        ("token letters", "name_key"), lambda _: token_letters(key.values, key.strings)
    )


def _token_set(x: pd.Series, y: pd.Series) -> np.ndarray:
    return similarity(x, y, token_set_ratio, distinct=True)  # Rows.on_distinct's pairs


def _both_blank(rows: Rows) -> np.ndarray:
    """True where neither record of a pair has an e-mail address or a LinkedIn URL."""
    out = np.ones(len(rows.left), dtype=bool)
    for column in ("email", "linkedin_slug"):
        if column in rows.frame.columns:
            out &= rows.empty(column, rows.left) & rows.empty(column, rows.right)
    return out


def _per_distinct(x: pd.Series, y: pd.Series, test, needed=None) -> np.ndarray:
    """``test(x, y)`` (two strings -> bool) once per distinct pair of values; with ``needed``
    (the distinct x and y values -> a mask, vectorised), only on the pairs it lets through, the
    others False."""
    inverse, ux, uy = pair_codes(x, y)
    if needed is None:
        at = np.arange(len(ux))
    else:
        at = np.flatnonzero(needed(pd.Series(ux, dtype=STR), pd.Series(uy, dtype=STR)))
    answers = np.zeros(len(ux), dtype=bool)
    answers[at] = np.fromiter((test(ux[i], uy[i]) for i in at), bool, len(at))
    return answers[inverse]


def _wildcard_equal(x: pd.Series, y: pd.Series) -> np.ndarray:
    """The same text where each "?" stands for any one letter ("thi nguy?n" = "thi nguyen")."""

    def same(p: str, q: str) -> bool:
        return len(p) == len(q) and all(c == d or "?" in (c, d) for c, d in zip(p, q, strict=True))

    return _per_distinct(x, y, same)


def _part_of(x: pd.Series, y: pd.Series) -> np.ndarray:
    """One last name is a whole word of the other, compound one ("santana" and "santana
    acevedo", "acevedo" and "santana acevedo")."""

    def part(p: str, q: str) -> bool:
        a, b = p.split(), q.split()
        return bool(a and b) and a != b and (set(a) <= set(b) or set(b) <= set(a))

    # two different one-word names are never one a part of the other: only a compound name
    # (a space in it) needs the test
    def compound(ux: pd.Series, uy: pd.Series) -> np.ndarray:
        return (ux.str.contains(" ", regex=False) | uy.str.contains(" ", regex=False)).to_numpy(
            bool
        )

    return _per_distinct(x, y, part, compound)


def _initial_of(x: pd.Series, y: pd.Series) -> np.ndarray:
    """One last name is the other's initial ("s" and "sharma": "Devika S.")."""

    def initial(p: str, q: str) -> bool:
        return (len(p) == 1 and len(q) > 1 and q[0] == p) or (
            len(q) == 1 and len(p) > 1 and p[0] == q
        )

    def one_letter(ux: pd.Series, uy: pd.Series) -> np.ndarray:
        return ((ux.str.len() == 1) | (uy.str.len() == 1)).to_numpy(bool)

    return _per_distinct(x, y, initial, one_letter)


def _on(rows: Rows, mask: np.ndarray, column: str, score) -> np.ndarray:
    """``score(x, y)`` (a number, or True as 1) of the pairs' values in ``column`` where
    ``mask`` holds, once per distinct pair of values; 0 elsewhere."""
    out = np.zeros(len(mask))
    at = np.flatnonzero(mask)
    if len(at):
        out[at] = rows.subset(at).on_distinct(column, score)
    return out


def _typo_on(rows: Rows, mask: np.ndarray, column: str) -> np.ndarray:
    """``_one_typo`` of the pairs' values in ``column`` where ``mask`` holds, False elsewhere.
    Scored only where integer tests on the values' codes let a slip through (lengths and
    letter classes per distinct value, once per run), and once per distinct pair of those: most
    candidate pairs' last names differ in several letters, and a slip of ``_one_typo`` (one edit,
    two in a long name) changes at most two letters' classes per edit."""
    text = rows.text(column)

    def make(_: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        length, classes = character_classes(text.values)
        # int32: taken for millions of pairs, and half the bytes are half the fresh memory
        return length.astype(np.int32) if length.max(initial=0) < 2**31 else length, classes

    length, classes = rows.once(("per value", column, "character classes"), make)
    at = np.flatnonzero(mask)
    x, y = text.codes[rows.left[at]], text.codes[rows.right[at]]
    a, b = length[x], length[y]
    shortest = np.minimum(a, b)
    # two edits in a long name: up to four classes (uint8, as bitwise_count's counts)
    slips = np.where(shortest >= 8, np.uint8(4), np.uint8(2))
    near = (shortest > 0) & (np.abs(a - b) <= 1)
    near &= np.bitwise_count(classes[x] ^ classes[y]) <= slips
    out = np.zeros(len(mask), dtype=bool)
    at = at[near]
    if not len(at):
        return out
    width = np.int64(len(text.values))
    inverse, joint = distinct_codes(x[near].astype(np.int64) * width + y[near], int(width) ** 2)
    ux, uy = text.values[joint // width], text.values[joint % width]
    out[at] = _one_typo(pd.Series(ux, dtype=STR), pd.Series(uy, dtype=STR))[inverse]
    return out


def _one_typo(x: pd.Series, y: pd.Series) -> np.ndarray:
    """A slip of the keyboard apart: a letter dropped, added, changed or two swapped (one
    optimal-string-alignment edit), or two such slips in a long name of about the same length.
    Not a prefix: "Anders" and "Andersen", "Kalundpel" and "Kalundpelmar" are other families,
    though Jaro-Winkler rates them close."""
    edits = similarity(x, y, OSA.distance, distinct=True)  # Rows.on_distinct's pairs
    length_a = x.fillna("").astype(STR).str.len().to_numpy()
    length_b = y.fillna("").astype(STR).str.len().to_numpy()
    shortest = np.minimum(length_a, length_b)
    long_pair = (shortest >= 8) & (np.abs(length_a - length_b) <= 1)
    return (shortest > 0) & ((edits == 1) | ((edits == 2) & long_pair))


PROGRAM_LEVELS = (
    "same program",
    "overlapping programs",
    "same program, another degree",
    "different program",
)


def program_level(
    a: pd.DataFrame | None, b: pd.DataFrame | None, rows: Rows | None = None
) -> np.ndarray:
    """Program (major) of two records: the same, one of a double major's ("Statistics;
    Computer Science" against "Statistics"), the same program under degrees that share none
    (a BMath and an MMath in Computer Science: two people of one class, or a record made at
    each degree), or another program; NULL where either has none. The degree (optional column
    ``degree``) only splits the same or overlapping programs, and only where both records
    name one: "BMath; PhD" against "PhD" shares a degree.

    For the pairs ``rows`` (else aligned pair frames ``a`` and ``b``): each record's folded
    program and degree coded once per run, the text tests once per distinct pair of them."""
    rows = Rows.of_pairs(a, b) if rows is None else rows
    left, right = rows.left, rows.right
    major, majors = _folded_codes(rows, "major")
    x, y = major[left], major[right]
    same = x == y
    overlap = _per_code_pair(x, y, majors, _token_set) >= 0.95
    other_degree = np.zeros(len(left), dtype=bool)
    if "degree" in rows.frame.columns:
        degree, degrees = _folded_codes(rows, "degree")
        # a few dozen degrees, many pairs
        other_degree = _per_code_pair(degree[left], degree[right], degrees, _disjoint_lists)
    # int8 levels from the start: int64 ones over millions of pairs are 8 x the fresh memory
    choices = [np.int8(2), np.int8(0), np.int8(1)]
    level = np.select([(same | overlap) & other_degree, same, overlap], choices, np.int8(3))
    blank = rows.empty("major", left) | rows.empty("major", right)
    return np.where(blank, np.int8(NULL), level)


def _folded_codes(rows: Rows, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Per record, a code of its ``column`` folded (lower case, stripped; missing as ""), and
    the folded texts the codes point into; once per run."""

    def make(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        text = rows.text(column)
        codes, folded = pd.factorize(_folded(text.strings).to_numpy(dtype=object))
        # int32 per record (as the text's codes): the pairs take them, and half the bytes are
        # half the fresh memory
        return codes.astype(np.int32)[text.codes], np.asarray(folded, dtype=object)

    return rows.once(("folded", column), make)


def _per_code_pair(x: np.ndarray, y: np.ndarray, values: np.ndarray, test) -> np.ndarray:
    """``test(p, q)`` (aligned Series of text -> one answer per pair) once per distinct pair of
    the codes ``x`` and ``y`` (into ``values``), spread back to the pairs."""
    width = max(len(values), 1)
    inverse, joint = distinct_codes(x.astype(np.int64) * width + y, width * width)
    p, q = (pd.Series(values[i], dtype=STR) for i in (joint // width, joint % width))
    return np.asarray(test(p, q))[inverse]


def _disjoint_lists(p: pd.Series, q: pd.Series) -> np.ndarray:
    return np.fromiter((_disjoint(a, b) for a, b in zip(p, q, strict=True)), bool, len(p))


def _disjoint(p: str, q: str) -> bool:
    """Two "; "-joined lists, both given, with no item in common."""
    a, b = {t.strip() for t in p.split(";")} - {""}, {t.strip() for t in q.split(";")} - {""}
    return bool(a and b) and not a & b


def city_level(
    a: pd.DataFrame | None, b: pd.DataFrame | None, rows: Rows | None = None
) -> np.ndarray:
    """The city of two records (the location's text before its first comma): the same, or
    another; NULL where either has none. For the pairs ``rows`` (else aligned pair frames
    ``a`` and ``b``), on a code per record's city made once per run."""
    rows = Rows.of_pairs(a, b) if rows is None else rows

    def make(frame: pd.DataFrame) -> tuple[np.ndarray, int]:
        text = rows.text("location")
        codes, cities = pd.factorize(_city(text.strings).to_numpy(dtype=object))
        none = np.flatnonzero(np.asarray(cities, dtype=object) == "")
        return codes.astype(np.int32)[text.codes], int(none[0]) if len(none) else -1  # int32

    city, none = rows.once(("city codes", "location"), make)
    x, y = city[rows.left], city[rows.right]
    both = (x != none) & (y != none)
    return np.where(both, np.where(x == y, np.int8(0), np.int8(1)), np.int8(NULL))  # int8
