"""Industries: the employer's industry, and which industries a user's words ("fintech") mean.

Both come from shipped tables: ``pipeline/data/industries.csv`` (each industry and the words that
name it) and ``pipeline/data/company_industries.csv`` (well-known employers). An ``industry``
column on the prospects, when an input has one, wins over the table.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from pipeline.normalize.companies import company_key
from pipeline.text.arrow_text import STR, text_series

MATCH = 90  # token_set_ratio a user's word needs against an industry's words


def _read(name: str) -> pd.DataFrame:
    with resources.as_file(resources.files("pipeline.data").joinpath(name)) as path:
        return pd.read_csv(path, dtype=str, keep_default_na=False)


@cache
def _industries() -> tuple[tuple[str, ...], tuple[str, ...]]:
    table = _read("industries.csv")
    names = tuple(table["industry"])
    return names, tuple((table["industry"] + " " + table["words"]).str.lower())


@cache
def _employers() -> dict[str, str]:
    table = _read("company_industries.csv")
    return {company_key(c): i for c, i in zip(table["company"], table["industry"], strict=True)}


def canonical(texts: list[str]) -> list[str]:
    """The shipped industry each free text names best ("" when none does).

    >>> canonical(["fintech", "Hospital & Health Care", "knitting"])
    ['Financial services', 'Healthcare', '']
    """
    names, words = _industries()
    if not texts:
        return []
    sims = process.cdist([t.lower() for t in texts], list(words), scorer=fuzz.token_set_ratio)
    best = sims.argmax(axis=1)
    return [
        names[b] if sims[i, b] >= MATCH and t.strip() else ""
        for i, (b, t) in enumerate(zip(best, texts, strict=True))
    ]


def matching_industries(targets: tuple[str, ...]) -> dict[str, str]:
    """{industry: the user's word} for the target industries that name a known industry."""
    return {ind: t for t, ind in zip(targets, canonical(list(targets)), strict=True) if ind}


def industry_of(p: pd.DataFrame) -> pd.Series:
    """Each prospect's industry ("" when unknown): the ``industry`` column when present and
    recognised, else the employer's (or its parent's) entry in the shipped table.

    ``p`` needs company_key (and company_parent when normalize gave it).
    """
    employers = _employers()
    by_key = p["company_key"].astype(STR).map(employers)
    if "company_parent" in p:
        by_key = by_key.fillna(p["company_parent"].astype(STR).map(employers))
    out = by_key.fillna("").astype(STR)
    if "industry" in p:
        codes, uniq = pd.factorize(p["industry"].fillna("").astype(STR))
        own = np.array(canonical(list(uniq)), dtype=object)[codes] if len(uniq) else np.array([])
        out = text_series(np.where(own != "", own, out.to_numpy()), p.index)
    return out
