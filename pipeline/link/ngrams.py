"""Nearest names on TF-IDF character n-grams, for blocking (``block.NameNeighbours``).

The vectors are exactly scikit-learn's ``TfidfVectorizer(analyzer="char_wb", ngram_range=(2,
3))``, built without its per-key Python tokenizer (n-grams are cut once per distinct word and
counted by sorting); the cosine product is taken in chunks, keeping each key's top k.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from scipy import sparse

MAX_NGRAM_KEYS = 1000


def nearest_keys(
    keys: list[str], k: int, min_similarity: float, max_df: float = 0.05, chunk: int = 2000
) -> np.ndarray:
    """Index pairs (i, j), i != j, where j is among the ``k`` keys most similar to i.

    The vectors are exactly TfidfVectorizer's (char_wb 2- and 3-grams, float32), built without
    its per-key Python tokenizer; the cosine product is taken ``chunk`` rows at a time.

    >>> nearest_keys(["anna smith", "ana smith", "bo wu"], 1, 0.5).tolist()
    [[0, 1], [1, 0]]
    """
    # An n-gram in thousands of keys makes the product quadratic and says little: the cap is a
    # share of the keys, and at most MAX_NGRAM_KEYS of them.
    max_df = min(max_df, MAX_NGRAM_KEYS / len(keys)) if len(keys) > 200 else 1.0
    counts = _char_wb_counts(keys, max_df)
    if counts is None:  # every n-gram too common, or none at all
        return np.zeros((0, 2), dtype="int64")
    from scipy import sparse  # SciPy only when names are blocked: keeps startup light

    # What TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), dtype=np.float32) returns.
    matrix = _tfidf(counts)
    transposed = matrix.T.tocsr()  # not csc, which the product would convert chunk by chunk

    def top(start: int) -> np.ndarray:
        product = sparse.csr_matrix(matrix[start : start + chunk] @ transposed)
        return _top_k(product, start, k, min_similarity)

    # SciPy's product and numpy release the GIL: chunks on two threads take about half the
    # time on two cores, and map keeps their order
    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        found = list(pool.map(top, range(0, matrix.shape[0], chunk)))
    return np.concatenate(found).astype("int64") if found else np.zeros((0, 2), "int64")


def _tfidf(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    """``TfidfTransformer().fit_transform(counts)`` for float32 counts, step for step (smooth
    idf in float32, rows scaled to unit length with the sum of squares in float64), without
    importing scikit-learn, which costs seconds before any work."""
    from scipy import sparse

    df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float32)
    df += np.float32(1.0)
    idf = np.full_like(df, counts.shape[0] + 1, dtype=np.float32)
    idf /= df
    np.log(idf, out=idf)
    idf += np.float32(1.0)
    data = counts.data * idf[counts.indices]
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    norms = np.sqrt(np.bincount(rows, weights=(data * data), minlength=counts.shape[0]))
    scale = np.where(norms == 0.0, 1.0, norms)[rows]
    data = (data / scale).astype(np.float32)
    return sparse.csr_matrix((data, counts.indices, counts.indptr), shape=counts.shape)


def _char_wb_counts(
    keys: list[str], max_df: float, chunk: int = 20_000
) -> sparse.csr_matrix | None:
    """``CountVectorizer(analyzer="char_wb", ngram_range=(2, 3), max_df=max_df,
    dtype=np.float32).fit_transform(keys)``, the same matrix bit for bit; None where it raises.

    Its tokenizer is a Python loop per key; here n-grams are cut once per distinct word (a
    key's are its words') and counted by sorting, ``chunk`` keys at a time. As in
    scikit-learn, columns are the n-grams in sorted order and a row's entries come in the order
    the n-grams were first met in the keys."""
    split = [key.lower().split() for key in keys]
    n_words = np.array([len(ws) for ws in split], dtype="int64")
    # Codes in order of first appearance: a word is met before any word with a higher code.
    word, words = pd.factorize(pd.Series([w for ws in split for w in ws], dtype=object))
    del split
    if not len(words) or max_df * len(keys) < 1:
        return None  # "empty vocabulary", "max_df corresponds to < documents than min_df"
    count, met, by_met = _word_ngrams(words)
    first = np.cumsum(count) - count
    slot_end = np.cumsum(n_words)
    cells, tallies, per_key = [], [], []
    for lo in range(0, len(keys), chunk):
        hi = min(lo + chunk, len(keys))
        slots = word[slot_end[lo] - n_words[lo] : slot_end[hi - 1]]
        doc = np.repeat(np.repeat(np.arange(hi - lo), n_words[lo:hi]), count[slots])
        # Sorted by (key, n-gram first met): runs are counts, in scikit-learn's order.
        cell = np.sort(doc * len(by_met) + met[ragged(first[slots], count[slots])])
        runs = np.flatnonzero(np.r_[True, cell[1:] != cell[:-1]])
        cells.append(by_met[cell[runs] % len(by_met)].astype(np.int32))
        tallies.append(np.diff(np.r_[runs, len(cell)]).astype(np.int32))
        per_key.append(np.bincount(cell[runs] // len(by_met), minlength=hi - lo))
    cell_gram, tally = np.concatenate(cells), np.concatenate(tallies)
    keep = np.bincount(cell_gram, minlength=len(by_met)) <= max_df * len(keys)
    if not keep.any():
        return None  # "After pruning, no terms remain"
    from scipy import sparse

    kept = keep[cell_gram]
    indptr = np.r_[0, np.cumsum(kept)][np.r_[0, np.cumsum(np.concatenate(per_key))]]
    return sparse.csr_matrix(
        (
            tally[kept].astype(np.float32),
            (np.cumsum(keep) - 1)[cell_gram[kept]].astype(np.int32),
            indptr.astype(np.int32),
        ),
        shape=(len(keys), int(keep.sum())),
    )


def _word_ngrams(words: pd.Index) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The char_wb n-grams of distinct words, as scikit-learn cuts them (windows of " word ":
    2-grams, then 3-grams), word after word in one table: the count per word, each entry's
    n-gram numbered in order of first place in the table, and for those numbers the n-gram's
    rank in sorted order of text."""
    size = np.array([len(w) + 2 for w in words])  # of " word "
    text = "".join(f" {w} " for w in words).encode("utf-32-le", "surrogatepass")
    chars = np.r_[np.frombuffer(text, np.uint32).astype("int64") + 1, 0, 0]  # 0: no 3rd char
    count = 2 * size - 3
    owner = np.repeat(np.arange(len(size)), count)
    j = ragged(0, count)
    is3 = j >= (size - 1)[owner]
    at = (np.cumsum(size) - size)[owner] + j - np.where(is3, (size - 1)[owner], 0)
    code = (chars[at] << 42) | (chars[at + 1] << 21) | np.where(is3, chars[at + 2], 0)
    order = np.argsort(code, kind="stable")
    new = np.r_[True, code[order][1:] != code[order][:-1]]
    by_met = order[new].argsort(kind="stable")  # sorted ranks, in order of first place
    met = np.empty(len(by_met), "int64")
    met[by_met] = np.arange(len(by_met))
    return count, met[(np.cumsum(new) - 1)[order.argsort(kind="stable")]], by_met


