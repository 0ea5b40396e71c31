"""Classifier: comparison levels -> match probability, Fellegi–Sunter style.

Each level has an m probability (how often true matches show it) and a u probability (how often
non-matches do); a pair's match weight is the sum of log2(m/u) over its comparisons, NULL levels
adding nothing. The defaults below are conservative priors; exact name agreement is adjusted by
the name's frequency, so two "Wei Zhang" records agree less than two "Xiomara Ødegård" records.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from pipeline.link.compare import NULL

#: comparison -> one (m, u) per level, strongest agreement first.
DEFAULT_MU: dict[str, tuple[tuple[float, float], ...]] = {
    "linkedin_slug": ((0.98, 0.0001), (0.02, 0.9999)),
    "email": ((0.95, 0.0005), (0.05, 0.9995)),
    "name": ((0.80, 0.002), (0.12, 0.002), (0.04, 0.003), (0.03, 0.02), (0.01, 0.973)),
    "company": ((0.55, 0.02), (0.10, 0.01), (0.35, 0.97)),
    "grad_year": ((0.80, 0.05), (0.15, 0.15), (0.05, 0.80)),
}
PRIOR = 0.01  # share of candidate pairs that are true matches, before looking at them


def match_weights(
    levels: pd.DataFrame, mu: Mapping[str, tuple[tuple[float, float], ...]] = DEFAULT_MU
) -> pd.DataFrame:
    """log2(m/u) of each pair's level, one column per comparison (0 where NULL)."""
    out = pd.DataFrame(index=levels.index)
    for name, params in mu.items():
        if name not in levels.columns:
            continue
        table = np.log2(np.array([m / u for m, u in params]))
        level = levels[name].to_numpy()
        out[name] = np.where(level == NULL, 0.0, table[np.clip(level, 0, len(table) - 1)])
    return out


MIN_POPULATION = 1000  # a small file is a sample of a larger population, not the population
MAX_TF_ADJUSTMENT = 3.0  # bits: frequency refines the name's weight, it cannot replace evidence


def name_frequency_adjustment(
    levels: pd.DataFrame, name_count: np.ndarray, n_records: int, default_u: float
) -> np.ndarray:
    """Weight correction for exact name agreement: log2(default_u / frequency of the name).

    ``name_count`` is, per pair, how many records carry the left record's name key.
    """
    exact = levels["name"].to_numpy() == 0
    freq = name_count / max(n_records, MIN_POPULATION)
    adj = np.clip(np.log2(default_u / freq), -MAX_TF_ADJUSTMENT, MAX_TF_ADJUSTMENT)
    return np.where(exact, adj, 0.0)


def probability(weights: pd.DataFrame, prior: float = PRIOR) -> np.ndarray:
    """Posterior match probability from summed weights and the prior."""
    total = weights.sum(axis=1).to_numpy() + np.log2(prior / (1 - prior))
    return 1.0 / (1.0 + np.exp2(-total))
