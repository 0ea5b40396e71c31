"""An ``Equal`` rule with ``also`` (a former last name against a last name) pairs only a True
entry with a False one of its block, and gives the pairs, repeats and order of the rule that
enumerated every pair of a block and kept the crossing ones (kept here as the oracle)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.link.block_pairs import _cross_arrays, _self_pairs, distinct
from pipeline.text.csr import ragged


def _every_pair_then_crossing(key, pos, side):
    n = int(pos.max(initial=0)) + 1
    entries = distinct((key * n + pos) * 2 + side.astype("int64"))
    key, pos, flag = entries // (2 * n), entries // 2 % n, entries % 2
    after = np.searchsorted(key, key, side="right") - np.arange(len(key)) - 1
    first = np.repeat(np.arange(len(key)), after)
    second = ragged(np.arange(len(key)) + 1, after)
    keep = (flag[first] != flag[second]) & (pos[first] != pos[second])
    first, second = first[keep], second[keep]
    swap = flag[second] == 1
    return pd.DataFrame(
        {
            "left": np.where(swap, pos[second], pos[first]),
            "right": np.where(swap, pos[first], pos[second]),
        }
    )


@pytest.mark.parametrize("seed", range(20))
def test_cross_pairs_equal_every_pair_then_crossing(seed):
    rng = np.random.default_rng(seed)
    size = int(rng.integers(0, 200))
    # few keys and positions: blocks with several entries of each side, a record on both sides
    # of one block (its former name is its last name), entries repeated
    key = rng.integers(0, 8, size)
    pos = rng.integers(0, 30, size)
    side = rng.random(size) < rng.random()
    got = _self_pairs(key, pos, side)
    pd.testing.assert_frame_equal(got, _every_pair_then_crossing(key, pos, side))
    if size > 50 and side.any() and (~side).any():
        assert len(got) > 0


@pytest.mark.parametrize("n", [0, 1, 60])
def test_rules_sharing_the_codes_cache_give_each_rules_own_pairs(n):
    """The default Equal rules run one after another on one codes cache (as candidate_pairs
    runs them) give the pairs and skipped counts each gives alone, on hostile keys: empty,
    missing, a "|" inside a variant list, formula-like and unicode text."""
    from pipeline.link.block import RULES
    from pipeline.link.block_rules import Equal

    rng = np.random.default_rng(n)
    words = ["ann", "", None, "=cmd|' /c calc'!A1", "lee", "李", "ann lee", "x\u00a0y"]
    keys = "linkedin_slug email name_key last_family last_key former_key last_phonetic"
    frame = pd.DataFrame(
        {
            c: pd.Series(rng.choice(np.array(words, dtype=object), n), dtype="str")
            for c in (*keys.split(), "company_key", "first_key")
        }
    )
    frame["first_name_variants"] = pd.Series(
        rng.choice(np.array(["ann|anna", "lee", "", None, "ann||x"], dtype=object), n),
        dtype="str",
    )
    cache: dict = {}
    for rule in (r for r in RULES if isinstance(r, Equal)):
        shared, shared_skipped = rule._blocks(frame, cache)
        alone, alone_skipped = rule._blocks(frame)
        pd.testing.assert_frame_equal(shared, alone)
        assert shared_skipped == alone_skipped
    assert cache or not n


@pytest.mark.parametrize("seed", range(30))
def test_cross_arrays_are_the_dense_counts_then_crossing_pairs(seed):
    """``_cross_arrays`` on keys of any size (not dense) against the counts per key
    (np.bincount of dense codes) and the crossing pairs of the keys with 2 to max_block
    entries, as the rule found them before."""
    rng = np.random.default_rng(seed)
    size = int(rng.integers(0, 200))
    dense = rng.integers(0, int(rng.integers(1, 9)), size)
    key = np.array([0, 5, 2**40, 17, 2**33 + 1, 3, 9, 11])[dense]  # sparse, out of order
    pos = rng.integers(0, int(rng.integers(1, 40)), size)
    side = rng.random(size) < rng.random()
    max_block = int(rng.integers(1, 20))
    left, right, sizes, own = _cross_arrays(key, pos, side, max_block)
    codes, present = pd.factorize(key, sort=True)
    assert sizes.tolist() == np.bincount(codes, minlength=len(present)).tolist()
    assert own.tolist() == np.bincount(codes[~side], minlength=len(present)).tolist()
    counts = np.bincount(dense, minlength=8)
    usable = (counts[dense] > 1) & (counts[dense] <= max_block)
    want = _every_pair_then_crossing(dense[usable], pos[usable], side[usable])
    got = sorted(zip(left.tolist(), right.tolist(), strict=True))
    assert got == sorted(zip(want["left"].tolist(), want["right"].tolist(), strict=True))
