"""TF-IDF of character n-grams inside word boundaries, without scikit-learn.

``char_wb_tfidf`` returns what ``TfidfVectorizer(analyzer="char_wb", ngram_range=(lo, hi),
sublinear_tf=...)`` returns for the same texts (lower-cased, smooth idf, rows of unit length;
tests/rank/test_char_tfidf.py compares them). Importing scikit-learn costs 1.3-2 s, more than
ranking the bundled sample, and only this vectorizer needed it on a run.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from pipeline.text.csr import Csr

_WHITE_SPACES = re.compile(r"\s\s+")


def _ngrams(text: str, lo: int, hi: int) -> list[str]:
    """scikit-learn's ``_char_wb_ngrams``: each word padded with one space either side."""
    grams: list[str] = []
    for word in _WHITE_SPACES.sub(" ", text).split():
        padded = f" {word} "
        length = len(padded)
        for n in range(lo, hi + 1):
            offset = 0
            grams.append(padded[offset : offset + n])
            while offset + n < length:
                offset += 1
                grams.append(padded[offset : offset + n])
            if offset == 0:  # a word shorter than n counts once
                break
    return grams


def char_wb_tfidf(
    texts: Sequence[str], ngram_range: tuple[int, int] = (3, 4), *, sublinear_tf: bool = False
) -> Csr:
    """Rows of unit length (float64), one per text; columns are the n-grams in sorted order.

    >>> from pipeline.text.csr import dense_product
    >>> m = char_wb_tfidf(["data scientist", "data science"])
    >>> m.shape[0], round(float(dense_product(m.take([0]), m.take([1]))[0, 0]), 2)
    (2, 0.47)
    """

    lo, hi = ngram_range
    counted: list[dict[str, int]] = []
    for text in texts:
        row: dict[str, int] = {}
        for gram in _ngrams(text.lower(), lo, hi):
            row[gram] = row.get(gram, 0) + 1
        counted.append(row)
    vocabulary = {g: i for i, g in enumerate(sorted({g for row in counted for g in row}))}
    if not vocabulary:
        raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
    indptr: list[int] = [0]
    indices: list[int] = []
    data: list[float] = []
    for row in counted:
        cols = sorted(vocabulary[g] for g in row)
        grams = sorted(row, key=vocabulary.__getitem__)
        indices.extend(cols)
        data.extend((1.0 + math.log(row[g])) if sublinear_tf else float(row[g]) for g in grams)
        indptr.append(len(indices))
    index = np.asarray(indices, dtype=np.int64)
    idf = smooth_idf(np.bincount(index, minlength=len(vocabulary)), len(texts))
    values = np.asarray(data, dtype=np.float64) * idf[index]
    return unit_rows(values, index, indptr, len(vocabulary))


def smooth_idf(document_frequency: np.ndarray, documents: int) -> np.ndarray:
    """scikit-learn's smooth idf, ln((1 + n) / (1 + df)) + 1, in float64.

    >>> smooth_idf(np.array([1, 3]), 3).round(3).tolist()
    [1.693, 1.0]
    """
    df = np.asarray(document_frequency, dtype=np.float64) + 1.0
    return np.log(float(documents + 1) / df) + 1.0


def unit_rows(values: np.ndarray, indices: np.ndarray, indptr: Sequence[int], columns: int) -> Csr:
    """The CSR matrix of ``values`` with each row scaled to unit length (an empty row stays
    zero), as scikit-learn's ``norm="l2"`` does."""
    pointers = np.asarray(indptr, dtype=np.int64)
    n = len(pointers) - 1
    rows = np.repeat(np.arange(n), np.diff(pointers))
    norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=n))
    scaled = values / np.where(norms == 0.0, 1.0, norms)[rows]
    return Csr(scaled, np.asarray(indices), pointers, (n, columns))
