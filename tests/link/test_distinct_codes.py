"""``levels.distinct_codes``: each value's code into the distinct values, by a table or by
hashing, the same partition either way."""

import numpy as np
import pandas as pd
import pytest

from pipeline.link.levels import TABLE_PER_VALUE, distinct_codes


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("size", [1, 7, 100, 10_000, 2**40])  # table and hashed paths
def test_codes_spread_back_to_the_values(seed, size):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 400))
    values = rng.integers(0, min(size, 2**40), n).astype(np.int64)
    codes, distinct = distinct_codes(values, size)
    assert np.array_equal(distinct[codes], values)  # each value's code points at it
    assert len(np.unique(distinct)) == len(distinct)  # each distinct value once
    assert set(distinct.tolist()) == set(values.tolist())
    # the same partition as hashing gives
    hashed = pd.factorize(values)[0]
    assert np.array_equal(pd.factorize(codes)[0], hashed)


def test_edges():
    for size in (1, 50):
        codes, distinct = distinct_codes(np.zeros(0, np.int64), size)
        assert len(codes) == 0 and len(distinct) == 0
    codes, distinct = distinct_codes(np.array([3, 3, 3]), 4)  # one value, repeated
    assert codes.tolist() == [0, 0, 0] and distinct.tolist() == [3]
    table = np.arange(10) % 3
    assert TABLE_PER_VALUE * len(table) >= 3  # the table path here
    codes, distinct = distinct_codes(table, 3)
    assert distinct[codes].tolist() == table.tolist()
