"""pipeline.text.csr gives SciPy's floats bit for bit: the product of rows with rows (link's
nearest names, rank's role fit) and aligned rows' dot products (company weights), on matrices
made to expose any other order of summing (values of very different size, many terms per sum,
repeated columns in a row, rows in no order, empty rows and matrices)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from pipeline.text import csr
from pipeline.text.csr import Csr, dense_product, product, ragged, row_dots


def _random(
    rng: np.random.Generator, rows: int, cols: int, density: float, dtype: type,
    canonical: bool,
) -> Csr:  # fmt: skip
    """Entries at random places, each row's in random order (with a column now and then twice)
    unless ``canonical``; values spread over twelve orders of magnitude, so that float sums
    taken in another order round differently."""
    data, indices, indptr = [], [], [0]
    for _ in range(rows):
        n = int(rng.binomial(cols, density))
        columns = rng.choice(cols, size=n, replace=False) if n else np.zeros(0, int)
        if canonical:
            columns = np.sort(columns)
        elif n > 1 and rng.random() < 0.3:
            columns = np.r_[columns, columns[0]]
        indices.extend(columns.tolist())
        data.extend(rng.random(len(columns)) * 10.0 ** rng.integers(-6, 6, len(columns)))
        indptr.append(len(indices))
    return Csr(
        np.asarray(data, dtype=dtype), np.asarray(indices, dtype=np.int32),
        np.asarray(indptr, dtype=np.int32), (rows, cols),
    )  # fmt: skip


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("block", [csr.BLOCK_CELLS, 7, 1])  # sums made a few rows at a time
@pytest.mark.parametrize("canonical", [False, True])  # with and without a column twice in a row
def test_the_product_is_scipys_bit_for_bit(
    seed: int, dtype: type, block: int, canonical: bool, monkeypatch
) -> None:
    monkeypatch.setattr(csr, "BLOCK_CELLS", block)
    rng = np.random.default_rng(seed)
    cols = int(rng.integers(1, 40))
    a = _random(rng, int(rng.integers(0, 30)), cols, rng.random(), dtype, canonical=canonical)
    b = _random(rng, int(rng.integers(0, 30)), cols, rng.random(), dtype, canonical=canonical)
    expected = sparse.csr_matrix(a.to_scipy() @ b.to_scipy().T.tocsr()).tocoo()
    row, col, value = product(a, b)
    got = list(zip(row.tolist(), col.tolist(), value.tolist(), strict=True))
    wanted = zip(expected.row.tolist(), expected.col.tolist(), expected.data.tolist(), strict=True)
    assert got == sorted(wanted)  # by row, then column
    assert value.dtype == expected.data.dtype
    assert np.array_equal(dense_product(a, b), (a.to_scipy() @ b.to_scipy().T).toarray())


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("block", [csr.BLOCK_CELLS, 5])
def test_at_least_keeps_the_stored_entries_at_or_above_it(seed: int, block: int, monkeypatch):
    """``product(a, b, t)`` is ``product(a, b)`` filtered to values >= t, for t above, at and
    below zero (a sum of 0, never stored, stays out), negative values and a threshold equal to
    a stored value included."""
    monkeypatch.setattr(csr, "BLOCK_CELLS", block)
    rng = np.random.default_rng(seed)
    cols = int(rng.integers(1, 30))
    a = _random(rng, int(rng.integers(0, 25)), cols, rng.random(), np.float32, canonical=True)
    b = _random(rng, int(rng.integers(0, 25)), cols, rng.random(), np.float32, canonical=True)
    if len(a.data):
        a.data[::3] *= -1  # negative sums, and sums of 0
    row, col, value = product(a, b)
    chosen = [np.float32(0.5), np.float32(0.0), np.float32(-1.0), np.float32(np.inf)]
    chosen += [value[len(value) // 2]] if len(value) else []
    for t in chosen:
        keep = value >= t
        got = product(a, b, t)
        for mine, theirs in zip(got, (row[keep], col[keep], value[keep]), strict=True):
            assert np.array_equal(mine, theirs) and mine.dtype == theirs.dtype
    cancel = Csr(np.array([1.0, -1.0], np.float32), np.array([0, 1]), np.array([0, 2]), (1, 2))
    ones = Csr(np.ones(2, np.float32), np.array([0, 1]), np.array([0, 2]), (1, 2))
    assert [len(x) for x in product(cancel, ones, np.float32(-5.0))] == [0, 0, 0]


def test_the_product_sums_in_scipys_order_where_another_order_differs() -> None:
    # (1e8 + 1) - 1e8 is 0 in float32, (1e8 - 1e8) + 1 is 1: row 0's entries in stored order
    # decide, as in SciPy's loop
    a = Csr(np.array([1e8, 1.0, -1e8], np.float32), np.array([0, 1, 2]), np.array([0, 3]), (1, 3))
    b = Csr(np.ones(3, np.float32), np.array([0, 1, 2]), np.array([0, 3]), (1, 3))
    swapped = Csr(a.data[[0, 2, 1]], a.indices[[0, 2, 1]], a.indptr, a.shape)
    assert dense_product(a, b)[0, 0] != dense_product(swapped, b)[0, 0]  # the premise
    for m in (a, swapped):
        assert dense_product(m, b)[0, 0] == (m.to_scipy() @ b.to_scipy().T).toarray()[0, 0]


@pytest.mark.parametrize("seed", range(8))
def test_row_dots_are_scipys_multiply_then_sum_bit_for_bit(seed: int) -> None:
    rng = np.random.default_rng(seed)
    cols = int(rng.integers(1, 60))
    m = _random(rng, int(rng.integers(1, 40)), cols, rng.random(), np.float64, canonical=True)
    left = rng.integers(0, m.shape[0], 50)
    right = rng.integers(0, m.shape[0], 50)
    scipy_matrix = m.to_scipy()
    expected = np.asarray(scipy_matrix[left].multiply(scipy_matrix[right]).sum(axis=1)).ravel()
    got = row_dots(m, left, right)
    assert got.dtype == expected.dtype and np.array_equal(got, expected)


def test_take_is_scipys_row_indexing_and_keeps_stored_order() -> None:
    rng = np.random.default_rng(3)
    m = _random(rng, 12, 9, 0.4, np.float32, canonical=False)
    rows = np.array([11, 0, 0, 5, 3])
    taken, expected = m.take(rows), m.to_scipy()[rows]
    for part in ("data", "indices", "indptr"):
        assert np.array_equal(getattr(taken, part), getattr(expected, part)), part
    assert taken.shape == expected.shape
    assert np.array_equal(m.take(np.zeros(0, int)).toarray(), np.zeros((0, 9), np.float32))


def test_empty_matrices_and_rows() -> None:
    empty = Csr(np.zeros(0, np.float32), np.zeros(0, np.int32), np.zeros(3, np.int32), (2, 4))
    assert [len(x) for x in product(empty, empty)] == [0, 0, 0]
    assert np.array_equal(row_dots(empty, np.array([0, 1]), np.array([1, 1])), np.zeros(2))
    assert np.array_equal(dense_product(empty, empty), np.zeros((2, 2), np.float32))
    with pytest.raises(ValueError, match="same"):
        product(empty, Csr(empty.data, empty.indices, empty.indptr, (2, 5)))


def test_ragged() -> None:
    assert ragged(np.array([5, 0, 2]), np.array([2, 0, 3])).tolist() == [5, 6, 2, 3, 4]
    assert ragged(0, np.zeros(0, int)).tolist() == []
