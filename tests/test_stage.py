from datetime import date

import numpy as np
import pandas as pd
import pytest

from pipeline.normalize.stage import bucket, career_stage, years_since


def frame(grad_years, seniority):
    return pd.DataFrame({"grad_year": pd.array(grad_years, dtype="Int64"), "seniority": seniority})


def test_grad_year_beats_title_prior():
    out = career_stage(frame([2021, None, None], ["CXO", "Director", "Unknown"]), date(2026, 6, 1))
    assert out["career_years_source"].tolist() == ["grad_year", "title prior", "unknown"]
    assert out["career_years"].iloc[0] == pytest.approx(5.0)
    assert out["career_years"].iloc[1] == pytest.approx(14.0)
    assert np.isnan(out["career_years"].iloc[2])
    # A graduation year is better evidence than a title: a narrower uncertainty.
    assert out["career_years_sd"].iloc[0] < out["career_years_sd"].iloc[1]


def test_future_grad_year_is_negative_career():
    out = career_stage(frame([2028], ["Training"]), date(2026, 11, 28))
    assert out["career_years"].iloc[0] < 0


def test_years_since_mid_year():
    assert years_since(2021, date(2026, 11, 28)) == pytest.approx(5.4167, abs=1e-3)


def test_buckets_follow_sales_navigator():
    years = pd.Series([0.5, 1.0, 2.9, 3.0, 5.9, 6.0, 10.9, 11.0, np.nan])
    assert bucket(years).tolist() == ["<1", "1–2", "1–2", "3–5", "3–5", "6–10", "6–10", "10+", ""]


def test_input_untouched():
    f = frame([2020], ["Entry"])
    before = f.copy()
    career_stage(f, date(2026, 1, 1))
    pd.testing.assert_frame_equal(f, before)
