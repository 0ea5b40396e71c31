"""Classifier: comparison levels -> match weight per comparison -> match probability.

Fellegi–Sunter: a pair's weight at a comparison is log2(m/u) of its level (NULL adds nothing);
the probability is the logistic of the prior's log-odds plus the summed weights. Levels that
name a ``tf`` column use the frequency of the pair's value instead of the level's average u,
so a shared rare name counts for more than a shared common one. With labelled pairs, a
logistic regression (scikit-learn) over the same levels replaces the model; its coefficients are
shown, in bits, as the weights.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from queue import SimpleQueue
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pipeline.link.block_rules import unique_inverse
from pipeline.link.frequency import Adjusted, adjusted, touched
from pipeline.link.levels import Comparison
from pipeline.threads import WORKERS, in_order

if TYPE_CHECKING:
    from sklearn.linear_model import LogisticRegression

TF_FLOOR = 1e-7  # no value is rarer than this: one record must not outweigh everything


@dataclass(frozen=True)
class Model:
    """m and u per comparison level (Fellegi–Sunter), or a fitted logistic regression.

    ``m_groups``: for a group of pairs (see link._groups) with its own estimate, its m per
    comparison; pairs of other groups use the pooled ``m``."""

    comparisons: tuple[Comparison, ...]
    m: Mapping[str, np.ndarray]
    u: Mapping[str, np.ndarray]
    logistic: LogisticRegression | None = None
    columns: tuple[str, ...] = field(default=())  # the logistic model's feature names
    m_groups: Mapping[int, Mapping[str, np.ndarray]] = field(default_factory=dict)

    def m_rows(self, name: str, ids: np.ndarray | None) -> np.ndarray:
        """m of comparison ``name`` as a (groups x levels) table, one row per group id in
        ``ids`` (None: the pooled m as the one row)."""
        if ids is None:
            return np.asarray(self.m[name], dtype=float)[None, :]
        return np.stack([self.m_groups.get(int(g), self.m)[name] for g in ids]).astype(float)

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


def weights(
    levels: pd.DataFrame,
    model: Model,
    frame: pd.DataFrame | None = None,
    groups: np.ndarray | None = None,
    person: np.ndarray | None = None,
    tables: dict | None = None,
) -> pd.DataFrame:
    """log2(m/u) of each pair's level, one column per comparison (0 where NULL); m is that of
    the pair's group (``groups``: one id per pair, see ``Model.m_groups``). ``person`` (one id
    per record of ``frame``): frequencies across files count people (see ``frequencies``).
    ``tables`` (a dict the caller keeps): the value counts, kept for another call on ``frame``.

    With ``frame`` (the records ``levels.left``/``right`` point into), levels that declare a
    ``tf`` column use the frequency f of the pair's value there (term-frequency adjustment):
    at level 0 (exact) u is f itself; with a third entry ``given`` (a column that must be
    non-empty on the other side, e.g. a former name) u is f times the share of records that have
    one; at other levels u is the level's average u scaled by f over the mean frequency. f is
    the record's own where only one side carries ``given``, else the larger of the two.
    """
    # the frame's blocks stay one per column (copy=False: neither copied nor consolidated), whose
    # row sums (DataFrame.sum(axis=1)) add the columns in order; one block of them all adds
    # otherwise and moves probabilities in the last bits
    columns = weight_columns(levels, model, frame, groups, person, tables)
    return pd.DataFrame(columns, index=levels.index, copy=False)


def weight_columns(
    levels: pd.DataFrame,
    model: Model,
    frame: pd.DataFrame | None,
    groups,
    person,
    tables,
    ready: tuple[Adjusted, Sequence[np.ndarray]] | None = None,
    *,
    threaded: bool = False,
) -> dict[str, np.ndarray]:
    """``weights`` (its arguments, all given) as a new array per comparison, for a caller that
    changes some before it makes them a frame (``link._by_people``): a frame's column is
    copied to be changed, and copied again when set. ``ready``: the part that reads no m,
    made beforehand (``ready_weights``, or ``ready_tasks``' results, with ``person`` None and
    the same ``tables``). ``threaded``: the comparisons' columns made on two threads (each
    column its own task, with a look-up scratch array of its thread's; the same arrays)."""
    tables = {} if tables is None else tables  # value counts per column, shared by the tf levels
    ids, row = None, np.zeros(len(levels), dtype=np.int32)
    if groups is not None and model.m_groups:
        # a pair's group as a row number of narrow integers: its entry in each comparison's
        # table is then found in a pass or two over small numbers, not six over int64 ones
        ids, row = group_rows(groups)
    found: Adjusted = {}
    into: Sequence[np.ndarray | None] = [None] * len(model.comparisons)
    if ready is not None:
        found, into = ready
    elif frame is not None:
        found = adjusted(levels, model.comparisons, model.u, frame, person, tables)
    # each comparison's look-up positions, one array per thread lent to its task in turn, so a
    # run of comparisons makes no index array each
    free: SimpleQueue[np.ndarray] = SimpleQueue()
    for _ in range(WORKERS if threaded else 1):
        free.put(np.empty(len(levels), np.int32))

    def column(c: Comparison, target: np.ndarray | None) -> np.ndarray:
        m = model.m_rows(c.name, ids)
        table = np.log2(m / model.u[c.name])
        scratch = free.get()  # never waits: as many as threads
        try:
            w = _table_weights(table, levels[c.name].to_numpy(), None if ids is None else row,
                               scratch, target)  # fmt: skip
        finally:
            free.put(scratch)
        for at_level, at, f, local in found.get(c.name, ()):
            tuned = np.log2(m[row[at], at_level] / np.maximum(f, TF_FLOOR))
            w[at] = tuned if local else np.where(np.isnan(tuned), w[at], tuned)
        return w

    pieces = list(zip(model.comparisons, into, strict=True))
    columns = in_order(lambda piece: column(*piece), pieces, threaded=threaded)
    return {c.name: w for c, w in zip(model.comparisons, columns, strict=True)}


