"""Classifier: comparison levels -> match weight per comparison -> match probability.

Fellegi–Sunter: a pair's weight at a comparison is log2(m/u) of its level (NULL adds nothing);
the probability is the logistic of the prior's log-odds plus the summed weights. Levels that
name a ``tf`` column use the frequency of the pair's value instead of the level's average u,
so a shared rare name counts for more than a shared common one. With labelled pairs, a
logistic regression (scikit-learn) over the same levels replaces the model; its coefficients are
shown, in bits, as the weights.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pipeline.link.compare import NULL, Comparison

if TYPE_CHECKING:
    from sklearn.linear_model import LogisticRegression

TF_FLOOR = 1e-7  # no value is rarer than this: one record must not outweigh everything


@dataclass(frozen=True)
class Model:
    """m and u per comparison level (Fellegi–Sunter), or a fitted logistic regression."""

    comparisons: tuple[Comparison, ...]
    m: Mapping[str, np.ndarray]
    u: Mapping[str, np.ndarray]
    logistic: LogisticRegression | None = None
    columns: tuple[str, ...] = field(default=())  # the logistic model's feature names

    def table(self) -> pd.DataFrame:
        """One row per comparison level: m, u and the weight log2(m/u), for audit."""
        rows = [
            (c.name, i, label, self.m[c.name][i], self.u[c.name][i])
            for c in self.comparisons
            for i, label in enumerate(c.levels)
        ]
        out = pd.DataFrame(rows, columns=["comparison", "level", "label", "m", "u"])
        out["weight"] = np.log2(out["m"] / out["u"])
        return out


def frequencies(frame: pd.DataFrame, column: str) -> np.ndarray:
    """Per record, the chance that a record outside the pair carries its value of ``column``
    (NaN when empty): (records with the value - 2) / records, at least 1 / records, so a name
    seen once in each file is rare.

    For ``name_key`` the chance is at least the product of the first- and last-name shares: in
    a small file every full name is seen once or twice, and its parts say more about how common
    it is ("wei" and "zhang" are both common, so "wei zhang" is).
    """
    values = frame[column].fillna("").astype("str")
    n = max(len(values), 1)
    counts = values.map(values.value_counts()).to_numpy(dtype=float)
    # Leave the pair out: its own two records say nothing about how common the value is
    # elsewhere; half a record is the floor for a value seen only in the pair.
    share = (counts - 2).clip(0.5) / n
    if column == "name_key" and {"first_key", "last_key"} <= set(frame.columns):
        parts = [frame[c].fillna("").astype("str") for c in ("first_key", "last_key")]
        product = np.prod(
            [(p.map(p.value_counts()).to_numpy(float) - 2).clip(0.5) / n for p in parts], 0
        )
        share = np.where(counts > 2, np.maximum(share, product), product)
    return np.where(values.to_numpy(dtype=object) == "", np.nan, share)


def weights(levels: pd.DataFrame, model: Model, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """log2(m/u) of each pair's level, one column per comparison (0 where NULL).

    With ``frame`` (the records ``levels.left``/``right`` point into), levels that declare a
    ``tf`` column use the frequency f of the pair's value there (term-frequency adjustment):
    at level 0 (exact) u is f itself; with a third entry ``given`` (a column that must be
    non-empty on the other side, e.g. a former name) u is f times the share of records that have
    one; at other levels u is the level's average u scaled by f over the mean frequency. f is
    the record's own where only one side carries ``given``, else the larger of the two.
    """
    out = pd.DataFrame(index=levels.index)
    left, right = levels["left"].to_numpy(), levels["right"].to_numpy()
    cache: dict[str, np.ndarray] = {}
    for c in model.comparisons:
        level = levels[c.name].to_numpy()
        table = np.log2(model.m[c.name] / model.u[c.name])
        w = np.where(level == NULL, 0.0, table[np.clip(level, 0, len(table) - 1)])
        for tf_level, column, *given in c.tf if frame is not None else ():
            if column not in frame.columns or (given and given[0] not in frame.columns):
                continue
            if column not in cache:
                cache[column] = frequencies(frame, column)
            freq = cache[column]
            at = np.flatnonzero(level == tf_level)
            if not len(at):
                continue
            f = np.fmax(freq[left[at]], freq[right[at]])
            if given:
                has = frame[given[0]].fillna("").astype("str").to_numpy(dtype=object) != ""
                own = np.where(has[left[at]], freq[right[at]], freq[left[at]])
                f = np.where(has[left[at]] ^ has[right[at]], own, f) * max(has.mean(), 1e-6)
            elif tf_level != 0:
                # A random pair agrees on this level's values with chance u, on average over
                # values; the pair's own value is f/mean(f) times more (or less) common.
                f = model.u[c.name][tf_level] * f / np.nanmean(freq)
            # At the exact level f itself is the chance of agreeing by accident; random pairs
            # over-count it when many records really match.
            tuned = np.log2(model.m[c.name][tf_level] / np.maximum(f, TF_FLOOR))
            w[at] = np.where(np.isnan(tuned), w[at], tuned)
        out[c.name] = w
    return out


def probability(total_weight: np.ndarray, prior: np.ndarray | float) -> np.ndarray:
    """Posterior match probability from summed weights (bits) and the prior per pair.

    >>> probability(np.array([0.0, 10.0]), 0.5).round(3).tolist()
    [0.5, 0.999]
    """
    prior = np.clip(np.asarray(prior, dtype=float), 1e-15, 1 - 1e-15)
    odds = np.log2(prior / (1 - prior)) + total_weight
    return 1.0 / (1.0 + np.exp2(-np.clip(odds, -60, 60)))


# ---------------------------------------------------------------------------------------------
# Labelled pairs: logistic regression over one-hot levels


def _features(levels: pd.DataFrame, comparisons: Sequence[Comparison], tf: pd.DataFrame | None):
    blocks, names = [], []
    for c in comparisons:
        level = levels[c.name].to_numpy()
        for i, label in enumerate(c.levels[:-1]):  # "different" (and NULL) is the baseline
            blocks.append((level == i).astype(float))
            names.append(f"{c.name}={label}")
    if tf is not None:  # the tf-adjusted name weight carries the rarity of the name
        blocks.append(tf["name"].to_numpy(dtype=float) / 10.0 if "name" in tf else 0 * blocks[0])
        names.append("name rarity")
    return np.column_stack(blocks) if blocks else np.zeros((len(levels), 0)), tuple(names)


def fit_logistic(
    levels: pd.DataFrame,
    labels: np.ndarray,
    comparisons: Sequence[Comparison],
    tf_weights: pd.DataFrame | None = None,
) -> tuple[LogisticRegression, tuple[str, ...]]:
    """A logistic regression of ``labels`` (True = same person) on the pairs' levels."""
    x, names = _features(levels, comparisons, tf_weights)
    from sklearn.linear_model import LogisticRegression  # only with labels: keep startup light

    model = LogisticRegression(C=10.0, max_iter=1000)  # labels are few and clean
    model.fit(x, np.asarray(labels, dtype=bool))
    return model, names


def logistic_contributions(
    levels: pd.DataFrame, model: Model, tf_weights: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, np.ndarray]:
    """Per comparison, what the pair's level added (in bits), and the intercept in bits."""
    x, names = _features(levels, model.comparisons, tf_weights)
    coef = model.logistic.coef_[0] / np.log(2)
    parts = x * coef
    out = pd.DataFrame(index=levels.index)
    for c in model.comparisons:
        idx = [
            i
            for i, n in enumerate(names)
            if n.split("=")[0] == c.name or (c.name == "name" and n == "name rarity")
        ]
        out[c.name] = parts[:, idx].sum(axis=1) if idx else 0.0
    return out, np.full(len(levels), model.logistic.intercept_[0] / np.log(2))
