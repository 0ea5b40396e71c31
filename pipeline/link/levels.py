"""What every comparison is made of: the Comparison value, NULL, and string similarity over
aligned pairs computed once per distinct pair of values (rapidfuzz ``cpdist``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.fuzz import ratio, token_set_ratio, token_sort_ratio

NULL = -1
_PERCENT = (token_set_ratio, token_sort_ratio, ratio)  # scorers that answer in [0, 100]
Compute = Callable[[pd.DataFrame, pd.DataFrame], np.ndarray]


@dataclass(frozen=True)
class Comparison:
    """A named comparison: the columns it reads, its level labels (strongest agreement first,
    the last one "different"), and how to compute levels for aligned left/right rows.

    ``tf`` names, per level, the column whose value frequency refines that level's u
    (term-frequency adjustment): two "Wei Zhang" records agree less than two "Xiomara Ødegård".
    """

    name: str
    columns: tuple[str, ...]
    levels: tuple[str, ...]
    compute: Compute
    tf: tuple[tuple, ...] = ()  # (level, column) or (level, column, given): see classify.weights
    m_prior: tuple[float, ...] = ()  # what matches usually show; EM starts from it and is
    # pulled towards it where few pairs say otherwise (default: geometric, strongest first)
    u_prior: tuple[float, ...] = ()  # what random pairs usually show; a small file's random
    # pairs are too few to measure rare levels (default: 0.95 "different", the rest shared)
    fixed: tuple[int, ...] = ()  # levels whose m stays at m_prior: too few matches show them
    # for EM to learn (a maiden name), and a wrong guess there decides many links
    relative: tuple[tuple[int, float], ...] = ()  # (level, m/u): levels whose weight is set,
    # not learned, because how often they occur says nothing about matches (retired vs working)
    local: tuple[int, ...] = ()  # levels whose u is counted per record: how many candidates
    # sit at that level with it (a near miss on a name with many near neighbours says less)


def pair_codes(x: pd.Series, y: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inverse index into distinct (x, y) pairs, and those distinct x and y values."""
    xs = x.fillna("").astype("str").to_numpy(dtype=object)
    ys = y.fillna("").astype("str").to_numpy(dtype=object)
    cx, ux = pd.factorize(xs)
    cy, uy = pd.factorize(ys)
    joint, inverse = np.unique(cx.astype("int64") * max(len(uy), 1) + cy, return_inverse=True)
    ix, iy = np.divmod(joint, max(len(uy), 1))
    return inverse, np.asarray(ux, dtype=object)[ix], np.asarray(uy, dtype=object)[iy]


def similarity(x: pd.Series, y: pd.Series, scorer: Callable) -> np.ndarray:
    """``scorer`` (a rapidfuzz scorer, result in [0, 1] or [0, 100]) of aligned pairs, once per
    distinct pair, scaled to [0, 1]."""
    inverse, ux, uy = pair_codes(x, y)
    if not len(ux):
        return np.zeros(len(inverse))
    scores = process.cpdist(list(ux), list(uy), scorer=scorer, workers=-1).astype(float)
    if scorer in _PERCENT:
        scores = scores / 100.0
    return scores[inverse]


def blank(a: pd.DataFrame, b: pd.DataFrame, column: str) -> np.ndarray:
    """True where either side of an aligned pair has no value in ``column``."""
    x = a[column].fillna("").astype("str").to_numpy(dtype=object)
    y = b[column].fillna("").astype("str").to_numpy(dtype=object)
    return (x == "") | (y == "")
