from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmarks.eval_rank import fixture_result, labels_by_id
from pipeline.rank import evaluate
from pipeline.rank.evaluate import ndcg_at, precision_at

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("gains", "expected"),
    [
        ([3, 2, 1, 0], 1.0),  # the ideal order
        ([0, 0, 0, 0], 0.0),
        # DCG = 1/log2(3) for a grade-1 at place 2; ideal puts it first (1.0)
        ([0, 1, 0, 0], 1 / np.log2(3)),
    ],
)
def test_ndcg_by_hand(gains, expected):
    g = np.array(gains, dtype=float)
    ideal = np.array(sorted(gains, reverse=True), dtype=float)
    assert ndcg_at(g, ideal if ideal.any() else np.array([1.0]), k=4) == pytest.approx(expected)


def test_precision_counts_grades_two_and_three():
    assert precision_at(np.array([3, 2, 1, 0, 3]), k=5) == pytest.approx(0.6)


def test_baselines_use_their_own_order_not_the_ranking():
    ranked = pd.DataFrame(
        {
            "prospect_id": ["a", "b", "c"],
            "rank": [1, 2, 3],
            "connected_on": pd.to_datetime(["2020-01-01", "2025-01-01", None]),
            "company_fit": [0.0, 0.0, 1.0],
        }
    )
    labels = pd.DataFrame({"prospect_id": ["a", "b", "c"], "relevance": [0, 0, 3]})
    table = evaluate(ranked, labels, k=1).set_index("method")
    assert table.loc["ranking", "ndcg_at_1"] == 0.0
    assert table.loc["company match only", "ndcg_at_1"] == 1.0
    assert table.loc["most recent connection first", "ndcg_at_1"] == 0.0
    assert 0.2 < table.loc["random order", "ndcg_at_1"] < 0.5


def test_on_the_labelled_persona_the_ranking_beats_every_baseline_clearly():
    result = fixture_result()
    labels = labels_by_id(result)
    assert len(labels) == 110  # every labelled candidate was found by name
    pool = pd.concat([result.ranked, result.filtered], ignore_index=True)
    table = evaluate(result.ranked, labels, pool=pool).set_index("method")
    ours = table.loc["ranking"]
    for baseline in ("random order", "most recent connection first", "company match only"):
        assert ours["ndcg_at_10"] >= table.loc[baseline, "ndcg_at_10"] + 0.25, baseline
        assert ours["precision_at_10"] > table.loc[baseline, "precision_at_10"], baseline
    assert ours["ndcg_at_10"] >= 0.8
