import numpy as np
import pandas as pd
import pytest

from pipeline import schema
from pipeline.normalize import normalize
from pipeline.rank import rank, score_features
from pipeline.rank.context import Context, context
from pipeline.rank.features import (
    company_fit,
    industry_fit,
    location_fit,
    role_fit,
    school_fit,
    stage_fit,
    warmth,
)
from pipeline.rank.intros import intro_paths
from pipeline.rank.score import contributions, diversify, weighted_score
from pipeline.rank.words import MAX_OPENER, opener, why
from pipeline.settings import from_dict

SETTINGS = from_dict(
    {
        "me": {"schools": ["University of Waterloo"], "grad_year": 2025, "major": "Statistics"},
        "targets": {"roles": ["data scientist"], "companies": ["Google", "Shopify"]},
        "output": {"max_per_company": 2},
    }
)


@pytest.fixture
def ctx_of(today):
    def build(**changes) -> Context:
        base = {
            "me": {"schools": ["University of Waterloo"], "grad_year": 2025, "major": "Statistics"},
            "targets": {"roles": ["data scientist"], "companies": ["Google", "Shopify"]},
        }
        for section, values in changes.items():
            base[section] = {**base.get(section, {}), **values}
        return context(from_dict(base), None, None, today)

    return build


@pytest.fixture
def prospects_of(people, today):
    def build(*rows, settings=SETTINGS) -> pd.DataFrame:
        """Prospects straight from normalize, one per row (linking is tested elsewhere)."""
        p = normalize(people(*rows), settings, today)
        p["prospect_id"] = [r.get("linkedin_slug") or f"p{i}" for i, r in enumerate(rows)]
        p["is_connection"] = (p["source"] == "connections").to_numpy()
        p["is_alum"] = (p["source"] == "alumni").to_numpy()
        p["record_ids"] = p["record_id"]
        p["match_confidence"] = 1.0
        return p

    return build


@pytest.fixture
def ranked_of(prospects_of, today):
    def build(*rows, settings=SETTINGS):
        return rank(prospects_of(*rows, settings=settings), context(settings, None, None, today))

    return build


def frame(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns)


# --- role_fit -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "low", "high"),
    [
        ("Sr. Data Scientist II", 1.0, 1.0),  # abbreviations expanded, extra words ignored
        ("Data Scientist", 1.0, 1.0),
        ("Senior DS", 1.0, 1.0),
        ("Machine Learning Engineer", 0.5, 0.9),  # same family, not the title
        ("Store Manager", 0.0, 0.1),
        ("Scientist", 0.0, 0.6),  # a part of the role is not the role
        ("", 0.0, 0.0),
    ],
)
def test_role_fit_table(title, low, high, ctx_of, prospects_of):
    p = prospects_of({"first_name": "A", "last_name": "B", "title": title})
    value, evidence = role_fit(p, ctx_of())
    assert low <= value[0] <= high
    assert ("data scientist" in evidence.iloc[0]) == (value[0] >= 0.25)


def test_role_fit_words_of_another_family_do_not_fit_fully(ctx_of, prospects_of):
    ctx = ctx_of(targets={"roles": ["product manager"]})
    p = prospects_of(
        {"first_name": "A", "last_name": "B", "title": "Product Marketing Manager"},
        {"first_name": "C", "last_name": "D", "title": "Senior Product Manager"},
    )
    value, _ = role_fit(p, ctx)
    assert value[1] == 1.0 and value[0] <= 0.5


def test_role_fit_is_zero_without_target_roles(ctx_of, prospects_of):
    p = prospects_of({"first_name": "A", "last_name": "B", "title": "Data Scientist"})
    value, _ = role_fit(p, ctx_of(targets={"roles": []}))
    assert np.isnan(value).all()  # not used: a blank, not a zero


# --- company_fit ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("company", "title", "expected", "words"),
    [
        ("Google LLC", "Analyst", 1.0, "target employer Google"),
        ("Alphabet Inc.", "Analyst", 0.6, "related to target Google"),  # parent: partial
        ("YouTube", "Analyst", 0.6, "related to target Google"),  # subsidiary: partial
        ("Shopify", "Analyst", 1.0, "target employer Shopify"),
        ("", "Data Scientist @ Loblaw | ex-Google", 0.5, "formerly at target Google"),
        ("Loblaw", "Analyst", 0.0, ""),
    ],
)
def test_company_fit_aliases_groups_and_past_employers(
    company, title, expected, words, ctx_of, prospects_of
):
    p = prospects_of({"first_name": "A", "last_name": "B", "company": company, "title": title})
    value, evidence = company_fit(p, ctx_of())
    assert value[0] == pytest.approx(expected)
    assert words in evidence.iloc[0]


