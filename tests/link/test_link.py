import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline import schema
from pipeline.cli import app
from pipeline.errors import InputError
from pipeline.link import evaluate, explain, link, score
from pipeline.link.block import Equal, candidate_pairs, nearest_keys, soundex
from pipeline.link.cluster import clusters, one_to_one, rivals
from pipeline.link.compare import COMPARISONS
from pipeline.link.em import em_session, level_shares
from pipeline.normalize import normalize
from pipeline.settings import Settings, from_dict

ALUM = {"source": "alumni", "school": "University of Waterloo"}


@pytest.fixture
def linked(people, today):
    jane = {"first_name": "Jane", "last_name": "Doe", "linkedin_slug": "jane-doe-1"}
    frame = people(
        {**jane, "company": "Shopify"},
        {**ALUM, **jane, "company": "Shopify Inc.", "grad_year": 2020},
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
    return link(normalize(frame, Settings(), today), Settings())


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
    assert {"left_row", "right_row", "probability", "name", "name weight"} <= set(m.columns)
    bob = m[(m["left_name"] == "Robert Smith") & (m["right_name"] == "Bob Smith")].iloc[0]
    assert bob["name"] == "nickname or variant" and bob["name weight"] > 0
    assert m["linked"].any()
    assert m["probability"].between(0, 1).all()
    assert linked.per_rule["same LinkedIn slug"] >= 1


def test_blocking_skips_over_large_blocks():
    f = pd.DataFrame({"name_key": ["a"] * 5 + ["b", "b"]})
    c = candidate_pairs(f, [Equal("name", ("name_key",), max_block=3)])
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


@pytest.mark.parametrize(
    ("key", "code"), [("robert", "r163"), ("rupert", "r163"), ("ashcraft", "a261"), ("", "")]
)
def test_soundex(key, code):
    assert soundex(key) == code


def test_nearest_names_find_typos_not_strangers():
    pairs = {tuple(p) for p in nearest_keys(["katherine lee", "kathrine lee", "omar aziz"], 2, 0.6)}
    assert (0, 1) in pairs and (1, 0) in pairs
    assert not any(2 in p for p in pairs)


def test_same_name_different_employers_stay_apart(people, today):
    michael = {"first_name": "Michael", "last_name": "Smith"}
    frame = people(
        {**michael, "company": "Shopify", "linkedin_slug": "m1"},
        {**ALUM, **michael, "company": "Deloitte", "title": "Partner", "grad_year": 1990},
        *[{**ALUM, "first_name": f, "last_name": "Smith", "company": "TD"} for f in ("Ann", "Bo")],
        *[{**ALUM, "first_name": "Michael", "last_name": la} for la in ("Wu", "Roy", "Kim")],
    )
    p = link(normalize(frame, Settings(), today), Settings()).prospects
    assert len(p[p["full_name"] == "Michael Smith"]) == 2


def test_maiden_name_links_through_former_name(people, today):
    frame = people(
        {"first_name": "Ngozi", "last_name": "Okafor", "company": "Cohere", "linkedin_slug": "n1"},
        {
            **ALUM,
            "first_name": "Ngozi",
            "last_name": "Mensah",
            "former_name": "Okafor",
            "company": "Cohere",
            "grad_year": 2015,
        },
    )
    linked = link(normalize(frame, Settings(), today), Settings())
    assert len(linked.prospects) == 1
    assert linked.matches.iloc[0]["name"] == "former name"


def test_rare_name_agreement_weighs_more_than_common(people, today):
    common = [
        {**ALUM, "first_name": "Wei", "last_name": "Zhang", "grad_year": 2000 + i} for i in range(6)
    ]
    rare = [
        {**ALUM, "first_name": "Xiomara", "last_name": "Odegard", "grad_year": y}
        for y in (2001, 2009)
    ]
    others = [
        {**ALUM, "first_name": f, "last_name": la}
        for f, la in (("Ann", "Lee"), ("Bo", "Wu"), ("Cy", "Roy"), ("Di", "Kim"), ("Ed", "Fox"))
    ]
    frame = normalize(people(*common, *rare, *others), Settings(), today)
    scored = score(frame, Settings())
    table = explain(scored, names=True)
    w = table[table["name"] == "exact"].groupby("left_name")["name weight"].first()
    assert w["Xiomara Odegard"] > w["Wei Zhang"] + 2


def test_logistic_regression_is_used_with_labels(people, today):
    rows, labels = [], []
    for i in range(12):
        rows += [
            {
                "first_name": f"Ann{chr(97 + i)}",
                "last_name": "Lee",
                "company": "Acme",
                "linkedin_slug": f"s{i}",
            },
            {**ALUM, "first_name": f"Ann{chr(97 + i)}", "last_name": "Lee", "company": "Acme"},
            {**ALUM, "first_name": f"Ann{chr(97 + i)}", "last_name": "Lee", "company": "Zeta"},
        ]
    frame = normalize(people(*rows), Settings(), today)
    ids = frame["record_id"].tolist()
    for i in range(12):  # the match, a namesake elsewhere, a colleague with another name
        labels += [
            (ids[3 * i], ids[3 * i + 1], True),
            (ids[3 * i], ids[3 * i + 2], False),
            (ids[3 * i], ids[(3 * i + 4) % len(ids)], False),
        ]
    known = pd.DataFrame(labels, columns=["left", "right", "match"])
    scored = score(frame, Settings(), labels=known)
    assert scored.model.logistic is not None
    linked = scored.pairs[scored.pairs["linked"]]
    # connection <-> alum links (alumni "Anna Lee" and "Anne Lee" at Acme may merge as variants)
    linked = linked[linked["left"] % 3 == 0]
    assert len(linked) == 12 and (linked["right"] - linked["left"] == 1).all()


def test_comparison_declared_in_settings_over_an_extra_column(people, today):
    twins = [
        {**ALUM, "first_name": "Sam", "last_name": "Ito", "birth_date": d, "grad_year": 2010}
        for d in ("1990-04-01", "1990-04-01", "1985-12-30")
    ]
    settings = from_dict({"match": {"comparisons": {"birth_date": "date"}}})
    scored = score(normalize(people(*twins), settings, today), settings)
    table = explain(scored)
    assert "birth_date" in table.columns
    by_rows = {(r.left_row, r.right_row): r for r in table.itertuples()}
    assert by_rows[(5, 6)].birth_date == "same" and by_rows[(5, 6)].probability > 0.5
    assert by_rows[(5, 7)].birth_date == "different"


def test_unknown_declared_column_is_an_input_error(people, today):
    settings = from_dict({"match": {"comparisons": {"shoe_size": "exact"}}})
    frame = normalize(people({"first_name": "A", "last_name": "B"}), settings, today)
    with pytest.raises(InputError, match="shoe_size"):
        score(frame, settings)


def test_em_recovers_m_and_u_roughly():
    rng = np.random.default_rng(1)
    n = 4000
    match = rng.random(n) < 0.3
    levels = pd.DataFrame(
        {
            "grad_year": np.where(
                match,
                rng.choice(4, n, p=[0.8, 0.1, 0.05, 0.05]),
                rng.choice(4, n, p=[0.05, 0.1, 0.15, 0.7]),
            ),
            "job": np.where(
                match,
                rng.choice(6, n, p=[0.5, 0.2, 0.05, 0.05, 0.05, 0.15]),
                rng.choice(6, n, p=[0.01, 0.03, 0.01, 0.01, 0.04, 0.9]),
            ),
        }
    ).astype("int8")
    comps = [c for c in COMPARISONS if c.name in ("grad_year", "job")]
    u = level_shares(levels[~match], comps)
    m, share = em_session(levels, comps, u)
    assert abs(share - 0.3) < 0.05
    assert abs(m["grad_year"][0] - 0.8) < 0.08 and abs(m["job"][0] - 0.5) < 0.08


def test_evaluate_counts_errors():
    found = pd.DataFrame({"left": ["a", "c"], "right": ["b", "d"]})
    truth = pd.DataFrame({"left": ["b", "e"], "right": ["a", "f"], "kind": ["plain", "typo"]})
    e = evaluate(found, truth)
    assert (e.precision, e.recall, e.f1) == (0.5, 0.5, 0.5)
    assert e.missed["kind"].tolist() == ["typo"]


def test_cli_link_writes_matches_csv(tmp_path):
    conns = tmp_path / "Connections.csv"
    conns.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Robert,Smith,https://www.linkedin.com/in/rs-9,,RBC,Analyst,08 Jan 2024\n"
        "Jane,Doe,https://www.linkedin.com/in/jd-1,,Shopify,Data Scientist,08 Jan 2024\n",
        encoding="utf-8",
    )
    alumni = tmp_path / "alumni.csv"
    alumni.write_text(
        "First Name,Last Name,Class Year,Current Employer,Current Title\n"
        "Bob,Smith,2018,Royal Bank of Canada,Analyst\nPriya,Shah,2019,TD,Analyst\n",
        encoding="utf-8",
    )
    out = tmp_path / "matches.csv"
    result = CliRunner().invoke(app, ["link", str(conns), str(alumni), "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert list(table.columns[:7]) == [
        "left_file",
        "left_row",
        "left_name",
        "right_file",
        "right_row",
        "right_name",
        "probability",
    ]
    assert table[["left_row", "right_row"]].values.tolist() == [[2, 2]]
    # who was matched to whom, in the file itself
    assert table[["left_name", "right_name"]].values.tolist() == [["Robert Smith", "Bob Smith"]]
    assert table.loc[0, "name"] == "nickname or variant"


@pytest.fixture
def _job_level(people, today):
    def build(left: dict, right: dict) -> str:
        frame = people(
            {"first_name": "Adam", "last_name": "Girard", "linkedin_slug": "ag", **left},
            {**ALUM, "first_name": "Adam", "last_name": "Girard", "grad_year": 1975, **right},
        )
        table = explain(score(normalize(frame, Settings(), today), Settings()))
        return table.iloc[0]["job"]

    return build


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        # a placeholder is no employer: no evidence either way, never "same employer"
        ({"company": "Self-employed"}, {"company": "Self-employed"}, ""),
        ({"company": "PwC"}, {"company": "Self-employed"}, ""),
        ({"company": "Freelance"}, {"company": "Freelance"}, ""),
        # retired in the alumni list while working on LinkedIn: evidence against
        ({"company": "PwC"}, {"company": "Retired"}, "retired in one, working in the other"),
        ({"company": "Retired"}, {"company": "Retired"}, ""),
        ({"company": "PwC"}, {"company": "PwC"}, "same employer"),
        # no employer on one side: the titles still say something
        (
            {"company": "PwC", "title": "Professor"},
            {"company": "", "title": "Consultant"},
            "different",
        ),
        (
            {"company": "PwC", "title": "Consultant"},
            {"company": "", "title": "Consultant"},
            "same title only",
        ),
    ],
)
def test_placeholder_employers_give_no_job_evidence(left, right, level, _job_level):
    assert _job_level(left, right) == level


