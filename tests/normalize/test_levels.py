"""Career level from title and experience together (normalize.levels), one row per case.

The table ``fixtures/levels/cases.csv`` holds (title, employer, years since the first degree,
expected level, pattern); every case runs through ``normalize`` as an alumni row would.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fixtures.levels import generate
from pipeline.normalize import normalize
from pipeline.normalize.level_fit import fit
from pipeline.normalize.levels import (
    LEVELS,
    employer_kinds_of,
    evidence_class,
    level_probabilities,
    relevel,
)
from pipeline.settings import Settings

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "levels" / "cases.csv"
with CASES.open(encoding="utf-8") as fh:
    ROWS = list(csv.DictReader(fh))
NOW = 2026  # the fixture's today is 28 Nov 2026: a grad year of NOW - n is n.4 years out


def _frame(people, rows: list[dict]) -> pd.DataFrame:
    return people(
        *(
            {
                "first_name": "A",
                "last_name": f"P{i}",
                "title": r["title"],
                "company": r["employer"],
                "source": "alumni",
                **({"grad_year": NOW - int(r["years"])} if r["years"] else {}),
            }
            for i, r in enumerate(rows)
        )
    )


def test_the_table_covers_every_pattern_of_the_issue():
    patterns = {r["pattern"] for r in ROWS}
    assert len(ROWS) >= 150
    for needed in (
        "no level word: 8-10 years out",
        "manager of nobody: some years",
        "bank AVP",
        "strong word: intern",
        "no title: years alone",
        "student society in the title",
        "ambassador at a school",
        "RA/TA while studying",
        "no title: student society",
        "no title: at a university while studying",
        "no title: class year still to come",
        "no title: self-employed",
        "self-employed with a title: the title decides",
        "no title: employer of another kind",
    ):
        assert needed in patterns
    assert {r["expected"] for r in ROWS} <= {*LEVELS, "Unknown"}


@pytest.mark.parametrize(
    "case", ROWS, ids=[f"{r['title'] or '(none)'}@{r['employer']}+{r['years']}" for r in ROWS]
)
def test_level_case(people, today, case):
    out = normalize(_frame(people, [case]), Settings(), today)
    assert out["seniority"].iloc[0] == case["expected"], out["seniority_basis"].iloc[0]


def test_all_cases_at_once_agree_with_one_by_one(people, today):
    """The per-distinct-value shortcut gives each row its own answer."""
    out = normalize(_frame(people, ROWS), Settings(), today)
    assert out["seniority"].tolist() == [r["expected"] for r in ROWS]


def test_no_title_is_marked_estimated_and_probabilities_are_shown(people, today):
    rows = [
        {"title": "", "employer": "Shopify", "years": "7"},
        {"title": "Intern", "employer": "Shopify", "years": "10"},
        {"title": "", "employer": "Shopify", "years": ""},
        {"title": "", "employer": "", "years": "7"},
        {"title": "", "employer": "Waterloo Engineering Society", "years": "-1"},
        {"title": "", "employer": "Self-employed", "years": "12"},
    ]
    out = normalize(_frame(people, rows), Settings(), today)
    basis = out["seniority_basis"].tolist()
    assert basis[0] == (
        "estimated from years and employer (7 years since the first degree; "
        "an employer of no particular kind)"
    )
    assert basis[1].startswith("title says so")
    assert 0.5 < out["seniority_p"].iloc[0] < 1.0
    assert out["seniority"].iloc[2] == "Unknown" and np.isnan(out["seniority_p"].iloc[2])
    assert basis[3] == "estimated from years alone (7 years since the first degree)"
    assert (
        basis[4].startswith("estimated from years and employer") and "student society" in basis[4]
    )
    assert out["seniority"].iloc[4] == "Unpaid" and out["seniority_p"].iloc[4] > 0.5
    assert basis[5] == "self-employed without a title (self-employed)"
    assert out["seniority"].iloc[5] == "Owner" and out["seniority_p"].iloc[5] == 0.8
    # every estimate without a title says it is one (the explain output shows this basis)
    assert all(b.startswith("estimated") for b in (basis[0], basis[3], basis[4]))


def test_probabilities_sum_to_one_and_years_move_a_plain_title():
    for evidence in ("plain", "ic manager", "none"):
        for years in (-1.0, 0.5, 4.5, 9.0, 30.0):
            assert level_probabilities(evidence, "Entry", years).sum() == pytest.approx(1.0)
    early, late = (level_probabilities("plain", "Entry", y) for y in (1.0, 9.0))
    assert early[LEVELS.index("Entry")] > 0.9 and late[LEVELS.index("Senior")] > 0.9
    strong = level_probabilities("strong", "Training", 12.0)
    assert LEVELS[int(strong.argmax())] == "Training"


def test_evidence_classes():
    assert evidence_class("early-career job noun", "Entry", "consultant") == "plain"
    assert evidence_class("director", "Director", "director") == "strong"
    assert evidence_class("", "Unknown", "wizard") == "unclassified"
    assert evidence_class("", "Unknown", "") == "none"
    assert evidence_class("your rule 'x'", "Entry", "x") == "strong"


def test_fit_learns_the_years_where_a_plain_title_turns_senior():
    people = pd.DataFrame(
        {
            "evidence": ["plain"] * 40 + ["strong"] * 4,
            "title_level": ["Entry"] * 40 + ["Senior", "Senior", "Senior", "Manager"],
            "level": ["Entry"] * 20 + ["Senior"] * 20 + ["Senior"] * 4,
            "years": [1.5] * 20 + [9.0] * 20 + [5.0] * 4,
        }
    )
    table = fit(people, smoothing=0.0)
    assert table.loc[table["evidence"] == "strong", "Entry"].iloc[0] == 0.75
    plain = table[table["evidence"] == "plain"].set_index("years_from")
    assert plain.loc["1", "Entry"] == 1.0 and plain.loc["8", "Senior"] == 1.0
    assert plain.loc["", "Entry"] == 0.5  # years unknown: the shares over all years


def test_fit_gives_people_without_a_title_rows_per_employer_kind():
    """A kind's rows are its own shares, pulled towards the years' shares by kind_smoothing; a
    kind never seen gets no rows and falls back on the rows for any employer."""
    people = pd.DataFrame(
        {
            "evidence": ["none"] * 40,
            "title_level": ["Unknown"] * 40,
            "level": ["Unpaid"] * 10 + ["Training"] * 30,
            "years": [-0.5] * 40,
            "kind": ["society"] * 10 + ["bank"] * 30,
        }
    )
    table = fit(people, smoothing=0.0, kind_smoothing=0.0)
    none = table[(table["evidence"] == "none") & (table["years_from"] == "-inf")]
    rows = none.set_index("employer_kind")
    assert rows.loc["society", "Unpaid"] == 1.0 and rows.loc["bank", "Training"] == 1.0
    assert rows.loc["", "Training"] == 0.75  # any employer: the years' shares
    assert "hospital" not in rows.index
    smooth = fit(people, smoothing=0.0, kind_smoothing=10.0)
    row = smooth[(smooth["employer_kind"] == "society") & (smooth["years_from"] == "-inf")]
    assert row["Unpaid"].iloc[0] == pytest.approx((10 + 10 * 0.25) / 20)
    assert set(table.loc[table["evidence"] != "none", "employer_kind"]) == {""}


def test_employer_kind_reaches_only_people_without_a_title():
    society = level_probabilities("none", "Entry", -0.5, "society")
    anyone = level_probabilities("none", "Entry", -0.5, "")
    unseen = level_probabilities("none", "Entry", -0.5, "a kind never fitted")
    assert LEVELS[int(society.argmax())] == "Unpaid" and LEVELS[int(anyone.argmax())] == "Training"
    np.testing.assert_array_equal(unseen, anyone)
    np.testing.assert_array_equal(
        level_probabilities("plain", "Entry", 9.0, "society"),
        level_probabilities("plain", "Entry", 9.0, ""),
    )


def test_employer_kinds_tell_a_named_employer_from_none():
    frame = pd.DataFrame(
        {
            "company_key": ["shopify", "", "", "", "rbc"],
            "company_clean": ["Shopify", "", "Retired", "Self-employed", "RBC"],
            "employer_is_school": [False] * 5,
        }
    )
    assert employer_kinds_of(frame).tolist() == ["other", "", "", "self-employed", "bank"]


def test_relevel_uses_the_linked_class_year(people, today):
    """A connection has no class year; once linked to its alumni record it has one."""
    frame = normalize(
        people({"first_name": "A", "last_name": "B", "title": "Consultant", "company": "EY"}),
        Settings(),
        today,
    )
    assert frame["seniority"].iloc[0] == "Entry"  # years unknown: the title's usual level
    linked = frame.assign(career_years=9.4, career_years_source="grad_year")
    assert relevel(linked)["seniority"].iloc[0] == "Senior"
    guessed = frame.assign(career_years=9.4, career_years_source="title prior")
    assert relevel(guessed)["seniority"].iloc[0] == "Entry"  # a guessed year is not evidence


def test_generator_is_deterministic_and_has_every_kind():
    a, b = generate.make(300, 3), generate.make(300, 3)
    pd.testing.assert_frame_equal(a, b)
    assert set(a["level"]) >= {"Training", "Entry", "Senior", "Manager"}
    assert (a["title"] == "").any()


def test_explain_shows_an_estimate_without_a_title_and_its_evidence(people, today):
    from pipeline.rank.explain import _level_line

    rows = [{"title": "", "employer": "McGill Students' Society", "years": "-1"}]
    out = normalize(_frame(people, rows), Settings(), today)
    line = _level_line(out.iloc[0])
    assert line.startswith("Unpaid (p 0.")
    assert "estimated from years and employer" in line and "a student society" in line


def test_a_class_year_still_to_come_makes_a_student_without_a_title(people, today):
    """A 2019 bachelor with a PhD due in 2028 is studying now: without a title, in Training;
    with a working title, the title and the years since the first degree decide."""
    rows = [
        ("", "University of Toronto", 2019, "2019|2028"),
        ("", "Shopify", 2019, "2019|2028"),
        ("", "Shopify", 2019, "2019"),
        ("Software Engineer", "Shopify", 2019, "2019|2028"),
        ("Treasurer", "University of Waterloo", 2019, "2019|2028"),
        ("Treasurer", "University of Waterloo", 2019, "2019"),
        ("", "Shopify", 1996, "1996|2002"),  # '96 MA / '02 PhD: thirty years since the first
    ]
    frame = people(
        *(
            {
                "first_name": "A",
                "last_name": f"S{i}",
                "title": t,
                "company": c,
                "grad_year": g,
                "class_years": cy,
                "source": "alumni",
            }
            for i, (t, c, g, cy) in enumerate(rows)
        )
    )
    out = normalize(frame, Settings(), today)
    levels = out["seniority"].tolist()
    assert levels[:5] == ["Training", "Training", "Senior", "Senior", "Unpaid"]
    assert levels[5] != "Unpaid" and levels[6] == "Senior"
    basis = out["seniority_basis"].tolist()
    assert basis[0] == (
        "estimated from years and employer (still studying: a class year still to come; "
        "a university)"
    )
    assert basis[3] == "title has no level word; 7 years since the first degree"
    assert basis[4].startswith("officer at a school while studying")
    assert basis[6].startswith("estimated from years and employer (30 years")
    assert out["career_years"].iloc[0] == out["career_years"].iloc[2]  # stage is unchanged


def test_relevel_sees_a_student_once_linked(people, today):
    """Ranking re-reads the level after linking: a class year still to come (today given)
    keeps a person without a title in Training there too."""
    frame = normalize(
        people(
            {
                "first_name": "A",
                "last_name": "B",
                "title": "",
                "company": "Shopify",
                "grad_year": 2019,
                "class_years": "2019|2028",
                "source": "alumni",
            }
        ),
        Settings(),
        today,
    )
    assert relevel(frame, today=today)["seniority"].iloc[0] == "Training"
    assert relevel(frame)["seniority"].iloc[0] == "Senior"  # no today: years since 2019 only
