"""The vectorised blocking in pipeline.link.block gives what its plain versions gave."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from pipeline.link.block import Equal, candidate_pairs, nearest_keys
from tests.link.ngram_oracle import assert_counts_are_count_vectorizers


def _random_keys(rng: random.Random, n: int) -> list[str]:
    alphabet = "ab cdé\tA\u00a0İ\x1f|\x00\U0001f600"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9))) for _ in range(n)]


@pytest.mark.parametrize("seed", range(20))
def test_char_ngram_counts_are_count_vectorizers_bit_for_bit(seed: int) -> None:
    rng = random.Random(seed)
    keys = _random_keys(rng, rng.randint(1, 40))
    for max_df in (1.0, 0.3, 0.01):
        assert_counts_are_count_vectorizers(keys, max_df)


def _nearest_keys_by_sorting(keys: list[str], k: int, min_similarity: float) -> np.ndarray:
    """nearest_keys as it was: TfidfVectorizer, then a stable sort of each row's similarities."""
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), dtype=np.float32)
    matrix = vectorizer.fit_transform(keys).tocsr()
    sims = (matrix @ matrix.T.tocsc()).tocoo()
    keep = (sims.data >= min_similarity) & (sims.row != sims.col)
    rows, cols, vals = sims.row[keep], sims.col[keep], sims.data[keep]
    order = np.lexsort((-vals, rows))
    rows, cols = rows[order], cols[order]
    first = np.r_[0, np.flatnonzero(np.diff(rows)) + 1]
    rank = np.arange(len(rows)) - np.repeat(first, np.diff(np.r_[first, len(rows)]))
    return np.column_stack([rows[rank < k], cols[rank < k]]).astype("int64")


@pytest.mark.parametrize("k", [1, 2, 5])
def test_nearest_keys_keep_the_sorted_top_k_and_its_ties(k: int) -> None:
    rng = random.Random(k)
    names = ["ann", "anne", "anna", "bob", "rob", "robert", "lee", "li", "leigh", "smith"]
    keys = list(dict.fromkeys(f"{rng.choice(names)} {rng.choice(names)}" for _ in range(150)))
    got = nearest_keys(keys, k, 0.3)
    assert np.array_equal(got, _nearest_keys_by_sorting(keys, k, 0.3))


def _pairs_by_merging(frame: pd.DataFrame, rule: Equal) -> set[tuple[int, int]]:
    """Equal's pairs the slow way: string keys, exploded variants, a self-merge per key."""

    def keys(columns: tuple[str, ...]) -> pd.DataFrame:
        parts = frame[list(columns)].astype("str").set_axis(np.arange(len(frame)))
        if rule.multi:
            variants = frame[rule.multi].astype("str").str.split("|").set_axis(parts.index)
            parts = parts.assign(_m=variants).explode("_m").fillna("")
        parts = parts[(parts != "").all(axis=1) & parts.notna().all(axis=1)]
        key = parts.iloc[:, 0]
        for col in parts.columns[1:]:
            key = key + "\x1f" + parts[col]
        return pd.DataFrame({"key": key.to_numpy(), "pos": key.index})

    own = keys(rule.columns).assign(side=False)
    both = pd.concat([own, keys(rule.also).assign(side=True)]) if rule.also else own
    sizes = both["key"].map(both["key"].value_counts())
    both = both[(sizes > 1) & (sizes <= rule.max_block)].drop_duplicates()
    j = both.merge(both, on="key")
    j = j[(j["pos_x"] != j["pos_y"]) & (j["side_x"] if rule.also else j["pos_x"] < j["pos_y"])]
    if rule.also:
        j = j[~j["side_y"]]
    return {(min(a, b), max(a, b)) for a, b in zip(j["pos_x"], j["pos_y"], strict=True)}


@pytest.mark.parametrize("seed", range(5))
def test_equal_rules_pair_as_string_keys_would(seed: int) -> None:
    rng = random.Random(seed)
    values = ["a", "b", "a\x1fb", "", None, "c"]
    n = 60
    frame = pd.DataFrame(
        {
            "x": [rng.choice(values) for _ in range(n)],
            "y": [rng.choice(values) for _ in range(n)],
            "v": [
                "|".join(rng.choice("ab\x1f") for _ in range(rng.randint(1, 3))) for _ in range(n)
            ],
        }
    )
    rules = [
        Equal("one", ("x",), max_block=12),
        Equal("two", ("x", "y"), max_block=6),
        Equal("multi", ("x",), max_block=10, multi="v"),
        Equal("also", ("x",), max_block=15, multi="v", also=("y",)),
    ]
    for rule in rules:
        got = candidate_pairs(frame, [rule]).pairs
        assert set(zip(got["left"], got["right"], strict=True)) == _pairs_by_merging(frame, rule)
