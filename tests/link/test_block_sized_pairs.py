"""``_sized_pairs`` (an ``Equal`` rule's pairs and key sizes from one sort) against a naive
oracle: group the entries by key, skip keys with one entry or more than ``max_block`` (repeats
counted), and take itertools' combinations of each block's distinct positions, put by the
pair's earlier position, then key, then later position (the order the union of the rules'
pairs merges fastest)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from pipeline.link.block import candidate_pairs
from pipeline.link.block_pairs import _expand, _sized_pairs, position_order
from pipeline.link.block_rules import Equal


def _oracle(key, pos, max_block):
    pairs, sizes = [], []
    for k in sorted(set(key.tolist())):
        entries = [int(p) for kk, p in zip(key, pos, strict=True) if kk == k]
        sizes.append(len(entries))
        if 1 < len(entries) <= max_block:
            pairs += [(a, k, b) for a, b in itertools.combinations(sorted(set(entries)), 2)]
    return [(a, b) for a, _, b in sorted(pairs)], sizes


def _check(key, pos, max_block):
    key, pos = np.asarray(key, "int64"), np.asarray(pos, "int64")
    pairs, sizes = _sized_pairs(key, pos, max_block)
    want_pairs, want_sizes = _oracle(key, pos, max_block)
    assert list(pairs.columns) == ["left", "right"]
    assert list(zip(pairs["left"].tolist(), pairs["right"].tolist(), strict=True)) == want_pairs
    assert sizes.tolist() == want_sizes


@pytest.mark.parametrize("seed", range(30))
def test_sized_pairs_equal_itertools(seed):
    rng = np.random.default_rng(seed)
    size = int(rng.integers(0, 300))
    # few keys and positions: big and small blocks, a position repeated under one key
    key = rng.integers(0, int(rng.integers(1, 12)), size)
    pos = rng.integers(0, int(rng.integers(1, 60)), size)
    _check(key, pos, int(rng.integers(1, 40)))


@pytest.mark.parametrize(
    ("key", "pos", "max_block"),
    [
        ([], [], 5),  # empty
        ([0], [3], 5),  # one entry
        ([2, 2], [4, 4], 5),  # a repeat alone: no pair, size 2
        ([1, 1, 1], [0, 2, 1], 2),  # over max_block: skipped, size still counted
        ([5, 0, 5, 0], [9, 1, 2, 7], 300),  # keys out of order, positions unsorted
        ([0, 0, 0], [0, 0, 1], 2),  # a repeat counts toward the size
    ],
)
def test_sized_pairs_edge_cases(key, pos, max_block):
    _check(key, pos, max_block)


def test_equal_rule_on_text_with_missing_and_non_ascii():
    frame = pd.DataFrame(
        {
            "name_key": pd.Series(
                ["zoë ng", None, "zoë ng", "", "ann", "ann", "zoë ng", "ann"], dtype="str"
            )
        }
    )
    got = candidate_pairs(frame, [Equal("name", ("name_key",))])
    assert got.pairs.values.tolist() == [[0, 2], [0, 6], [2, 6], [4, 5], [4, 7], [5, 7]]
    assert got.skipped_keys == {"name": 0}
    small = candidate_pairs(frame, [Equal("name", ("name_key",), max_block=2)])
    assert small.pairs.empty
    assert small.skipped_keys == {"name": 2}


def test_swapped_names_rule_reuses_codes_both_ways():
    frame = pd.DataFrame(
        {
            "first_key": pd.Series(["wu", "carlos", "ann", "lee", "ann"], dtype="str"),
            "last_key": pd.Series(["carlos", "wu", "lee", "ann", ""], dtype="str"),
        }
    )
    rule = Equal("swapped", ("first_key", "last_key"), also=("last_key", "first_key"))
    assert candidate_pairs(frame, [rule]).pairs.values.tolist() == [[0, 1], [2, 3]]


@pytest.mark.parametrize("seed", range(20))
def test_position_order_is_a_stable_argsort(seed):
    rng = np.random.default_rng(seed)
    size = int(rng.integers(0, 2000))
    # bounds for each way: placed by value, one 16-bit pass, two, numpy's own sort
    bound = int(rng.choice([1, 7, 3000, 1 << 16, 70_000, (1 << 32) - 1, 1 << 40]))
    values = rng.integers(0, bound, size)
    if seed % 3 == 0:  # each value once
        values = rng.permutation(min(bound, 3 * size + 1))[:size]
    want = np.argsort(values, kind="stable")
    assert np.array_equal(position_order(values, bound), want)


def test_sized_pairs_far_apart_positions():
    rng = np.random.default_rng(7)
    # positions past 16 bits, a record in several blocks
    _check(rng.integers(0, 9, 400), rng.integers(0, 200_000, 400), 300)
    _check(rng.integers(0, 9, 400), rng.permutation(300_000)[:400], 300)


def _expand_by_argsort(codes, key_pairs, max_block):
    """``_expand`` as it was: records grouped by numpy's stable argsort of their codes."""
    counts = np.bincount(codes[codes >= 0], minlength=int(key_pairs.max()) + 1)
    order = np.argsort(codes, kind="stable")[np.count_nonzero(codes < 0) :]
    starts = np.cumsum(counts) - counts
    sizes = np.where(counts > max_block, 0, counts)
    return [
        (int(order[starts[a] + i]), int(order[starts[b] + j]))
        for a, b in key_pairs.tolist()
        for i in range(sizes[a])
        for j in range(sizes[b])
    ]


@pytest.mark.parametrize("seed", range(20))
def test_expand_pairs_the_records_of_key_pairs(seed):
    rng = np.random.default_rng(seed)
    keys = int(rng.integers(1, 70_000 if seed % 4 == 0 else 30))
    codes = rng.integers(-1, keys, int(rng.integers(1, 300)))
    key_pairs = rng.integers(0, keys, (int(rng.integers(1, 40)), 2))
    max_block = int(rng.integers(1, 6))
    got = _expand(codes, key_pairs, max_block)
    want = _expand_by_argsort(codes, key_pairs, max_block)
    assert list(zip(got["left"].tolist(), got["right"].tolist(), strict=True)) == want