def test_retired_alum_does_not_link_to_a_working_namesake(people, today):
    frame = people(
        {"first_name": "Adam", "last_name": "Girard", "company": "PwC", "linkedin_slug": "ag"},
        {**ALUM, "first_name": "Adam", "last_name": "Girard", "company": "Retired"},
    )
    scored = score(normalize(frame, Settings(), today), Settings())
    weight = explain(scored)["job weight"].iloc[0]
    assert weight == pytest.approx(-4.0)
    assert not scored.pairs["linked"].any()


RIVAL_FRAME = pd.DataFrame(
    {
        "source": ["connections", "alumni", "alumni", "connections"],
        "source_file": ["c", "a", "a", "c"],
    }
)


@pytest.mark.parametrize(
    ("pairs", "bits", "expected"),
    [
        # one candidate: odds 8 against "no match" 1
        ([(0, 1)], [3.0], [8 / 9]),
        # two equally plausible alumni (different people): each shares the evidence
        ([(0, 1), (0, 2), (1, 2)], [3.0, 3.0, -10.0], [8 / 17, 8 / 17, 2**-10 / (1 + 2**-10)]),
        # ... unless the two alumni are one person listed twice: they count once
        ([(0, 1), (0, 2), (1, 2)], [3.0, 3.0, 10.0], [8 / 9, 8 / 9, 2**10 / (1 + 2**10)]),
        # a weak rival barely matters
        ([(0, 1), (0, 2)], [3.0, -5.0], [8 / (9 + 2**-5), 2**-5 / (9 + 2**-5)]),
        # two connections for one alum compete too
        ([(0, 1), (3, 1)], [3.0, 3.0], [8 / 17, 8 / 17]),
    ],
)
def test_rival_candidates_share_the_evidence(pairs, bits, expected):
    frame_pairs = pd.DataFrame(pairs, columns=["left", "right"])
    got = rivals(frame_pairs, np.array(bits), RIVAL_FRAME)
    assert got == pytest.approx(expected, rel=1e-6)