def test_company_fit_scales_with_lamp_motivation_and_posting(prospects_of, today):
    settings = from_dict({"targets": {"companies": []}})
    lamp = pd.DataFrame(
        {"employer": ["Shopify", "RBC"], "advocacy": [True, False], "motivation": [3, 1],
         "posting": [3, 1]}
    )  # fmt: skip
    ctx = context(settings, None, lamp, today)
    p = prospects_of(
        {"first_name": "A", "last_name": "B", "company": "Shopify"},
        {"first_name": "C", "last_name": "D", "company": "RBC"},
    )
    value, evidence = company_fit(p, ctx)
    assert value[0] == 1.0 and 0.7 < value[1] < 0.9
    assert "LAMP motivation 1, posting 1" in evidence.iloc[1]


# --- school_fit -----------------------------------------------------------------------------


def test_school_fit_alum_and_same_program(ctx_of, prospects_of):
    p = prospects_of(
        {"first_name": "A", "last_name": "B", "source": "alumni", "major": "Statistics",
         "school": "University of Waterloo"},
        {"first_name": "C", "last_name": "D", "source": "alumni", "major": "History",
         "school": "University of Waterloo"},
        {"first_name": "E", "last_name": "F", "school": "UWaterloo"},
        {"first_name": "G", "last_name": "H", "school": "McGill University"},
    )  # fmt: skip
    value, evidence = school_fit(p, ctx_of())
    assert value.tolist() == [1.0, 0.8, 0.8, 0.0]
    assert "same program (Statistics)" in evidence.iloc[0]


# --- stage_fit ------------------------------------------------------------------------------

ME = 1.4  # the user's career years on today with grad_year 2025


def stage_frame(ahead, seniority, sd=1.0):
    n = len(ahead)
    return frame(
        career_years=[ME + a for a in ahead],
        career_years_sd=[sd] * n,
        seniority=seniority,
        career_years_source=["grad_year"] * n,
    )


def test_stage_curve_peaks_at_five_years_and_keeps_senior_leaders(ctx_of):
    p = stage_frame([1, 5, 15, 20, -2], ["Entry", "Senior", "Manager", "VP", "Training"])
    (one, five, fifteen, vp, behind), evidence = stage_fit(p, ctx_of())
    assert five > one and five > fifteen
    assert vp >= SETTINGS.targets.senior_leaders  # a VP 20 years ahead is not buried
    assert vp > fifteen
    assert behind < one
    assert evidence.iloc[3].endswith("senior leader (VP)")
    assert "2 years behind" in evidence.iloc[4]


def test_stage_uncertainty_widens_the_curve(ctx_of):
    sure = stage_fit(stage_frame([12], ["Senior"], sd=1.0), ctx_of())[0][0]
    unsure = stage_fit(stage_frame([12], ["Senior"], sd=5.0), ctx_of())[0][0]
    assert unsure > sure


def test_include_peers_counts_people_at_the_users_stage_fully(ctx_of):
    p = stage_frame([0, 2, 5], ["Entry", "Entry", "Senior"])
    without = stage_fit(p, ctx_of())[0]
    with_peers = stage_fit(p, ctx_of(targets={"include_peers": True}))[0]
    assert with_peers.tolist() == [1.0, 1.0, 1.0]
    assert without[0] < 0.5


def test_unknown_stage_is_neutral_low_but_leaders_keep_their_floor(ctx_of):
    p = frame(career_years=[np.nan, np.nan], career_years_sd=[np.nan] * 2,
              seniority=["Unknown", "Director"])  # fmt: skip
    value, _ = stage_fit(p, ctx_of())
    assert value.tolist() == [0.3, 0.7]


# --- warmth, location, industry -------------------------------------------------------------


def test_warmth_orders_connection_alum_intro_cold(ctx_of):
    p = frame(is_connection=[True, False, False, False, False],
              is_alum=[False, True, True, False, False],
              intro_via=["", "X (Acme)", "", "X (Acme)", ""])  # fmt: skip
    value, _ = warmth(p, ctx_of())
    assert value.tolist() == sorted(value.tolist(), reverse=True)
    assert len(set(value.tolist())) == 5


def test_location_fit_missing_is_neutral_not_a_penalty(ctx_of):
    ctx = ctx_of(targets={"locations": ["Toronto"]})
    p = frame(location=["Toronto, ON, Canada", "Vancouver, BC", "", "Greater Toronto Area"])
    value, evidence = location_fit(p, ctx)
    assert value[[0, 1, 3]].tolist() == [1.0, 0.0, 1.0]
    assert np.isnan(value[2]) and evidence.iloc[2] == "location unknown"
    # In the score, the unknown location drops out instead of counting as a zero.
    f = pd.DataFrame({"a": [0.8, 0.8], "location_fit": [np.nan, 0.0]})
    assert weighted_score(f, {"a": 1.0, "location_fit": 1.0}).tolist() == [0.8, 0.4]


