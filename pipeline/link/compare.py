"""Comparisons: declared values with levels, computed vectorised over candidate pairs.

Each comparison maps a pair to one level (0 = the strongest agreement, higher = weaker, and -1 =
nothing to compare, e.g. an empty field). Adding a signal is adding an entry to COMPARISONS.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from pipeline.normalize.companies import company_similarity
from pipeline.normalize.names import variants_compatible

NULL = -1


@dataclass(frozen=True)
class Comparison:
    name: str
    levels: tuple[str, ...]  # labels, strongest agreement first; the last is "disagree"
    compute: Callable[[pd.DataFrame, pd.DataFrame], np.ndarray]  # (left rows, right rows) -> level


def _equal(column: str) -> Callable[[pd.DataFrame, pd.DataFrame], np.ndarray]:
    def compute(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
        x, y = a[column].to_numpy(dtype=object), b[column].to_numpy(dtype=object)
        level = np.where(x == y, 0, 1)
        return np.where((x == "") | (y == ""), NULL, level)

    return compute


def _name(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
    exact = a["name_key"].to_numpy(dtype=object) == b["name_key"].to_numpy(dtype=object)
    last_a, last_b = a["last_key"].tolist(), b["last_key"].tolist()
    last_jw = process.cpdist(last_a, last_b, scorer=JaroWinkler.normalized_similarity, workers=-1)
    variants = variants_compatible(a["first_name_variants"], b["first_name_variants"])
    same_last = last_jw >= 0.95
    return np.select(
        [exact, same_last & variants, (last_jw >= 0.88) & variants, same_last],
        [0, 1, 2, 3],
        default=4,
    )


def _company(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
    x, y = a["company_key"].tolist(), b["company_key"].tolist()
    pairs = pd.DataFrame({"x": x, "y": y})
    uniq = pairs.drop_duplicates()
    sims = {(p, q): company_similarity(p, q) for p, q in zip(uniq["x"], uniq["y"], strict=True)}
    sim = np.array([sims[(p, q)] for p, q in zip(x, y, strict=True)], dtype=float)
    level = np.select([sim >= 1.0, sim > 0], [0, 1], default=2)
    empty = (pairs["x"] == "") | (pairs["y"] == "")
    return np.where(empty.to_numpy(), NULL, level)


def _grad_year(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
    x = a["grad_year"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    y = b["grad_year"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    gap = np.abs(x - y)
    level = np.select([gap == 0, gap <= 2], [0, 1], default=2)
    return np.where(np.isnan(gap), NULL, level)


COMPARISONS: tuple[Comparison, ...] = (
    Comparison("linkedin_slug", ("same", "different"), _equal("linkedin_slug")),
    Comparison("email", ("same", "different"), _equal("email")),
    Comparison(
        "name",
        (
            "exact",
            "nickname or variant",
            "close spelling and variant",
            "last name only",
            "different",
        ),
        _name,
    ),
    Comparison("company", ("same or alias", "parent or subsidiary", "different"), _company),
    Comparison("grad_year", ("same", "within 2 years", "different"), _grad_year),
)


def compare(
    frame: pd.DataFrame, pairs: pd.DataFrame, comparisons: Sequence[Comparison] = COMPARISONS
) -> pd.DataFrame:
    """One column per comparison holding each candidate pair's level (NULL = nothing to compare)."""
    a = frame.iloc[pairs["left"].to_numpy()].reset_index(drop=True)
    b = frame.iloc[pairs["right"].to_numpy()].reset_index(drop=True)
    out = pairs.reset_index(drop=True).copy()
    for comparison in comparisons:
        out[comparison.name] = comparison.compute(a, b).astype("int8")
    return out
