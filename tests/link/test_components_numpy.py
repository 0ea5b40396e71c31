"""cluster.components (whole-array rounds, no SciPy) numbers components as SciPy's
connected_components does, on graphs built to need many rounds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from pipeline.link.cluster import components


def _scipy(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _links(left, right) -> pd.DataFrame:
    return pd.DataFrame({"left": np.asarray(left, "int64"), "right": np.asarray(right, "int64")})


def _graphs():
    rng = np.random.default_rng(7)
    yield "no records", 0, [], []
    yield "no links", 5, [], []
    yield "one link, records left alone", 6, [4], [1]
    yield "self link and repeated link", 4, [2, 2, 0, 1], [2, 3, 1, 0]
    order = rng.permutation(500)  # a chain through the records in a random order
    yield "shuffled chain", 500, order[:-1], order[1:]
    yield "chain from the last record down", 300, np.arange(299, 0, -1), np.arange(298, -1, -1)
    yield "star on the last record", 50, np.full(49, 49), np.arange(49)
    for size, edges in [(200, 150), (1000, 900), (2000, 4000), (5000, 2500)]:
        a, b = rng.integers(0, size, edges), rng.integers(0, size, edges)
        yield f"random {size} x {edges}", size, a, b
    grid = np.arange(400).reshape(20, 20)  # many paths between two records
    yield (
        "grid",
        400,
        np.r_[grid[:, :-1].ravel(), grid[:-1, :].ravel()],
        np.r_[grid[:, 1:].ravel(), grid[1:, :].ravel()],
    )


@pytest.mark.parametrize(("name", "n", "left", "right"), list(_graphs()))
def test_components_equal_scipy(name, n, left, right):
    left, right = np.asarray(left, "int64"), np.asarray(right, "int64")
    got = components(n, _links(left, right))
    want = _scipy(n, left, right)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want, err_msg=name)


def test_components_in_either_direction():
    # a link is undirected: (left, right) and (right, left) give the same components
    rng = np.random.default_rng(3)
    a, b = rng.integers(0, 300, 250), rng.integers(0, 300, 250)
    np.testing.assert_array_equal(components(300, _links(a, b)), components(300, _links(b, a)))