def ready_tasks(
    levels: pd.DataFrame,
    comparisons: Sequence[Comparison],
    u: Mapping[str, np.ndarray],
    frame: pd.DataFrame,
    tables: dict,
) -> list[Callable[[], Any]]:
    """What ``weight_columns`` (first pass: ``person`` None) makes before it reads m, as tasks
    (``threads.calls_in_order``): first the pairs whose weight is not their level's
    (``frequency.adjusted``), then one per comparison, the array its weights are looked up
    into, its pages already touched. ``link.score`` runs them on both threads beside EM
    (whichever thread is free takes the next), so neither waits on the other;
    ``ready_weights`` runs them in order."""
    n = len(levels)
    return [
        partial(adjusted, levels, comparisons, u, frame, None, tables),
        *(partial(touched, n) for _ in comparisons),
    ]


def ready_weights(
    levels: pd.DataFrame,
    comparisons: Sequence[Comparison],
    u: Mapping[str, np.ndarray],
    frame: pd.DataFrame,
    tables: dict,
) -> tuple[Adjusted, list[np.ndarray]]:
    """``ready_tasks`` run in order, as ``weight_columns``' ``ready``."""
    found, *into = (task() for task in ready_tasks(levels, comparisons, u, frame, tables))
    return found, into


def group_rows(groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``block_rules.unique_inverse`` of pair groups (or cluster labels), each one's position as
    int32: for ids that are small non-negative integers (a pair of files' code, a label below
    twice their count) found by a table over their range, not by hashing millions; else by
    unique_inverse."""
    groups = np.asarray(groups)
    seen = _seen(groups)
    if seen is not None:
        rows = np.cumsum(seen, dtype=np.int32) - 1
        return np.flatnonzero(seen).astype(groups.dtype), rows[groups]
    ids, row = unique_inverse(groups)
    return ids, row.astype(np.int32)


def group_ids(groups: np.ndarray) -> np.ndarray:
    """``group_rows(groups)[0]``, the distinct ids ascending, for a caller that reads no pair's
    row (a gather over every pair it would throw away)."""
    groups = np.asarray(groups)
    seen = _seen(groups)
    return unique_inverse(groups)[0] if seen is None else np.flatnonzero(seen).astype(groups.dtype)


def _seen(groups: np.ndarray) -> np.ndarray | None:
    """For ids that are small non-negative integers (see ``group_rows``), a table over their
    range, True at each id present; else None."""
    if len(groups) and groups.min() >= 0 and groups.max() < max(1 << 20, 2 * len(groups)):
        seen = np.zeros(int(groups.max()) + 1, dtype=bool)
        seen[groups] = True
        return seen
    return None


def _table_weights(
    table: np.ndarray,
    level: np.ndarray,
    row: np.ndarray | None,
    scratch: np.ndarray | None = None,
    into: np.ndarray | None = None,
) -> np.ndarray:
    """Per pair, the entry of ``table`` (groups x levels) at its group's row (``row``, int32;
    None: the one row) and its level (a level past the last read as the last), 0.0 at NULL:
    looked up in the table turned (levels x groups) with a row of zeros put first, so NULL
    (-1) is row 0. ``scratch``: an int32 array as long as ``level`` the caller lends for the
    pairs' positions in it (overwritten), so a run of comparisons makes no index array each.
    ``into``: a float array as long as ``level`` to write the weights into (returned)."""
    groups, width = table.shape[0], table.shape[1] + 1
    lookup = np.concatenate([np.zeros((1, groups)), table.T]).ravel()
    at = np.empty(len(level), np.int32) if scratch is None else scratch
    np.minimum(level, np.int32(width - 2), out=at)  # NULL is -1, below every level
    at += 1  # each step in place: a fresh array of millions of pairs costs its page faults
    if row is not None:
        at *= np.int32(groups)
        at += row
    if into is None:
        return lookup.take(at)
    # every position is in the table: "clip" takes what "raise" would, without the copy of
    # ``into`` numpy makes under "raise" (to leave it untouched should a position be bad)
    return lookup.take(at, out=into, mode="clip")


def row_sums(
    contributions: pd.DataFrame | Mapping[str, np.ndarray], n: int | None = None
) -> np.ndarray:
    """``contributions.sum(axis=1)`` as numpy, float for float: the columns added one after
    another in their order (missing as 0), as pandas adds a frame of one block per column
    (``weights`` makes it so), without its per-block machinery (ten times slower on millions
    of pairs). ``contributions``: a frame, or its columns as arrays of ``n`` pairs."""
    total = np.zeros(len(contributions) if n is None else n)  # from +0.0, as pandas
    for name in contributions:
        values = np.asarray(contributions[name], dtype=float)
        if np.isnan(values).any():
            values = np.where(np.isnan(values), 0.0, values)
        total += values
    return total


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
    if model.logistic is None:
        raise ValueError("logistic_contributions needs a model fitted with labels")
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
