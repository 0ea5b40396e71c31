"""Nearest names between distinct vectors (pipeline.link.ngrams._nearest) choose exactly what
the whole product of every key with every key chose, ties included: both ways, the product
taken whole in NumPy (few products, as on the sample) and sparse_dot_topn's kept values."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from pipeline.link import ngrams
from pipeline.link.ngrams import _char_wb_counts, _nearest, _same_rows, _tfidf, _words
from pipeline.text.csr import Csr
from tests.link.ngram_oracle import assert_counts_are_count_vectorizers

#: The two ways ``_nearest`` takes: the whole product in NumPy, or sparse_dot_topn keeping
#: that many values a row (KEPT 2 or 4 with k up to 3: most rows' kept values stop inside a
#: tie, so the rows that SciPy multiplies again and the rebuilt tie order are both exercised).
WAYS = ["numpy", 2, 4, 16]


def _take(way: str | int, monkeypatch: pytest.MonkeyPatch) -> None:
    if way == "numpy":
        monkeypatch.setattr(ngrams, "SMALL_PRODUCTS", 10**12)
    else:
        monkeypatch.setattr(ngrams, "SMALL_PRODUCTS", -1)
        monkeypatch.setattr(ngrams, "KEPT", way)


def _top_k_of_whole_product(matrix: Csr, k: int, min_similarity: float):
    """The rule as it was: SciPy's product of every row with every row, then per row the k
    largest values >= min_similarity off the diagonal, a tie to the value stored first."""
    scipy_matrix = matrix.to_scipy()
    product = sparse.csr_matrix(scipy_matrix @ scipy_matrix.T.tocsr()).tocoo()
    keep = (product.data >= np.float32(min_similarity)) & (product.row != product.col)
    rows, cols, vals = product.row[keep], product.col[keep], product.data[keep]
    order = np.lexsort((-vals, rows))  # stable: stored order breaks ties
    rows, cols = rows[order], cols[order]
    first = np.r_[0, np.flatnonzero(np.diff(rows)) + 1] if len(rows) else np.zeros(0, int)
    rank = np.arange(len(rows)) - np.repeat(first, np.diff(np.r_[first, len(rows)]))
    return np.column_stack([rows[rank < k], cols[rank < k]]).astype("int64")


def _hostile_keys(rng: random.Random, n: int) -> list[str]:
    """Names whose common first names the n-gram cap erases (so many keys share one vector and
    hundreds of similarities tie), swapped and repeated words, one-letter words, empty keys,
    keys that differ only in case or spacing, and non-ASCII letters."""
    firsts = ["sarah", "emily", "dan", "li", "ann", "anna", "zoë", "i", "ο"]
    lasts = ["chatterjee", "phillips", "lee", "li", "okafor", "nguyen", "smith", "smyth", "σσ"]
    keys = []
    for _ in range(n):
        shape = rng.random()
        first, last = rng.choice(firsts), rng.choice(lasts)
        if shape < 0.55:
            keys.append(f"{first} {last}")
        elif shape < 0.65:
            keys.append(f"{last} {first}")
        elif shape < 0.72:
            keys.append(f"{first} {first} {last}")
        elif shape < 0.78:
            keys.append(last)
        elif shape < 0.82:
            keys.append(f"  {first.upper()}\t{last} ")
        elif shape < 0.86:
            keys.append("")
        elif shape < 0.93:
            typo = list(last)
            typo[rng.randrange(len(typo))] = rng.choice("aeiouxyz")
            keys.append(f"{first} {''.join(typo)}")
        else:
            keys.append(f"{rng.choice('abcxyz')} {last}")
    return keys


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("way", WAYS)
def test_nearest_between_distinct_vectors_equals_the_whole_product(seed, way, monkeypatch):
    _take(way, monkeypatch)  # SciPy multiplies unsure rows again in chunks of 5
    rng = random.Random(seed)
    keys = _hostile_keys(rng, rng.randint(60, 400))
    for max_df in (1.0, 0.2, 0.05):
        counts = _char_wb_counts(keys, max_df)
        if counts is None:
            continue
        matrix = _tfidf(counts)
        for k in (1, 2, 3):
            for min_similarity in (0.0, 0.3, 0.6):
                expected = _top_k_of_whole_product(matrix, k, min_similarity)
                got = _nearest(matrix, k, min_similarity, chunk=5)
                assert np.array_equal(got, expected), (max_df, k, min_similarity)


@pytest.mark.parametrize("way", WAYS)
def test_many_keys_of_one_vector_tie_as_scipy_stores_them(way, monkeypatch):
    _take(way, monkeypatch)
    # first names made of the n-grams every key has, which the cap drops: every "<first>
    # chatterjee" is the vector of "chatterjee", and each key's nearest are chosen among many
    # equal similarities, as SciPy's order has them
    firsts = ["a" * n for n in range(2, 12)]
    lasts = ["chatterjee", "chaterjee", "phillips", "philips", "okoro", "wright", "kumar"]
    keys = [f"{f} {last}" for last in lasts for f in firsts]
    matrix = _tfidf(_char_wb_counts(keys, 0.3))
    group, _ = _same_rows(matrix)
    assert np.bincount(group).max() >= len(firsts)  # the premise: many keys, one vector
    for k in (1, 3, 5, 12):
        assert np.array_equal(
            _nearest(matrix, k, 0.5, chunk=3), _top_k_of_whole_product(matrix, k, 0.5)
        )


@pytest.mark.parametrize("way", WAYS)
def test_a_tie_goes_to_the_key_met_at_a_later_n_gram_of_the_row(way, monkeypatch):
    _take(way, monkeypatch)
    # "ab cd" is as close to "ab" as to "cd" (equal weights, equal sums): SciPy stores first,
    # and so chooses, the key met latest in the row, "cd", met at the row's later n-grams,
    # though "ab" has the larger index
    keys = ["ab cd", "cd", "ab", "ef gh", "gh", "ef", "ij kl", "kl", "ij"]
    matrix = _tfidf(_char_wb_counts(keys, 1.0))
    product = (matrix.to_scipy() @ matrix.to_scipy().T.tocsr()).toarray()
    assert product[0, 1] == product[0, 2] > 0  # the premise: an exact tie
    for k in (1, 2):
        got = _nearest(matrix, k, 0.1)
        assert np.array_equal(got, _top_k_of_whole_product(matrix, k, 0.1))
    nearest = _nearest(matrix, 1, 0.1)
    assert nearest[nearest[:, 0] == 0, 1].tolist() == [1]


def test_same_rows_groups_rows_by_their_entries_in_stored_order(monkeypatch):
    # the same entries in another order are another row; equal rows share a code
    matrix = Csr(
        np.array([1, 2, 2, 1, 1, 2, 3, 1, 2], np.float32),
        np.array([0, 1, 1, 0, 0, 1, 2, 0, 1], np.int32),
        np.array([0, 2, 4, 6, 6, 7, 9], np.int32),
        (6, 3),
    )
    expected = np.array([0, 1, 0, 2, 3, 0])
    group, firsts = _same_rows(matrix)
    assert np.array_equal(group, expected) and np.array_equal(firsts, [0, 1, 3, 4])
    # a hash collision (every row one hash) is caught by the entry-by-entry check
    monkeypatch.setattr(ngrams, "_row_hash", lambda m: np.zeros(m.shape[0], np.uint64))
    group, firsts = _same_rows(matrix)
    assert np.array_equal(group, expected) and np.array_equal(firsts, [0, 1, 3, 4])


@pytest.mark.parametrize(
    "keys",
    [
        ["ann lee", "ANN  lee", "", " ", "lee ann", "ann"],
        ["ΟΔΥΣΣΕΥΣ", "ΑΣ ΣΑ", "İstanbul", "a\u00a0b", "x\u2003y\u1680z", "a\x1fb c", "ß"],
        ["a b", "a\x00b", "c"],  # a NUL inside a key: split key by key
        [""],
        [],
    ],
)
def test_words_split_as_lower_then_split_per_key(keys):
    split = [key.lower().split() for key in keys]
    expected = pd.factorize(pd.Series([w for ws in split for w in ws], dtype=object))
    word, words, n_words = _words(keys)
    assert np.array_equal(word, expected[0]) and list(words) == list(expected[1])
    assert n_words.tolist() == [len(ws) for ws in split]


@pytest.mark.parametrize("seed", range(4))
def test_counts_leave_out_the_n_grams_of_common_words_as_count_vectorizer_does(seed):
    # "sarah" is in more keys than max_df allows: its n-grams are dropped before the product;
    # n-grams it shares with rarer words ("ar" of "okafor"?) are not, and are counted exactly
    keys = _hostile_keys(random.Random(seed), 300)
    for max_df in (0.15, 0.08, 0.02):
        held = pd.Series([set(k.lower().split()) for k in keys]).explode().value_counts()
        assert held.max() > max_df * len(keys)  # the premise: some word is that common
        assert_counts_are_count_vectorizers(keys, max_df)


def _char_wb(word: str) -> set[str]:
    """scikit-learn's char_wb 2- and 3-grams of one word."""
    padded = f" {word} "
    return {padded[i : i + n] for n in (2, 3) for i in range(len(padded) - n + 1)}


