"""m per group of pairs: connection x alumni links and duplicates inside one alumni list agree
on the employer at different rates, and EM must learn each group's rate (issue 15)."""

import numpy as np
import pandas as pd

from pipeline.link.classify import Model, weights
from pipeline.link.compare import COMPARISONS
from pipeline.link.em import em_groups, estimate_m_groups, level_shares

JOB_DIFFERENT = 6  # the job comparison's last level: another employer


def _two_groups(n: int = 12000, seed: int = 3):
    """Pairs in groups 1 (connections x alumni) and 4 (alumni x alumni), 30% matches in each.
    The matches' grad_year behaves alike in both groups; their job does not: a connection's
    employer differs from its alumni record's 45% of the time, a duplicate's 10%."""
    rng = np.random.default_rng(seed)
    group = np.where(rng.random(n) < 0.5, 1, 4)
    match = rng.random(n) < 0.3
    job_m = {
        1: [0.35, 0.1, 0.03, 0.03, 0.03, 0.01, 0.45],
        4: [0.7, 0.1, 0.03, 0.03, 0.03, 0.01, 0.10],
    }
    job_u = [0.01, 0.03, 0.01, 0.01, 0.03, 0.01, 0.9]
    job = np.empty(n, dtype="int64")
    for g, m in job_m.items():
        at = group == g
        job[at] = np.where(
            match[at], rng.choice(7, at.sum(), p=m), rng.choice(7, at.sum(), p=job_u)
        )
    levels = pd.DataFrame(
        {
            "grad_year": np.where(
                match,
                rng.choice(4, n, p=[0.8, 0.1, 0.05, 0.05]),
                rng.choice(4, n, p=[0.05, 0.1, 0.15, 0.7]),
            ),
            "name": np.where(
                match,
                rng.choice(3, n, p=[0.85, 0.1, 0.05]),
                rng.choice(3, n, p=[0.1, 0.2, 0.7]),
            ),
            "job": job,
        }
    ).astype("int8")
    comps = [c for c in COMPARISONS if c.name in ("grad_year", "job")]
    u = level_shares(levels[~match], comps)
    return levels, group, match, comps, u


def test_em_learns_each_groups_m():
    levels, group, _, comps, u = _two_groups()
    pooled, by_group, _ = em_groups(levels[["grad_year", "job"]], comps, u, group)
    assert set(by_group) == {1, 4}
    different = {g: by_group[g]["job"][JOB_DIFFERENT] for g in by_group}
    assert abs(different[1] - 0.45) < 0.06 and abs(different[4] - 0.10) < 0.05
    assert abs(by_group[1]["job"][0] - 0.35) < 0.06 and abs(by_group[4]["job"][0] - 0.7) < 0.06
    # the pooled m mixes both and fits neither
    assert different[4] + 0.1 < pooled["job"][JOB_DIFFERENT] < different[1] - 0.1
    # grad_year's matches behave alike in both groups, so both keep about the same m
    assert abs(by_group[1]["grad_year"][0] - by_group[4]["grad_year"][0]) < 0.06


def test_small_group_keeps_the_pooled_m():
    levels, group, _, comps, u = _two_groups()
    group = np.where(np.arange(len(group)) < 20, 9, group)  # 20 pairs: too few for their own m
    _, by_group, _ = em_groups(levels[["grad_year", "job"]], comps, u, group)
    assert 9 not in by_group and {1, 4} <= set(by_group)


def test_one_group_is_the_pooled_model():
    levels, _, _, comps, u = _two_groups()
    one = np.zeros(len(levels), dtype="int64")
    pooled, by_group, _ = em_groups(levels[["grad_year", "job"]], comps, u, one)
    plain, _, _ = em_groups(levels[["grad_year", "job"]], comps, u, None)
    assert by_group == {}
    assert all(np.allclose(pooled[k], plain[k]) for k in plain)


def test_sessions_give_each_group_its_m_and_the_weights_use_it():
    levels, group, _, comps, u = _two_groups()
    # the name anchors the session: its strong levels (0..3) hold every pair here
    pooled, by_group = estimate_m_groups(levels, comps, u, group, (("name", 3, ()),))
    assert by_group[1]["job"][JOB_DIFFERENT] > by_group[4]["job"][JOB_DIFFERENT] + 0.2
    model = Model(tuple(comps), pooled, u, m_groups=by_group)
    pairs = levels.assign(left=0, right=1)
    bits = weights(pairs, model, None, group)["job"].to_numpy()
    different = levels["job"].to_numpy() == JOB_DIFFERENT
    # another employer costs a connection-alum pair less than two rows of one alumni list
    seen = {g: set(np.round(bits[different & (group == g)], 9)) for g in (1, 4)}
    assert len(seen[1]) == len(seen[4]) == 1
    expected = {
        g: np.log2(by_group[g]["job"][JOB_DIFFERENT] / u["job"][JOB_DIFFERENT]) for g in (1, 4)
    }
    assert np.isclose(seen[1].pop(), expected[1]) and np.isclose(seen[4].pop(), expected[4])
    assert expected[1] > expected[4] + 1.0
