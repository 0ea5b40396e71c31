"""Title normalisation: abbreviations, seniority, role family, headlines (normalize.titles)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.errors import SettingsError
from pipeline.normalize.titles import (
    ROLE_FAMILIES,
    Rule,
    classify_titles,
    expand_abbreviations,
    load_rules,
    role_family,
    seniority,
    split_headline,
)
from pipeline.schema import SENIORITY_LEVELS

UNKNOWN = "Unknown"
SWE, DS, DA = "Software engineering", "Data science & ML", "Data & analytics"
PM, PGM, DESIGN = "Product management", "Program & project management", "Design & UX"
CONSULT, FIN, ACCT = "Consulting", "Investment banking & finance", "Accounting & audit"
MKT, SALES, CS = "Marketing", "Sales & business development", "Customer success & support"
OPS, HR, RES = "Operations & supply chain", "HR & recruiting", "Research & academia"
HEALTH, LEGAL, EDU = "Healthcare & medicine", "Legal", "Education & teaching"
EXEC, ENG = "Executive leadership & entrepreneurship", "Engineering (non-software)"
POLICY, COMMS = "Public sector & policy", "Communications & media"

# (title as typed, expected seniority, expected role family)
CASES = [
    # -- traps from domain.md section 5 ---------------------------------------------------
    ("Project Coordinator", "Entry", PGM),  # "coo" inside "coordinator" is not CXO
    ("Marketing Coordinator", "Entry", MKT),
    ("International Student Advisor", "Entry", EDU),  # "intern" in "international"
    ("International Relations Specialist", "Entry", UNKNOWN),
    ("Internal Auditor", "Entry", ACCT),
    ("Director of International Programs", "Director", UNKNOWN),
    ("Chief of Staff", "Manager", EXEC),
    ("Chief of Staff to the CEO", "Manager", EXEC),
    ("Assistant to the CEO", "Entry", OPS),
    ("Executive Assistant to the CEO", "Entry", OPS),
    ("Executive Assistant to the Founder & CEO", "Entry", OPS),
    ("Product Manager", "Entry", PM),
    ("Senior Product Manager", "Senior", PM),
    ("Group Product Manager", "Manager", PM),
    ("Manager, Product Management", "Manager", PM),
    ("Program Manager", "Entry", PGM),
    ("Technical Program Manager", "Entry", PGM),
    ("Account Manager", "Entry", SALES),
    ("Product Owner", "Entry", PM),
    ("Senior Product Owner", "Senior", PM),
    ("Partner Manager", "Entry", SALES),
    ("Partner Success Manager", "Entry", CS),
    ("Channel Partner Manager", "Entry", SALES),
    ("HR Business Partner", "Senior", HR),
    ("Managing Director", "Partner", EXEC),
    ("MD - Investment Banking", "Partner", FIN),
    ("Vice President", "VP", EXEC),  # "Vice President" must not fire President
    ("Vice-President, Finance", "VP", FIN),
    ("Vice President, Investment Banking", "Manager", FIN),  # banking VPs are mid-career
    ("AVP", "Manager", EXEC),
    ("Executive Director", "CXO", EXEC),
    ("President", "CXO", EXEC),
    ("Student Success Manager", "Entry", EDU),  # "student" here is not Training
    ("Director of Student Life", "Director", EDU),
    ("Volunteer Coordinator", "Entry", OPS),
    ("Lead Generation Specialist", "Entry", MKT),
    ("Senior Living Coordinator", "Entry", OPS),
    ("Founder's Associate", "Entry", UNKNOWN),
    ("Teacher, Grade 5", "Entry", EDU),  # not "level 5"
    ("COO", "CXO", EXEC),  # the whole word is an executive ...
    ("Chief Operating Officer", "CXO", EXEC),
    ("Internship Coordinator", "Entry", EDU),  # ... "intern" and "coo" inside words are not
    ("Co-op Program Coordinator", "Entry", EDU),
    ("Tax Intern, International Tax", "Training", ACCT),
    ("International Sales Manager", "Manager", SALES),
    ("Internal Communications Manager", "Manager", COMMS),
    ("Chief of Staff, Office of the CEO", "Manager", EXEC),
    ("Senior Partner Manager", "Senior", SALES),
    ("Partnerships Manager", "Entry", SALES),
    ("Product Owner, Payments", "Entry", PM),
    ("VP, Global Markets", "Manager", FIN),  # banking VPs are mid-career
    ("AVP, Credit Risk", "Manager", FIN),
    ("Managing Director, Equity Research", "Partner", FIN),
    ("Executive Director, Food Bank", "CXO", EXEC),  # a non-profit's chief
    ("Head of Product @ Wealthsimple | ex-Shopify", "Director", PM),
    ("SDE III @ Amazon", "Senior", SWE),
    ("Sr SWE", "Senior", SWE),
    ("Career Coach", "Entry", EDU),
    # -- messy real-world titles ----------------------------------------------------------
    ("Sr. Data Scientist II", "Senior", DS),
    ("Data Scientist II", "Entry", DS),
    ("Software Engineer III", "Senior", SWE),
    ("Senior Software Engineer (L5)", "Senior", SWE),
    ("SWE Intern", "Training", SWE),
    ("Product Manager Intern", "Training", PM),
    ("Co-op Student - Software", "Training", SWE),
    ("Senior PM @ Shopify | ex-Google", "Senior", PM),
    ("Founder & CEO", "Owner", EXEC),
    ("Co-Founder & CTO", "Owner", EXEC),
    ("Owner", "Owner", EXEC),
    ("Business Owner", "Owner", EXEC),
    ("VP, Engineering", "VP", SWE),
    ("SVP Marketing", "VP", MKT),
    ("EVP & CFO", "CXO", FIN),
    ("CTO", "CXO", SWE),
    ("Head of Data", "Director", DA),
    ("Staff ML Engineer", "Senior", DS),
    ("Machine Learning Engineer", "Entry", DS),
    ("Data Engineer", "Entry", DS),
    ("Research Assistant", "Training", RES),
    ("Teaching Assistant", "Training", EDU),
    ("PhD Candidate", "Training", RES),
    ("Ph.D. Student", "Training", RES),
    ("GM, Canada", "Director", EXEC),
    ("Director of Product", "Director", PM),
    ("Senior Director, Marketing", "Director", MKT),
    ("Associate Director", "Manager", UNKNOWN),
    ("Partner", "Partner", UNKNOWN),
    ("Partner, Tax", "Partner", ACCT),
    ("Associate", "Entry", UNKNOWN),
    ("Senior Associate", "Senior", UNKNOWN),
    ("Summer Analyst", "Training", FIN),
    ("Volunteer Tutor", "Unpaid", EDU),
    ("Self-employed", UNKNOWN, UNKNOWN),
    ("Retired", UNKNOWN, UNKNOWN),
    ("Technical Recruiter", "Entry", HR),
    ("Team Lead", "Senior", UNKNOWN),
    ("Tech Lead", "Senior", SWE),
    ("Senior Manager", "Manager", UNKNOWN),
    ("Engineering Manager", "Manager", SWE),
    ("Assistant Professor", "Senior", RES),
    ("Associate Professor of Chemistry", "Senior", RES),
    ("Professor", "Director", RES),
    ("Postdoctoral Fellow", "Entry", RES),
    ("Postdoc", "Entry", RES),
    ("Research Scientist", "Entry", RES),
    ("Principal Engineer", "Senior", SWE),
    ("Staff Accountant", "Entry", ACCT),
    ("Financial Analyst", "Entry", FIN),
    ("Business Analyst", "Entry", DA),
    ("Policy Analyst", "Entry", POLICY),
    ("Mechanical Engineer", "Entry", ENG),
    ("UX/UI Designer", "Entry", DESIGN),
    ("Product Designer", "Entry", DESIGN),
    ("Senior Consultant", "Senior", CONSULT),
    ("Customer Success Manager", "Entry", CS),
    ("Account Executive", "Entry", SALES),
    ("Registered Nurse", "Entry", HEALTH),
    ("Family Physician", "Senior", HEALTH),
    ("Resident Physician", "Training", HEALTH),
    ("General Counsel", "CXO", LEGAL),
    ("Associate General Counsel", "Director", LEGAL),
    ("Communications Specialist", "Entry", COMMS),
    ("Operations Manager", "Manager", OPS),
    ("Apprentice Electrician", "Training", UNKNOWN),
    ("𝐒𝐞𝐧𝐢𝐨𝐫 𝐃𝐚𝐭𝐚 𝐒𝐜𝐢𝐞𝐧𝐭𝐢𝐬𝐭 🚀", "Senior", DS),
    ("", UNKNOWN, UNKNOWN),
]


@pytest.mark.parametrize(("title", "level", "family"), CASES, ids=[c[0] or "empty" for c in CASES])
def test_seniority_and_role_family(title: str, level: str, family: str) -> None:
    assert seniority(title)[0] == level
    assert role_family(title) == family


def test_the_table_is_large_and_uses_only_known_values() -> None:
    assert len(CASES) >= 70
    assert {level for _, level, _ in CASES} <= {*SENIORITY_LEVELS, UNKNOWN}
    assert {family for _, _, family in CASES} <= {*ROLE_FAMILIES, UNKNOWN}


@pytest.mark.parametrize("title", [t for t, _, _ in CASES])
def test_a_rule_name_comes_with_every_level(title: str) -> None:
    level, rule = seniority(title)
    if level != UNKNOWN:
        assert rule in {r.name for r in load_rules()}


def test_empty_title_has_no_rule() -> None:
    assert seniority("") == (UNKNOWN, "")
    assert seniority("   ") == (UNKNOWN, "")


@pytest.mark.parametrize(
    ("title", "expanded"),
    [
        ("Sr. PM II", "senior product manager ii"),
        ("Sr.Manager", "senior manager"),
        ("Jr Dev", "junior developer"),
        ("SVP, Mktg & Ops", "senior vice president marketing and operations"),
        ("Founder & CEO", "founder and chief executive officer"),
        ("Dir. of BD", "director of business development"),
        ("TPM / PgM", "technical program manager program manager"),
        ("MLE, ML Platform", "machine learning engineer machine learning platform"),
        ("Ph.D. Candidate", "phd candidate"),
        ("HRBP", "human resources business partner"),
        ("Asst. Mgr, QA", "assistant manager quality assurance"),
        ("Project Coordinator", "project coordinator"),  # "coo" is a whole word only
        ("Co-op Student - Software", "co-op student software"),
        ("C++ Developer", "c++ developer"),
        ("", ""),
    ],
)
def test_expand_abbreviations(title: str, expanded: str) -> None:
    assert expand_abbreviations(title) == expanded


@pytest.mark.parametrize(
    ("position", "expected"),
    [
        ("Senior PM @ Shopify | ex-Google", ("Senior PM", "Shopify", ("Google",))),
        ("Data Scientist at RBC", ("Data Scientist", "RBC", ())),
        (
            "Founder, Acme | Previously Microsoft, Amazon",
            ("Founder", "Acme", ("Microsoft", "Amazon")),
        ),
        ("Data Scientist (ex-Google)", ("Data Scientist", "", ("Google",))),
        (
            "Speaker | Software Engineer at Globex | formerly at Initech",
            ("Software Engineer", "Globex", ("Initech",)),
        ),
        ("ex-Initech | Founder", ("Founder", "", ("Initech",))),
        ("Founder & CEO, Acme Robotics", ("Founder & CEO", "Acme Robotics", ())),
        ("CEO of Acme", ("CEO", "Acme", ())),
        ("VP, Engineering", ("VP, Engineering", "", ())),  # a department, not a company
        ("GM, Canada", ("GM, Canada", "", ())),
        ("CEO, North America", ("CEO, North America", "", ())),  # a region, not a company
        ("MD - Investment Banking", ("MD - Investment Banking", "", ())),
        (
            "Head of Data at Acme | Ex-Globex, Ex-Initech | Mentor",
            ("Head of Data", "Acme", ("Globex", "Initech")),
        ),
        ("Product Manager", ("Product Manager", "", ())),
        ("", ("", "", ())),
    ],
)
def test_split_headline(position: str, expected: tuple[str, str, tuple[str, ...]]) -> None:
    assert split_headline(position) == expected


def test_shipped_rules_are_valid_and_exceptions_come_first() -> None:
    rules = load_rules()
    assert all(r.name and r.level in {*SENIORITY_LEVELS, UNKNOWN, ""} for r in rules)
    for rule in rules:
        re.compile(rule.pattern)
    levels = [r.level for r in rules]
    first_real = next(i for i, level in enumerate(levels) if level)
    assert "" not in levels[first_real:]
    assert len({r.name for r in rules}) == len(rules)  # names identify rules in explanations


def test_extra_rules_run_before_shipped_ones() -> None:
    assert seniority("Team Lead") == ("Senior", "lead / architect")
    mine = Rule("team lead manages people", r"\bteam lead\b", "Manager")
    assert seniority("Team Lead", extra_rules=[mine]) == ("Manager", "team lead manages people")
    # an extra exception removes words before the shipped rules see them
    drop = Rule("ignore 'founder' in club titles", r"(?<=\bclub )founder\b", "")
    assert seniority("Chess Club Founder")[0] == "Owner"
    assert seniority("Chess Club Founder", extra_rules=[drop]) == (UNKNOWN, "")
    assert classify_titles(pd.Series(["Team Lead"]), [mine])["seniority"].tolist() == ["Manager"]


@pytest.mark.parametrize(
    "bad", [Rule("typo", r"\bteam lead(", "Manager"), Rule("level", r"\blead\b", "Boss")]
)
def test_bad_extra_rules_raise_a_settings_error_naming_the_rule(bad: Rule) -> None:
    with pytest.raises(SettingsError, match=bad.name):
        seniority("Team Lead", extra_rules=[bad])


def test_classify_titles_matches_per_value_results_and_leaves_input_untouched() -> None:
    values = [
        "Sr. PM @ Shopify | ex-Google",
        "Intern",
        None,
        "Sr. PM @ Shopify | ex-Google",
        "Intern",
        "",
    ]
    titles = pd.Series(values, index=[10, 11, 12, 13, 14, 15], dtype="str")
    before = titles.copy()
    out = classify_titles(titles)
    pd.testing.assert_series_equal(titles, before)
    assert out.index.tolist() == [10, 11, 12, 13, 14, 15]
    assert out.columns.tolist() == ["seniority", "seniority_rule", "role_family", "title_clean",
                                    "headline_company", "past_companies"]  # fmt: skip
    for idx, value in titles.items():
        text = "" if pd.isna(value) else value
        title, company, past = split_headline(text)
        row = out.loc[idx]
        assert (row["seniority"], row["seniority_rule"]) == seniority(text)
        assert row["role_family"] == role_family(text)
        assert row["title_clean"] == expand_abbreviations(title)
        assert row["headline_company"] == company
        assert row["past_companies"] == "|".join(past)
    assert out.loc[10].tolist() == [
        "Senior",
        "senior IC manager/owner title",
        PM,
        "senior product manager",
        "Shopify",
        "Google",
    ]
    assert out.loc[12, "seniority"] == UNKNOWN


def test_classify_titles_joins_several_past_companies() -> None:
    out = classify_titles(pd.Series(["Founder, Acme | Previously Globex, Initech"]))
    assert out.loc[0, "past_companies"] == "Globex|Initech"
    assert out.loc[0, "headline_company"] == "Acme"


def test_classify_titles_on_an_empty_series() -> None:
    out = classify_titles(pd.Series([], dtype="str"))
    assert out.empty and "seniority" in out.columns


@given(st.text(max_size=60))
def test_any_text_gets_a_known_level_and_family(text: str) -> None:
    level, rule = seniority(text)
    assert level in {*SENIORITY_LEVELS, UNKNOWN}
    assert level == UNKNOWN or rule
    assert role_family(text) in {*ROLE_FAMILIES, UNKNOWN}


def test_adjust_for_employer_row_by_row():
    """Compared in Arrow: the same rows change as a Python loop over rows would change."""
    from pipeline.normalize.titles import _employer_rules, adjust_for_employer

    kind, rule = next(iter(_employer_rules()))
    level, name = _employer_rules()[(kind, rule)]
    rules = [rule, rule, "other rule", rule, ""]
    kinds = pd.Series([kind, None, kind, "", kind], index=[9, 3, 5, 0, 1], dtype=object)
    classified = pd.DataFrame(
        {"seniority": ["VP", "VP", "VP", "VP", "Unknown"], "seniority_rule": rules},
        index=kinds.index,
    ).astype("str")
    out = adjust_for_employer(classified, kinds)
    for i, (k, r) in enumerate(zip(kinds, rules, strict=True)):
        changed = k == kind and r == rule
        assert out["seniority"].iloc[i] == (level if changed else classified["seniority"].iloc[i])
        assert out["seniority_rule"].iloc[i] == (name if changed else r)
    assert out["seniority"].tolist() == [level, "VP", "VP", "VP", "Unknown"]
    assert out.index.equals(classified.index)
    empty = classified.iloc[:0]
    assert adjust_for_employer(empty, kinds.iloc[:0]).empty


CLASSIFY_EDGES = ["", "Team Lead", "Sr. PM @ Shopify | ex-Google", "Senior PM", "Sr. PM"]
CLASSIFY_EDGES += ["Executive Assistant to the CEO", "Ingénieure logiciel", "数据科学家"]
CLASSIFY_EDGES += ["Founder, Acme", "Team Lead", "VP, Engineering", "Student Success Manager"]


def _classified_one_by_one(value: object, extra: list[Rule]) -> list[str]:
    """The row's CLASSIFIED columns from the public one-title functions (the oracle)."""
    title, company, past = split_headline(value if isinstance(value, str) else "")
    clean = expand_abbreviations(title)
    level, rule = seniority(title, extra_rules=extra) if clean else (UNKNOWN, "")
    family = role_family(title) if clean else UNKNOWN
    return [level, rule, family, clean, company, "|".join(past)]


@pytest.mark.parametrize("order", [1, -1])  # either set of rules classified first
def test_classify_titles_is_each_title_alone_whatever_was_classified_before(order) -> None:
    mine = [Rule("team lead manages people", r"\bteam lead\b", "Manager")]
    titles = pd.Series([*CLASSIFY_EDGES, None], index=range(100, 113))
    for extra in [[], mine][::order] + [[], mine][::order]:  # twice each: the cached rows too
        got = classify_titles(titles, extra)
        assert got.index.tolist() == titles.index.tolist()
        want = [_classified_one_by_one(t, extra) for t in titles]
        assert got.values.tolist() == want
    assert classify_titles(titles.iloc[:0]).empty
