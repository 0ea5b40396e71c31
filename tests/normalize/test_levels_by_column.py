"""``levels.estimate_levels`` works column by column over the distinct combinations; these
tests hold it to the rule it replaced, written here once more as the plain per-combination loop
(``_one``), on combinations that reach every branch: each employer-and-title rule, each
evidence class, every employer kind, years unknown, negative and beyond the last bucket, a
class year still to come."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from pipeline.normalize import levels
from pipeline.normalize.levels import (
    KIND_ROWS,
    LEVELS,
    UNKNOWN,
    _basis,
    _has_kind_rows,
    _overrides,
    estimate_levels,
    evidence_class,
    level_probabilities,
)


def _one(level: str, rule: str, clean: str, kind: str, y: float, s: float) -> tuple:
    """One combination, as the loop before the column-wise version did it."""
    student = y if np.isnan(s) else min(y, float(s))
    for name, okind, pattern, limit, o_level, o_p in _overrides():
        if (
            (not okind or okind == kind)
            and pattern.search(clean)
            and (limit == np.inf or (not np.isnan(student) and student <= limit))
        ):
            return (o_level, o_p, f"{name} ({kind or 'any employer'})", name)
    evidence = evidence_class(rule, level, clean)
    if evidence in ("none", "unclassified"):
        y = student
    p = level_probabilities(evidence, level if level in LEVELS else "Entry", y, kind)
    if p.sum() == 0:
        return (UNKNOWN, np.nan, "", rule)
    best = int(p.argmax())
    basis = _basis(evidence, rule, clean, y, "", kind if _has_kind_rows(evidence, kind) else "")
    return (LEVELS[best], min(round(float(p[best]), 2), 0.99), basis, rule)


TITLES = [  # (the title's own level, its rule, the clean title)
    ("Entry", "early-career job noun", "research scientist"),
    ("Entry", "early-career job noun", "consultant"),
    ("Manager", "manager of a product", "product marketing manager"),
    ("Senior", "senior", "senior software engineer"),
    ("Training", "intern / co-op", "intern"),
    ("Director", "director", "director of engineering"),
    ("Executive", "chief", "chief executive officer"),
    ("Unknown", "", ""),  # no title
    ("Unknown", "retired", "retired"),  # a placeholder
    ("Unknown", "", "chief happiness wrangler"),  # words no rule reads
    ("Entry", "your rule: x", "analyst"),  # the user's own rule
    ("Entry", "early-career job noun", "vp finance engineering society"),
    ("Entry", "early-career job noun", "campus ambassador"),
    ("Entry", "early-career job noun", "teaching assistant"),
    ("Entry", "early-career job noun", "resident"),
    ("Director", "head of", "head of engineering"),
    ("Manager", "president", "president"),
    ("Entry", "early-career job noun", "brand ambassador"),
    ("Entry", "early-career job noun", "ambassador"),
]
KINDS = ["", "other", "self-employed", *KIND_ROWS]
YEARS = [np.nan, -2.0, -0.4, 0.0, 0.5, 1.0, 1.9, 2.0, 4.3, 6.0, 9.4, 10.0, 14.9, 26.0, 40.0]


def _grid() -> pd.DataFrame:
    rows = []
    for (level, rule, clean), kind, y in itertools.product(TITLES, KINDS, YEARS):
        rows.append((level, rule, clean, kind, y, np.nan))
        if not np.isnan(y):  # a class year still to come, before or after the first degree's
            rows.append((level, rule, clean, kind, y, -1.5))
            rows.append((level, rule, clean, kind, y, y + 3))
    return pd.DataFrame(rows, columns=["level", "rule", "clean", "kind", "years", "studying"])


def test_every_combination_is_what_the_loop_gave():
    grid = _grid()
    assert len(grid) > 1000
    got = levels._levels_of(
        *(grid[c].to_numpy(dtype=object) for c in ("level", "rule", "clean", "kind")),
        grid["years"].fillna(-999.0).to_numpy(dtype=float),
        grid["studying"].fillna(-999.0).to_numpy(dtype=float),
    )
    want = [_one(*row) for row in grid.itertuples(index=False, name=None)]
    for i, expected in enumerate(want):
        actual = (got[0][i], got[1][i], got[2][i], got[3][i])
        assert actual[0] == expected[0], (grid.iloc[i].tolist(), actual, expected)
        assert actual[2:] == expected[2:], (grid.iloc[i].tolist(), actual, expected)
        if np.isnan(expected[1]):
            assert np.isnan(actual[1])
        else:
            assert actual[1] == expected[1]
    # every branch was reached: each override, Unknown, strong, estimated with an employer kind
    reached = set(got[3])
    assert {o[0] for o in _overrides()} <= reached
    assert UNKNOWN in set(got[0])
    assert any(b.startswith("title says so") for b in got[2])
    assert any("estimated from years and employer" in b for b in got[2])


@pytest.mark.parametrize("n", [0, 1])
def test_small_frames(n):
    titles = pd.DataFrame(
        {"seniority": ["Entry"] * n, "seniority_rule": ["early-career job noun"] * n,
         "title_clean": ["research scientist"] * n}
    )  # fmt: skip
    frame = pd.DataFrame({"career_years": [9.4] * n, "career_years_source": ["grad_year"] * n})
    out = estimate_levels(frame, titles, pd.Series([""] * n, dtype=object))
    assert list(out.columns) == ["seniority", "seniority_p", "seniority_basis", "seniority_rule"]
    assert out["seniority"].tolist() == ["Senior"] * n
