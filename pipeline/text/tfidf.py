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
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy import sparse

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
) -> sparse.csr_matrix:
    """Rows of unit length (float64), one per text; columns are the n-grams in sorted order.

    >>> m = char_wb_tfidf(["data scientist", "data science"])
    >>> m.shape[0], round(float((m[0] @ m[1].T).toarray()[0, 0]), 2)
    (2, 0.47)
    """
    from scipy import sparse  # SciPy only when titles are compared to roles

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
    values = np.asarray(data, dtype=np.float64)
    df = np.bincount(index, minlength=len(vocabulary)).astype(np.float64) + 1.0
    idf = np.log(float(len(texts) + 1) / df) + 1.0
    values = values * idf[index]
    rows = np.repeat(np.arange(len(texts)), np.diff(indptr))
    norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=len(texts)))
    values = values / np.where(norms == 0.0, 1.0, norms)[rows]
    shape = (len(texts), len(vocabulary))
    return sparse.csr_matrix((values, index, np.asarray(indptr, dtype=np.int64)), shape=shape)