def test_second_plausible_alum_lowers_the_probability(people, today):
    conn = {
        "first_name": "Xiomara",
        "last_name": "Odegard",
        "linkedin_slug": "x",
        "company": "Acme",
    }
    alum = {**ALUM, "first_name": "Xiomara", "last_name": "Odegard", "company": "Acme"}
    # another alum, same employer, one letter off and another class: a plausible second candidate
    rival = {**alum, "last_name": "Odegaard", "grad_year": 1985}
    others = [
        {**ALUM, "first_name": f, "last_name": la}
        for f, la in (("Ann", "Lee"), ("Bo", "Wu"), ("Cy", "Roy"), ("Di", "Kim"), ("Ed", "Fox"))
    ]

    def first_pairs(*alumni):
        frame = normalize(people(conn, *alumni, *others), Settings(), today)
        scored = score(frame, Settings())
        own = 1 / (1 + np.exp2(-(scored.contributions.sum(axis=1).to_numpy() + scored.prior)))
        return scored.pairs["probability"].to_numpy()[:2], own[:2]

    (alone, _), own_alone = first_pairs({**alum, "grad_year": 2001})
    (exact, typo), own = first_pairs({**alum, "grad_year": 2001}, rival)
    assert alone == pytest.approx(own_alone[0], abs=1e-3) and alone > 0.99
    # each pair's own evidence says > 0.99; together they share it, the better one ahead
    assert own.min() > 0.99
    assert 0.5 < exact < 0.8 and typo < 0.5 and exact + typo < 1
