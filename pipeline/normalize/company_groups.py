"""Company groups: the shipped alias table, its parent forest, similarity by group, employer kinds.

Each key has at most one parent (google -> alphabet, youtube -> google), so keys form a forest.
``company_similarity`` gives 1.0 for the same key, ``PARENT_CREDIT`` when one is an ancestor of
the other (a subsidiary is close to, but not the same as, its parent), and ``SIBLING_CREDIT`` when
they only share an ancestor (Waymo vs YouTube: same group, different employer). Tables:
``pipeline/data/company_aliases.csv`` and ``pipeline/data/employer_kinds.csv``; how to add a row:
docs/architecture.md (alias tables).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
import pandas as pd

from pipeline.text.arrow_text import text_series
from pipeline.text.fold import fold
from pipeline.text.tables import read_table

__all__ = ["PARENT_CREDIT", "RELATIONS", "SIBLING_CREDIT", "alias_table", "ancestor_keys"]
__all__ += ["company_similarities", "company_similarity", "employer_kind", "employer_kinds"]
__all__ += ["parent_key"]

PARENT_CREDIT = 0.6  # one company is the other's parent (at any depth): Google vs Alphabet
SIBLING_CREDIT = 0.4  # they share a parent only: Google vs Waymo, RBC Capital Markets vs RBC WM
RELATIONS = frozenset({"same", "subsidiary", "rename", "member firm"})
_KEY = re.compile(r"[a-z0-9]+( [a-z0-9]+)*")


@dataclass(frozen=True)
class AliasTable:
    lookup: dict[str, str]  # folded alias (and its spaceless form) -> key
    parent: dict[str, str]  # key -> parent key


@cache
def alias_table() -> AliasTable:
    """The shipped alias table, checked once (a bad row is a bug in the package, not user data)."""
    table = read_table("company_aliases.csv")
    parent: dict[str, str] = {}
    pairs: list[tuple[str, str]] = []
    for row in table.itertuples(index=False):
        if not _KEY.fullmatch(row.key) or row.relation not in RELATIONS:
            raise ValueError(f"company_aliases.csv: bad key or relation in the row for {row.key!r}")
        if row.parent and parent.setdefault(row.key, row.parent) != row.parent:
            raise ValueError(f"company_aliases.csv: {row.key!r} has two parents")
        pairs += [(row.alias, row.key), (row.key, row.key)]
    lookup = _lookup(pairs)
    if missing := set(parent.values()) - set(lookup.values()):
        raise ValueError(f"company_aliases.csv: parents {sorted(missing)} have no row of their own")
    for key in parent:
        seen = {key}
        while key := parent.get(key, ""):
            if key in seen:
                raise ValueError(f"company_aliases.csv: the parents of {key!r} form a cycle")
            seen.add(key)
    return AliasTable(lookup, parent)


def _lookup(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Folded alias -> key, plus spaceless forms only one key claims ("pricewaterhousecoopers")."""
    lookup: dict[str, str] = {}
    squeezed: dict[str, set[str]] = {}
    for alias, key in pairs:
        folded = fold(alias)
        if lookup.setdefault(folded, key) != key:
            raise ValueError(f"company alias {alias!r} points at two keys")
        squeezed.setdefault(folded.replace(" ", ""), set()).add(key)
    for form, keys in squeezed.items():
        if len(keys) == 1:
            lookup.setdefault(form, next(iter(keys)))
    return lookup


def parent_key(key: str) -> str:
    """The key of the direct parent company, or "" ("youtube" -> "google" -> "alphabet" -> "")."""
    return alias_table().parent.get(key, "") if key else ""


@lru_cache(maxsize=65536)
def ancestor_keys(key: str) -> tuple[str, ...]:
    """Parent, grandparent … of a key ("youtube" -> ("google", "alphabet"))."""
    chain: list[str] = []
    while key := parent_key(key):
        chain.append(key)
    return tuple(chain)


def _similarities(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Vectorised company_similarity: a loop over unique keys only, never over pairs."""
    codes, uniques = pd.factorize(np.concatenate([left, right]), use_na_sentinel=False)
    universe = list(uniques)
    chains = [ancestor_keys(str(k)) for k in universe]
    code_of = {k: i for i, k in enumerate(universe)}
    for chain in chains[:]:  # ancestors absent from the input still need a code to compare on
        for key in chain:
            if key not in code_of:
                code_of[key] = len(universe)
                universe.append(key)
                chains.append(ancestor_keys(key))
    ancestors = np.full((len(universe), max(map(len, chains), default=0) + 1), -1)
    for i, chain in enumerate(chains):
        ancestors[i, : len(chain)] = [code_of[k] for k in chain]
    roots = np.array([code_of[c[-1]] if c else i for i, c in enumerate(chains)], dtype=int)
    blank = np.array([not isinstance(k, str) or not k for k in universe], dtype=bool)
    a, b = codes[: len(left)], codes[len(left) :]
    related = (ancestors[a] == b[:, None]).any(axis=1) | (ancestors[b] == a[:, None]).any(axis=1)
    scores = np.select(
        [a == b, related, roots[a] == roots[b]], [1.0, PARENT_CREDIT, SIBLING_CREDIT], 0.0
    )
    return np.where(blank[a] | blank[b], 0.0, scores)


@cache
def _kinds() -> dict[str, str]:
    table = read_table("employer_kinds.csv")
    return dict(zip(table["key"], table["kind"], strict=True))


def employer_kind(key: str) -> str:
    """The kind of employer ("bank") of a key or of its nearest listed ancestor, else "".

    From ``pipeline/data/employer_kinds.csv``; used to read titles whose meaning depends on the
    employer (a Vice President at a bank is mid-career).

    >>> employer_kind("rbc capital markets"), employer_kind("shopify")
    ('bank', '')
    """
    kinds = _kinds()
    for candidate in (key, *ancestor_keys(key)) if key else ():
        if candidate in kinds:
            return kinds[candidate]
    return ""


def employer_kinds(keys: pd.Series) -> pd.Series:
    """``employer_kind`` of each company key, once per unique key, on the same index."""
    codes, uniques = pd.factorize(keys.fillna(""))
    values = np.array([employer_kind(str(k)) for k in uniques] + [""], dtype=object)
    return text_series(values[codes], keys.index)


def company_similarity(a: str, b: str) -> float:
    """1.0 for the same key, PARENT_CREDIT for parent and subsidiary, SIBLING_CREDIT, else 0.0.

    The rule of ``company_similarities`` for one pair, in plain Python because callers loop over
    unique pairs and a numpy round trip per pair would cost a hundred times more.

    >>> company_similarity("google", "alphabet"), company_similarity("google", "waymo")
    (0.6, 0.4)
    """
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    up_a, up_b = ancestor_keys(a), ancestor_keys(b)
    if a in up_b or b in up_a:
        return PARENT_CREDIT
    return SIBLING_CREDIT if up_a and up_b and up_a[-1] == up_b[-1] else 0.0


def company_similarities(a: pd.Series, b: pd.Series) -> np.ndarray:
    """``company_similarity`` of aligned (by position) pairs of keys, vectorised.

    >>> company_similarities(pd.Series(["aws", "ey"]), pd.Series(["amazon", "kpmg"])).tolist()
    [0.6, 0.0]
    """
    if len(a) != len(b):
        raise ValueError("company_similarities needs two Series of the same length")
    left = a.fillna("").to_numpy(dtype=object)
    return _similarities(left, b.fillna("").to_numpy(dtype=object))
