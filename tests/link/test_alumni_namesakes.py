"""Deduplicating one alumni list: namesakes (the same name, another person) stay apart, the
same person written twice (maiden name, a typo, a new employer) joins."""

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from fixtures.common import table
from pipeline.link import explain, linked_pairs
from pipeline.normalize import normalize
from pipeline.settings import Settings

BASE = {"source": "alumni", "source_file": "alumni.xlsx", "school": "University of Waterloo"}
FIRST = (
    "Aiyana",
    "Bertil",
    "Cosima",
    "Dariusz",
    "Elowen",
    "Faustino",
    "Gudrun",
    "Hollis",
    "Ilse",
    "Joaquin",
    "Kerensa",
    "Lorcan",
    "Marisol",
    "Nikolai",
    "Oona",
    "Pascoe",
)
LAST = (
    "Abernathy",
    "Brzezinski",
    "Castellanos",
    "Dunleavy",
    "Eriksdottir",
    "Fairweather",
    "Gallagher",
    "Hightower",
    "Ishikawa",
    "Jovanovic",
    "Kowalczyk",
    "Lindqvist",
)
PROGRAMS = ("Statistics", "Computer Science", "Chemistry", "Economics", "History")
EMPLOYERS = ("Shopify", "Stripe", "Cohere", "Deloitte", "Telus", "Manulife", "Ontario Health")


def _alum(first, last, year, program, company, title, cid, **more) -> dict:
    return {**BASE, "first_name": first, "last_name": last, "grad_year": year, "major": program,
            "company": company, "title": title, "alumni_record": str(cid), **more}  # fmt: skip


def _filler() -> pd.DataFrame:
    """3,000 alumni of the synthetic linkage benchmark (its own duplicates among them): a list
    the size of a real one, so a shared name weighs what it does there."""
    spec = importlib.util.spec_from_file_location(
        "linkage_generate", Path("fixtures/linkage/generate.py").resolve()
    )
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    frame = generate.people(generate.make(100, 3000, seed=11))
    alumni = frame[frame["source"] == "alumni"].reset_index(drop=True)
    return alumni.assign(source_file="alumni.xlsx")


def _list() -> tuple[list[dict], list[tuple[int, int]]]:
    """The cases, and the pairs of them that are one person (by position among the cases)."""
    # namesakes (rows 0-7): the same (common) name, another person; the rest of the record
    # differs. Then the same person twice (8-9, 10-11, 12-13): a maiden name, a typo, a new
    # employer. Columns: first, last, class year, program, employer, title, constituent id.
    rows = table("""
Carlos | Wu | 2016 | Data Science | University of Waterloo | Associate Professor | 501
Carlos | Wu | 1996 | Data Science | University of Waterloo | Professor | 502
Wei | Zhang | 2011 | Economics | Telus | Economist | 503
Wei | Zhang | 2019 | Chemistry | Telus | Lab Manager | 504
Emily | Smith | 2004 | History | Stripe | Engineer | 505
Emily | Smith | 1982 | History | Manulife | Actuary | 506
Michael | Chen | 2015 | Statistics | Shopify | Data Scientist | 507
Michael | Chen | 2015 | Computer Science | Cohere | Engineer | 508
Maren | Holloway | 2009 | Statistics | Deloitte | Manager | 509
Maren | Lindgard | 2009 | Statistics | Deloitte | Senior Manager | 510
Augustin | Merriweather | 2013 | Economics | Manulife | Actuary | 511
Augustin | Meriweather | 2013 | Economics | Manulife | Actuary | 512
Soraya | Delacroix | 2018 | Computer Science | Shopify | Developer | 513
Soraya | Delacroix | 2018 | Computer Science | Cohere | Engineer | 514
""")
    more = {501: {"location": "San Francisco"}, 502: {"location": "Ottawa"},
            510: {"former_name": "Holloway"}}  # fmt: skip
    cases = [
        _alum(first, last, int(year), program, company, title, int(cid), **more.get(int(cid), {}))
        for first, last, year, program, company, title, cid in rows
    ]
    return cases, [(8, 9), (10, 11), (12, 13)]


_DONE: dict = {}  # the one deduplication the tests below look at, made once


@pytest.fixture
def deduplicated(people, today):
    if not _DONE:
        _DONE["result"] = _deduplicate(people, today)
    return _DONE["result"]


def _deduplicate(people, today):
    filler = _filler()
    rows, same = _list()
    cases = people(*rows)
    cases["source_row"] = cases["source_row"] + 100_000
    cases["record_id"] = "alumni:" + cases["source_row"].astype(str)
    frame = normalize(pd.concat([filler, cases], ignore_index=True), Settings(), today)
    _, scored = linked_pairs(frame, Settings())
    linked = scored.pairs[scored.pairs["linked"]]
    n = len(filler)
    found = {(a - n, b - n) for a, b in zip(linked["left"], linked["right"], strict=True)}
    found = {p for p in found if p[0] >= 0}  # the filler's own links are not these cases'
    return found, set(same), scored


def test_namesakes_in_one_alumni_list_stay_apart(deduplicated):
    found, same, _ = deduplicated
    assert found - same == set()


def test_one_person_written_twice_joins(deduplicated):
    found, same, _ = deduplicated
    assert same - found == set()


def test_the_job_comparison_does_not_call_different_titles_the_same(deduplicated):
    *_, scored = deduplicated
    table = explain(scored)
    frame = scored.frame
    name_of = dict(zip(frame["source_row"], frame["full_name"], strict=True))
    wu = table[table["left_row"].map(name_of) == "Carlos Wu"]
    assert len(wu) == 1
    row = wu.iloc[0]
    assert row["job"] == "same employer"  # "Associate Professor" is not "Professor"
    assert row["grad_year"] == "different"  # twenty years apart: two classes
    # an exact name, the same employer and the same program against twenty years and another
    # city: not linked, and the class years weigh most against
    assert row["probability"] < Settings().match.threshold
    weights = {c: row[f"{c} weight"] for c in ("job", "grad_year", "program", "city")}
    assert min(weights, key=weights.get) == "grad_year"


@pytest.mark.parametrize(
    ("years_a", "years_b", "level"),
    [
        ("1996|2002", "2002", "same"),
        ("1996", "2002", "within 10"),
        ("1996|2002", "2030", "different"),
    ],
)
def test_class_year_compares_every_year_of_a_multi_degree_alum(
    years_a, years_b, level, people, today
):
    rows = [
        _alum("Ottoline", "Pemberton", int(years_a.split("|")[0]), "Physics", "Acme", "X", 1,
              class_years=years_a),
        _alum("Ottoline", "Pemberton", int(years_b.split("|")[0]), "Physics", "Acme", "X", 2,
              class_years=years_b),
    ]  # fmt: skip
    frame = normalize(people(*rows), Settings(), today)
    _, scored = linked_pairs(frame, Settings())
    assert explain(scored).iloc[0]["grad_year"] == level
    assert isinstance(scored.frame, pd.DataFrame)
