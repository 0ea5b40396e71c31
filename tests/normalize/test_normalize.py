import numpy as np
import pandas as pd
import pytest

from pipeline import run, schema
from pipeline import settings as settings_mod
from pipeline.errors import SettingsError
from pipeline.normalize import normalize, summary, unknowns_line
from pipeline.settings import from_dict


def test_normalize_adds_keys_levels_and_stage_without_touching_input(people, today):
    frame = people(
        {"first_name": "María", "last_name": "García", "company": "Google LLC",
         "title": "Sr. Data Scientist II"},
        {"first_name": "Bob", "last_name": "Lee", "company": "Self-employed", "title": "Founder",
         "source": "alumni", "school": "UW", "grad_year": 2015},
        {"first_name": "Ann", "last_name": "Ng", "title": "Senior PM @ Shopify | ex-Google"},
    )  # fmt: skip
    before = frame.copy()
    out = normalize(
        frame, from_dict({"me": {"school_aliases": {"UW": "University of Waterloo"}}}), today
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


def test_settings_seniority_rules_run_before_the_shipped_ones(people, today):
    frame = people({"first_name": "A", "last_name": "B", "title": "Team Lead"})
    assert normalize(frame, from_dict({}), today).iloc[0]["seniority"] == "Senior"
    mine = from_dict({"normalize": {"seniority_rules": {r"\bteam lead\b": "manager"}}})
    row = normalize(frame, mine, today).iloc[0]
    assert row["seniority"] == "Manager"
    assert "team lead" in row["seniority_rule"]  # explanations can quote the user's rule


def test_settings_company_aliases_beat_the_shipped_table(people, today):
    frame = people({"first_name": "A", "last_name": "B", "company": "Globex Labs"})
    mine = from_dict({"normalize": {"company_aliases": {"Globex Labs": "Initech"}}})
    assert normalize(frame, from_dict({}), today).iloc[0]["company_key"] == "globex labs"
    row = normalize(frame, mine, today).iloc[0]
    assert row["company_key"] == "initech" and row["company_key_source"] == "alias"


@pytest.mark.parametrize(
    ("section", "match"),
    [
        ({"seniority_rules": {r"\bteam lead(": "Manager"}}, r"\[normalize\] seniority_rules"),
        ({"seniority_rules": {r"\blead\b": "Boss"}}, r"\[normalize\] seniority_rules"),
        ({"company_aliases": {"Globex": "--"}}, r"\[normalize\] company_aliases"),
    ],
)
def test_bad_normalize_settings_name_the_key(section, match, people, today):
    frame = people({"first_name": "A", "last_name": "B", "title": "Team Lead"})
    with pytest.raises(SettingsError, match=match):
        normalize(frame, from_dict({"normalize": section}), today)


# (title, employer, expected seniority): titles whose meaning depends on the employer
EMPLOYER_TITLES = [
    ("Vice President", "RBC Capital Markets", "Manager"),  # a subsidiary inherits "bank"
    ("Vice President", "J.P. Morgan", "Manager"),
    ("Vice President", "Goldman Sachs & Co. LLC", "Manager"),
    ("SVP", "BNY Mellon", "VP"),  # a senior or executive VP is senior everywhere
    ("Vice President", "Royal Bank of Canada", "Manager"),
    ("Vice President", "Shopify", "VP"),
    ("Vice President, Marketing", "Acme Widgets Inc.", "VP"),
    ("Executive Director", "Morgan Stanley", "Director"),  # between VP and MD at banks
    ("Executive Director", "Kids Code Club", "CXO"),  # a non-profit's chief
    ("Managing Director", "Scotiabank", "Partner"),
    ("AVP", "TD Securities", "Manager"),  # issue 19: a bank's AVP leads a team
    ("Director", "CIBC", "Director"),
    ("Vice President", "", "VP"),
]


@pytest.mark.parametrize(("title", "company", "level"), EMPLOYER_TITLES)
def test_seniority_depends_on_the_employer(title, company, level, people, today):
    frame = people({"first_name": "A", "last_name": "B", "title": title, "company": company})
    assert normalize(frame, from_dict({}), today).iloc[0]["seniority"] == level


def test_a_bank_vice_president_is_mid_career(people, today):
    frame = people(
        {"first_name": "A", "last_name": "B", "company": "RBC Capital Markets",
         "title": "Vice President"},
        {"first_name": "C", "last_name": "D", "company": "Shopify", "title": "Vice President"},
        {"first_name": "E", "last_name": "F", "company": "J.P. Morgan",
         "title": "Executive Director"},
    )  # fmt: skip
    bank_vp, tech_vp, bank_ed = (r for _, r in normalize(frame, from_dict({}), today).iterrows())
    assert (bank_vp["seniority"], tech_vp["seniority"]) == ("Manager", "VP")
    assert "bank" in bank_vp["seniority_rule"]
    assert bank_vp["career_years"] < tech_vp["career_years"]  # the prior follows the level
    assert bank_ed["seniority"] == "Director"


def test_a_university_employer_is_not_a_school_attended(people, today):
    frame = people(
        {"first_name": "A", "last_name": "B", "company": "University of Waterloo",
         "title": "Research Scientist"},
        {"first_name": "C", "last_name": "D", "company": "Shopify", "school": "UW"},
    )  # fmt: skip
    out = normalize(frame, from_dict({}), today)
    assert out["school_key"].tolist() == ["", "university of waterloo"]
    assert out["employer_is_school"].tolist() == [True, False]
    assert out["employer_school_key"].tolist() == ["university of waterloo", ""]


def test_former_names_give_alternate_keys(people, today):
    frame = people(
        {"first_name": "Jane", "last_name": "Doe", "former_name": "née Smith", "source": "alumni"},
        {"first_name": "Ann", "last_name": "Ng", "former_name": "", "source": "alumni"},
    )
    out = normalize(frame, from_dict({}), today)
    assert out["name_key_alternates"].tolist() == ["jane smith", ""]
    assert out["name_key"].tolist() == ["jane doe", "ann ng"]  # the current name stays the key


def test_connected_on_is_never_evidence_of_career_age(people, today):
    frame = people({"first_name": "A", "last_name": "B", "title": "Wizard"})
    frame["connected_on"] = pd.Series([pd.Timestamp("2009-01-08")], dtype="datetime64[s]")
    row = normalize(frame, from_dict({}), today).iloc[0]
    assert row["career_years_source"] == "unknown" and np.isnan(row["career_years"])


def test_summary_counts_unknowns_with_shares(people, today):
    frame = normalize(
        people(
            {"first_name": "A", "last_name": "B", "title": "Wizard", "company": "Freelance"},
            {"first_name": "C", "last_name": "D", "title": "Data Scientist", "school": "Hogwarts"},
        ),
        from_dict({}),
        today,
    )
    s = summary(frame)
    assert set(s) == {
        "seniority", "role_family", "career_years_source", "company_key", "school_key"
    }  # fmt: skip
    for table in s.values():
        assert table.columns.tolist() == ["value", "count", "share"]
    seniority = s["seniority"].set_index("value")
    assert seniority.loc["Unknown", "count"] == 1 and seniority.loc["Unknown", "share"] == 0.5
    assert s["career_years_source"].set_index("value").loc["unknown", "count"] == 1
    company = s["company_key"].set_index("value")["count"]
    assert company["placeholder (no employer)"] == 1 and company["empty (no key)"] == 1
    school = s["school_key"].set_index("value")["count"]
    assert (school["unknown (no key)"], school["empty"], school["known"]) == (1, 1, 0)
    assert "Seniority unknown for 1 of 2 titles" in unknowns_line(frame)


def test_summary_on_the_bundled_sample_reports_every_distribution(today):
    result = run.shortlist(run.Inputs.sample(), settings_mod.load(run.SAMPLE_CONFIG), today=today)
    s = summary(result.people)
    n = len(result.people)
    for name, table in s.items():
        assert table["count"].sum() == n, name  # every row is counted, unknowns included
        assert table["share"].sum() == pytest.approx(1.0, abs=0.01)
    assert "Unknown" in set(s["seniority"]["value"]) and "Unknown" in set(s["role_family"]["value"])
    sources = s["career_years_source"].set_index("value")["count"]
    assert sources["grad_year"] > sources["title prior"] > 0
    assert s["company_key"].set_index("value").loc["known alias", "count"] > 0
    assert "role family for" in result.summary(verbose=True)
    assert "role family" not in result.summary()
