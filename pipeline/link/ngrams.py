"""Nearest names on TF-IDF character n-grams, for blocking (``block.NameNeighbours``).

The vectors are exactly scikit-learn's ``TfidfVectorizer(analyzer="char_wb", ngram_range=(2,
3))``, built without its per-key Python tokenizer (n-grams are cut once per distinct word, a
key's counts are the sum of its words'); the cosine product is taken between distinct vectors
only (in NumPy when the products are few, ``SMALL_PRODUCTS``; else keeping each one's top
values, sparse_dot_topn), and each key's top k chosen from them as the product of every key
with every key would have chosen, ties included. The matrices are ``pipeline.text.csr.Csr``:
a run on small inputs never imports SciPy.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pipeline.text.csr import Csr, product, ragged

if TYPE_CHECKING:
    from scipy import sparse

MAX_NGRAM_KEYS = 1000
#: Up to this many products of two weights (per n-gram, the square of the distinct vectors
#: holding it), the product of the distinct vectors is taken whole in NumPy (the same float32
#: sums as SciPy's, ``pipeline.text.csr.product``; some 60 bytes a product, briefly); beyond,
#: sparse_dot_topn keeps each row's top values. The sample takes about 0.2 million.
SMALL_PRODUCTS = 1_000_000


def nearest_keys(
    keys: list[str], k: int, min_similarity: float, max_df: float = 0.05, chunk: int = 2000
) -> np.ndarray:
    """Index pairs (i, j), i != j, where j is among the ``k`` keys most similar to i.

    The vectors are exactly TfidfVectorizer's (char_wb 2- and 3-grams, float32), built without
    its per-key Python tokenizer. Each key's ``k`` nearest are the ``k`` largest similarities
    >= ``min_similarity`` off the diagonal of SciPy's product ``matrix @ matrix.T``, a tie going
    to the value SciPy stores first; ``chunk`` is the rows a SciPy product takes at a time
    where one is needed (see ``_nearest``).

    >>> nearest_keys(["anna smith", "ana smith", "bo wu"], 1, 0.5).tolist()
    [[0, 1], [1, 0]]
    """
    # An n-gram in thousands of keys makes the product quadratic and says little: the cap is a
    # share of the keys, and at most MAX_NGRAM_KEYS of them.
    max_df = min(max_df, MAX_NGRAM_KEYS / len(keys)) if len(keys) > 200 else 1.0
    counts = _char_wb_counts(keys, max_df)
    if counts is None:  # every n-gram too common, or none at all
        return np.zeros((0, 2), dtype="int64")
    # What TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), dtype=np.float32) returns.
    return _nearest(_tfidf(counts), k, min_similarity, chunk)


KEPT = 16  # similarities sparse_dot_topn keeps per distinct vector (see _nearest)


def _nearest(matrix: Csr, k: int, min_similarity: float, chunk: int = 2000) -> np.ndarray:
    """``_top_k(matrix @ matrix.T.tocsr(), arange(n), k, min_similarity)``, the same pairs in
    the same order, without the product of every key with every key.

    The max_df cap leaves many keys the same vector (a common first name loses all its
    n-grams: "sarah chatterjee" is "chatterjee"), a third of them at 200,000 names, and with
    it hundreds of equal similarities a row. So the product is taken between distinct vectors
    (rows as SciPy has them: the same n-grams in the same order, the same values), by
    sparse_dot_topn (Apache-2.0), which runs SciPy's product loop (the same float32 sums in
    the same order) in C++ on two threads, keeping each row's KEPT largest values and never
    the whole row. Which key a tie goes to is then rebuilt from how SciPy orders a row
    (``_first_shared``); a row whose kept values may miss a tie at its k-th key is multiplied
    again with SciPy, ``chunk`` rows at a time. Where the product of the distinct vectors
    is small (``SMALL_PRODUCTS``), it is taken whole in NumPy, every value of every row."""
    group, firsts = _same_rows(matrix)
    size = np.bincount(group, minlength=len(firsts))
    distinct = matrix.take(firsts)
    shared = np.bincount(distinct.indices, minlength=distinct.shape[1]).astype(np.int64)
    if int(shared @ shared) <= SMALL_PRODUCTS:
        row, col, val = product(distinct, distinct, np.float32(min_similarity))
        whole = np.zeros(len(firsts), dtype=bool)  # no row lacks a value: none is unsure
        entries = _enough(row, col, val, size, k + 1, whole)[0]
    else:
        entries = _top_entries(distinct.to_scipy(), size, k, min_similarity, chunk)
    return _keys_of(distinct, entries, group, size, k)


def _top_entries(
    distinct: sparse.csr_matrix, size: np.ndarray, k: int, min_similarity: float, chunk: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The similarities between distinct vectors that each row's first ``k + 1`` keys can come
    from (``_enough``), from sparse_dot_topn's top values of each row, a row whose kept values
    may miss a tie multiplied again by SciPy, ``chunk`` rows at a time."""
    from scipy import sparse
    from sparse_dot_topn import sp_matmul_topn

    n = distinct.shape[0]
    transposed = distinct.T.tocsr()
    # sp_matmul_topn keeps values > threshold: the float32 just below min_similarity makes that
    # the ">= min_similarity" of _top_k, which compares float32 similarities
    below = float(np.nextafter(np.float32(min_similarity), np.float32(-np.inf)))
    threads = min(2, os.cpu_count() or 1)
    top = KEPT if n > KEPT else n
    kept = sp_matmul_topn(distinct, transposed, top_n=top, threshold=below, n_threads=threads)
    row = np.repeat(np.arange(n), np.diff(kept.indptr))
    col, val = kept.indices.astype("int64"), kept.data
    entries, unsure = _enough(row, col, val, size, k + 1, np.diff(kept.indptr) >= top)
    if len(unsure):  # every similarity of those rows, from SciPy's product
        found = [entries]
        for start in range(0, len(unsure), chunk):
            rows = unsure[start : start + chunk]
            some = sparse.csr_matrix(distinct[rows] @ transposed)
            r = rows[np.repeat(np.arange(len(rows)), np.diff(some.indptr))]
            big = some.data >= np.float32(min_similarity)
            found.append(
                _enough(r[big], some.indices[big].astype("int64"), some.data[big], size,
                        k + 1, np.zeros(n, bool))[0]
            )  # fmt: skip
        rows, cols, vals = (np.concatenate(parts) for parts in zip(*found, strict=True))
        entries = (rows, cols, vals)
    return entries


