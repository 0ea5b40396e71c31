"""pipeline.text.arrow_text builds the same text columns as pandas' own "str" conversion."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.text.arrow_text import (
    distinct_rows,
    repeated,
    taken_series,
    text_array,
    text_series,
)

HOSTILE: list[list[object]] = [
    [],
    ["a", "", " b ", "=1+1", "é\u200b", "\u00a0", "x" * 10_000],
    ["a", None, float("nan"), "c"],
    [None, None],
    [b"bytes", "text"],
    [np.str_("numpy"), "text"],
    [1, "a"],  # not all text: pandas' conversion
    [True, False],
    [2.5, None],
    [pd.NA, "a"],
    [pd.NaT, "a"],
    [("tuple",), "a"],
]


@pytest.mark.parametrize("values", HOSTILE, ids=range(len(HOSTILE)))
def test_text_series_equals_pandas(values):
    want = pd.Series(values, dtype="str")
    pd.testing.assert_series_equal(text_series(values), want)
    pd.testing.assert_series_equal(text_series(np.array(values, dtype=object)), want)
    pd.testing.assert_series_equal(
        pd.Series(text_array(values)), pd.Series(pd.array(values, dtype="str"))
    )


def test_index_and_one_text_repeated():
    index = pd.Index([7, 3, 5])
    pd.testing.assert_series_equal(
        text_series(["a", None, "c"], index), pd.Series(["a", None, "c"], index, dtype="str")
    )
    for one in ("", "ab"):
        pd.testing.assert_series_equal(
            text_series(one, index), pd.Series(one, index=index, dtype="str")
        )
        assert len(text_series(one, pd.RangeIndex(0))) == 0


@pytest.mark.parametrize("value", ["", "ab", "é\u200b", "=1+1", "x" * 1000])
@pytest.mark.parametrize("n", [0, 1, 5])
def test_repeated_is_the_list_converted(value, n):
    got, want = pd.Series(repeated(value, n)), pd.Series(text_array([value] * n))
    pd.testing.assert_series_equal(got, want)
    assert got.array._pa_array.type == want.array._pa_array.type  # large_string both


def test_taken_series_equals_the_rows_taken():
    values = np.array(["x", "", None, "é"], dtype=object)
    codes = np.array([3, 0, 0, 2, 1, 3])
    index = pd.RangeIndex(10, 16)
    pd.testing.assert_series_equal(
        taken_series(values, codes, index), pd.Series(values[codes], index=index, dtype="str")
    )
    mixed = np.array([1, "a"], dtype=object)
    pd.testing.assert_series_equal(
        taken_series(mixed, np.array([1, 0])), pd.Series(["a", 1], dtype="str")
    )


@given(st.lists(st.tuples(st.sampled_from(["a", "b", None]), st.sampled_from([1.0, np.nan, 2.0])),
                max_size=30))  # fmt: skip
@settings(max_examples=100, deadline=None)
def test_distinct_rows_numbers_each_combination_in_order_of_first_appearance(rows) -> None:
    left = pd.Series([a for a, _ in rows], dtype="str")
    right = np.array([b for _, b in rows], dtype=float)
    codes, first = distinct_rows(left, right)
    keys = [(a, "nan" if b != b else b) for a, b in rows]  # NaN is a value like any other
    seen = list(dict.fromkeys(keys))
    assert codes.tolist() == [seen.index(k) for k in keys]
    assert first.tolist() == [keys.index(k) for k in seen]


def _distinct_rows_through_series(*columns):
    """distinct_rows as it was: every column made a Series first (the oracle)."""
    key = None
    for column in columns:
        values = column if isinstance(column, pd.Series) else pd.Series(column)
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        codes = codes.astype(np.int64)
        key = codes if key is None else pd.factorize(key * len(uniques) + codes)[0]
    if key is None:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    seen = np.maximum.accumulate(np.concatenate([[-1], key[:-1]])) if len(key) else key
    return key.astype(np.intp), np.flatnonzero(key > seen)


CELLS = st.sampled_from(["a", "", "Zürich", "東京", None, float("nan"), pd.NA, 1, 1.0, True, -0.0])
NUMBERS = st.sampled_from([0.0, -0.0, 1.5, np.nan, np.inf, 7.0])


@given(st.lists(st.tuples(CELLS, CELLS, NUMBERS, st.booleans()), max_size=25))
@settings(max_examples=200, deadline=None)
def test_distinct_rows_of_arrays_as_of_series(rows) -> None:
    n = len(rows)
    objects = [np.empty(n, dtype=object) for _ in range(2)]
    for j in range(2):
        objects[j][:] = [r[j] for r in rows]
    numbers = np.array([r[2] for r in rows], dtype=float)
    flags = np.array([r[3] for r in rows], dtype=bool)
    text = pd.Series([r[0] if isinstance(r[0], str) else None for r in rows], dtype="str")
    cases = [(objects[0],), (objects[0], objects[1]), (numbers, flags), (text, objects[1]),
             (flags, numbers, objects[1], text), ([r[2] for r in rows], objects[0])]  # fmt: skip
    for columns in cases:
        got, want = distinct_rows(*columns), _distinct_rows_through_series(*columns)
        assert got[0].tolist() == want[0].tolist()
        assert got[1].tolist() == want[1].tolist()


def test_str_is_pandas_str_dtype() -> None:
    from pipeline.text.arrow_text import STR

    assert STR == pd.Series(["a"], dtype="str").dtype == text_series(["a", None]).dtype
    assert STR.storage == "pyarrow" and STR.na_value is np.nan
    pd.testing.assert_series_equal(
        pd.Series([1, None, "é"], dtype=object).astype(STR),
        pd.Series([1, None, "é"], dtype=object).astype("str"),
    )
