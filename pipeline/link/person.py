"""The person comparisons: name (with its levels as data), job, program and city.

Each takes the two sides of the candidate pairs (frames of equal length, row i against row i)
and returns one level per pair, or, for the name, one mask per level (``levels.levelled``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from rapidfuzz.distance import OSA
from rapidfuzz.fuzz import token_set_ratio, token_sort_ratio

from pipeline.link.addresses import address_names, spelled, spelled_by_address
from pipeline.link.levels import NULL, Level, Rows, blank, empty, pair_codes, same, similarity
from pipeline.normalize.companies import CompanyTokenWeights, company_similarities
from pipeline.normalize.names import variants_compatible

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


def per_value(values: pd.Series, text: Callable[[pd.Series], pd.Series]) -> np.ndarray:
    """``text`` (string work on a Series) run on the distinct values of ``values`` only and
    spread back to every row. A pair frame repeats each record thousands of times (200,000
    random pairs of 1,800 records for u), so string work per pair would repeat as often.

    >>> per_value(pd.Series(["Oslo, NO", None, "Oslo, NO"]), lambda s: s.str.split(",").str[0])
    array(['Oslo', '', 'Oslo'], dtype=object)
    """
    codes, uniques = pd.factorize(values.fillna("").astype("str"))
    return text(pd.Series(uniques, dtype="str")).to_numpy(dtype=object)[codes]


def _has_unknown(names: pd.Series) -> pd.Series:
    return names.str.contains("?", regex=False)


def _says_retired(companies: pd.Series) -> pd.Series:
    return companies.str.contains(_RETIRED, case=False)


def _city(locations: pd.Series) -> pd.Series:
    return locations.str.split(",").str[0].str.strip().str.lower()


def _folded(text: pd.Series) -> pd.Series:
    return text.str.lower().str.strip()


def name_conditions(
    a: pd.DataFrame, b: pd.DataFrame, rows: Rows | None = None
) -> dict[str, np.ndarray]:
    """The conditions of the NAME levels, one mask each (see ``levels.levelled``). With
    ``rows`` the address level's per-record work is done once per run."""
    key_a, key_b = a["name_key"].astype("str"), b["name_key"].astype("str")
    # equality as Arrow text: a million pairs' values as Python strings cost seconds
    exact_ = same(key_a, key_b)
    last_a, last_b = a["last_key"].astype("str"), b["last_key"].astype("str")
    variants = variants_compatible(a["first_name_variants"], b["first_name_variants"])
    same_last = same(last_a, last_b) & ~empty(last_a)
    former = np.zeros(len(a), dtype=bool)
    if "former_key" in a.columns:
        fa, fb = a["former_key"].astype("str"), b["former_key"].astype("str")
        given_a, given_b = ~empty(fa), ~empty(fb)
        former = (given_a & same(fa, last_b)) | (given_b & same(fb, last_a))
        former |= given_a & same(fa, fb)
    # The string scores only where they can still decide the level: most candidate pairs are
    # settled by the exact checks above.
    open_ = ~exact_ & ~(former & variants) & ~(same_last & variants)
    typo = (_on(open_ & same_last, a["first_key"], b["first_key"], _one_typo) > 0) | (
        _on(open_ & variants, a["last_key"], b["last_key"], _one_typo) > 0
    )
    # spellings of one surname in other romanisations (Lee, Yi, Rhee), and letters a legacy
    # encoding lost as "?" ("Nguy?n" against "Nguyễn"): unknown letters, not mismatches
    if "last_family" in a.columns:
        fam_a, fam_b = a["last_family"].astype("str"), b["last_family"].astype("str")
        typo |= open_ & variants & ~same_last & same(fam_a, fam_b) & ~empty(fam_a)
    lost = open_ & (
        per_value(key_a, _has_unknown).astype(bool) | per_value(key_b, _has_unknown).astype(bool)
    )
    typo |= _on(lost, key_a, key_b, _wildcard_equal) > 0
    # a compound last name against one of its parts is checked before the reordering test,
    # which would call "maria santana" the same words as "maria santana acevedo"
    part = _on(open_ & ~typo & variants, a["last_key"], b["last_key"], _part_of) > 0
    reordered = _on(
        open_ & ~typo & ~part,
        key_a,
        key_b,
        lambda x, y: similarity(x, y, token_set_ratio),
    )
    reordered = reordered >= 0.95
    rest = open_ & ~typo & ~reordered & ~part & variants
    initial = _on(rest, a["last_key"], b["last_key"], _initial_of) > 0
    # both names a slip apart ("jajie hofmfan" for "jamie hoffman")
    both = open_ & ~typo & ~part & ~same_last & ~variants
    both = _on(both, a["first_key"], b["first_key"], _one_typo) > 0
    typo |= _on(both, a["last_key"], b["last_key"], _one_typo) > 0
    # the other's exact name in one record's e-mail address or LinkedIn URL (a typo, a married
    # name or a nickname in the record's own name field); nickname pairs too, so not ``open_``
    address = np.zeros(len(a), dtype=bool)
    cols = [
        c for c in ("email", "linkedin_slug", "first_key", "last_key", "first_name_variants")
        if c in a.columns
    ]  # fmt: skip
    at = np.flatnonzero(~exact_ & ~(former & variants) & ~_both_blank(a, b))
    if len(at) and rows is not None:
        names = rows.once("address names", address_names)
        address[at] = spelled(names, rows.left[at], rows.right[at])
    elif len(at):
        address[at] = spelled_by_address(
            a[cols].iloc[at].reset_index(drop=True), b[cols].iloc[at].reset_index(drop=True)
        )
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
        "null": (key_a == "").to_numpy() | (key_b == "").to_numpy(),
    }