def test_industry_fit_from_the_employer_and_the_users_words(ctx_of):
    ctx = ctx_of(targets={"industries": ["fintech"]})
    p = frame(company_key=["wealthsimple", "rbc", "shopify", "acme widgets"],
              company_parent=["", "", "", ""])  # fmt: skip
    value, evidence = industry_fit(p, ctx)
    assert value[:3].tolist() == [1.0, 1.0, 0.0] and np.isnan(value[3])
    assert evidence.iloc[0] == "industry Financial services (target fintech)"


# --- score, filters, diversification, intros ------------------------------------------------


def test_contributions_add_up_to_the_score():
    f = pd.DataFrame({"a": [1.0, 0.5], "b": [0.0, np.nan], "c": [0.5, 0.5]})
    w = {"a": 0.5, "b": 0.3, "c": 0.2}
    assert contributions(f, w).sum(axis=1).round(4).tolist() == weighted_score(f, w).tolist()


def test_filters_drop_excluded_role_family_employer_and_my_employer(prospects_of):
    settings = from_dict(
        {"me": {"grad_year": 2025}, "targets": {"exclude_companies": ["Loblaw Inc."]}}
    )
    p = prospects_of(
        {"first_name": "Ana", "last_name": "Lopez", "company": "Google", "title": "Recruiter"},
        {"first_name": "Ben", "last_name": "Ng", "company": "Google", "title": "Data Scientist"},
        {"first_name": "Cy", "last_name": "Ito", "company": "Loblaw", "title": "Analyst"},
        {"first_name": "Di", "last_name": "Ra", "company": "Manulife", "title": "Analyst"},
        settings=settings,
    )
    ctx = Context(settings=settings, my_employer_keys=("manulife",))
    ranked, dropped = rank(p, ctx)
    assert ranked["full_name"].tolist() == ["Ben Ng"]
    assert dropped.set_index("full_name")["filtered_because"].to_dict() == {
        "Ana Lopez": "excluded role family",
        "Cy Ito": "excluded employer",
        "Di Ra": "works at your current employer",
    }


def test_minimum_score_filters_with_a_reason(ranked_of):
    settings = from_dict({"me": {"grad_year": 2025}, "output": {"min_score": 0.99}})
    _, dropped = ranked_of({"first_name": "A", "last_name": "B"}, settings=settings)
    assert dropped["filtered_because"].tolist() == ["below the minimum score"]


def test_diversify_caps_people_per_company_then_brings_them_back_in_rounds():
    f = frame(prospect_id=list("abcdefg"), score=[0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3],
              company_key=["g", "g", "g", "s", "", "g", "s"])  # fmt: skip
    assert diversify(f, max_per_company=2)["prospect_id"].tolist() == list("abdegcf")
    assert diversify(f, max_per_company=0)["prospect_id"].tolist() == list("abcdefg")


def test_intro_paths_current_colleagues_first_then_former_ones():
    p = frame(
        prospect_id=["a", "b", "c", "d", "e"],
        full_name=["A One", "B Two", "C Three", "D Four", "E Five"],
        company=["Shopify", "Shopify", "Shopify", "RBC", "RBC"],
        company_key=["shopify", "shopify", "shopify", "rbc", "rbc"],
        past_companies=["", "", "", "Shopify Inc.|Google", ""],
        is_connection=[True, False, True, True, False],
        is_alum=[False, True, True, True, False],
        career_years=[3.0, 5.0, 8.0, 20.0, 2.0],
    )
    intros = intro_paths(p)
    assert intros.tolist() == [
        "",
        "C Three (Shopify); A One (Shopify); D Four (formerly Shopify Inc.)",
        "",
        "",
        "D Four (RBC)",
    ]
    assert intro_paths(p, max_names=1)[1] == "C Three (Shopify)"


# --- the whole stage and its words ----------------------------------------------------------


def test_ranked_has_schema_and_the_best_person_first(ranked_of):
    ranked, _ = ranked_of(
        {"first_name": "Ana", "last_name": "Lopez", "company": "Alphabet",
         "title": "Data Scientist", "source": "alumni", "grad_year": 2020,
         "school": "University of Waterloo", "degree": "BMath"},
        {"first_name": "Ben", "last_name": "Ng", "company": "Loblaw", "title": "Store Manager"},
        {"first_name": "Cy", "last_name": "Ito", "company": "Google",
         "title": "Sr. Data Scientist II", "linkedin_slug": "cy"},
    )  # fmt: skip
    assert list(ranked.columns[: len(schema.RANKED)]) == list(schema.RANKED)
    assert ranked["rank"].tolist() == [1, 2, 3]
    assert ranked.iloc[-1]["full_name"] == "Ben Ng"
    for f in ("role_fit", "company_fit", "school_fit", "stage_fit", "warmth"):
        assert ranked[f].between(0, 1).all()
    ana = ranked.set_index("full_name").loc["Ana Lopez"]
    assert 0 < ana["company_fit"] < 1  # Alphabet is Google's parent: partial credit
    assert ana["why"].startswith("Data Scientist at Alphabet")
    assert "University of Waterloo alum (BMath 2020)" in ana["why"]
    assert "about 5 years ahead of you" in ana["why"]
    assert ana["why"].endswith("; fellow alum, not yet connected")  # Cy is at Google, not Alphabet
    assert ana["opener"] == (
        "Hi Ana, as a Waterloo alum reaching out to a fellow alum, I'd value 15 minutes of your "
        "perspective on your path to Data Scientist at Alphabet."
    )


