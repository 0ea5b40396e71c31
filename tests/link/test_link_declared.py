"""Blocking declared in the settings, and one-to-one for any file that holds each person once."""

import numpy as np
import pandas as pd
import pytest

from pipeline.errors import InputError, SettingsError
from pipeline.link import linked_pairs, score
from pipeline.link.block import declared_rules, unique_records
from pipeline.normalize import normalize
from pipeline.settings import Settings, from_dict


def _settings(**match) -> Settings:
    return from_dict({"match": match})


def test_blocking_rules_load_from_the_settings_and_a_bad_one_is_named() -> None:
    loaded = _settings(blocking={"birth": ["date_of_birth"], "zip": "postcode"})
    assert loaded.match.blocking == {"birth": ("date_of_birth",), "zip": ("postcode",)}
    with pytest.raises(SettingsError, match=r"'match.blocking' must be a table of lists"):
        _settings(blocking={"birth": [1]})


def test_declared_rule_finds_a_pair_no_name_rule_proposes(people, today) -> None:
    # A typo in both names: no name rule proposes the pair, the birth date does.
    others = ["Dana Ito", "Eli Fox", "Farah Gill", "Gus Hale", "Hana Ives", "Ivo Janssen"]
    frame = people(
        {"source": "alumni", "first_name": "Kathrine", "last_name": "Mcdonnell",
         "dob": "19560409"},
        {"source": "alumni", "first_name": "Catherine", "last_name": "Macdonald",
         "dob": "19560409"},
        *(
            {"source": "alumni", "first_name": n.split()[0], "last_name": n.split()[1],
             "dob": f"1970010{i}"}
            for i, n in enumerate(others)
        ),
    )  # fmt: skip
    normalized = normalize(frame, Settings(), today)
    without = score(normalized, Settings())
    assert not ((without.pairs["left"] == 0) & (without.pairs["right"] == 1)).any()
    declared = score(normalized, _settings(blocking={"same birth date": ["dob"]}))
    assert declared.per_rule["same birth date"] == 1
    assert ((declared.pairs["left"] == 0) & (declared.pairs["right"] == 1)).any()


def test_a_compared_column_gets_its_own_rule_unless_a_rule_blocks_on_it() -> None:
    columns = ["dob", "city", "postcode", "last_key"]
    rules = declared_rules(columns, {}, ["dob", "city"])
    assert [(r.name, r.columns) for r in rules] == [
        ("same dob", ("dob",)),
        ("same city", ("city",)),
    ]
    rules = declared_rules(columns, {"zip and name": ["postcode", "last_name"]}, ["postcode"])
    assert [(r.name, r.columns) for r in rules] == [("zip and name", ("postcode", "last_key"))]
    with pytest.raises(InputError, match="'birth' names the column 'dob_typo'"):
        declared_rules(columns, {"birth": ["dob_typo"]})


def test_unique_sources_name_kinds_and_files() -> None:
    frame = pd.DataFrame(
        {
            "source": ["connections", "alumni", "alumni", "alumni"],
            "source_file": ["Connections.csv", "/data/Class2019.xlsx", "b.csv", "c.csv"],
        }
    )
    assert unique_records(frame, ["connections"]).tolist() == [True, False, False, False]
    assert unique_records(frame, ["class2019.XLSX"]).tolist() == [False, True, False, False]
    assert unique_records(frame, ["Class2019", "b.csv"]).tolist() == [False, True, True, False]
    assert unique_records(frame, ["alumni"]).tolist() == [False, True, True, True]
    assert not unique_records(frame, []).any()


def test_unique_records_read_each_kind_as_every_record_of_it_did() -> None:
    """Casefolded once per distinct kind: the records' answers as casefolding each record's
    kind said, a missing kind and odd case and letters included."""
    kinds = ["Connections", None, "CONNECTIONS", "alumni", "ﬁles", "Alumni", "", "connections"]
    frame = pd.DataFrame({"source": pd.Series(kinds * 3, dtype="str")})
    for wanted in (["connections"], ["ALUMNI", "files"], ["", "x"], []):
        folded = {w.strip().casefold() for w in wanted}
        expected = frame["source"].str.casefold().isin(folded).to_numpy(dtype=bool).copy()
        if not wanted:
            expected[:] = False
        assert unique_records(frame, wanted).tolist() == expected.tolist(), wanted
        assert unique_records(frame, wanted).sum() == (
            0
            if not wanted
            else 3 * len([k for k in kinds if k is not None and k.casefold() in folded])
        )


def _two_alumni_lists(people, today) -> pd.DataFrame:
    rows = []
    for file in ("engineering.xlsx", "business.xlsx"):
        base = {"source": "alumni", "source_file": file, "school": "University of Waterloo"}
        rows += [
            # two namesakes, each once in each list; the lists disagree on their jobs' details
            {**base, "first_name": "Wei", "last_name": "Zhang", "grad_year": 2015,
             "company": "Google", "title": "Engineer"},
            {**base, "first_name": "Wei", "last_name": "Zhang", "grad_year": 2016,
             "company": "Google", "title": "Engineer"},
            {**base, "first_name": "Xiomara", "last_name": "Ødegård", "grad_year": 2012,
             "company": "Cohere", "title": "Researcher"},
        ]  # fmt: skip
    return normalize(people(*rows), Settings(), today)


@pytest.mark.parametrize("unique", [["alumni"], ["engineering.xlsx", "business"]])
def test_two_alumni_files_declared_unique_link_one_to_one(unique, people, today) -> None:
    frame = _two_alumni_lists(people, today)
    pairs, scored = linked_pairs(frame, _settings(unique_sources=unique))
    linked = scored.pairs[scored.pairs["linked"]]
    # every record of one list linked to exactly one record of the other, none inside a list
    files = scored.frame["source_file"].to_numpy()
    assert (files[linked["left"]] != files[linked["right"]]).all()
    ends = np.r_[linked["left"], linked["right"]]
    assert len(linked) == 3 and len(np.unique(ends)) == 6
    # the namesakes pair by class year, not crosswise
    years = scored.frame["grad_year"].to_numpy()
    assert (years[linked["left"]] == years[linked["right"]]).all()
    assert len(pairs) == 3
