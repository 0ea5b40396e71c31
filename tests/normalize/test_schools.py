"""Tests for pipeline.normalize.schools: nickname lookup, ambiguity, fuzzy fallback, user aliases.

School names are real (the alias table is about them); "Northfield Academy" and co. are invented.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd
import pytest

from pipeline.normalize.schools import school_key, school_keys
from pipeline.text.fold import fold

WATERLOO = "university of waterloo"
TORONTO = "university of toronto"

ALIASES = [
    ("UW", WATERLOO),
    ("UWaterloo", WATERLOO),
    ("uwaterloo", WATERLOO),
    ("Waterloo", WATERLOO),
    ("U Waterloo", WATERLOO),
    ("University of Waterloo", WATERLOO),
    ("U of T", TORONTO),
    ("UofT", TORONTO),
    ("University of Toronto Mississauga", TORONTO),  # a campus is its university
    ("University of Toronto", TORONTO),
    ("Toronto", TORONTO),
    ("UBC", "university of british columbia"),
    ("McGill", "mcgill university"),
    ("Mac", "mcmaster university"),
    ("Queens University", "queens university"),
    ("Queen’s University", "queens university"),  # typographic apostrophe
    ("UWO", "western university"),
    ("Western", "western university"),
    ("uOttawa", "university of ottawa"),
    ("York", "york university"),
    ("Ryerson University", "toronto metropolitan university"),  # renamed
    ("TMU", "toronto metropolitan university"),
    ("SFU", "simon fraser university"),
    ("UAlberta", "university of alberta"),
    ("UCalgary", "university of calgary"),
    ("Concordia", "concordia university"),
    ("Dalhousie University", "dalhousie university"),
    ("Université Laval", "universite laval"),
    ("Polytechnique Montréal", "polytechnique montreal"),
    ("École Polytechnique de Montréal", "polytechnique montreal"),
    ("UdeM", "universite de montreal"),
    ("MIT", "massachusetts institute of technology"),
    ("M.I.T.", "massachusetts institute of technology"),
    ("Stanford", "stanford university"),
    ("Harvard Business School", "harvard university"),
    ("UC Berkeley", "university of california berkeley"),
    ("University of California, Berkeley", "university of california berkeley"),
    ("Cal", "university of california berkeley"),
    ("Carnegie Mellon", "carnegie mellon university"),
    ("CMU", "carnegie mellon university"),
    ("Caltech", "california institute of technology"),
    ("UPenn", "university of pennsylvania"),
    ("The Wharton School", "university of pennsylvania"),
    ("UMich", "university of michigan"),
    ("UIUC", "university of illinois urbana champaign"),
    ("Georgia Tech", "georgia institute of technology"),
    ("UCLA", "university of california los angeles"),
    ("NYU", "new york university"),
    ("Oxford", "university of oxford"),
    ("Cambridge University", "university of cambridge"),
    ("Imperial College London", "imperial college london"),
    ("UCL", "university college london"),
    ("LSE", "london school of economics"),
    ("KCL", "kings college london"),
    ("King's College London", "kings college london"),
    ("Warwick", "university of warwick"),
    ("McGill University, Desautels Faculty of Management", "mcgill university"),  # head part
    ("University of Waterloo - Faculty of Mathematics", WATERLOO),
]


def test_the_alias_table_of_cases_is_big_enough() -> None:
    assert len(ALIASES) >= 25


@pytest.mark.parametrize(("name", "key"), ALIASES)
def test_school_aliases(name: str, key: str) -> None:
    assert school_key(name) == key


def test_short_ambiguous_key_follows_the_user() -> None:
    # Shipped: UW is Waterloo (the tool's home ground); a user from Washington says otherwise.
    assert school_key("UW") == WATERLOO
    washington = {"UW": "University of Washington"}
    assert school_key("UW", washington) == "university of washington"
    assert school_key("UW", {"UW": "University of Waterloo"}) == WATERLOO
    # the override is for that nickname only
    assert school_key("UWaterloo", washington) == WATERLOO


@pytest.mark.parametrize(
    "name",
    [
        "Univ. of Waterloo",
        "University of Waterlo",
        "Univeristy of Waterloo",
        "UNIVERSITY OF WATERLOO",
    ],
)
def test_fuzzy_and_abbreviated_names(name: str) -> None:
    assert school_key(name) == WATERLOO


@pytest.mark.parametrize(
    "name",
    [
        "UWX",  # 3 characters: never fuzzy ("UWO" and "UW" are one edit away)
        "MTI",
        "UBX",
        "Wat",
        "Stanfrd",  # only full names are fuzzy targets, never the nickname "stanford"
        "University of Regina",  # not listed, and not close enough to Victoria or Georgia
        "Northfield Academy",
        "",
        "   ",
        "-",
    ],
)
def test_unknown_or_too_short_stays_empty(name: str) -> None:
    assert school_key(name) == ""


def test_near_names_of_different_schools_are_not_merged() -> None:
    assert school_key("University of York") == "university of york"
    assert school_key("York University") == "york university"
    assert school_key("University of Washington") == "university of washington"
    assert school_key("Toronto Metropolitan University") != TORONTO
    assert school_key("Michigan State University") == ""


def test_user_aliases_override_and_extend() -> None:
    mine = {
        "NFA": "Northfield Academy",
        "Waterloo": "Waterloo Ridge College",
        "USask": "Univ of Sask",
    }
    assert school_key("NFA", mine) == "northfield academy"  # an unlisted school keeps its name
    assert school_key("Northfield Academy", mine) == "northfield academy"
    assert school_key("Waterloo", mine) == "waterloo ridge college"  # beats the shipped table
    assert school_key("USask", mine) == "university of sask"  # "Univ" expanded, then unknown
    assert school_key("Waterloo") == WATERLOO


def test_keep_unknown_returns_the_folded_name() -> None:
    assert school_key("Northfield Academy", keep_unknown=True) == "northfield academy"
    assert school_key("MIT", keep_unknown=True) == "massachusetts institute of technology"


def test_school_keys_on_a_series() -> None:
    names = pd.Series(
        ["U of T", None, "McGill", "U of T", "Northfield Academy", "UW"], index=[7, 3, 9, 1, 2, 5]
    )
    before = names.copy()
    out = school_keys(names, {"UW": "University of Washington"})
    pd.testing.assert_series_equal(names, before)
    assert out.index.tolist() == [7, 3, 9, 1, 2, 5]
    assert out.tolist() == [
        TORONTO, "", "mcgill university", TORONTO, "", "university of washington"
    ]  # fmt: skip
    assert school_keys(pd.Series([], dtype="str")).tolist() == []


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Université de Montréal", "universite de montreal"),
        ("Queen's", "queens"),
        ("Texas A&M", "texas am"),
        ("William & Mary", "william and mary"),
        ("The Ohio State University", "ohio state university"),
        ("𝐌𝐜𝐆𝐢𝐥𝐥 🎓", "mcgill"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_school_table_is_consistent() -> None:
    path = resources.files("pipeline.data").joinpath("school_aliases.csv")
    with resources.as_file(path) as csv_path:
        table = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    assert table.columns.tolist() == ["alias", "key", "note"]
    assert table["key"].nunique() >= 40
    assert (table["key"].map(fold) == table["key"]).all()  # keys are already folded
    folded = table["alias"].map(fold)
    assert not folded.duplicated().any()
    assert [school_key(a) for a in table["alias"]] == table["key"].tolist()
