"""How good is a ranking? NDCG@k and precision@k against graded relevance labels, with baselines.

Labels grade each candidate 0-3 (3 = ideal person to ask, 0 = not worth asking); a candidate
without a label counts as 0. Precision counts grades 2 and 3 as relevant. The baselines are what
a user could do without this tool: a random order, the most recent connections first, and only
"works at a target employer" (ties broken by prospect_id, never by the ranking being judged).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from pipeline.rank.context import Context
from pipeline.rank.score import active_weights, diversify, excluded, weighted_score

RELEVANT = 2  # a grade at or above this is a hit for precision@k
RANDOM_RUNS = 200


def _gains(order: pd.Series, grades: dict[str, int]) -> np.ndarray:
    return order.map(grades).fillna(0).to_numpy(dtype=float)


def ndcg_at(gains: np.ndarray, ideal: np.ndarray, k: int = 10) -> float:
    """Normalised discounted cumulative gain of the first ``k`` gains (graded, 2^g - 1).

    >>> best, worst = np.array([3, 0]), np.array([0, 3])
    >>> ndcg_at(best, best), round(ndcg_at(worst, best), 3)
    (1.0, 0.631)
    """
    discount = 1 / np.log2(np.arange(2, k + 2))
    dcg = ((2 ** gains[:k] - 1) * discount[: len(gains[:k])]).sum()
    best = np.sort(ideal)[::-1][:k]
    idcg = ((2**best - 1) * discount[: len(best)]).sum()
    return float(dcg / idcg) if idcg > 0 else 0.0


def precision_at(gains: np.ndarray, k: int = 10) -> float:
    """Share of the first ``k`` places held by relevant people (grade >= 2)."""
    return float((gains[:k] >= RELEVANT).sum() / k)


def _scores(
    order: pd.Series, grades: dict[str, int], ideal: np.ndarray, k: int
) -> tuple[float, float]:
    gains = _gains(order.reset_index(drop=True), grades)
    return ndcg_at(gains, ideal, k), precision_at(gains, k)


def evaluate(
    ranked: pd.DataFrame,
    labels: pd.DataFrame,
    *,
    pool: pd.DataFrame | None = None,
    k: int = 10,
    seed: int = 0,
) -> pd.DataFrame:
    """NDCG@k and precision@k of ``ranked`` and of the baselines, one row per method.

    ``ranked`` needs prospect_id and rank; ``labels`` prospect_id and relevance (0-3). The
    baselines order ``pool`` (default: ``ranked``; pass the ranked and the filtered prospects
    together so they see everyone), which needs prospect_id, connected_on and company_fit.

    >>> r = pd.DataFrame({"prospect_id": ["a", "b"], "rank": [1, 2],
    ...                   "connected_on": pd.to_datetime(["2020-01-01", "2024-01-01"]),
    ...                   "company_fit": [1.0, 0.0]})
    >>> evaluate(r, pd.DataFrame({"prospect_id": ["a"], "relevance": [3]}), k=2)["method"].tolist()
    ['ranking', 'random order', 'most recent connection first', 'company match only']
    """
    grades = dict(
        zip(labels["prospect_id"].astype(str), labels["relevance"].astype(int), strict=True)
    )
    ideal = labels["relevance"].to_numpy(dtype=float)
    pool = ranked if pool is None else pool
    pool = pool.drop_duplicates("prospect_id").sort_values("prospect_id", kind="stable")
    ids = pool["prospect_id"].astype(str)
    rows = [
        (
            "ranking",
            *_scores(ranked.sort_values("rank")["prospect_id"].astype(str), grades, ideal, k),
        )
    ]
    rng = np.random.default_rng(seed)
    runs = np.array(
        [_scores(ids.iloc[rng.permutation(len(ids))], grades, ideal, k) for _ in range(RANDOM_RUNS)]
    )
    rows.append(("random order", *runs.mean(axis=0)))
    recent = pool.sort_values("connected_on", ascending=False, na_position="last", kind="stable")
    rows.append(
        (
            "most recent connection first",
            *_scores(recent["prospect_id"].astype(str), grades, ideal, k),
        )
    )
    company = pool.sort_values("company_fit", ascending=False, kind="stable")
    rows.append(
        ("company match only", *_scores(company["prospect_id"].astype(str), grades, ideal, k))
    )
    out = pd.DataFrame(rows, columns=["method", f"ndcg_at_{k}", f"precision_at_{k}"])
    return out.round(3)


def labels_by_name(labels: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Graded labels written by name (columns name, relevance) joined to the prospect_id each
    person got in a run: prospect_id, relevance. ``people`` needs full_name and prospect_id
    (pass the ranked and the filtered prospects together)."""
    ids = people[["full_name", "prospect_id"]].drop_duplicates()
    named = labels.astype({"name": str})
    return named.merge(ids, left_on="name", right_on="full_name")[["prospect_id", "relevance"]]


def weight_sensitivity(
    scored: pd.DataFrame,
    labels: pd.DataFrame,
    ctx: Context,
    feature: str,
    values: Sequence[float],
    k: int = 10,
) -> pd.DataFrame:
    """NDCG@k and precision@k of the ranking as one feature's weight moves (the others fixed).

    ``scored`` is ``pipeline.rank.score_features`` output (features do not depend on weights, so
    they are computed once); filters and diversification apply as in ``rank``. Returns one row
    per value: weight, ndcg_at_k, precision_at_k.
    """
    settings = ctx.settings
    reason = excluded(scored, settings, ctx.my_employer_keys)
    kept = scored.loc[(reason == "").to_numpy()]
    grades = dict(
        zip(labels["prospect_id"].astype(str), labels["relevance"].astype(int), strict=True)
    )
    ideal = labels["relevance"].to_numpy(dtype=float)
    rows = []
    for value in values:  # a handful of weights, each a vectorised re-score of every prospect
        moved = replace(
            ctx, settings=replace(settings, weights=replace(settings.weights, **{feature: value}))
        )
        order = diversify(
            kept.assign(score=weighted_score(kept, active_weights(moved))),
            settings.output.max_per_company,
        )
        rows.append((value, *_scores(order["prospect_id"].astype(str), grades, ideal, k)))
    return pd.DataFrame(rows, columns=["weight", f"ndcg_at_{k}", f"precision_at_{k}"])
