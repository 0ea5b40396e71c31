"""The Employers sheet's display name per employer (``overview.most_common``) is what a
Series.mode per group gives: the most frequent name, the first in sort order among ties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.export.overview import most_common


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("dtype", ["str", object])
def test_most_common_is_the_mode_per_group(seed: int, dtype) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 80))
    # few keys and few names: many groups have equally frequent names (ties)
    by = pd.Series(rng.choice(["acme", "zeta", "éclair", "b"], n), dtype=dtype, name="company_key")
    names = ["Acme", "ACME", "Acme Inc", "", "Zeta", "Éclair", "=1+1", "b"]
    values = pd.Series(rng.choice(names, n), dtype=dtype, name="company")
    expected = values.groupby(by).agg(lambda s: s.mode().iloc[0])
    pd.testing.assert_series_equal(most_common(values, by), expected)


def test_a_tie_goes_to_the_first_name_in_sort_order() -> None:
    by = pd.Series(["k"] * 4, dtype="str")
    values = pd.Series(["Zed", "Abc", "Zed", "Abc"], dtype="str")
    assert most_common(values, by).tolist() == ["Abc"]
