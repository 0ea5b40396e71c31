import pandas as pd
from conftest import TODAY, people

from pipeline import schema
from pipeline.normalize import normalize, summary
from pipeline.settings import from_dict


def test_normalize_adds_keys_levels_and_stage_without_touching_input():
    frame = people(
        {"first_name": "María", "last_name": "García", "company": "Google LLC",
         "title": "Sr. Data Scientist II"},
        {"first_name": "Bob", "last_name": "Lee", "company": "Self-employed", "title": "Founder",
         "source": "alumni", "school": "UW", "grad_year": 2015},
        {"first_name": "Ann", "last_name": "Ng", "title": "Senior PM @ Shopify | ex-Google"},
    )  # fmt: skip
    before = frame.copy()
    out = normalize(
        frame, from_dict({"me": {"school_aliases": {"UW": "University of Waterloo"}}}), TODAY
    )
    pd.testing.assert_frame_equal(frame, before)
    assert set(schema.NORMALIZED) <= set(out.columns)
    maria, bob, ann = (out.iloc[i] for i in range(3))
    assert maria["name_key"] == "maria garcia"
    assert maria["company_key"] == "google"
    assert maria["seniority"] == "Senior" and maria["seniority_rule"]
    assert maria["role_family"] == "Data science & ML"
    assert maria["career_years_source"] == "title prior"
    assert bob["company_key"] == ""  # a placeholder is no employer
    assert "robert" in bob["first_name_variants"].split("|")
    assert bob["school_key"] == "university of waterloo"
    assert bob["career_years_source"] == "grad_year"
    assert ann["company_key"] == "shopify"  # taken from the headline-style position
    assert "Google" in ann["past_companies"]


def test_summary_counts_unknowns():
    frame = normalize(
        people({"first_name": "A", "last_name": "B", "title": "Wizard"}), from_dict({}), TODAY
    )
    s = summary(frame)
    assert s["seniority"]["Unknown"] == 1
    assert s["career_years_source"]["unknown"] == 1
