"""The oracle for link's character n-gram counts: scikit-learn's CountVectorizer, bit for bit.
Shared by the tests of the counts (tests/link/test_block_speed_equivalence.py) and of the
common-word cut before the product (tests/link/test_nearest_distinct.py)."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from pipeline.link.ngrams import _char_wb_counts


def assert_counts_are_count_vectorizers(keys: list[str], max_df: float) -> None:
    """``_char_wb_counts(keys, max_df)`` is CountVectorizer's matrix (same structure, dtypes
    and values), or None exactly where CountVectorizer finds no n-gram left to keep."""
    vectorizer = CountVectorizer(
        analyzer="char_wb", ngram_range=(2, 3), max_df=max_df, dtype=np.float32
    )
    try:
        expected = vectorizer.fit_transform(keys)
    except ValueError:
        assert _char_wb_counts(keys, max_df) is None
        return
    got = _char_wb_counts(keys, max_df)
    assert got is not None and got.shape == expected.shape
    for part in ("indptr", "indices", "data"):
        a, b = getattr(got, part), getattr(expected, part)
        assert a.dtype == b.dtype and np.array_equal(a, b), (max_df, part)
