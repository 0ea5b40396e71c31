"""The name an e-mail address spells: a typo or a married name in one record meets the other
record's exact name in its address; a namesake's neighbour in spelling does not."""

import pandas as pd
import pytest

from pipeline.link import explain, score
from pipeline.link.addresses import spelled_by_address
from pipeline.normalize import normalize
from pipeline.settings import Settings

ALUM = {"source": "alumni", "school": "University of Waterloo", "grad_year": 2015}
OTHERS = [
    {**ALUM, "first_name": f, "last_name": la}
    for f, la in (("Ann", "Lee"), ("Bo", "Wu"), ("Cy", "Roy"), ("Di", "Kim"), ("Ed", "Fox"))
]


def _keys(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["email", "first_key", "last_key"])


def test_an_address_spells_the_other_records_name_not_its_own():
    a = _keys(
        ("augustin.merriweather7@gmail.com", "augustin", "meriweather"),  # a typo in the list
        ("li.xu@gmail.com", "li", "xu"),  # another person one letter away
        ("asmith@gmail.com", "ann", "jones"),  # one word: says nothing
        ("will.tinren@gmail.com", "william", "tinren"),  # spells both names: no news
        ("maria.santana.acevedo@x.org", "maria", "santana"),  # a compound name run together
        ("", "maren", "lindgard"),
    )
    b = _keys(
        ("", "augustin", "merriweather"),
        ("", "li", "wu"),
        ("", "ann", "smith"),
        ("", "will", "tinren"),
        ("", "maria", "santana acevedo"),
        ("maren.holloway@yahoo.com", "maren", "holloway"),  # only its own name
    )
    assert spelled_by_address(a, b).tolist() == [True, False, False, False, True, False]
    # either record's address counts
    assert spelled_by_address(b, a).tolist() == [True, False, False, False, True, False]


@pytest.fixture
def _pair(people, today):
    def build(connection: dict, alum: dict) -> tuple[str, float]:
        """The name level and probability of the pair between a connection and an alum."""
        frame = people(
            {"linkedin_slug": "x", "company": "Acme", "title": "Data Analyst", **connection},
            {**ALUM, "company": "Zeta", "title": "Data Analyst", **alum},
            *OTHERS,
        )
        scored = score(normalize(frame, Settings(), today), Settings())
        pairs = scored.pairs
        at = ((pairs["left"] == 0) & (pairs["right"] == 1)).to_numpy()
        assert at.sum() == 1  # the pair was proposed
        table = explain(scored)
        rows = {5, 6}  # the connection's and the alum's source rows (the first two records)
        pair = zip(table["left_row"], table["right_row"], strict=True)
        row = table[[{a, b} == rows for a, b in pair]].iloc[0]
        return row["name"], float(pairs.loc[at, "probability"].iloc[0])

    return build


def test_a_typo_in_the_list_is_the_exact_name_its_address_spells(_pair):
    conn = {"first_name": "Augustin", "last_name": "Merriweather"}
    alum = {"first_name": "Augustin", "last_name": "Meriweather"}
    level, with_address = _pair(conn, {**alum, "email": "augustin.merriweather7@gmail.com"})
    assert level == "same name as an e-mail address spells it"
    plain_level, without = _pair(conn, alum)
    assert plain_level == "close spelling"
    assert with_address > without


def test_a_neighbour_in_spelling_keeps_its_own_name(_pair):
    level, _ = _pair(
        {"first_name": "Li", "last_name": "Wu"},
        {"first_name": "Li", "last_name": "Xu", "email": "li.xu@gmail.com"},
    )
    assert level != "same name as an e-mail address spells it"
