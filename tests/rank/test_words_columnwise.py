"""``rank.words`` reads text columns where Arrow keeps them and phrases the career stage once
per distinct key; both must give what the row-by-row way gave (its code is kept here)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.rank import words
from pipeline.rank.features import SENIOR_LEADERS


def _old_text(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame:
        return np.full(len(frame), "", dtype=object)
    return words._per_unique(frame[column].to_numpy(dtype=object), str.strip)


def _old_stage_part(r: pd.DataFrame) -> np.ndarray:
    ahead = words._num(r, "years_ahead")
    seniority = _old_text(r, "seniority")
    leader = np.isin(seniority, SENIOR_LEADERS) & (np.isnan(ahead) | (ahead > 10))
    n = np.round(np.nan_to_num(ahead)).astype(np.int64)
    key = np.where(
        leader, "L" + seniority.astype(str), np.where(np.isnan(ahead), "", n.astype(str))
    )
    return words._per_unique(key, words._stage_words)


LEVELS = st.sampled_from([*SENIOR_LEADERS, "Senior", "Junior", "", " VP ", "Unknown", None])
YEARS = st.one_of(st.none(), st.floats(-40, 60), st.sampled_from([10.0, 10.5, -0.5, 0.49]))


@given(st.lists(st.tuples(LEVELS, YEARS), max_size=40))
@settings(max_examples=200, deadline=None)
def test_stage_part_is_the_row_by_row_phrase(rows: list[tuple[str | None, float | None]]) -> None:
    frame = pd.DataFrame(
        {
            "seniority": pd.Series([s for s, _ in rows], dtype="str"),
            "years_ahead": pd.Series([y for _, y in rows], dtype="float64"),
        }
    )
    assert words._stage_part(frame).tolist() == _old_stage_part(frame).tolist()


@given(st.lists(st.one_of(st.none(), st.text(max_size=6), st.just("  a  ")), max_size=30))
@settings(max_examples=100, deadline=None)
def test_text_of_an_arrow_column_is_the_row_by_row_text(values: list[str | None]) -> None:
    for dtype in ("str", object):
        frame = pd.DataFrame({"t": pd.Series(values, dtype=dtype)})
        assert words._text(frame, "t").tolist() == _old_text(frame, "t").tolist()
    assert words._text(pd.DataFrame({"t": []}), "missing").tolist() == []
