"""Compressed sparse rows in NumPy alone: the little of SciPy's ``csr_matrix`` a run needs (rows
picked, a product of rows with rows, aligned rows' dot products), giving SciPy's floats bit for
bit: each sum is taken in the order SciPy's C++ loop takes it.

Importing ``scipy.sparse`` costs more than a tenth of a second of every run (SciPy's array-API
layer imports numpy.f2py and numpy.testing), more than any of these products on a run's small
inputs; link's nearest names still hand large inputs to SciPy (``Csr.to_scipy``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy import sparse


@dataclass(frozen=True)
class Csr:
    """A matrix as SciPy's CSR holds one: row i's column ``indices`` and ``data`` are at
    ``indptr[i]:indptr[i + 1]``, in stored order."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple[int, int]

    def take(self, rows: np.ndarray) -> Csr:
        """``matrix[rows]``: those rows, in that order, each entry in its stored order.

        >>> m = Csr(np.array([1.0, 2.0, 3.0]), np.array([0, 1, 1]), np.array([0, 2, 3]), (2, 2))
        >>> m.take(np.array([1, 0, 1])).toarray().tolist()
        [[0.0, 3.0], [1.0, 2.0], [0.0, 3.0]]
        """
        rows = np.asarray(rows, dtype=np.int64)
        length = np.diff(self.indptr).astype(np.int64)[rows]
        at = ragged(self.indptr[rows].astype(np.int64), length)
        indptr = np.r_[0, np.cumsum(length)].astype(np.int64)
        return Csr(self.data[at], self.indices[at], indptr, (len(rows), self.shape[1]))

    def row_of_entries(self) -> np.ndarray:
        """The row of each stored entry."""
        return np.repeat(np.arange(self.shape[0], dtype=np.int64), np.diff(self.indptr))

    def toarray(self) -> np.ndarray:
        """The dense matrix (duplicate entries summed)."""
        dense = np.zeros(self.shape, dtype=self.data.dtype)
        np.add.at(dense, (self.row_of_entries(), self.indices), self.data)
        return dense

    def to_scipy(self) -> sparse.csr_matrix:
        """The same matrix as SciPy's ``csr_matrix`` (imports SciPy)."""
        from scipy import sparse

        return sparse.csr_matrix((self.data, self.indices, self.indptr), shape=self.shape)


#: Sums of a product are made in a dense block of rows at a time, this many cells (16 MB of
#: float32) at most, so no sort of the products is needed and memory stays bounded.
BLOCK_CELLS = 4_000_000


