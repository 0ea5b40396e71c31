"""Steps of link.score rewritten in place or on narrow file codes give the floats and arrays the
straightforward code gave (kept here as the oracles)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.link import _groups, _listed_twice, _prior_bits
from pipeline.link.block import file_codes, unique_records
from pipeline.link.cluster import components
from pipeline.link.em import estimate_prior


def _prior_as_it_was(match_weight, groups, possible, iterations=50):
    priors = {}
    for g, total in possible.items():
        w = match_weight[groups == g]
        if not len(w) or total <= 0:
            priors[g] = 1e-9
            continue
        prior = min(0.5 * len(w) / total, 0.5)
        for _ in range(iterations):
            odds = np.log2(prior / (1 - prior)) + w
            expected = float((1.0 / (1.0 + np.exp2(-np.clip(odds, -60, 60)))).sum())
            new = float(np.clip(expected / total, 1e-12, 0.5))
            if abs(np.log(new / prior)) < 1e-4:
                prior = new
                break
            prior = new
        priors[g] = prior
    return priors


def _frame(seed: int, n: int, files: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    file = rng.integers(0, files, n)
    return pd.DataFrame(
        {
            "source": np.where(file == 0, "connections", "alumni"),
            "source_file": pd.Series([f"f{k}.csv" for k in file], dtype="str"),
        }
    )


def _levels(seed: int, n: int, pairs: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed + 100)
    a, b = rng.integers(0, n, pairs), rng.integers(0, n, pairs)
    keep = a < b
    return pd.DataFrame({"left": a[keep], "right": b[keep]}).drop_duplicates(ignore_index=True)


@pytest.mark.parametrize(("seed", "spread"), [(0, 3.0), (1, 30.0), (2, 90.0)])
def test_estimate_prior_in_place_gives_the_same_floats(seed, spread):
    rng = np.random.default_rng(seed)
    weight = rng.normal(0, spread, 5000)
    weight[::97] = np.nan  # a NaN weight propagates as it did
    groups = rng.choice(np.array([0, 1, 3, 7]), 5000)
    possible = {0: 4e6, 1: 1e5, 3: 0.0, 7: 2e4, 9: 100.0}  # 3: none possible, 9: no pairs
    finite = np.nan_to_num(weight)
    as_float32 = finite.astype(np.float32)  # worked in float64, as the sum with a float64 was
    for w in (weight, finite, as_float32):
        got, want = estimate_prior(w, groups, possible), _prior_as_it_was(w, groups, possible)
        assert list(got) == list(want)
        np.testing.assert_array_equal(list(got.values()), list(want.values()))  # NaN == NaN
    assert not np.isnan(list(estimate_prior(finite, groups, possible).values())).any()


def test_prior_bits_are_looked_up_per_group():
    rng = np.random.default_rng(4)
    priors = {0: 1e-9, 2: 0.3, 5: 0.5, 40: 1e-20}
    groups = rng.choice(np.array([0, 2, 5, 40, 41]), 3000)  # 41 has no prior: NaN
    prior = pd.Series(priors, dtype=float).reindex(groups).to_numpy(dtype=float)
    want = np.log2(np.clip(prior, 1e-15, 1) / np.clip(1 - prior, 1e-15, 1))
    np.testing.assert_array_equal(_prior_bits(priors, groups), want)
    assert _prior_bits(priors, groups[:0]).tolist() == []


@pytest.mark.parametrize(("seed", "files"), [(0, 1), (1, 2), (2, 3), (3, 200)])
def test_groups_on_narrow_file_codes(seed, files):
    frame, levels = _frame(seed, 600, files), _levels(seed, 600, 3000)
    codes, names = pd.factorize(frame["source_file"].astype("str"))
    n = len(names)
    left, right = codes[levels["left"].to_numpy()], codes[levels["right"].to_numpy()]
    want = np.minimum(left, right) * n + np.maximum(left, right)
    sizes = np.bincount(codes, minlength=n).astype(float)
    is_unique = pd.Series(unique_records(frame, ("connections",))).groupby(codes).first()
    possible = {}
    for g in np.unique(want):
        i, j = divmod(int(g), n)
        same = sizes[i] * (sizes[i] - 1) / 2 * (not is_unique.to_numpy()[i])
        possible[int(g)] = same if i == j else sizes[i] * sizes[j]
    groups, got = _groups(frame, levels, ("connections",))
    assert groups.dtype == np.int64
    np.testing.assert_array_equal(groups, want)
    assert got == possible
    assert file_codes(frame).dtype == (np.int8 if files < 128 else np.int16)


@pytest.mark.parametrize(("seed", "threshold"), [(0, 0.5), (1, 0.9), (2, 0.999)])
def test_listed_twice_in_place(seed, threshold):
    frame, levels = _frame(seed, 400, 3), _levels(seed, 400, 4000)
    rng = np.random.default_rng(seed)
    bits = rng.normal(0, 8, len(levels))
    bits[::50] = 200.0  # past the clip
    files = file_codes(frame)
    given = bits.copy()
    got = _listed_twice(frame, files, levels, bits, ("connections",), threshold)
    np.testing.assert_array_equal(bits, given)  # the caller's bits are left alone
    is_unique = unique_records(frame, ("connections",))
    left, right = levels["left"].to_numpy(), levels["right"].to_numpy()
    odds = np.clip(bits, -60, 60)
    same = (files[left] == files[right]) & ~is_unique[left] & ~is_unique[right]
    same &= 1.0 / (1.0 + np.exp2(-odds)) >= threshold
    assert same.any()
    np.testing.assert_array_equal(got, components(len(frame), levels.loc[same]))
    assert _listed_twice(frame, files, levels, np.full(len(levels), -99.0), (), 0.5) is None
