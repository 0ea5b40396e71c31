"""Blocking's sorted neighbourhood orders keys by Arrow (``block_rules.text_order``) exactly as
numpy's stable argsort of the Python strings did."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from pipeline.link.block_rules import SortedNeighbourhood, text_order, unique_inverse


def _values(rng: random.Random) -> list:
    alphabet = "aAzZ0 é\u00a0İß\U0001f600\x00~\x7f\u00ff\u0100"
    values = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))) for _ in range(60)]
    return [*values, *rng.sample(values, 10)]  # repeats: a stable sort keeps them in order


@pytest.mark.parametrize("seed", range(30))
def test_text_order_is_numpys_stable_argsort(seed):
    values = np.asarray(_values(random.Random(seed)), dtype=object)
    assert np.array_equal(text_order(values), np.argsort(values, kind="stable"))


def test_text_utf8_cannot_hold_is_sorted_by_numpy():
    values = np.asarray(["b", "a\ud800", "a", "a\ud800"], dtype=object)
    assert text_order(values).tolist() == np.argsort(values, kind="stable").tolist()


@pytest.mark.parametrize("seed", range(5))
def test_sorted_neighbourhood_pairs_as_before(seed, monkeypatch):
    rng = random.Random(seed)
    frame = pd.DataFrame({"first_last": [rng.choice(_values(rng)) for _ in range(200)]})
    rule = SortedNeighbourhood("sorted", "first_last", window=3, max_block=5)
    got = rule.pairs(frame)
    monkeypatch.setattr(
        "pipeline.link.block_rules.text_order",
        lambda values: np.argsort(np.asarray(values, dtype=object), kind="stable"),
    )
    pd.testing.assert_frame_equal(got, rule.pairs(frame))
    assert len(got) > 0


@pytest.mark.parametrize(
    "values",
    [
        np.zeros(0, "int64"),
        np.array([7]),
        np.array([3, -1, 3, 2**62, -(2**62), 0, -1]),
        np.random.default_rng(3).integers(0, 9, 5000),
        np.array([4, 1, 4], dtype="int32"),
    ],
)
def test_unique_inverse_is_numpys(values):
    ids, codes = unique_inverse(values)
    want_ids, want_codes = np.unique(values, return_inverse=True)
    np.testing.assert_array_equal(ids, want_ids, strict=True)
    np.testing.assert_array_equal(codes, want_codes.reshape(-1), strict=True)
