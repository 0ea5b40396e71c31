"""An ``Equal`` rule with ``also`` (a former last name against a last name) pairs only a True
entry with a False one of its block, and gives the pairs, repeats and order of the rule that
enumerated every pair of a block and kept the crossing ones (kept here as the oracle)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.link.block_rules import _self_pairs, distinct, ragged


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
