"""``clean.text`` on the columns readers hand it: missing values of both kinds, numbers, hostile
whitespace; the same text as the one-value rule, row by row, index and name kept."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest.clean import _text, text


def test_none_and_nan_in_one_object_column_are_both_blank() -> None:
    # pandas refused the old dict of values: None and NaN made its index "not unique"
    values = pd.Series(
        ["  Acme\u200b  Inc. ", None, np.nan, "Acme Inc.", pd.NA, None], dtype=object
    )
    assert text(values).tolist() == ["Acme Inc.", "", "", "Acme Inc.", "", ""]


@pytest.mark.parametrize("dtype", [object, "str"])
def test_index_name_and_dtype_are_kept(dtype: object) -> None:
    values = pd.Series(["b ", None, " a"], index=[7, 3, 9], name="company", dtype=dtype)
    out = text(values)
    assert out.index.tolist() == [7, 3, 9]
    assert out.name == "company"
    assert out.dtype == "str"
    assert out.tolist() == ["b", "", "a"]


def test_empty_column() -> None:
    assert text(pd.Series([], dtype="str")).tolist() == []
    assert text(pd.Series([None, np.nan], dtype=object)).tolist() == ["", ""]


VALUES = st.one_of(
    st.none(),
    st.just(np.nan),
    st.integers(-5, 5),
    st.text(alphabet=" \t\u00a0\u200b\u3000ab=Ｆ™", max_size=6),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(VALUES, max_size=20))
def test_each_row_is_the_one_value_rule(values: list[object]) -> None:
    series = pd.Series(values, dtype=object)
    assert text(series).tolist() == [_text(v) for v in values]
