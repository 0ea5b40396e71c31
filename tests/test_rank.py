import numpy as np
import pandas as pd
import pytest
from conftest import TODAY, people

from pipeline import schema
from pipeline.link import link
from pipeline.normalize import normalize
from pipeline.rank import rank
from pipeline.rank.features import context, stage_fit
from pipeline.rank.intros import intro_paths
from pipeline.rank.score import diversify
from pipeline.settings import from_dict

SETTINGS = from_dict(
    {
        "me": {"schools": ["University of Waterloo"], "grad_year": 2025},
        "targets": {"roles": ["data scientist"], "companies": ["Google", "Shopify"]},
        "output": {"max_per_company": 2},
    }
)


def prospects_of(*rows):
    return link(normalize(people(*rows), SETTINGS, TODAY), SETTINGS).prospects


def ranked_of(*rows, settings=SETTINGS):
    ctx = context(settings, None, None, TODAY)
    return rank(link(normalize(people(*rows), settings, TODAY), settings).prospects, ctx)


def test_ranked_has_schema_and_the_best_person_first():
    ranked, _ = ranked_of(
        {
            "first_name": "Ana",
            "last_name": "Lopez",
            "company": "Alphabet",
            "title": "Data Scientist",
            "source": "alumni",
            "grad_year": 2020,
        },
        {"first_name": "Ben", "last_name": "Ng", "company": "Loblaw", "title": "Store Manager"},
        {
            "first_name": "Cy",
            "last_name": "Ito",
            "company": "Google",
            "title": "Sr. Data Scientist II",
            "linkedin_slug": "cy",
        },
    )
    assert list(ranked.columns[: len(schema.RANKED)]) == list(schema.RANKED)
    assert ranked["rank"].tolist() == [1, 2, 3]
    assert ranked.iloc[-1]["full_name"] == "Ben Ng"
    for f in schema.FEATURES:
        assert ranked[f].between(0, 1).all()
    cy = ranked[ranked["full_name"] == "Cy Ito"].iloc[0]
    assert cy["role_fit"] == 1.0 and cy["company_fit"] == 1.0 and cy["warmth"] == 1.0
    ana = ranked[ranked["full_name"] == "Ana Lopez"].iloc[0]
    assert 0 < ana["company_fit"] < 1  # Alphabet is Google's parent: partial credit
    assert "alum" in ana["why"] and "ahead of you" in ana["why"]
    assert all(len(o) < 300 for o in ranked["opener"])


def test_stage_curve_peaks_at_five_years_and_keeps_senior_leaders():
    ctx = context(SETTINGS, None, None, TODAY)
    p = pd.DataFrame(
        {
            "career_years": [1.4 + 1, 1.4 + 5, 1.4 + 15, 1.4 + 20, 1.4 - 2],
            "career_years_sd": [1.0] * 5,
            "seniority": ["Entry", "Senior", "Manager", "VP", "Training"],
        }
    )
    value, _ = stage_fit(p, ctx)
    one, five, fifteen, vp, behind = value
    assert five > one and five > fifteen
    assert vp >= SETTINGS.targets.senior_leaders  # a VP 20 years ahead is not buried
    assert behind < one


def test_filters_drop_excluded_role_family_with_a_reason():
    ranked, dropped = ranked_of(
        {
            "first_name": "Ana",
            "last_name": "Lopez",
            "company": "Google",
            "title": "Technical Recruiter",
        },
        {"first_name": "Ben", "last_name": "Ng", "company": "Google", "title": "Data Scientist"},
    )
    assert ranked["full_name"].tolist() == ["Ben Ng"]
    assert dropped["filtered_because"].tolist() == ["excluded role family"]


def test_diversify_caps_people_per_company():
    frame = pd.DataFrame(
        {
            "prospect_id": list("abcde"),
            "score": [0.9, 0.8, 0.7, 0.6, 0.5],
            "company_key": ["g", "g", "g", "s", ""],
        }
    )
    out = diversify(frame, max_per_company=2)
    assert out["prospect_id"].tolist() == ["a", "b", "d", "e", "c"]


def test_intro_paths_name_connections_at_the_same_company():
    p = pd.DataFrame(
        {
            "prospect_id": ["a", "b", "c", "d"],
            "full_name": ["A One", "B Two", "C Three", "D Four"],
            "company": ["Shopify", "Shopify", "Shopify", "RBC"],
            "company_key": ["shopify", "shopify", "shopify", "rbc"],
            "is_connection": [True, False, True, False],
            "is_alum": [False, True, True, True],
            "career_years": [3.0, 5.0, 8.0, 2.0],
        }
    )
    intros = intro_paths(p)
    assert intros.tolist() == ["", "C Three (Shopify); A One (Shopify)", "", ""]


def test_no_targets_means_role_and_company_weigh_nothing():
    settings = from_dict({"me": {"grad_year": 2025}})
    ranked, _ = ranked_of(
        {"first_name": "Ana", "last_name": "Lopez", "title": "Data Scientist", "company": "X"},
        settings=settings,
    )
    row = ranked.iloc[0]
    expected = (0.15 * row["school_fit"] + 0.15 * row["stage_fit"] + 0.15 * row["warmth"]) / 0.45
    assert row["score"] == pytest.approx(expected, abs=1e-3)
    assert not np.isnan(row["score"])
