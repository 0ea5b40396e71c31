"""``compare_sets`` (one call over the candidates and the random pairs for u) gives each set
the levels ``compare`` gives it alone, a ``fitted`` comparison included."""

import sys

import numpy as np
import pandas as pd
import pytest

from pipeline.link.block import RULES, candidate_pairs
from pipeline.link.compare import COMPARISONS, compare, compare_sets, comparisons_for
from pipeline.link.em import u_pairs
from pipeline.link.levels import Comparison
from tests.link.generated import blocking_frame


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return blocking_frame(120, 700)


def _alone(frame: pd.DataFrame, sets, comparisons) -> list[pd.DataFrame]:
    return [compare(frame, pairs, comparisons, {}) for pairs in sets]


@pytest.mark.parametrize("together", [True, False])  # one call, or each set alone
def test_each_set_gets_the_levels_it_gets_alone(frame, together, monkeypatch):
    if not together:  # the module, not the function pipeline.link exports under its name
        monkeypatch.setattr(sys.modules["pipeline.link.compare"], "TOGETHER_PAIRS", 0)
    candidates = candidate_pairs(frame, RULES, ("connections",)).pairs
    randomly = u_pairs(frame, 3000, seed=2)
    comparisons = comparisons_for(list(frame.columns))
    assert any(c.fitted for c in comparisons) and not all(c.fitted for c in comparisons)
    sets = (candidates, randomly)
    got = compare_sets(frame, sets, comparisons, {})
    for mine, theirs in zip(got, _alone(frame, sets, comparisons), strict=True):
        pd.testing.assert_frame_equal(mine, theirs)
    assert len(got[0]) == len(candidates) and len(got[1]) == len(randomly)


@pytest.mark.parametrize(
    "sets",
    [
        lambda f: (f.iloc[:0], f.iloc[:0]),  # nothing to compare
        lambda f: (f.iloc[:1], f.iloc[:0]),  # one pair, then none
        lambda f: (f.iloc[:0], f.iloc[:1]),
        lambda f: (f.iloc[[3, 3, 3]], f.iloc[[3, 0]]),  # a pair repeated, in both sets
        lambda f: (f.iloc[5:40], f.iloc[::-1]),  # another index order
    ],
)
def test_edge_sets(frame, sets):
    pairs = pd.concat([u_pairs(frame, 200, seed=4)] * 2, ignore_index=True)
    pairs.index = pairs.index * 7  # not a RangeIndex from 0
    chosen = sets(pairs)
    got = compare_sets(frame, chosen, COMPARISONS)
    for mine, theirs in zip(got, _alone(frame, chosen, COMPARISONS), strict=True):
        pd.testing.assert_frame_equal(mine, theirs)


def test_a_fitted_comparison_is_compared_on_each_set_alone():
    """A level that depends on the other pairs (here: whether the pair's left record is the
    set's most common) differs once the sets are pooled; ``fitted`` keeps each set's own."""
    frame = pd.DataFrame({"x": ["a", "b", "c", "d"]})

    def most_common(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
        top = a["x"].value_counts().sort_index(kind="stable").idxmax()
        return np.where(a["x"] == top, 0, 1)

    plain = Comparison("most", ("x",), ("top", "other"), most_common)
    fitted = Comparison("most", ("x",), ("top", "other"), most_common, fitted=True)
    sets = (
        pd.DataFrame({"left": [0, 0, 1], "right": [2, 3, 2]}),
        pd.DataFrame({"left": [1, 1, 1, 0], "right": [3, 2, 0, 3]}),
    )
    alone = _alone(frame, sets, [fitted])
    for mine, theirs in zip(compare_sets(frame, sets, [fitted]), alone, strict=True):
        pd.testing.assert_frame_equal(mine, theirs)
    pooled = compare_sets(frame, sets, [plain])
    assert not all(m.equals(t) for m, t in zip(pooled, alone, strict=True))


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("hidden", [("linkedin_slug",), ("email",), ("email", "last_key")])
def test_work_taken_from_the_whole_frame_gives_a_subset_its_own_levels(frame, seed, hidden):
    """``Rows.taken``: the levels of pairs of a subset of the records (repeats, another order,
    some ``hidden`` values masked, as ``em.blinded`` makes it) computed with the whole run's
    per-record work equal those computed afresh."""
    from pipeline.link.levels import Rows

    comparisons = comparisons_for(list(frame.columns))
    cache: dict = {}
    compare(frame, u_pairs(frame, 2000, seed=seed), comparisons, cache)  # the run's work
    assert any(isinstance(k, tuple) and k[0] == "text" for k in cache)
    rng = np.random.default_rng(seed)
    at = rng.integers(0, len(frame), 300)
    rows = frame.iloc[at].reset_index(drop=True)
    blind = rng.random(len(rows)) < 0.5
    for col in hidden:
        rows[col] = rows[col].mask(blind)
    pairs = pd.DataFrame({"left": np.arange(150), "right": np.arange(150, 300)})
    taken = Rows(frame, at, at, cache).taken(at, hidden)
    assert taken and not any(k[1] in hidden for k in taken)
    recoded = [k for k in cache if k[0] == "recoded"]  # a name's former key against its last
    assert recoded and all((k in taken) == (not {*k[1:]} & {*hidden}) for k in recoded)
    got = compare(rows, pairs, comparisons, taken)
    pd.testing.assert_frame_equal(got, compare(rows, pairs, comparisons, {}))
