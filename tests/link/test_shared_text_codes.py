"""A text column factorized once per run and read by blocking and the weights
(``block_rules.text_codes``, ``_stacked_codes``, ``frequency.column_codes``), multi-part
blocking keys combined without hashing (``_combine`` with ``room``), the weights' table
look-up (``classify._table_weights``), the row sums of the weights (``classify.row_sums``),
the letter classes of names (``token_letters.present_classes``), former last names
(``block_keys.former_keys``) and the address level's per-record work
(``addresses._last_word``, ``_factorized``) and the words of name keys (``ngrams._words``),
each against a plain value-by-value oracle."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.link.addresses import _factorized, _last_word, address_names, spelled
from pipeline.link.block import candidate_pairs
from pipeline.link.block_keys import former_keys
from pipeline.link.block_rules import (
    Equal,
    SortedNeighbourhood,
    _codes,
    _combine,
    _stacked_codes,
    text_codes,
)
from pipeline.link.classify import _table_weights, row_sums
from pipeline.link.frequency import TEXTS, column_codes, frequencies
from pipeline.link.levels import NULL, Rows
from pipeline.link.merge import _non_empty
from pipeline.link.ngrams import _words
from pipeline.link.token_letters import BUCKETS, present_classes, token_letters

WORDS = ["ann", "", None, "Ødegård", "ann", "bo wu", "", "zoë", None, "x\x1fy", "bo wu"]


def _column(rng: np.random.Generator, n: int) -> pd.Series:
    return pd.Series([WORDS[i] for i in rng.integers(0, len(WORDS), n)], dtype="str")


def _partition(codes) -> list[list[int]]:
    """Which rows share a code (the only thing blocking reads of codes), -1 rows apart."""
    groups: dict[int, list[int]] = {}
    for i, c in enumerate(np.asarray(codes).tolist()):
        if c >= 0:
            groups.setdefault(c, []).append(i)
    return sorted(groups.values())


@pytest.mark.parametrize("n", [0, 1, 2, 7, 40])
@pytest.mark.parametrize("seed", range(4))
def test_text_codes_are_codes_of_the_column(n, seed):
    column = _column(np.random.default_rng(seed), n)
    frame = pd.DataFrame({"k": column})
    codes, values = text_codes(frame, "k", {})
    want_codes, want_values = _codes(frame["k"])
    assert codes.tolist() == want_codes.tolist()
    assert list(values) == list(want_values)
    # the oracle, value by value: -1 for missing or "", else the value's first-seen rank
    seen: list[str] = []
    for value, code in zip(column.tolist(), codes.tolist(), strict=True):
        if not isinstance(value, str) or value == "":
            assert code == -1
            continue
        if value not in seen:
            seen.append(value)
        assert values[code] == value and code == seen.index(value)


@pytest.mark.parametrize("n", [1, 5, 30])
@pytest.mark.parametrize("seed", range(6))
def test_text_codes_of_a_twin_column_are_its_own(n, seed):
    """A column whose values another column coded already holds takes that one's codes: the
    codes it would have had; a column that differs in one value (a missing value for an
    empty one included) is factorized itself."""
    rng = np.random.default_rng(seed)
    column = _column(rng, n)
    changed = column.copy()
    at = int(rng.integers(0, n))
    changed.iloc[at] = {None: "", "": None}.get(changed.iloc[at], "other")
    frame = pd.DataFrame({"a": column, "twin": column.copy(), "near": changed})
    texts: dict = {}
    text_codes(frame, "a", texts)
    for name in ("twin", "near"):
        codes, values = text_codes(frame, name, texts)
        want_codes, want_values = _codes(frame[name])
        assert codes.tolist() == want_codes.tolist()
        assert list(values) == list(want_values)
    assert ("text", "twin") not in texts and ("text", "near") in texts


@pytest.mark.parametrize("n", [0, 1, 5, 30])
@pytest.mark.parametrize("seed", range(4))
def test_stacked_codes_equal_exactly_where_the_text_does(n, seed):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"a": _column(rng, n), "b": _column(rng, n)})
    codes, values = _stacked_codes(frame, ("a", "b"), {})
    stacked = [*frame["a"].tolist(), *frame["b"].tolist()]
    assert len(codes) == 2 * n
    for i, value in enumerate(stacked):
        if not isinstance(value, str) or value == "":
            assert codes[i] == -1
        else:
            assert values[codes[i]] == value
    assert _partition(codes) == _partition(_codes(pd.concat([frame["a"], frame["b"]]))[0])


@pytest.mark.parametrize("seed", range(6))
def test_combined_keys_without_hashing_group_as_hashed_ones(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 60))
    parts = []
    for size in rng.integers(1, 6, 3):
        codes = rng.integers(-1, size, n)
        parts.append((codes, np.array([f"v{i}" for i in range(size)], dtype=object)))
    dense = _combine(parts)
    mixed = _combine(parts, room=max(n, 1))
    assert _partition(mixed) == _partition(dense)
    assert ((mixed < 0) == (dense < 0)).all()
    # the oracle: rows with every part given group by their tuple of parts
    rows = [tuple(int(c[i]) for c, _ in parts) for i in range(n)]
    groups: dict[tuple, list[int]] = {}
    for i, key in enumerate(rows):
        if min(key, default=0) >= 0:
            groups.setdefault(key, []).append(i)
    assert _partition(mixed) == sorted(groups.values())


def test_combined_keys_fall_back_to_hashing_where_the_product_is_too_large():
    codes = np.array([4095, 7, 4095, 0], dtype=np.int64)
    values = np.array([f"v{i}" for i in range(4096)], dtype=object)
    parts = [(codes, values), (codes[::-1].copy(), values)]
    # 4096 * 4096 combinations do not fit below 2**62 / 2**40: refactorized, dense
    assert _combine(parts, room=2**40).tolist() == [0, 1, 2, 3]
    assert _combine(parts, room=2**20).tolist() == [
        4095 * 4096,
        7 * 4096 + 4095,
        4095 * 4096 + 7,
        4095,
    ]


def _frame(rng: np.random.Generator, n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name_key": _column(rng, n),
            "last_key": _column(rng, n),
            "first_key": _column(rng, n),
            "first_last": _column(rng, n),
            "source_file": pd.Series(rng.choice(["a.csv", "b.csv"], n), dtype="str"),
        }
    )


@pytest.mark.parametrize("seed", range(5))
def test_candidates_are_the_same_with_the_runs_codes(seed):
    rng = np.random.default_rng(seed)
    frame = _frame(rng, int(rng.integers(0, 50)))
    rules = [
        Equal("name", ("name_key",)),
        Equal("last and first", ("last_key", "first_key"), max_block=6),
        Equal("swapped", ("first_key", "last_key"), also=("last_key", "first_key")),
        SortedNeighbourhood("sorted", "first_last", 3),
    ]
    alone = candidate_pairs(frame, rules)
    shared = candidate_pairs(frame, rules, texts={})
    pd.testing.assert_frame_equal(shared.pairs, alone.pairs)
    assert shared.per_rule == alone.per_rule and shared.skipped_keys == alone.skipped_keys


@pytest.mark.parametrize("seed", range(3))
def test_column_codes_and_frequencies_read_the_runs_codes(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    frame = _frame(rng, n)
    codes, values = column_codes(frame, "name_key", {TEXTS: {}})
    for value, code in zip(frame["name_key"].tolist(), codes.tolist(), strict=True):
        assert values[code] == (value if isinstance(value, str) else "")
    left, right = rng.integers(0, n, 20), rng.integers(0, n, 20)
    want = frequencies(frame, "name_key", left, right, {})
    got = frequencies(frame, "name_key", left, right, {TEXTS: {}})
    for w, g in zip(want, got, strict=True):
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("groups", [None, 1, 3])
def test_table_weights_look_up_each_pairs_group_and_level(groups):
    rng = np.random.default_rng(0)
    rows = 1 if groups is None else groups
    table = rng.normal(size=(rows, 4))
    level = rng.integers(-1, 5, 200).astype(np.int8)  # a level past the last: read as the last
    row = None if groups is None else rng.integers(0, groups, 200).astype(np.int32)
    got = _table_weights(table, level, row)
    want = [
        0.0 if lv == NULL else table[0 if row is None else row[i], min(lv, 3)]
        for i, lv in enumerate(level.tolist())
    ]
    assert got.tolist() == want
    assert _table_weights(table, level[:0], None if row is None else row[:0]).tolist() == []
    scratch = np.full(len(level), 7, np.int32)  # lent, with other values in it: overwritten
    for _ in range(2):
        assert _table_weights(table, level, row, scratch).tolist() == want


@pytest.mark.parametrize("columns", [0, 1, 2, 9])
def test_row_sums_are_pandas_row_sums_bit_for_bit(columns):
    rng = np.random.default_rng(columns)
    n = 500
    frame = pd.DataFrame(index=pd.RangeIndex(n))
    for k in range(columns):  # a column at a time, as weights makes them
        values = rng.normal(size=n) * 10.0 ** rng.integers(-6, 7, n)
        values[rng.integers(0, n, 20)] = np.nan
        values[:3] = [-0.0, np.inf if k == 1 else 1.0, 0.1]
        frame[f"c{k}"] = values
    want = frame.sum(axis=1).to_numpy()
    got = row_sums(frame)
    assert got.dtype == np.float64 and len(got) == n
    assert np.array_equal(got, want) and (np.signbit(got) == np.signbit(want)).all()


@pytest.mark.parametrize("seed", range(4))
def test_present_classes_are_the_classes_with_a_letter(seed):
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, 4, (int(rng.integers(0, 30)), BUCKETS)).astype(np.int8)
    bits = present_classes(counts)
    assert bits.dtype == np.uint64 and bits.shape == (len(counts),)
    for row, word in zip(counts.tolist(), bits.tolist(), strict=True):
        once = sum(1 << b for b, c in enumerate(row) if c > 0)
        twice = sum(1 << (32 + b) for b, c in enumerate(row) if c > 1)
        assert word == once + twice
    letters = token_letters(np.array(["ann lee", "", "zoë ødegård", "ann lee"], dtype=object))
    assert letters.present is not None
    assert letters.present.tolist() == present_classes(letters.counts).tolist()


def _former_oracle(first: list, alternates: list) -> list[str]:
    out = []
    for f, alts in zip(first, alternates, strict=True):
        f = f if isinstance(f, str) else ""
        a = (alts if isinstance(alts, str) else "").split("|")[0]
        out.append(a[len(f) :].strip() if f and a.startswith(f + " ") else a)
    return out


@pytest.mark.parametrize("seed", range(5))
def test_former_keys_take_the_first_alternate_less_the_first_name(seed):
    rng = np.random.default_rng(seed)
    firsts = ["ann", "", None, "zoë", "bo"]
    alternates = [
        "ann okafor|ann x", "", None, "zoë ødegård", "bo", "ann  lee", "bo wu|bo li", "|ann x",
        "ann|", "zoë ødegård|",
    ]  # fmt: skip
    n = int(rng.integers(0, 25))
    first = [firsts[i] for i in rng.integers(0, len(firsts), n)]
    alts = [alternates[i] for i in rng.integers(0, len(alternates), n)]
    frame = pd.DataFrame(
        {
            "first_key": pd.Series(first, dtype="str"),
            "name_key_alternates": pd.Series(alts, dtype="str"),
        }
    ).set_axis(rng.permutation(n) + 7)  # the records' own index kept
    got = former_keys(frame)
    assert got.dtype == "str" and got.index.equals(frame.index)
    assert got.tolist() == _former_oracle(first, alts)


@pytest.mark.parametrize("seed", range(5))
def test_candidates_leave_out_pairs_inside_a_file_of_a_unique_source(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 40))
    frame = _frame(rng, n)
    frame["source"] = pd.Series(rng.choice(["connections", "alumni"], n), dtype="str")
    frame["source_file"] = pd.Series(
        [f"{s}{rng.integers(0, 2)}.csv" for s in frame["source"].tolist()], dtype="str"
    )
    got = candidate_pairs(frame, [Equal("name", ("name_key",))], ("connections",), texts={})
    keys, files, sources = (frame[c].tolist() for c in ("name_key", "source_file", "source"))
    want = [
        (i, j)
        for i in range(n)
        for j in range(i + 1, n)
        if isinstance(keys[i], str) and keys[i] != "" and keys[i] == keys[j]
        and not (files[i] == files[j] and sources[i] == sources[j] == "connections")
    ]  # fmt: skip
    assert list(zip(got.pairs["left"].tolist(), got.pairs["right"].tolist(), strict=True)) == want
    assert got.per_rule == {"name": len(want)}


LAST = [
    "lee",
    "",
    "santana acevedo",
    "o'neil",
    " lee ",
    "ødegård",
    "van\tder berg",
    "x\x1cy",
    "lee",
]


@pytest.mark.parametrize("n", [0, 1, 9, 30])
def test_last_word_is_what_python_splits_last(n):
    values = [LAST[i % len(LAST)] for i in range(n)]
    got = _last_word(pd.Series(values, dtype="str"))
    assert got.dtype == "str"
    assert got.tolist() == [(v.split() or [""])[-1] for v in values]


@pytest.mark.parametrize("n", [0, 1, 9, 30])
def test_factorized_codes_values_in_order_of_first_appearance(n):
    values = np.array([LAST[(i * 7) % len(LAST)] for i in range(n)], dtype=object)
    codes, uniques = _factorized(values)
    seen: list[str] = []
    for v in values.tolist():
        if v not in seen:
            seen.append(v)
    assert list(uniques) == seen
    assert [uniques[c] for c in codes] == values.tolist()
    lone = np.array(["a\ud800", "b", "a\ud800"], dtype=object)  # UTF-8 cannot hold it
    assert _factorized(lone)[0].tolist() == [0, 1, 0]


def test_address_names_read_the_runs_codes_as_their_own():
    frame = pd.DataFrame(
        {
            "first_key": pd.Series(["will", "ann", None, "zoë", "will"], dtype="str"),
            "last_key": pd.Series(["tinren", "santana acevedo", "lee", "", "tinren"], dtype="str"),
            "email": pd.Series(
                ["william.tinren59@x.org", None, "a.lee@x", "zoë.ødegård@y", "w.tinren@x"],
                dtype="str",
            ),
            "linkedin_slug": pd.Series(["", "ann-santanaacevedo-1f", None, "z", ""], dtype="str"),
            "first_name_variants": pd.Series(
                ["will|william", "ann", "", "zoë", "will"], dtype="str"
            ),
        }
    )
    rows = Rows(frame, np.arange(5), np.arange(5), {})
    left, right = np.repeat(np.arange(5), 5), np.tile(np.arange(5), 5)
    alone = spelled(address_names(frame), left, right)
    shared = spelled(address_names(frame, rows.text), left, right)
    assert shared.tolist() == alone.tolist() and alone.any()


@pytest.mark.parametrize("n", [0, 1, 9, 30])
def test_non_empty_is_a_value_that_is_text_and_not_blank(n):
    values = [[None, "", "ann", "zoë", " "][i % 5] for i in range(n)]
    got = _non_empty(pd.Series(values, dtype="str"))
    assert got.dtype == bool
    assert got.tolist() == [isinstance(v, str) and v != "" for v in values]


def test_non_empty_reads_a_column_of_several_chunks():
    parts = [pd.Series(["a", None], dtype="str"), pd.Series(["", "b"], dtype="str")]
    assert _non_empty(pd.concat(parts, ignore_index=True)).tolist() == [True, False, False, True]


NAME_KEYS = ["ann lee", "", "  bo  wu ", "ANN lee", "x", "zoë ødegård", "a\tb", "lee ann", "x\x1cy"]


@pytest.mark.parametrize("ascii_only", [True, False])
@pytest.mark.parametrize("n", [1, 2, 9, 40])
def test_words_are_pythons_lowered_split_words_coded_by_first_appearance(n, ascii_only):
    pool = [k for k in NAME_KEYS if k.isascii() and k.isprintable()] if ascii_only else NAME_KEYS
    keys = [pool[(i * 5) % len(pool)] for i in range(n)]
    word, words, n_words = _words(keys)
    split = [k.lower().split() for k in keys]
    flat = [w for ws in split for w in ws]
    seen: list[str] = []
    for w in flat:
        if w not in seen:
            seen.append(w)
    assert list(words) == seen
    assert [words[c] for c in word] == flat
    assert n_words.tolist() == [len(ws) for ws in split]


def test_address_names_of_a_few_records_taken_from_many_read_their_own_values():
    many = pd.DataFrame(
        {
            "first_key": pd.Series([f"n{i}" for i in range(50)], dtype="str"),
            "last_key": pd.Series([f"l{i}" for i in range(50)], dtype="str"),
            "email": pd.Series([f"n{i}.l{i}@x" for i in range(50)], dtype="str"),
        }
    )
    rows = Rows(many, np.arange(50), np.arange(50), {})
    for column in many.columns:
        rows.text(column)
    at = np.array([3, 7])
    few = many.iloc[at].reset_index(drop=True)
    taken = Rows(few, np.arange(2), np.arange(2), rows.taken(at, ()))
    names = address_names(few, taken.text)
    assert len(names.vocabulary) < 20  # the two records' words, not the fifty's
    left, right = np.array([0, 1]), np.array([1, 0])
    assert spelled(names, left, right).tolist() == spelled(address_names(few), left, right).tolist()


def test_last_word_of_texts_without_words_is_empty_without_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _last_word(pd.Series(["", " ", "lee"], dtype="str")).tolist() == ["", "", "lee"]