def _both_blank(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
    """True where neither record of an aligned pair has an e-mail address or a LinkedIn URL."""
    out = np.ones(len(a), dtype=bool)
    for column in ("email", "linkedin_slug"):
        if column in a.columns:
            out &= empty(a[column]) & empty(b[column])
    return out


def _per_distinct(x: pd.Series, y: pd.Series, test, needed=None) -> np.ndarray:
    """``test(x, y)`` (two strings -> bool) once per distinct pair of values; with ``needed``
    (the distinct x and y values -> a mask, vectorised), only on the pairs it lets through, the
    others False."""
    inverse, ux, uy = pair_codes(x, y)
    if needed is None:
        at = np.arange(len(ux))
    else:
        at = np.flatnonzero(needed(pd.Series(ux, dtype="str"), pd.Series(uy, dtype="str")))
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


def _on(mask: np.ndarray, x: pd.Series, y: pd.Series, score) -> np.ndarray:
    """``score(x, y)`` (a number, or True as 1) on the pairs where ``mask`` holds, 0 elsewhere."""
    out = np.zeros(len(mask))
    at = np.flatnonzero(mask)
    if len(at):
        out[at] = score(x.iloc[at].reset_index(drop=True), y.iloc[at].reset_index(drop=True))
    return out


def _one_typo(x: pd.Series, y: pd.Series) -> np.ndarray:
    """A slip of the keyboard apart: a letter dropped, added, changed or two swapped (one
    optimal-string-alignment edit), or two such slips in a long name of about the same length.
    Not a prefix: "Anders" and "Andersen", "Kalundpel" and "Kalundpelmar" are other families,
    though Jaro-Winkler rates them close."""
    edits = similarity(x, y, OSA.distance)
    length_a = x.fillna("").astype("str").str.len().to_numpy()
    length_b = y.fillna("").astype("str").str.len().to_numpy()
    shortest = np.minimum(length_a, length_b)
    long_pair = (shortest >= 8) & (np.abs(length_a - length_b) <= 1)
    return (shortest > 0) & ((edits == 1) | ((edits == 2) & long_pair))


def same_title(x: pd.Series, y: pd.Series) -> np.ndarray:
    """Two cleaned titles that are the same title: the same words in any order, a typo apart
    (token-sort similarity >= 0.9). One title's words inside the other's are not the same
    title: "Associate Professor" is not "Professor", "Senior Engineer" not "Engineer"."""
    return similarity(x, y, token_sort_ratio) >= 0.9


JOB_LEVELS = (
    "same employer and title",
    "same employer",
    "parent or subsidiary",
    "similar employer name",
    "same title only",
    "retired in one, working in the other",
    "different",
)

# An alumni list that says "Retired" is newer than any current job elsewhere: a LinkedIn profile
# with a working employer is another person far more often than the same one.
_RETIRED = r"^\s*retired\b"


def job_level(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
    """Employer and title as one comparison: an alumni list's outdated job differs in both, and
    counting that twice would bury every alum who changed jobs."""
    x, y = a["company_key"].astype("str"), b["company_key"].astype("str")
    given = [c for c in ("company_key", "title_clean", "company") if c in a.columns]
    if all((f[c].fillna("").astype("str") == "").all() for f in (a, b) for c in given):
        return np.full(len(a), NULL)  # no employer or title in any record: nothing to compare
    inverse, ux, uy = pair_codes(x, y)
    sim = company_similarities(pd.Series(ux, dtype="str"), pd.Series(uy, dtype="str"))
    weights = CompanyTokenWeights.fit(np.concatenate([ux, uy]))
    cosine = weights.similarity(pd.Series(ux, dtype="str"), pd.Series(uy, dtype="str"))
    company = np.select([sim >= 1.0, sim > 0, cosine >= 0.6], [0, 1, 2], default=3)[inverse]
    company = np.where(blank(a, b, "company_key"), NULL, company)
    title = same_title(a["title_clean"], b["title_clean"])
    both_titles = ~blank(a, b, "title_clean")
    title &= both_titles
    # with no employer to compare, two different titles still differ
    other_title = (company == NULL) & both_titles & ~title
    # Placeholders ("Self-employed", "Retired") have no company_key, so they never agree; only
    # "Retired" against a real employer is evidence, and against.
    retired = np.zeros(len(a), dtype=bool)
    if "company" in a.columns:
        ra, rb = (per_value(f["company"], _says_retired).astype(bool) for f in (a, b))
        ka, kb = (~empty(f["company_key"]) for f in (a, b))
        retired = (ra & kb) | (rb & ka)
    return np.select(
        [(company == 0) & title, company == 0, company == 1, company == 2, title, retired,
         (company == 3) | other_title],
        [0, 1, 2, 3, 4, 5, 6],
        default=NULL,
    )  # fmt: skip


def program_level(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
    """Program (major) of two records: the same, one of a double major's ("Statistics;
    Computer Science" against "Statistics"), or another; NULL where either has none."""
    x, y = (per_value(f["major"], _folded) for f in (a, b))
    same = x == y
    overlap = similarity(pd.Series(x, dtype="str"), pd.Series(y, dtype="str"), token_set_ratio)
    overlap = overlap >= 0.95
    level = np.select([same, overlap], [0, 1], default=2)
    return np.where(blank(a, b, "major"), NULL, level)


def city_level(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
    """The city of two records (the location's text before its first comma): the same, or
    another; NULL where either has none."""
    x, y = (per_value(f["location"], _city) for f in (a, b))
    both = (x != "") & (y != "")
    return np.where(both, np.where(x == y, 0, 1), NULL)
