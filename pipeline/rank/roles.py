"""Role synonyms: titles that name the same job in other words, declared as data.

``pipeline/data/role_synonyms.csv`` lists families of variants (UX Researcher ~ User Researcher
~ Design Researcher; Quant ~ Quantitative Analyst; IB Analyst ~ Investment Banking Analyst ...).
Every variant is expanded like a title (``titles.expand_abbreviations``: "IB" is "investment
banking"). A title *is* a variant when it holds the variant's words as one phrase, or in the
inverted form files use ("Analyst, Investment Banking" for "investment banking analyst"),
whatever else it says ("Senior", "II", "@ TD"); never as scattered words ("Product Marketing
Manager" is not a product manager). A target role belongs to every family one of whose
variants it is, and a title of the same family fits the role fully.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from pipeline.normalize.titles import expand_abbreviations
from pipeline.text.arrow_text import STR

__all__ = ["families_of", "synonym_fit"]


@cache
def _variants() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(family, the variant's phrase and its inverted form, space-padded) per CSV row."""
    text = resources.files("pipeline").joinpath("data", "role_synonyms.csv").read_text("utf-8")
    out = []
    for row in csv.DictReader(text.splitlines()):
        words = expand_abbreviations(row["variant"]).split()
        forms = {" ".join(words), " ".join([words[-1], *words[:-1]])}
        out.append((row["family"], tuple(f" {f} " for f in forms)))
    return tuple(out)


def families_of(title: str) -> frozenset[str]:
    """The synonym families whose variants a title (or target role) holds.

    >>> sorted(families_of("Sr. User Researcher")), sorted(families_of("IB Analyst"))
    (['ux researcher'], ['investment banking analyst'])
    >>> families_of("Store Manager")
    frozenset()
    """
    text = f" {expand_abbreviations(title)} "
    return frozenset(family for family, forms in _variants() if any(form in text for form in forms))


def synonym_fit(titles: pd.Series, roles: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(prospects x roles array of 0/1, per-role family names) : 1 where the title belongs to a
    synonym family of the role. ``titles`` are titles as written (or expanded); each distinct
    title is read once.

    >>> fit, _ = synonym_fit(pd.Series(["Quantitative Analyst", "Chef"]), ("Quant",))
    >>> fit[:, 0].tolist()
    [1.0, 0.0]
    """
    wanted = [families_of(r) for r in roles]
    codes, uniques = pd.factorize(titles.fillna("").astype(STR))
    table = np.zeros((len(uniques) + 1, len(roles)))
    for i, title in enumerate(uniques):
        have = families_of(title)
        if have:
            table[i] = [1.0 if have & w else 0.0 for w in wanted]
    names = np.array([", ".join(sorted(w)) for w in wanted], dtype=object)
    return table[codes], names