def _overlapping_keys(rng: random.Random, n: int) -> list[str]:
    """Keys whose first and last words share n-grams ("anna hannah"): an n-gram in the first
    word of many keys and in the last word of many, but mostly of the same keys, so that the
    two counts added say "too common" where the keys holding it are few enough."""
    words = ["anna", "hannah", "joanna", "ann", "dana", "nan", "bo", "wu", "anan"]
    shapes = ["{a} {b}", "{a}", "{a} {b} {c}", "{a} {a}", "", "{a}  {b}"]
    return [
        rng.choice(shapes).format(a=rng.choice(words), b=rng.choice(words), c=rng.choice(words))
        for _ in range(n)
    ]


@pytest.mark.parametrize("seed", range(8))
def test_held_at_least_counts_the_keys_of_first_words_or_of_last_words(seed):
    # the bound on how many keys hold each n-gram that drops n-grams before they are counted
    rng = random.Random(seed)
    keys = (_hostile_keys if seed % 2 else _overlapping_keys)(rng, 250)
    word, words, n_words = _words(keys)
    count, met, by_met = ngrams._word_ngrams(words)
    owner = np.repeat(np.arange(len(words)), count)
    held = ngrams._held_at_least(word, n_words, owner, met, len(by_met))
    text = np.asarray(sorted({g for k in keys for w in k.lower().split() for g in _char_wb(w)}))
    split = [k.lower().split() for k in keys]
    firsts = pd.Series([_char_wb(ws[0]) for ws in split if ws]).explode().value_counts()
    lasts = pd.Series([_char_wb(ws[-1]) for ws in split if ws]).explode().value_counts()
    expected = np.maximum(firsts.reindex(text, fill_value=0), lasts.reindex(text, fill_value=0))
    assert held.tolist() == expected.to_numpy()[by_met].tolist()
    in_keys = pd.Series([{g for w in ws for g in _char_wb(w)} for ws in split]).explode()
    true = in_keys.value_counts().reindex(text, fill_value=0).to_numpy()[by_met]
    assert (held <= true).all()
    # the premise of the counts' test below: the first and last words' counts added would
    # call some n-gram too common that is not
    added = (firsts.reindex(text, fill_value=0) + lasts.reindex(text, fill_value=0)).to_numpy()
    if seed % 2 == 0:
        assert (added[by_met] > true).any()


@pytest.mark.parametrize("seed", range(8))
def test_counts_drop_n_grams_before_counting_as_count_vectorizer_does(seed):
    rng = random.Random(seed)
    keys = (_hostile_keys if seed % 2 else _overlapping_keys)(rng, 400)
    for max_df in (0.6, 0.45, 0.3, 0.15, 0.05):
        assert_counts_are_count_vectorizers(keys, max_df)
