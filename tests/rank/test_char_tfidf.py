"""char_wb_tfidf gives scikit-learn's TfidfVectorizer(analyzer="char_wb") matrix."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from pipeline.text.csr import dense_product
from pipeline.text.tfidf import char_wb_tfidf

TEXTS = [
    "Senior Data Scientist", "data scientist / ML", "UX  Researcher", "user researcher",
    "Product Manager", "a", "VP, Engineering", "Ingénieur logiciel", "x y", "data data data",
    "Financial Analyst II", "analyst", "  leading and trailing  ", "Data\tScientist",
]  # fmt: skip


@pytest.mark.parametrize(("ngrams", "sublinear"), [((3, 4), True), ((2, 3), False), ((1, 1), True)])
def test_the_matrix_equals_scikit_learns(ngrams: tuple[int, int], sublinear: bool) -> None:
    ours = char_wb_tfidf(TEXTS, ngrams, sublinear_tf=sublinear)
    ref = TfidfVectorizer(analyzer="char_wb", ngram_range=ngrams, sublinear_tf=sublinear)
    expected = ref.fit_transform(TEXTS)
    assert ours.shape == expected.shape
    np.testing.assert_allclose(ours.toarray(), expected.toarray(), rtol=0, atol=1e-12)
    first, rest = ours.take(np.arange(5)), ours.take(np.arange(5, len(TEXTS)))
    cos = dense_product(first, rest)
    np.testing.assert_allclose(cos, (expected[:5] @ expected[5:].T).toarray(), rtol=0, atol=1e-12)
    # and SciPy's own product of our matrix, bit for bit (what role_fit took before)
    scipy_matrix = ours.to_scipy()
    assert np.array_equal(cos, (scipy_matrix[:5] @ scipy_matrix[5:].T).toarray())


def test_no_n_gram_at_all_is_an_error_as_in_scikit_learn() -> None:
    with pytest.raises(ValueError, match="empty vocabulary"):
        char_wb_tfidf(["", "   "])
