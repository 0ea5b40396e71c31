"""Evidence beyond names and jobs: career stage, seniority order, per-file name frequencies and
how crowded a name's spelling neighbourhood is."""

import numpy as np
import pandas as pd
import pytest

from pipeline.link import explain, score
from pipeline.link.frequency import frequencies
from pipeline.normalize import normalize
from pipeline.settings import Settings

ALUM = {"source": "alumni", "school": "University of Waterloo"}
OTHERS = [
    {**ALUM, "first_name": f, "last_name": la}
    for f, la in (("Ann", "Lee"), ("Bo", "Wu"), ("Cy", "Roy"), ("Di", "Kim"), ("Ed", "Fox"))
]


@pytest.fixture
def _levels(people, today):
    def build(left: dict, right: dict) -> pd.Series:
        """The levels of the pair between a connection ``left`` and an alum ``right``."""
        frame = people(
            {"first_name": "Adam", "last_name": "Girard", "linkedin_slug": "ag", **left},
            {**ALUM, "first_name": "Adam", "last_name": "Girard", **right},
        )
        return explain(score(normalize(frame, Settings(), today), Settings())).iloc[0]

    return build


@pytest.mark.parametrize(
    ("title", "grad_year", "level"),
    [
        ("Data Scientist", 2023, "consistent"),
        ("VP Engineering", 2024, "title senior for the years"),
        ("Chief Technology Officer", 2025, "title senior for the years"),
        ("Software Engineer Intern", 1990, "title junior for the years"),
        ("Senior Data Scientist", 2017, "consistent"),
        ("Director of Product", 2019, "title a little senior for the years"),
        # no class year, or no seniority in the title: nothing to compare
        ("Data Scientist", None, ""),
        ("", 2020, ""),
    ],
)
def test_career_stage_weighs_the_title_against_the_class_year(title, grad_year, level, _levels):
    row = _levels({"company": "Acme", "title": title}, {"company": "Zeta", "grad_year": grad_year})
    assert row["career stage"] == level


def test_career_stage_is_not_compared_between_two_class_years(people, today):
    frame = people(
        {**ALUM, "first_name": "Ann", "last_name": "Girard", "title": "VP", "grad_year": 2024},
        {**ALUM, "first_name": "Ann", "last_name": "Girard", "title": "Intern", "grad_year": 1990},
    )
    assert (
        explain(score(normalize(frame, Settings(), today), Settings())).iloc[0]["career stage"]
        == ""
    )


@pytest.mark.parametrize(
    ("linkedin", "alumni", "level"),
    [
        ("Senior Data Analyst", "Data Analyst", "LinkedIn's title one step more senior"),
        ("Director of Product", "Data Analyst", "LinkedIn's title two or more steps more senior"),
        ("Data Analyst", "Director of Product", "LinkedIn's title less senior"),
        ("Data Analyst", "Business Analyst", "same seniority"),
        # the same title is the job comparison's evidence, not counted twice
        ("Data Analyst", "Data Analyst", ""),
    ],
)
def test_seniority_order_reads_the_alumni_title_as_the_older_one(linkedin, alumni, level, _levels):
    row = _levels({"company": "Acme", "title": linkedin}, {"company": "Zeta", "title": alumni})
    assert row["seniority order"] == level


@pytest.mark.parametrize("grad_year", [2010, 2014, 2020])
def test_seniority_order_ranks_both_titles_without_the_class_year(grad_year, _levels):
    """A class year lifts a plain "Data Analyst" years out to Senior in the alum's own level;
    the connection's title has no year to lift it. Ranked by what each title says alone, a
    LinkedIn "Senior Data Analyst" is one promotion above the list's older "Data Analyst"
    whatever the class year (read on the year-lifted level it would look the same or lower)."""
    row = _levels(
        {"company": "Acme", "title": "Senior Data Analyst"},
        {"company": "Zeta", "title": "Data Analyst", "grad_year": grad_year},
    )
    assert row["seniority order"] == "LinkedIn's title one step more senior"


def test_a_namesake_more_senior_in_the_alumni_list_is_less_likely_the_same_person(people, today):
    def probability(alumni_title: str) -> float:
        frame = people(
            {"first_name": "Xiomara", "last_name": "Odegard", "linkedin_slug": "x",
             "company": "Acme", "title": "Data Analyst"},
            {**ALUM, "first_name": "Xiomara", "last_name": "Odegard", "company": "Zeta",
             "title": alumni_title, "grad_year": 2022},
            *OTHERS,
        )  # fmt: skip
        pairs = score(normalize(frame, Settings(), today), Settings()).pairs
        return float(pairs.loc[(pairs["left"] == 0) & (pairs["right"] == 1), "probability"].iloc[0])

    # an alumni list's job is older: a junior one there fits, a more senior one does not
    assert probability("Data Science Intern") > probability("Director of Data Science")


def test_name_frequency_counts_only_the_pair_files(people, today):
    """A connection carrying the name of two alumni records (one person listed twice, who is
    also the connection) does not make that name common for the alumni pair."""
    frame = normalize(
        people(
            {"first_name": "Fenzu", "last_name": "Marlundrostav", "linkedin_slug": "f"},
            {**ALUM, "first_name": "Fenzu", "last_name": "Marlundrostav", "grad_year": 2014},
            {**ALUM, "first_name": "Fenzu", "last_name": "Marlundrostav", "grad_year": 2014},
            *OTHERS,
        ),
        Settings(),
        today,
    )
    left, right = np.array([1, 0]), np.array([2, 1])
    f_left, f_right = frequencies(frame, "name_key", left, right)
    # the alumni pair: no third alum has the name, so the floor (first x last shares) applies
    assert f_left[0] < 1 / len(frame) / 4
    # the cross pair: the other alumni record is a third record with the name in its files
    assert f_left[1] == pytest.approx(1 / len(frame))
    assert np.all(f_left == f_right)


def test_a_typo_in_a_crowded_spelling_neighbourhood_weighs_less(people, today):
    def typo_weight(*extra: dict) -> float:
        frame = people(
            {"first_name": "Maria", "last_name": "Jonsen", "linkedin_slug": "mj"},
            {**ALUM, "first_name": "Maria", "last_name": "Jonson", "grad_year": 2010},
            *extra,
            *OTHERS,
        )
        table = explain(score(normalize(frame, Settings(), today), Settings()))
        row = table[(table["left_row"] == 5) & (table["right_row"] == 6)].iloc[0]
        assert row["name"] == "close spelling"
        return float(row["name weight"])

    alone = typo_weight()
    crowded = typo_weight(
        *[
            {**ALUM, "first_name": "Maria", "last_name": la, "grad_year": 1990 + i}
            for i, la in enumerate(("Jonsson", "Jensen", "Jonsan", "Joonsen"))
        ]
    )
    assert alone > crowded + 1
