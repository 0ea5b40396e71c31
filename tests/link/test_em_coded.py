"""EM's levels read once per run (em_coded.Coded) against the functions they replaced, kept here
as they were, on hostile levels (NULLs, levels past a comparison's last, a comparison all NULL,
zeros in m or u, groups too small for their own m, int8 and int64 levels): the same log2(m/u)
and level shares to the last bit; the same m, per-group m and share as EM over every pair to
within rtol 1e-12 (em_groups sums each combination of levels once, times its count of pairs:
the same sums added in another order)."""

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pytest

from pipeline.link.compare import COMPARISONS
from pipeline.link.em import (
    GROUP_PRIOR_PAIRS,
    MIN_GROUP_PAIRS,
    NULL,
    PRIOR_PAIRS,
    _initial_m,
    em_groups,
    level_shares,
)
from pipeline.link.em_coded import Coded as _Coded
from pipeline.link.levels import Comparison


def _log_ratio(levels: pd.DataFrame, comparisons, m, u, own=None, codes=None) -> np.ndarray:
    """Sum over ``comparisons`` of log2(m/u) at each pair's level (0 for NULL). With ``own``
    (per group code, its m or None for the pooled ``m``) and ``codes`` (each pair's group code),
    each pair is scored with its group's m."""
    total = np.zeros(len(levels))
    for c in comparisons:
        level = levels[c.name].to_numpy()
        if own is None:
            table = np.log2(m[c.name] / u[c.name])[None, :]
            at = np.zeros(len(level), dtype="int64")
        else:
            rows = [m[c.name] if g is None else g[c.name] for g in own]
            table, at = np.log2(np.stack(rows) / u[c.name]), codes
        total += np.where(level == NULL, 0.0, table[at, np.clip(level, 0, table.shape[1] - 1)])
    return total


def _map_shares(
    levels: pd.DataFrame,
    comparisons: Sequence[Comparison],
    posterior: np.ndarray,
    prior: Mapping[str, np.ndarray],
    strength: float,
) -> dict[str, np.ndarray]:
    """MAP m-step: the posterior-weighted level shares, pulled towards ``prior`` as if by
    ``strength`` pseudo-matches at its shares."""
    out = level_shares(levels, comparisons, posterior)
    for c in comparisons:
        seen = levels[c.name].to_numpy() != NULL
        mass = posterior[seen].sum()
        out[c.name] = (out[c.name] * mass + strength * prior[c.name]) / (mass + strength)
    return out


def _old_em_groups(
    levels: pd.DataFrame,
    comparisons: Sequence[Comparison],
    u: Mapping[str, np.ndarray],
    groups: np.ndarray | None = None,
    m: Mapping[str, np.ndarray] | None = None,
    iterations: int = 30,
    tolerance: float = 1e-4,
    min_pairs: int = MIN_GROUP_PAIRS,
) -> tuple[dict[str, np.ndarray], dict[int, dict[str, np.ndarray]], float]:
    """em_groups as it was before _Coded."""
    pooled = {
        c.name: np.asarray((m or {}).get(c.name, _initial_m(c)), dtype=float) for c in comparisons
    }
    one = np.zeros(len(levels), "int64")
    ids, codes = np.unique(one if groups is None else np.asarray(groups), return_inverse=True)
    counts = np.bincount(codes, minlength=len(ids))
    big = [k for k in range(len(ids)) if len(ids) > 1 and counts[k] >= min_pairs]
    own: list[dict[str, np.ndarray] | None] = [None] * len(ids)
    for k in big:
        own[k] = dict(pooled)
    shares = np.full(len(ids), 0.3)
    share = 0.3
    initial = {c.name: _initial_m(c) for c in comparisons}
    # each big group's rows, taken once: the m-step reads them at every iteration
    parts = [(mine, levels[mine]) for mine in (codes == k for k in big)]
    for _ in range(iterations):
        odds = np.log2(shares / (1 - shares))[codes]
        odds += _log_ratio(levels, comparisons, pooled, u, own if big else None, codes)
        posterior = 1.0 / (1.0 + np.exp2(-np.clip(odds, -60, 60)))
        new_share = float(np.clip(posterior.mean(), 1e-6, 1 - 1e-6))
        new_shares = np.full(len(ids), new_share)
        new_m = _map_shares(levels, comparisons, posterior, initial, PRIOR_PAIRS)
        new_own: list[dict[str, np.ndarray] | None] = [None] * len(ids)
        for k, (mine, rows) in zip(big, parts, strict=True):
            new_shares[k] = np.clip(posterior[mine].mean(), 1e-6, 1 - 1e-6)
            new_own[k] = _map_shares(rows, comparisons, posterior[mine], new_m, GROUP_PRIOR_PAIRS)
        delta = max(
            [np.abs(new_m[k] - pooled[k]).max() for k in pooled]
            + [np.abs(new_own[k][n] - own[k][n]).max() for k in big for n in pooled]  # type: ignore[index]
            + [0.0]
        )
        pooled, own, share, shares = new_m, new_own, new_share, new_shares
        if delta < tolerance:
            break
    by_group = {int(ids[k]): own[k] for k in big}
    return pooled, by_group, share  # type: ignore[return-value]


