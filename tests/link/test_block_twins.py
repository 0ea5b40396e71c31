"""``block_pairs._sized_arrays`` with ``twins``: a block whose records are an earlier block's
(a name's first-name variants' keys) makes no pairs; the pairs left are the same distinct
pairs, and counted as often as keys made them, the pairs made without twins."""

import numpy as np
import pytest

from pipeline.link import block_pairs
from pipeline.link.block_pairs import _sized_arrays


def _entries(rng, n: int, names: int, variants: int):
    """Entries (key, position) as "same last name and a first-name variant" makes them:
    records of a few names, each name a list of variants (some shared between names), a
    record's variants its name's, some records with a variant twice."""
    lists = [rng.choice(variants, rng.integers(1, 5), replace=False) for _ in range(names)]
    name = rng.integers(0, names, n)
    last = rng.integers(0, max(names // 3, 1), n)
    keys, positions = [], []
    for record in range(n):
        own = lists[name[record]]
        if rng.random() < 0.05:
            own = np.r_[own, own[:1]]  # a variant twice
        keys += (last[record] * variants + own).tolist()
        positions += [record] * len(own)
    return np.array(keys, dtype=np.int64), np.array(positions, dtype=np.int64)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("collide", [False, True])
def test_twins_leave_the_pairs_and_their_count(seed, collide, monkeypatch):
    if collide:  # every block of a length has one signature: the entries compared decide
        monkeypatch.setattr(block_pairs, "_HASH", 0)
    rng = np.random.default_rng(seed)
    key, pos = _entries(rng, int(rng.integers(2, 400)), int(rng.integers(1, 40)), 12)
    order = rng.permutation(len(key))  # any order of the entries
    key, pos = key[order], pos[order]
    max_block = int(rng.integers(2, 30))
    left, right, sizes = _sized_arrays(key, pos, max_block)
    t_left, t_right, t_sizes, times = _sized_arrays(key, pos, max_block, twins=True)
    assert np.array_equal(t_sizes, sizes)
    assert len(times) == len(t_left) == len(t_right) and (times >= 1).all()
    n = int(pos.max()) + 1
    made = left * n + right
    assert set((t_left * n + t_right).tolist()) == set(made.tolist())
    for mask in (lambda a, b: np.ones(len(a), bool), lambda a, b: (a * 7 + b * 3) % 5 < 2):
        assert int(times[mask(t_left, t_right)].sum()) == int(mask(left, right).sum())


def test_no_entries_and_no_usable_block():
    none = np.zeros(0, np.int64)
    assert [len(a) for a in _sized_arrays(none, none, 5, twins=True)] == [0, 0, 0, 0]
    key, pos = np.array([1, 2, 3]), np.array([0, 1, 2])
    left, _, sizes, times = _sized_arrays(key, pos, 5, twins=True)
    assert len(left) == len(times) == 0 and sizes.tolist() == [1, 1, 1]


def test_a_names_variant_keys_make_its_pairs_once():
    """Three records of one name with three variants (three keys of the same records) and a
    fourth with one of them: the three twin keys make their three pairs once, counted thrice;
    the key the fourth shares makes its own."""
    key = np.array([10, 11, 12, 10, 11, 12, 10, 11, 12, 12])
    pos = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2, 3])
    left, _, _ = _sized_arrays(key, pos, 10)
    t_left, t_right, _, times = _sized_arrays(key, pos, 10, twins=True)
    assert len(left) == 3 + 3 + 6
    pairs = sorted(zip(t_left.tolist(), t_right.tolist(), times.tolist(), strict=True))
    once = [(0, 1, 2), (0, 2, 2), (1, 2, 2)]  # keys 10 and 11: the same three records
    shared = [(0, 1, 1), (0, 2, 1), (0, 3, 1), (1, 2, 1), (1, 3, 1), (2, 3, 1)]  # key 12
    assert pairs == sorted(once + shared)


@pytest.mark.parametrize("threaded", [False, True])
def test_candidates_and_counts_are_those_made_without_twins(threaded, monkeypatch):
    """Blocking with the twin keys left out (from TWINS entries on; here from none): the
    same candidates, and each rule's count of pairs proposed as before (a pair once per key
    that made it, those in one file of a unique source left out)."""
    from pipeline.link import block, block_rules
    from pipeline.link.block import RULES, candidate_pairs
    from tests.link.generated import blocking_frame

    frame = blocking_frame(150, 900)
    monkeypatch.setattr(block, "THREADED", 0 if threaded else 10**12)
    made = {}
    for twins in (False, True):
        monkeypatch.setattr(block_rules, "TWINS", 0 if twins else 10**12)
        made[twins] = candidate_pairs(frame, RULES, ("connections",), {})
    assert made[True].pairs.equals(made[False].pairs)
    assert list(made[True].per_rule.items()) == list(made[False].per_rule.items())
    assert made[True].skipped_keys == made[False].skipped_keys
    variants = [r.name for r in RULES if getattr(r, "multi", "") and not r.also]
    assert sum(made[False].per_rule[name] for name in variants) > 0
