"""CompanyTokenWeights, counted per distinct key, gives scikit-learn's TfidfVectorizer scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from pipeline.normalize.companies import (
    _STOP_WORDS,
    GENERIC_IDF,
    CompanyTokenWeights,
    _words,
)
from pipeline.text.fold import fold

WORDS = ["acme", "bank", "group", "of", "the", "royal", "zenith", "labs", "Montréal", "ÉNERGIE",
         "solutions", "and", "co", "north", "star", "x"]  # fmt: skip


def _reference(keys: list[str], a: list[str], b: list[str]) -> np.ndarray:
    """What the weights were before: scikit-learn's vectorizer, generic idf forced down."""
    vectorizer = TfidfVectorizer(
        analyzer="word", preprocessor=fold, token_pattern=r"(?u)\b\w+\b",
        stop_words=list(_STOP_WORDS), dtype=np.float64,
    )  # fmt: skip
    generic = _words("generic")
    vectorizer.fit([*(k for k in keys if isinstance(k, str) and k), *sorted(generic)])
    idf = vectorizer.idf_.copy()
    idf[[vectorizer.vocabulary_[w] for w in generic if w in vectorizer.vocabulary_]] = GENERIC_IDF
    vectorizer.idf_ = idf
    left, right = vectorizer.transform(a), vectorizer.transform(b)
    return np.clip(np.asarray(left.multiply(right).sum(axis=1)).ravel(), 0, 1)


def test_weights_equal_scikit_learns_on_repeated_keys() -> None:
    rng = np.random.default_rng(3)
    # keys that repeat (as the pairs' keys do in link), with blanks, stop words and accents
    pool = [" ".join(rng.choice(WORDS, size=rng.integers(1, 4))) for _ in range(60)]
    keys = [*rng.choice(pool, size=800).tolist(), "", "", "of the"]
    a = rng.choice([*pool, "unseen words", ""], size=300).tolist()
    b = rng.choice([*pool, "acme", ""], size=300).tolist()
    ours = CompanyTokenWeights.fit(keys).similarity(pd.Series(a), pd.Series(b))
    expected = _reference(keys, a, b)
    assert ours.shape == expected.shape
    np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-12)
    assert (ours > 0).sum() > 30 and (ours == 0).sum() > 30  # both kinds of pair were tested


def test_weights_of_counted_keys_equal_those_of_the_keys_repeated() -> None:
    """``fit_counted`` (link's distinct keys and how often each is compared) gives ``fit``'s
    vocabulary and idf bit for bit: blanks, None, a generic word as a key, a count of 0."""
    rng = np.random.default_rng(5)
    pool = [" ".join(rng.choice(WORDS, size=rng.integers(1, 4))) for _ in range(40)]
    distinct = [*dict.fromkeys(pool), "", None, sorted(_words("generic"))[0]]
    counts = rng.integers(0, 5, len(distinct))
    counts[0] = 0
    repeated = [k for k, n in zip(distinct, counts.tolist(), strict=True) for _ in range(n)]
    order = rng.permutation(len(repeated))
    want = CompanyTokenWeights.fit([repeated[i] for i in order])
    got = CompanyTokenWeights.fit_counted(np.array(distinct, dtype=object), counts)
    assert dict(got.vocabulary) == dict(want.vocabulary)
    assert got.idf.tolist() == want.idf.tolist()