def _levels(n: int, seed: int, dtype: str, comps: Sequence[Comparison]) -> pd.DataFrame:
    """Random levels: a third NULL in one comparison, every one NULL in another when there are
    three, some past a comparison's last level (read as its last)."""
    rng = np.random.default_rng(seed)
    out = {}
    for i, c in enumerate(comps):
        level = rng.integers(0, len(c.levels) + 2, n)  # two past the last
        level = np.where(rng.random(n) < (0.33 if i == 0 else 0.05), NULL, level)
        if i == 2:
            level = np.full(n, NULL)
        out[c.name] = level
    return pd.DataFrame(out).astype(dtype)


def _comps(names: Sequence[str]) -> list[Comparison]:
    return [c for name in names for c in COMPARISONS if c.name == name]


def _u(comps: Sequence[Comparison], seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {c.name: rng.dirichlet(np.ones(len(c.levels))) for c in comps}


def _same(a: Mapping[str, np.ndarray], b: Mapping[str, np.ndarray]) -> None:
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], strict=True)  # equal bits, not close


def _close(a: Mapping[str, np.ndarray], b: Mapping[str, np.ndarray]) -> None:
    """Equal but for the order of a sum's terms (a drift of EM's steps would be far larger)."""
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_allclose(a[k], b[k], rtol=1e-12, atol=0, strict=True)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("dtype", ["int8", "int64"])
@pytest.mark.parametrize("grouped", ["none", "one", "three", "one too small"])
def test_em_groups_as_before(seed: int, dtype: str, grouped: str) -> None:
    comps = _comps(["name", "job", "grad_year", "city"])
    n = 3000 + 37 * seed
    levels = _levels(n, seed, dtype, comps)
    rng = np.random.default_rng(100 + seed)
    groups = {
        "none": None,
        "one": np.full(n, 4),
        "three": rng.choice([1, 4, 7], n),
        # a group of MIN_GROUP_PAIRS - 1 pairs keeps the pooled m: own[k] None beside others
        "one too small": np.where(np.arange(n) < MIN_GROUP_PAIRS - 1, 9, rng.choice([1, 4], n)),
    }[grouped]
    u = _u(comps, seed)
    # tolerance 0: every one of the iterations runs, so a drift would grow, not be cut short
    got = em_groups(levels, comps, u, groups, iterations=12, tolerance=0.0)
    want = _old_em_groups(levels, comps, u, groups, iterations=12, tolerance=0.0)
    _close(got[0], want[0])
    assert got[1].keys() == want[1].keys()
    for g in got[1]:
        _close(got[1][g], want[1][g])
    assert got[2] == pytest.approx(want[2], rel=1e-12, abs=0)
    if grouped == "three":
        assert len(got[1]) == 3  # the per-group tables were used


def test_em_groups_as_before_with_given_m_and_defaults() -> None:
    comps = _comps(["job", "name"])
    levels = _levels(5000, 11, "int64", comps)
    u = _u(comps, 11)
    m = {"job": _initial_m(comps[0])[::-1].copy()}
    groups = np.random.default_rng(5).choice([2, 3], len(levels))
    got = em_groups(levels, comps, u, groups, m)
    want = _old_em_groups(levels, comps, u, groups, m)
    _close(got[0], want[0])
    assert got[1].keys() == want[1].keys()
    for g in want[1]:
        _close(got[1][g], want[1][g])
    assert got[2] == pytest.approx(want[2], rel=1e-12, abs=0)