def test_no_targets_means_role_and_company_weigh_nothing(ranked_of):
    settings = from_dict({"me": {"grad_year": 2025}})
    ranked, _ = ranked_of(
        {"first_name": "Ana", "last_name": "Lopez", "title": "Data Scientist", "company": "X"},
        settings=settings,
    )
    row = ranked.iloc[0]
    expected = (0.15 * row["school_fit"] + 0.15 * row["stage_fit"] + 0.15 * row["warmth"]) / 0.45
    assert row["score"] == pytest.approx(expected, abs=1e-3)


WORDS = frame(
    first_name=["Ana", "Ben", "Cy", ""],
    full_name=["Ana Lopez", "Ben Ng", "Cy Ito", ""],
    title=["Senior PM @ Shopify | ex-Google", "VP Sales", "", "x" * 400],
    company=["Shopify Inc.", "Acme", "RBC", "Acme"],
    company_clean=["Shopify", "Acme", "RBC", "Acme"],
    school=["University of Waterloo", "", "", ""],
    degree=["BASc", "", "", ""],
    grad_year=pd.array([2021, None, None, None], dtype="Int64"),
    seniority=["Senior", "VP", "Entry", "Entry"],
    years_ahead=[4.6, 19.0, -1.0, np.nan],
    school_fit=[0.8, 0.0, 0.0, 0.0],
    is_connection=[True, False, False, False],
    is_alum=[True, False, False, False],
    intro_via=["", "Di Ra (formerly Acme Corp); Ed Su (Acme)", "Fa Yo (RBC)", ""],
)


def test_why_is_plain_words_from_the_strongest_signals():
    assert why(WORDS).tolist() == [
        "University of Waterloo alum (BASc 2021), Senior PM at Shopify, about 5 years ahead of "
        "you; 1st-degree connection",
        "VP Sales at Acme, a senior leader (VP); intro possible via Di Ra",
        "works at RBC, about 1 year behind you; intro possible via Fa Yo",
        "x" * 400 + " at Acme; no connection yet",
    ]


def test_opener_uses_only_facts_and_stays_short():
    lines = opener(WORDS, "University of Waterloo", i_am_student=True).tolist()
    assert lines[0].startswith("Hi Ana, as a Waterloo student reaching out to a fellow alum,")
    assert "path to Senior PM at Shopify" in lines[0]
    assert lines[1].startswith("Hi Ben, my connection Di Ra used to work at Acme Corp, and ")
    assert lines[2].startswith("Hi Cy, my connection Fa Yo also works at RBC, and ")
    assert lines[3].startswith("Hi, I'd value") and lines[3].endswith("…")
    assert all(len(x) < MAX_OPENER for x in lines)


def test_words_handle_an_empty_frame():
    assert why(WORDS.iloc[:0]).tolist() == [] and opener(WORDS.iloc[:0]).tolist() == []


def test_score_features_leaves_the_input_untouched(prospects_of, today):
    p = prospects_of({"first_name": "A", "last_name": "B", "title": "Data Scientist"})
    before = p.copy()
    out = score_features(p, context(SETTINGS, None, None, today))
    pd.testing.assert_frame_equal(p, before)
    assert {"role_fit_evidence", "score", "intro_via"} <= set(out.columns)


def test_context_excludes_my_current_employer_but_never_my_school(prospects_of, today):
    from pipeline.ingest.profile import Position, Profile

    jobs = (
        Position("Manulife Financial", "Data Analyst", (2024, 9), (None, None), False),
        Position("University of Waterloo", "Research Assistant", (2025, 1), (None, None), False),
        Position("Shopify", "Data Science Intern (co-op)", (2023, 1), (2023, 8), True),
    )
    ctx = context(SETTINGS, Profile(positions=jobs), None, today)
    assert ctx.my_employer_keys == ("manulife financial",)
    off = context(from_dict({"targets": {"exclude_my_employer": False}}), None, None, today)
    p = prospects_of({"first_name": "A", "last_name": "B", "company": "Manulife"})
    assert rank(p, ctx)[1]["filtered_because"].tolist() == ["works at your current employer"]
    assert len(rank(p, off)[0]) == 1
