"""Comparison levels as objects, and the declared comparisons Febrl-like files need: birth
dates a typo apart, several columns compared as one text, a first name alone."""

import numpy as np
import pandas as pd
import pytest

from pipeline.link import explain, score
from pipeline.link.compare import NAME, dates, from_spec
from pipeline.link.levels import NULL, Level, levelled
from pipeline.link.person import name_conditions
from pipeline.normalize import normalize
from pipeline.settings import Settings, from_dict


def test_a_comparison_is_made_of_level_objects() -> None:
    levels = (
        Level("same", "same", m=0.9, u=0.01, tf="city"),
        Level("close", "close", m=0.08, u=0.09, fixed=True),
        Level("different", m=0.02, u=0.9),
    )

    def conditions(a, b):
        x, y = a["city"].to_numpy(dtype=object), b["city"].to_numpy(dtype=object)
        return {"same": x == y, "close": np.char.startswith(x.astype(str), y.astype(str)),
                "null": (x == "") | (y == "")}  # fmt: skip

    city = levelled("city", ("city",), levels, conditions)
    assert city.levels == ("same", "close", "different")
    assert city.m_prior == (0.9, 0.08, 0.02) and city.fixed == (1,)
    assert city.tf == ((0, "city"),)
    a = pd.DataFrame({"city": ["Oslo", "Bergen", "Oslo", ""]})
    b = pd.DataFrame({"city": ["Oslo", "Berg", "Rome", "Oslo"]})
    assert city.compute(a, b).tolist() == [0, 1, 2, NULL]


def test_the_name_levels_are_declared_one_per_line() -> None:
    labels = [level.label for level in NAME]
    assert labels[0] == "exact" and labels[-1] == "different"
    assert "last name an initial" in labels
    assert all(level.when for level in NAME[:-1]) and not NAME[-1].when


@pytest.mark.parametrize(
    ("x", "y", "level"),
    [
        ("19560409", "19560409", "same"),
        ("19480225", "19482025", "a typo apart"),  # no calendar reads the second one
        ("19560409", "19560419", "a typo apart"),
        ("19560409", "19560904", "month or day swap"),
        ("19560409", "19710409", "different"),
        ("1956-04-09", "19560409", "same"),
        ("", "19560409", None),
    ],
)
def test_birth_dates_a_typo_apart(x, y, level) -> None:
    comparison = dates("dob")
    got = comparison.compute(pd.DataFrame({"dob": [x]}), pd.DataFrame({"dob": [y]}))[0]
    assert (None if got == NULL else comparison.levels[got]) == level


def test_several_columns_compare_as_one_text() -> None:
    comparison = from_spec("address_1+address_2", "token_set 0.9 0.7")
    assert comparison.name == "address_1+address_2"
    assert comparison.columns == ("address_1", "address_2")
    a = pd.DataFrame({"address_1": ["endeavour street", "1 main st"], "address_2": ["knox", ""]})
    b = pd.DataFrame({"address_1": ["knox", "9 elm rd"], "address_2": ["endeavour street", ""]})
    assert [comparison.levels[i] for i in comparison.compute(a, b)] == [
        "token_set >= 0.9",
        "different",
    ]


def test_joined_text_is_built_once_per_distinct_row_and_stays_aligned() -> None:
    # The joined text is made per distinct (address_1, address_2) and spread back: repeated,
    # empty, missing and spaced parts must land on their own rows, in order.
    comparison = from_spec("address_1+address_2", "exact")
    a = pd.DataFrame({"address_1": ["1 main st", None, "knox  ", "1 main st", "", "knox"],
                      "address_2": ["apt 2", "elm", "", "apt 2", "", None]})  # fmt: skip
    b = pd.DataFrame({"address_1": ["1 main st apt", "", "knox", "1 main", "x", "knox "],
                      "address_2": ["2", "elm", None, "st apt 2", "", ""]})  # fmt: skip
    assert comparison.compute(a, b).tolist() == [0, 0, 0, 0, NULL, 0]
    other = from_spec("address_1+address_2", "exact").compute(
        a, b.iloc[::-1].reset_index(drop=True)
    )
    assert other.tolist() == [1, 1, 1, 1, NULL, 1]


def test_a_joined_comparison_over_a_missing_column_is_named(people, today) -> None:
    from pipeline.errors import InputError

    frame = normalize(people({"first_name": "Ann", "last_name": "Lee", "address_1": "x"}),
                      Settings(), today)  # fmt: skip
    bad = from_dict({"match": {"comparisons": {"address_1+address_9": "exact"}}})
    with pytest.raises(InputError, match="address_9"):
        score(frame, bad)


def test_adding_a_level_is_one_line(people, today, monkeypatch) -> None:
    import importlib

    compare = importlib.import_module("pipeline.link.compare")  # the module, not the function

    first_only = Level("first name only", "same_first", m=0.015, u=5e-3, tf="first_key")
    name = levelled("name", compare.COMPARISONS[2].columns, (*NAME[:-1], first_only, NAME[-1]),
                    name_conditions)  # fmt: skip
    assert compare.COMPARISONS[2].name == "name"
    comparisons = (*compare.COMPARISONS[:2], name, *compare.COMPARISONS[3:])
    frame = people(
        {"first_name": "Courtney", "last_name": "Gilbertson", "linkedin_slug": "cg",
         "company": "Acme", "title": "Analyst"},
        {"source": "alumni", "first_name": "Courtney", "last_name": "Dabinet",
         "company": "Acme", "title": "Analyst"},
    )  # fmt: skip
    normalized = normalize(frame, Settings(), today)
    assert explain(score(normalized, Settings())).iloc[0]["name"] == "different"
    monkeypatch.setattr(compare, "COMPARISONS", comparisons)
    assert explain(score(normalized, Settings())).iloc[0]["name"] == "first name only"