def product(
    a: Csr, b: Csr, at_least: np.floating | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, column, value) of every entry SciPy stores of ``a @ b.T`` (rows of ``a`` against
    rows of ``b``), by row, then column; with ``at_least``, only the stored entries whose
    value is >= it (a filter of the stored entries afterwards costs more than the product's
    rounds on the sample's names).

    SciPy's loop (csr_matmat, ``b.T`` made CSR: each column's rows in increasing order) adds,
    for row i, ``a[i, k] * b[j, k]`` into j's sum for k in row i's stored order, in the dtype
    of both, and stores the sums that are not 0. The same products are added here in the same
    order, a round at a time: round p adds the products of each row's p-th entry, and within
    it those of the first, second … time a row of ``b`` holds that column (``_occurrence``),
    so no sum takes two products in one round and each is one vectorised add (``np.add.at``,
    one element at a time, is several times slower).

    >>> m = Csr(np.array([0.6, 0.8, 1.0]), np.array([0, 1, 1]), np.array([0, 2, 3]), (2, 2))
    >>> [x.tolist() for x in product(m, m)]
    [[0, 0, 1, 1], [0, 1, 0, 1], [1.0, 0.8, 0.8, 1.0]]
    """
    if a.shape[1] != b.shape[1]:
        raise ValueError("product needs two matrices of the same number of columns")
    by_column = np.argsort(b.indices, kind="stable")  # a column's rows in increasing order
    count = np.bincount(b.indices, minlength=b.shape[1]).astype(np.int64)
    start = np.cumsum(count) - count
    dtype = np.result_type(a.data.dtype, b.data.dtype)
    a_data, b_data = a.data.astype(dtype, copy=False), b.data.astype(dtype, copy=False)
    a_row, b_row = a.row_of_entries(), b.row_of_entries()
    indptr = a.indptr.astype(np.int64)
    place = np.arange(len(a.indices), dtype=np.int64) - indptr[a_row]  # p: in its row
    times_held = _occurrence(b)[by_column]  # per entry of b.T: the how-manyth in its b row
    b_row_t, b_data_t = b_row[by_column], b_data[by_column]  # per entry of b.T: b's row, value
    repeats = int(times_held.max()) + 1 if len(times_held) else 1
    width = max(b.shape[0], 1)
    step = max(BLOCK_CELLS // width, 1)
    parts = []
    for first in range(0, a.shape[0], step):
        last = min(first + step, a.shape[0])
        lo, hi = int(indptr[first]), int(indptr[last])
        sums = np.zeros((last - first) * width, dtype=dtype)
        rounds = np.argsort(place[lo:hi], kind="stable") + lo  # by p, rows in order
        bounds = np.cumsum(np.bincount(place[lo:hi]))
        for chosen in np.split(rounds, bounds[:-1]):
            ks = a.indices[chosen]
            times = count[ks]
            other = ragged(start[ks], times)  # into b.T's entries
            # a's row and value repeated per product, not gathered per product
            key = np.repeat((a_row[chosen] - first) * width, times) + b_row_t[other]
            value = np.repeat(a_data[chosen], times) * b_data_t[other]
            if repeats == 1:
                sums[key] += value  # no key twice: each is one row's one entry's product
                continue
            for held in range(repeats):
                now = times_held[other] == held
                sums[key[now]] += value[now]
        # a mask first: np.flatnonzero of float32 is four times slower
        keep = sums != 0 if at_least is None else sums >= at_least
        if at_least is not None and not at_least > 0:
            keep &= sums != 0
        stored = np.flatnonzero(keep)
        row, col = np.divmod(stored, width)
        parts.append((row + first, col, sums[stored]))
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, dtype)
    if len(parts) == 1:
        return parts[0]
    return tuple(np.concatenate(part) for part in zip(*parts, strict=True))  # type: ignore[return-value]


def _occurrence(m: Csr) -> np.ndarray:
    """Per stored entry, how many entries of its row before it hold its column (0 unless a
    row repeats a column)."""
    key = m.row_of_entries() * max(m.shape[1], 1) + m.indices
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    new = np.r_[True, ordered[1:] != ordered[:-1]] if len(key) else np.zeros(0, bool)
    run_start = np.maximum.accumulate(np.where(new, np.arange(len(key)), 0))
    out = np.empty(len(key), dtype=np.int64)
    out[order] = np.arange(len(key)) - run_start
    return out


def dense_product(a: Csr, b: Csr) -> np.ndarray:
    """``(a @ b.T).toarray()`` as SciPy computes it (see ``product``)."""
    row, col, value = product(a, b)
    dense = np.zeros((a.shape[0], b.shape[0]), dtype=value.dtype)
    dense[row, col] = value
    return dense


def row_dots(m: Csr, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Row ``left[i]`` of ``m`` times its row ``right[i]``, for every i: SciPy's
    ``np.asarray(m[left].multiply(m[right]).sum(axis=1)).ravel()`` for a matrix whose rows
    hold each column once, in increasing order (as ``unit_rows`` makes them). SciPy multiplies
    the entries both rows hold, in column order, keeps the products that are not 0, and sums
    each row's with ``np.add.reduceat``; so does this.

    >>> m = Csr(np.array([0.6, 0.8, 1.0]), np.array([0, 1, 1]), np.array([0, 2, 3]), (2, 2))
    >>> row_dots(m, np.array([0, 1]), np.array([1, 1])).tolist()
    [0.8, 1.0]
    """
    left, right = np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64)
    width = max(m.shape[1], 1)
    held = m.row_of_entries() * width + m.indices  # increasing: rows, then columns, in order
    length = np.diff(m.indptr).astype(np.int64)[left]
    pair = np.repeat(np.arange(len(left), dtype=np.int64), length)
    mine = ragged(m.indptr[left].astype(np.int64), length)  # left rows' entries, in order
    wanted = right[pair] * width + m.indices[mine]
    theirs = np.minimum(np.searchsorted(held, wanted), max(len(held) - 1, 0))
    both = held[theirs] == wanted if len(held) else np.zeros(len(wanted), dtype=bool)
    values = m.data[mine[both]] * m.data[theirs[both]]
    pair = pair[both]
    pair, values = pair[values != 0], values[values != 0]
    sums = np.zeros(len(left), dtype=m.data.dtype)
    if len(pair):
        starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
        sums[pair[starts]] = np.add.reduceat(values, starts)
    return sums


def ragged(starts: np.ndarray | int, lengths: np.ndarray) -> np.ndarray:
    """``starts[i] + range(lengths[i])`` for each i, concatenated."""
    ends = np.cumsum(lengths)
    return np.arange(ends[-1] if len(ends) else 0) + np.repeat(starts - ends + lengths, lengths)