def test_log_ratio_and_map_shares_with_zeros_in_m_and_u() -> None:
    """A level with u 0 (log2(m/0) = inf) or m 0 (-inf): NULL pairs still add exactly 0, the
    others the table's entry, inf and NaN included."""
    comps = _comps(["name", "job", "grad_year"])
    levels = _levels(4000, 3, "int64", comps)
    u = _u(comps, 3)
    u["name"][1] = 0.0
    m = {c.name: _initial_m(c) for c in comps}
    m["job"] = m["job"].copy()
    m["job"][0] = 0.0
    codes = np.random.default_rng(1).integers(0, 3, len(levels))
    own = [None, {c.name: np.roll(m[c.name], 1) for c in comps}, dict(m)]
    coded = _Coded.of(levels, comps)
    for o, c in ((None, None), (own, codes)):
        for _ in range(2):  # the second call reads the positions the first one made
            with np.errstate(divide="ignore", invalid="ignore"):  # the zeros are the point
                got = coded.log_ratio(comps, m, u, o, c)
                want = _log_ratio(levels, comps, m, u, o, c)
            np.testing.assert_array_equal(got, want, strict=True)
    assert np.isinf(want).any() and np.isnan(want).any()
    posterior = np.random.default_rng(2).random(len(levels))
    prior = {c.name: _initial_m(c) for c in comps}
    _same(coded.map_shares(comps, posterior, prior, PRIOR_PAIRS),
          _map_shares(levels, comps, posterior, prior, PRIOR_PAIRS))  # fmt: skip
    mine = codes == 1
    _same(coded.subset(mine).map_shares(comps, posterior[mine], prior, GROUP_PRIOR_PAIRS),
          _map_shares(levels[mine], comps, posterior[mine], prior, GROUP_PRIOR_PAIRS))  # fmt: skip


def test_a_negative_level_other_than_null_still_fails() -> None:
    comps = _comps(["name"])
    levels = pd.DataFrame({"name": np.array([0, 1, -2, 3])})
    u = _u(comps, 0)
    with pytest.raises(ValueError):
        _old_em_groups(levels, comps, u)
    with pytest.raises(ValueError):
        em_groups(levels, comps, u)


def _old_level_shares(coded: _Coded, comps, weights: np.ndarray) -> dict:
    """Coded.level_shares as it was: the pairs that are not NULL taken out, then counted."""
    out = {}
    for c in comps:
        seen = coded.seen[c.name]
        kept = weights[seen]
        counts = np.bincount(coded.level[c.name][seen], weights=kept, minlength=len(c.levels))
        smoothed = counts[: len(c.levels)] + 0.5
        out[c.name] = (smoothed / smoothed.sum(), kept.sum())
    return out


@pytest.mark.parametrize("n", [0, 1, 2, 777])
def test_level_shares_as_before_on_edges(n: int) -> None:
    """No pair, one pair, NaN and inf weights, a comparison all NULL, one with no NULL, levels
    past the last: the same shares and masses to the last bit."""
    comps = _comps(["name", "job", "grad_year", "city"])
    levels = _levels(n, 4, "int8", comps)
    levels["city"] = np.zeros(n, dtype="int8")  # no NULL at all
    weights = np.random.default_rng(n).random(n)
    if n > 2:
        weights[[0, n // 2]] = [np.nan, np.inf]
    coded = _Coded.of(levels, comps)
    for _ in range(2):  # the second call reads the bins the first one made
        got, want = coded.level_shares(comps, weights), _old_level_shares(coded, comps, weights)
        assert got.keys() == want.keys()
        for name in got:
            np.testing.assert_array_equal(got[name][0], want[name][0], strict=True)
            np.testing.assert_array_equal(got[name][1], want[name][1], strict=True)


@pytest.mark.parametrize("n", [0, 1, 500])
def test_patterns_name_each_combination_of_group_and_levels(n: int) -> None:
    """Two pairs share a pattern exactly when their group and every level are equal; each
    pattern's pair carries it. Levels spanning 2**40 each force renumbering (no overflow)."""
    rng = np.random.default_rng(n)
    levels = {
        "a": rng.integers(-1, 3, n).astype("int8"),
        "b": rng.choice([-1, 0, 2**40], n),
        "c": rng.choice([-(2**40), 5], n),
    }
    group = rng.integers(0, 3, n)
    pattern, first = _Coded(levels, n).patterns(group)
    assert len(pattern) == n
    rows = pd.DataFrame({"g": group, **levels})
    want = rows.groupby(list(rows.columns), sort=False).ngroup().to_numpy()
    assert len(first) == (want.max() + 1 if n else 0)
    np.testing.assert_array_equal(pattern, want)  # both number by first appearance
    np.testing.assert_array_equal(pattern[first], np.arange(len(first)))
