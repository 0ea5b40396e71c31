"""``csv_fields.safe_csv_column`` works out a text (Arrow ``str``) column and a number column once
per distinct value; each field must still be ``safe_csv_text`` of its own value, repeats,
missing cells, signed zeros and infinities included. And the workbook's row selection moves no
rows when they are already where they belong (``workbook.ordered``, ``workbook._rows``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.export.cells import safe_csv_text
from pipeline.export.csv_fields import safe_csv_column
from pipeline.export.workbook import _rows, ordered
from pipeline.schema import RANKED

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
FIELDS = st.one_of(st.none(), TEXT, st.sampled_from(["=1+1", " @SUM(A1)", "-5", "\t=x", "  "]))


@given(st.lists(FIELDS, max_size=40).map(lambda v: v + v[: len(v) // 2]))
def test_a_text_column_is_safe_csv_text_of_each_value(values: list[str | None]) -> None:
    series = pd.Series(values, dtype="str")
    assert safe_csv_column(series) == [safe_csv_text(v) for v in series.tolist()]


NUMBERS = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 0.1 + 0.2, 1e16, 1e-5, 2.0]),
)


@given(st.lists(NUMBERS, max_size=40).map(lambda v: v + v[::-1]))
def test_a_number_column_is_safe_csv_text_of_each_value(values: list[float | None]) -> None:
    series = pd.Series(values, dtype="float64")
    assert safe_csv_column(series) == [safe_csv_text(v) for v in series.tolist()]
    ints = pd.Series([None if v is None or not np.isfinite(v) else int(v) % 1000 for v in values],
                     dtype="Int64")  # fmt: skip
    assert safe_csv_column(ints) == [safe_csv_text(v) for v in ints.tolist()]


def _ranked(ranks: list[float | None]) -> pd.DataFrame:
    frame = pd.DataFrame({c: [None] * len(ranks) for c in RANKED})
    names = [f"p{i}" for i in range(len(ranks))]
    return frame.assign(rank=pd.array(ranks, dtype="Float64"), full_name=names)


@pytest.mark.parametrize("ranks", [[1, 2, 3, None, None], [3, 1, None, 2], [], [None, 1]])
def test_ordered_is_the_stable_sort_by_rank(ranks):
    frame = _ranked(ranks)
    want = frame.sort_values("rank", kind="stable", na_position="last").reset_index(drop=True)
    pd.testing.assert_frame_equal(ordered(frame), want)


@pytest.mark.parametrize(
    "mask",
    [[True, True, False, False, False], [True, False, True, False, False], [False] * 5,
     [True] * 5, [False, True, False, False, True], [True, True, False, True, False]],
)  # fmt: skip
def test_rows_is_the_boolean_selection(mask):
    frame = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": ["x", "y", "z", "é", None]})
    # text in two Arrow chunks, as the ranked and the left-out are after their concat
    frame = pd.concat([frame.iloc[:3], frame.iloc[3:]], ignore_index=True)
    chosen = pd.Series(mask)
    pd.testing.assert_frame_equal(_rows(frame, chosen), frame[chosen])
