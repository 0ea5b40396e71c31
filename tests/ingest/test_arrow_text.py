"""pipeline.text.arrow_text builds the same text columns as pandas' own "str" conversion."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.text.arrow_text import taken_series, text_array, text_series

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
