"""normalize.stage without a Categorical or a string per row (issue 18): ``bucket`` finds each
value's bucket by a binary search of the edges and ``career_stage`` takes its source by
position; both give what pd.cut and np.select on strings gave, on hostile numbers."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.normalize.stage import BUCKETS, SOURCES, bucket, career_stage


def _old_bucket(years: pd.Series) -> pd.Series:
    cut = pd.cut(years, [-np.inf, 1, 3, 6, 11, np.inf], right=False, labels=list(BUCKETS))
    return cut.astype("str").where(years.notna(), "").astype("str")


EDGY = [np.nan, np.inf, -np.inf, 1.0, 0.999, 3, 11, 10.99, -5, 1e300, -0.0, 0.0, 5.9999999, 6]
EDGY += [2.9999999999999996, np.nextafter(1, 0), np.nextafter(11, 0), -1e-300]


@pytest.mark.parametrize(
    "years",
    [
        pd.Series(EDGY),
        pd.Series(EDGY, index=range(50, 50 + len(EDGY)), name="career_years"),
        pd.Series([], dtype=float),
        pd.Series([np.nan] * 3),
        pd.Series(pd.array([1, None, 12, 0.5], dtype="Float64")),
    ],
)
def test_bucket_as_pd_cut_gave(years):
    new, old = bucket(years), _old_bucket(years)
    pd.testing.assert_series_equal(new, old, check_exact=True)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.floats(), st.floats(-2, 13)), max_size=40))
def test_bucket_any_floats(values):
    years = pd.Series(values, dtype=float, name="y")
    pd.testing.assert_series_equal(bucket(years), _old_bucket(years), check_exact=True)


def test_career_stage_sources_by_position():
    frame = pd.DataFrame(
        {
            "grad_year": pd.array([2019, None, None, None, 2030], dtype="Int64"),
            "career_start": pd.array([None, 2015, None, None, None], dtype="Int64"),
            "seniority": ["Entry", "Senior", "Director", "Unknown", "Entry"],
        },
        index=[9, 4, 7, 1, 3],
    )
    out = career_stage(frame, date(2026, 6, 1))
    assert out["career_years_source"].dtype == "str"
    assert out["career_years_source"].tolist() == [
        "grad_year",
        "history",
        "title prior",
        "unknown",
        "grad_year",
    ]
    assert out["experience_bucket"].tolist() == ["6–10", "10+", "10+", "", "<1"]
    assert list(out.index) == [9, 4, 7, 1, 3]
    assert set(out["career_years_source"]) <= set(SOURCES)