def _top_k(sims: sparse.csr_matrix, start: int, k: int, min_similarity: float) -> np.ndarray:
    """(row + start, column) of each row's ``k`` largest values >= ``min_similarity`` off the
    diagonal, by row then rank; a tie goes to the value stored first (as a stable sort would).

    Taking each row's maximum k times is linear, where sorting the ~100 values a row keeps
    cost most of the time of nearest_keys."""
    keep = np.flatnonzero(sims.data >= min_similarity)
    rows = np.searchsorted(sims.indptr, keep, side="right") - 1 + start
    cols, vals = sims.indices[keep], sims.data[keep]
    off = rows != cols
    rows, cols, vals = rows[off], cols[off], vals[off]
    if not len(rows):
        return np.zeros((0, 2), "int64")
    first = np.r_[0, np.flatnonzero(np.diff(rows)) + 1]  # where each row's values begin
    row_of = np.repeat(np.arange(len(first)), np.diff(np.r_[first, len(rows)]))
    taken: list[np.ndarray] = []
    for _ in range(k):
        best = np.maximum.reduceat(vals, first)
        at = np.flatnonzero(vals == best[row_of])
        at = at[np.r_[True, row_of[at[1:]] != row_of[at[:-1]]]]  # the first of a row's ties
        at = at[vals[at] > -np.inf]  # rows with fewer than k values are done
        vals[at] = -np.inf
        taken.append(at)
    chosen = np.concatenate(taken)
    chosen = chosen[np.lexsort((np.repeat(np.arange(k), [len(t) for t in taken]), rows[chosen]))]
    return np.column_stack([rows[chosen], cols[chosen]])


def ragged(starts: np.ndarray | int, lengths: np.ndarray) -> np.ndarray:
    """``starts[i] + range(lengths[i])`` for each i, concatenated."""
    ends = np.cumsum(lengths)
    return np.arange(ends[-1] if len(ends) else 0) + np.repeat(starts - ends + lengths, lengths)
