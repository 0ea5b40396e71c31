import pandas as pd
import pytest
from conftest import TODAY, people

from pipeline import schema
from pipeline.link import link
from pipeline.link.block import BlockingRule, candidate_pairs
from pipeline.link.cluster import clusters, one_to_one
from pipeline.normalize import normalize
from pipeline.settings import Settings

ALUM = {"source": "alumni", "school": "University of Waterloo"}


@pytest.fixture
def linked():
    frame = people(
        {
            "first_name": "Jane",
            "last_name": "Doe",
            "linkedin_slug": "jane-doe-1",
            "company": "Shopify",
        },
        {
            **ALUM,
            "first_name": "Jane",
            "last_name": "Doe",
            "linkedin_slug": "jane-doe-1",
            "company": "Shopify Inc.",
            "grad_year": 2020,
        },
        {"first_name": "Robert", "last_name": "Smith", "company": "RBC", "linkedin_slug": "rs-9"},
        {
            **ALUM,
            "first_name": "Bob",
            "last_name": "Smith",
            "company": "Royal Bank of Canada",
            "grad_year": 2018,
        },
        {
            "first_name": "Michael",
            "last_name": "Nakamura",
            "company": "Google",
            "linkedin_slug": "mn-1",
        },
        {
            "first_name": "Michael",
            "last_name": "Nakamura",
            "company": "Amazon",
            "linkedin_slug": "mn-2",
        },
        {
            **ALUM,
            "first_name": "Michael",
            "last_name": "Nakamura",
            "company": "Google LLC",
            "grad_year": 2015,
        },
        {
            **ALUM,
            "first_name": "Xiomara",
            "last_name": "Ødegård",
            "company": "Cohere",
            "grad_year": 2012,
        },
        {
            **ALUM,
            "first_name": "Xiomara",
            "last_name": "Odegard",
            "company": "Cohere",
            "grad_year": 2012,
        },
        {**ALUM, "first_name": "Priya", "last_name": "Shah", "company": "TD", "grad_year": 2019},
    )
    return link(normalize(frame, Settings(), TODAY), Settings())


def by_name(prospects: pd.DataFrame, name: str) -> pd.DataFrame:
    return prospects[prospects["full_name"].str.contains(name)]


def test_prospects_have_the_schema_and_one_row_per_person(linked):
    p = linked.prospects
    assert list(p.columns[: len(schema.PROSPECTS)]) == list(schema.PROSPECTS)
    # 10 records: Jane x2, Robert/Bob, Michael x3 (two people), Xiomara x2, Priya -> 6 people
    assert len(p) == 6


def test_same_slug_links_and_keeps_the_slug_as_id(linked):
    jane = by_name(linked.prospects, "Jane")
    assert len(jane) == 1
    row = jane.iloc[0]
    assert row["prospect_id"] == "jane-doe-1"
    assert row["is_connection"] and row["is_alum"]
    assert row["grad_year"] == 2020  # school facts come from the alumni record
    assert row["company"] == "Shopify"  # job facts from LinkedIn


def test_nickname_with_employer_alias_links(linked):
    smith = by_name(linked.prospects, "Smith")
    assert len(smith) == 1
    assert smith.iloc[0]["is_connection"] and smith.iloc[0]["is_alum"]
    assert smith.iloc[0]["first_name"] == "Robert"


def test_one_to_one_two_connections_with_one_name_stay_apart(linked):
    michael = by_name(linked.prospects, "Michael")
    assert len(michael) == 2
    alum = michael[michael["is_alum"]]
    assert alum["prospect_id"].tolist() == ["mn-1"]  # the one at Google, like the alumni record


def test_alumni_duplicate_with_accent_merges(linked):
    x = by_name(linked.prospects, "Xiomara")
    assert len(x) == 1 and x.iloc[0]["record_ids"].count("|") == 1


def test_matches_explain_each_pair(linked):
    m = linked.matches
    assert {"left_row", "right_row", "probability", "name level", "name weight"} <= set(m.columns)
    assert m["linked"].any()
    assert m["probability"].between(0, 1).all()
    assert linked.per_rule["same LinkedIn slug"] >= 1


def test_blocking_skips_over_large_blocks():
    f = pd.DataFrame({"name_key": ["a"] * 5 + ["b", "b"]})
    c = candidate_pairs(f, [BlockingRule("name", ("name_key",), max_block=3)])
    assert c.pairs.values.tolist() == [[5, 6]]
    assert c.skipped_keys["name"] == 1


def test_one_to_one_keeps_best_link_per_connection_and_per_alum():
    frame = pd.DataFrame(
        {
            "source": ["connections", "connections", "alumni", "alumni"],
            "source_file": ["c", "c", "a", "a"],
        }
    )
    links = pd.DataFrame(
        {"left": [0, 1, 0, 2], "right": [2, 2, 3, 3], "probability": [0.9, 0.95, 0.85, 0.99]}
    )
    kept = one_to_one(links, frame)
    pairs = set(zip(kept["left"], kept["right"], strict=True))
    # alumni 2 goes to connection 1 (0.95 > 0.9), so connection 0 takes its next best, alumni 3;
    # the alum-alum link 2-3 passes untouched
    assert pairs == {(1, 2), (0, 3), (2, 3)}


def test_chain_through_alumni_never_glues_two_connections():
    frame = pd.DataFrame({"source": ["connections", "connections", "alumni", "alumni"]})
    links = pd.DataFrame({"left": [1, 0, 2], "right": [2, 3, 3], "probability": [0.95, 0.9, 0.99]})
    labels, kept = clusters(frame, links)
    assert labels[0] != labels[1]
    assert labels[1] == labels[2] and labels[0] == labels[3]
    assert len(kept) == 2
