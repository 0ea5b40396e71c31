from datetime import date

import numpy as np
import pandas as pd
import pytest

from pipeline.normalize.stage import (
    bucket,
    career_stage,
    first_degree_offset,
    years_since,
)


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


def test_evidence_order_grad_year_then_history_then_title_prior():
    f = pd.DataFrame(
        {
            "grad_year": pd.array([2016, None, None, None], dtype="Int64"),
            "career_start": pd.array([2010, 2012, None, None], dtype="Int64"),
            "seniority": ["CXO", "CXO", "CXO", "Unknown"],
        }
    )
    out = career_stage(f, date(2026, 6, 1))
    assert out["career_years_source"].tolist() == ["grad_year", "history", "title prior", "unknown"]
    assert out["career_years"].tolist()[:3] == pytest.approx([10.0, 14.0, 20.0])
    sd = out["career_years_sd"].tolist()
    assert sd[0] < sd[1] < sd[2] and np.isnan(sd[3])  # weaker evidence, wider uncertainty


def test_the_earliest_class_year_counts():
    f = pd.DataFrame(
        {
            "grad_year": pd.array([2002, None], dtype="Int64"),
            "class_years": ["1996|2002", "2011|2019"],
            "seniority": ["Unknown", "Unknown"],
        }
    )
    out = career_stage(f, date(2026, 6, 1))
    assert out["career_years"].tolist() == pytest.approx([30.0, 15.0])
    assert out["career_years_source"].tolist() == ["grad_year", "grad_year"]


@pytest.mark.parametrize(
    ("degree", "offset"),
    [
        ("BASc", 0.0), ("BMath", 0.0), ("Honours BSc", 0.0), ("Bachelor of Arts", 0.0),
        ("MASc", 2.0), ("MMath", 2.0), ("M.Sc.", 2.0), ("MA", 2.0), ("Master of Science", 2.0),
        ("MBA", 7.0), ("PhD", 7.0), ("Ph.D.", 7.0), ("JD", 4.0), ("MD", 4.0),
        ("MSc, PhD", 2.0), ("BSc, MBA", 0.0), ("Mathematics", 0.0), ("", 0.0),
    ],
)  # fmt: skip
def test_first_degree_offset(degree, offset):
    assert first_degree_offset(degree)[0] == offset


def test_a_graduate_degree_year_is_moved_back_to_the_first_degree_with_more_doubt():
    f = pd.DataFrame(
        {
            "grad_year": pd.array([2020, 2020], dtype="Int64"),
            "degree": ["BASc", "PhD"],
            "seniority": ["Entry", "Entry"],
        }
    )
    out = career_stage(f, date(2026, 6, 1))
    assert out["career_years"].tolist() == pytest.approx([6.0, 13.0])
    assert out["career_years_sd"].iloc[1] > out["career_years_sd"].iloc[0]
    assert out["career_years_source"].tolist() == ["grad_year", "grad_year"]
