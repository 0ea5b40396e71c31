"""``cluster.rivals`` gives, float for float, the probabilities it gave when the rivals of each
record were found by pandas groupbys over (record, file, person) and a MultiIndex reindex."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.link.block import unique_records
from pipeline.link.cluster import _rival_odds, components, rivals


def _by_groupby(pairs, bits, frame, unique_sources=("connections",), threshold=0.5):
    """rivals as it was written first (pandas groupbys)."""
    odds = np.exp2(np.clip(np.asarray(bits, dtype=float), -60, 60))
    out = odds / (1 + odds)
    if pairs.empty:
        return out
    is_unique = unique_records(frame, unique_sources)
    files = pd.factorize(frame["source_file"].astype("str"))[0]
    left, right = pairs["left"].to_numpy(), pairs["right"].to_numpy()
    bound = (files[left] != files[right]) & (is_unique[left] | is_unique[right])
    dup = ~is_unique[left] & ~is_unique[right] & (out >= threshold)
    person = components(len(frame), pairs[dup])
    o = odds[bound]
    src = np.r_[left[bound], right[bound]]
    dst = np.r_[right[bound], left[bound]]
    c = pd.DataFrame({"src": src, "file": files[dst], "person": person[dst], "o": np.r_[o, o]})
    keys = ["src", "file", "person"]
    best = c.groupby(keys)["o"].transform("max").to_numpy()
    total = c.groupby(keys)["o"].max().groupby(level=["src", "file"]).sum()
    others = total.reindex(pd.MultiIndex.from_arrays([src, files[dst]])).to_numpy() - best
    n = len(o)
    out[bound] = o / (1 + others[:n] + others[n:] + o)
    return out


def _case(seed: int, records: int, n_pairs: int, files: int, spread: float):
    rng = np.random.default_rng(seed)
    file = rng.integers(0, files, records)
    frame = pd.DataFrame(
        {
            "source": np.where(file == 0, "connections", "alumni"),
            "source_file": np.array([f"f{k}.csv" for k in range(files)])[file],
        }
    )
    a, b = rng.integers(0, records, n_pairs), rng.integers(0, records, n_pairs)
    keep = a < b
    pairs = pd.DataFrame({"left": a[keep], "right": b[keep]}).drop_duplicates(ignore_index=True)
    # coarse values, so many odds tie and many sums have three terms or more
    bits = np.round(rng.normal(0, spread, len(pairs)), 1)
    return pairs, bits, frame


CASES = [
    (seed, records, n_pairs, files, spread)
    for seed, (records, n_pairs, files, spread) in enumerate(
        [
            (10, 30, 2, 5.0),
            (50, 400, 2, 20.0),  # dense: records with many candidates, sums of many odds
            (200, 900, 3, 8.0),
            (1000, 3000, 4, 3.0),
            (300, 2000, 2, 80.0),  # odds at the clip (2 ** 60) beside tiny ones
        ]
    )
]


@pytest.mark.parametrize(("seed", "records", "n_pairs", "files", "spread"), CASES)
def test_rivals_equal_the_groupbys(seed, records, n_pairs, files, spread):
    pairs, bits, frame = _case(seed, records, n_pairs, files, spread)
    for threshold in (0.5, 0.99):
        want = _by_groupby(pairs, bits, frame, threshold=threshold)
        got = rivals(pairs, bits.copy(), frame, threshold=threshold)
        np.testing.assert_array_equal(got, want)
        spent = bits.copy()  # the odds worked out in the caller's array: the same answer
        np.testing.assert_array_equal(
            rivals(pairs, spent, frame, threshold=threshold, spent=True), want
        )


def test_rivals_leave_the_bits_alone_and_take_no_pairs():
    pairs, bits, frame = _case(1, 40, 100, 2, 5.0)
    given = bits.copy()
    rivals(pairs, bits, frame)
    np.testing.assert_array_equal(bits, given)
    rivals(pairs, bits, frame, spent=True)  # spent: the array holds the clipped odds
    np.testing.assert_array_equal(bits, np.exp2(np.clip(given, -60, 60)))
    empty = pairs.iloc[:0]
    assert rivals(empty, np.zeros(0), frame).tolist() == []


def test_rival_odds_sum_as_pandas_sums_a_group():
    # a record with many persons in one file: the compensated sum, not a plain one
    rng = np.random.default_rng(5)
    o = np.exp2(rng.uniform(-50, 50, 400))
    src, file, person = np.zeros(400, "int64"), np.zeros(400, "int8"), np.arange(400)
    got = _rival_odds(src, file, person, o, 400)
    total = pd.Series(o).groupby(np.zeros(400, "int64")).sum().iloc[0]
    np.testing.assert_array_equal(got, total - o)
    assert _rival_odds(src[:0], file[:0], person[:0], o[:0], 400).tolist() == []
    # 2 ** 53 and three ones: 2 ** 53 added one by one, 2 ** 53 + 4 as pandas adds them
    o = np.array([2.0**53, 1.0, 1.0, 1.0])
    got = _rival_odds(np.zeros(4, "int64"), np.zeros(4, "int8"), np.arange(4), o, 4)
    np.testing.assert_array_equal(got, 2.0**53 + 3 - o)


def test_rival_odds_number_the_records_where_the_key_would_overflow():
    # records numbered past what (record, file) * persons can hold in 64 bits
    src = np.array([2**40, 2**40, 5, 5], dtype=np.int64)
    file, person, o = np.zeros(4, "int8"), np.array([1, 2, 1, 1]), np.array([1.0, 2.0, 4.0, 8.0])
    got = _rival_odds(src, file, person, o, 2**30)
    np.testing.assert_array_equal(got, [2.0, 1.0, 0.0, 0.0])