def _enough(
    row: np.ndarray, col: np.ndarray, val: np.ndarray, size: np.ndarray, need: int,
    full: np.ndarray,
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:  # fmt: skip
    """Of a row's similarities (distinct vector ``row`` against ``col``, ``size`` keys each),
    those the first ``need`` keys can come from: every value >= the one where the keys,
    counted from the largest value down, reach ``need``. And the rows (``full``: some values
    dropped, each <= the smallest kept) where that value is the smallest kept, so that a tie
    of it may be missing."""
    order = np.lexsort((-val, row))
    row, col, val = row[order], col[order], val[order]
    starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]]) if len(row) else np.zeros(0, int)
    ends = np.r_[starts[1:], len(row)]
    keys = np.cumsum(size[col])
    before = np.repeat(keys[starts] - size[col][starts], ends - starts)
    # the first place in its row where the keys reach ``need`` (its last place if they never do)
    reached = keys - before >= need
    cut = np.minimum.reduceat(np.where(reached, np.arange(len(row)), len(row)), starts)
    cut = np.minimum(cut, ends - 1) if len(row) else cut
    threshold = np.repeat(val[cut], ends - starts)
    keep = val >= threshold
    unsure = row[starts][full[row[starts]] & (val[cut] <= val[ends - 1])]
    keep &= ~np.isin(row, unsure)
    return (row[keep], col[keep], val[keep]), unsure


def _keys_of(
    distinct: Csr | sparse.csr_matrix, entries: tuple[np.ndarray, np.ndarray, np.ndarray],
    group: np.ndarray, size: np.ndarray, k: int,
) -> np.ndarray:  # fmt: skip
    """(i, j) pairs of keys, by i then rank, from similarities between distinct vectors.

    SciPy stores a row of ``matrix @ matrix.T`` latest met first: column j is met at the first
    of row i's n-grams (in row i's order) that j has, and among the keys met at one n-gram in
    increasing j. So a row's keys rank by value, then by that n-gram's place, later first,
    then by j, larger first; ``_top_k`` gives a tie to the one stored first."""
    row, col, val = entries
    first = _first_shared(distinct, row, col)
    # each distinct vector's keys, largest first; no row needs more than k + 1 of one vector
    members = np.argsort(group, kind="stable")
    starts = np.cumsum(size) - size
    take = np.minimum(size[col], k + 1)
    entry = np.repeat(np.arange(len(row)), take)
    key = members[starts[col][entry] + size[col][entry] - 1 - ragged(0, take)]
    order = np.lexsort((-key, -first[entry], -val[entry], row[entry]))
    r, key = row[entry][order], key[order]
    # the first k + 1 of each distinct row's ranking, whose keys all share it
    at = np.flatnonzero(np.r_[True, r[1:] != r[:-1]]) if len(r) else np.zeros(0, int)
    rank = np.arange(len(r)) - np.repeat(at, np.diff(np.r_[at, len(r)]))
    r, key = r[rank <= k], key[rank <= k]
    lo = np.searchsorted(r, np.arange(len(size)))
    count = np.searchsorted(r, np.arange(len(size)), side="right") - lo
    # each key takes its vector's ranking without itself, its first k
    n = len(group)
    owner = np.repeat(np.arange(n), count[group])
    other = key[ragged(lo[group], count[group])]
    owner, other = owner[other != owner], other[other != owner]
    at = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]) if len(owner) else np.zeros(0, int)
    rank = np.arange(len(owner)) - np.repeat(at, np.diff(np.r_[at, len(owner)]))
    return np.column_stack([owner[rank < k], other[rank < k]]).astype("int64")


def _first_shared(matrix: Csr | sparse.csr_matrix, row: np.ndarray, col: np.ndarray) -> np.ndarray:
    """For each pair of rows (row, col) of ``matrix``, the place in row's stored order of the
    first column (n-gram) that col has too; the length of row when none."""
    length = np.diff(matrix.indptr)[row].astype("int64")
    first = length.copy()
    if not len(row):
        return first
    width = matrix.shape[1]
    own = np.repeat(np.arange(matrix.shape[0], dtype="int64"), np.diff(matrix.indptr))
    has = np.sort(own * width + matrix.indices)
    pair = np.repeat(np.arange(len(row)), length)
    place = ragged(0, length)
    code = col[pair] * width + matrix.indices[matrix.indptr[row][pair] + place]
    at = np.minimum(np.searchsorted(has, code), len(has) - 1)
    shared = has[at] == code
    pair, place = pair[shared], place[shared]
    # a pair's places come in increasing order: its first shared one is the smallest
    lead = np.r_[True, pair[1:] != pair[:-1]] if len(pair) else np.zeros(0, bool)
    first[pair[lead]] = place[lead]
    return first


def _same_rows(matrix: Csr) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the code of its content (column indices and values, in stored order), codes
    in order of first appearance, and per code its first row. Rows are grouped by hash
    (``_row_hash``), then each is compared with its group's first row entry by entry; should
    two differ (a collision), rows are grouped by their bytes instead."""
    n = matrix.shape[0]
    length = np.diff(matrix.indptr).astype("int64")
    group = pd.factorize(_row_hash(matrix))[0]
    firsts = np.full(group.max(initial=-1) + 1, n, dtype="int64")
    np.minimum.at(firsts, group, np.arange(n))
    start = matrix.indptr[firsts[group]].astype("int64")
    at = np.repeat(start, length) + ragged(0, length)
    same = (matrix.indices[at] == matrix.indices) & (matrix.data[at] == matrix.data)
    if not same.all():
        rows = [
            matrix.indices[a:b].tobytes() + matrix.data[a:b].tobytes()
            for a, b in zip(matrix.indptr[:-1], matrix.indptr[1:], strict=True)
        ]
        group = pd.factorize(pd.Series(rows, dtype=object))[0]
        firsts = np.full(group.max(initial=-1) + 1, n, dtype="int64")
        np.minimum.at(firsts, group, np.arange(n))
    return group.astype("int64"), firsts


def _row_hash(matrix: Csr) -> np.ndarray:
    """A 64-bit polynomial hash per row of its entries (column index and value bits) in stored
    order."""
    length = np.diff(matrix.indptr).astype("int64")
    bits = matrix.data.astype(np.float32).view(np.uint32).astype(np.uint64)
    entry = (matrix.indices.astype(np.uint64) << np.uint64(32)) | bits
    # odd, so every power is too; the products wrap modulo 2**64
    powers = np.cumprod(np.full(int(length.max(initial=0)) + 1, 0x9E3779B97F4A7C15, np.uint64))
    mixed = (entry ^ np.uint64(0xFF51AFD7ED558CCD)) * powers[ragged(0, length)]
    total = length.astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F)
    nonempty = np.flatnonzero(length)
    if len(nonempty):
        total[nonempty] += np.add.reduceat(mixed, matrix.indptr[:-1][nonempty])
    return total


def _tfidf(counts: Csr) -> Csr:
    """``TfidfTransformer().fit_transform(counts)`` for float32 counts, step for step (smooth
    idf in float32, rows scaled to unit length with the sum of squares in float64), without
    importing scikit-learn, which costs seconds before any work."""
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
    return Csr(data, counts.indices, counts.indptr, counts.shape)


def _char_wb_counts(keys: list[str], max_df: float) -> Csr | None:
    """``CountVectorizer(analyzer="char_wb", ngram_range=(2, 3), max_df=max_df,
    dtype=np.float32).fit_transform(keys)``, the same matrix bit for bit; None where it raises.

    Its tokenizer is a Python loop per key; here n-grams are cut once per distinct word (a
    key's are its words': char_wb pads each word on its own) and a key's counts are the sum of
    its words' rows (each word's n-grams repeated per place of the word, counted per key and
    n-gram, as the sparse product (keys x words) @ (words x n-grams) would). As in scikit-learn,
    columns are the n-grams in sorted order and a row's entries come in the order the n-grams
    were first met in the keys."""
    word, words, n_words = _words(keys)
    if not len(words) or max_df * len(keys) < 1:
        return None  # "empty vocabulary", "max_df corresponds to < documents than min_df"
    count, met, by_met = _word_ngrams(words)
    limit = max_df * len(keys)
    owner = np.repeat(np.arange(len(words)), count)
    slot_key = np.repeat(np.arange(len(keys), dtype=np.int64), n_words)
    # An n-gram held by more than ``limit`` keys, at least, will be dropped: the product
    # leaves it out (at large, 683 n-grams such as "an" made 5.8 of its 6.2 million entries)
    common = _held_at_least(word, n_words, owner, met, len(by_met)) > limit
    left = ~common[met]
    counts = _per_key_counts(slot_key, word, met[left], owner[left], len(keys), len(by_met))
    # n-grams by first met -> kept or not, then the kept ones numbered in sorted order
    kept_met = (np.bincount(counts.indices, minlength=len(by_met)) <= limit) & ~common
    if not kept_met.any():
        return None  # "After pruning, no terms remain"
    keep = np.zeros(len(by_met), dtype=bool)
    keep[by_met] = kept_met
    kept = kept_met[counts.indices]
    column = (np.cumsum(keep) - 1)[by_met[counts.indices[kept]]]
    row = np.repeat(np.arange(len(keys)), np.diff(counts.indptr))
    indptr = np.r_[0, np.cumsum(np.bincount(row[kept], minlength=len(keys)))]
    return Csr(
        counts.data[kept], column.astype(np.int32), indptr.astype(np.int32),
        (len(keys), int(keep.sum())),
    )  # fmt: skip


def _held_at_least(
    word: np.ndarray, n_words: np.ndarray, owner: np.ndarray, met: np.ndarray, n_met: int
) -> np.ndarray:
    """Per n-gram (``met``: of word ``owner``), a number of keys it is in, at most the true
    number: the keys whose first word holds it or those whose last word does, whichever are
    more. A key has one first word and one last, so each of these counts is exact (the sum of
    its words' counts, each key once); a key holding it in both counts once in either."""
    ends = np.cumsum(n_words)
    spoken = n_words > 0
    # each n-gram once per word ("banana" holds "an" twice)
    shared = np.sort(owner.astype(np.int64) * max(n_met, 1) + met, kind="stable")
    shared = shared[np.r_[True, shared[1:] != shared[:-1]]] if len(shared) else shared
    of_word, ngram = shared // max(n_met, 1), shared % max(n_met, 1)
    held = np.zeros(n_met)
    n_distinct = int(word.max(initial=-1)) + 1
    for at in (ends - n_words, ends - 1):  # the first words, the last words
        keys_of_word = np.bincount(word[at[spoken]], minlength=n_distinct)
        held = np.maximum(held, np.bincount(ngram, keys_of_word[of_word], minlength=n_met))
    return held


def _per_key_counts(
    slot_key: np.ndarray, word: np.ndarray, met: np.ndarray, owner: np.ndarray, n_keys: int,
    n_met: int,
) -> Csr:  # fmt: skip
    """Per key (``slot_key``: the key of each word place, in order, ``word``: its word), how
    often each n-gram (``met``, of word ``owner``, in order of word) comes in its words, as
    float32: the product (keys x words) @ (words x n-grams) of ones, each row by n-gram number."""
    per_word = np.bincount(owner, minlength=int(word.max(initial=-1)) + 1).astype(np.int64)
    times = per_word[word]
    entry = ragged((np.cumsum(per_word) - per_word)[word], times)
    code = np.repeat(slot_key, times) * n_met + met[entry]
    # np.unique(code, return_counts=True), the codes by key already: a stable sort (timsort)
    # orders each key's few entries, a sixth of the quicksort np.unique takes
    code = np.sort(code, kind="stable")
    start = np.flatnonzero(np.r_[True, code[1:] != code[:-1]]) if len(code) else code[:0]
    pairs, count = code[start], np.diff(np.r_[start, len(code)])
    row = pairs // max(n_met, 1)
    indptr = np.r_[0, np.cumsum(np.bincount(row, minlength=n_keys))]
    return Csr(count.astype(np.float32), pairs % max(n_met, 1), indptr, (n_keys, n_met))


def _words(keys: list[str]) -> tuple[np.ndarray, pd.Index, np.ndarray]:
    """The words of ``key.lower().split()`` for every key, one after another, as codes of the
    distinct words in order of first appearance (a word is met before any word with a higher
    code), those words, and the number of words per key.

    The keys are lowered and split as one text, keys apart by a NUL made a word of its own
    (NUL is not white space, lowering never makes one, and lowering never looks past it), so
    splitting is not a Python call per key; keys holding a NUL are split one by one."""
    ascii_words = _ascii_words(keys)
    if ascii_words is not None:
        return ascii_words
    text = "\0".join(keys)
    if text.count("\0") != len(keys) - 1:
        split = [key.lower().split() for key in keys]
        n_words = np.array([len(ws) for ws in split], dtype="int64")
        word, words = pd.factorize(pd.Series([w for ws in split for w in ws], dtype=object))
        return word, words, n_words
    tokens = pd.Series(text.lower().replace("\0", " \0 ").split(), dtype=object)
    code, uniques = pd.factorize(tokens)
    stop = uniques.get_indexer(["\0"])[0]
    is_word = code != stop
    # words before the first NUL, between two, after the last: a key's
    n_words = np.diff(np.r_[-1, np.flatnonzero(~is_word), len(code)]) - 1
    word, present = pd.factorize(code[is_word])
    return word, pd.Index(uniques.take(present)), n_words.astype("int64")


def _ascii_words(keys: list[str]) -> tuple[np.ndarray, pd.Index, np.ndarray] | None:
    """``_words`` by Arrow where every key is printable ASCII (there ``str.lower`` is ASCII's
    and the only white space a " "); None otherwise. Words are coded in order of first
    appearance, as pandas codes them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        text = pa.array(keys, pa.large_string())
    except (pa.ArrowException, UnicodeEncodeError):  # text UTF-8 cannot hold
        return None
    if text.null_count or not pc.all(pc.match_substring_regex(text, "^[ -~]*$")).as_py():
        return None
    lists = pc.split_pattern(pc.ascii_lower(text), " ")
    words = pc.list_flatten(lists)
    real = pc.not_equal(words, "")  # "" between two spaces, or at either end, is no word
    owner = pc.list_parent_indices(lists).filter(real).to_numpy()
    encoded = words.filter(real).dictionary_encode()
    word = encoded.indices.to_numpy(zero_copy_only=False).astype(np.intp)
    distinct = np.asarray(encoded.dictionary.to_numpy(zero_copy_only=False), dtype=object)
    n_words = np.bincount(owner, minlength=len(keys)).astype("int64")
    return word, pd.Index(distinct), n_words


def _word_ngrams(words: pd.Index) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The char_wb n-grams of distinct words, as scikit-learn cuts them (windows of " word ":
    2-grams, then 3-grams), word after word in one table: the count per word, each entry's
    n-gram numbered in order of first place in the table, and for those numbers the n-gram's
    rank in sorted order of text."""
    words = words.tolist()  # Python's str once: a pandas text Index yields them one call each
    size = np.array([len(w) + 2 for w in words])  # of " word "
    text = "".join(f" {w} " for w in words).encode("utf-32-le", "surrogatepass")
    chars = np.r_[np.frombuffer(text, np.uint32).astype("int64") + 1, 0, 0]  # 0: no 3rd char
    count = 2 * size - 3
    owner = np.repeat(np.arange(len(size)), count)
    j = ragged(0, count)
    is3 = j >= (size - 1)[owner]
    at = (np.cumsum(size) - size)[owner] + j - np.where(is3, (size - 1)[owner], 0)
    code = (chars[at] << 42) | (chars[at + 1] << 21) | np.where(is3, chars[at + 2], 0)
    met, distinct = pd.factorize(code)  # numbered in order of first place (hashed, not sorted)
    by_met = np.empty(len(distinct), "int64")  # the codes sort as the n-grams' text does
    by_met[np.argsort(distinct, kind="stable")] = np.arange(len(distinct))
    return count, met.astype("int64"), by_met
