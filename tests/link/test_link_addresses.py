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
        ("william.tinren@gmail.com", "william", "tinren"),  # its own name exactly: no news
        ("will.tinren@gmail.com", "william", "tinren"),  # the nickname the other record shows
        ("maria.santana.acevedo@x.org", "maria", "santana"),  # a compound name run together
        ("", "maren", "lindgard"),
    )
    b = _keys(
        ("", "augustin", "merriweather"),
        ("", "li", "wu"),
        ("", "ann", "smith"),
        ("", "will", "tinren"),
        ("", "will", "tinren"),
        ("", "maria", "santana acevedo"),
        ("maren.holloway@yahoo.com", "maren", "holloway"),  # only its own name
    )
    expected = [True, False, False, False, True, True, False]
    assert spelled_by_address(a, b).tolist() == expected
    # either record's address counts
    assert spelled_by_address(b, a).tolist() == expected


def test_a_linkedin_url_keeps_the_name_its_owner_signed_up_with():
    """A URL is made from the name at sign-up ("jonathan-clark-1f3a2") and kept when the
    profile later shows a nickname; its suffix with digits is not a name word."""
    a = pd.DataFrame(
        {
            "linkedin_slug": ["jonathan-clark-1f3a2", "jon-clark-77", "jonathan-clark-1f3a2"],
            "first_key": ["jon", "jon", "jon"],
            "last_key": ["clark", "clark", "clark"],
        }
    )
    b = pd.DataFrame(
        {
            "linkedin_slug": ["", "", ""],
            "first_key": ["jonathan", "jonathan", "joanna"],
            "last_key": ["clark", "clark", "clark"],
        }
    )
    assert spelled_by_address(a, b).tolist() == [True, False, False]


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
    assert level == "same name as an e-mail address or URL spells it"
    plain_level, without = _pair(conn, alum)
    assert plain_level == "close spelling"
    assert with_address > without


def test_a_neighbour_in_spelling_keeps_its_own_name(_pair):
    level, _ = _pair(
        {"first_name": "Li", "last_name": "Wu"},
        {"first_name": "Li", "last_name": "Xu", "email": "li.xu@gmail.com"},
    )
    assert level != "same name as an e-mail address or URL spells it"


def test_a_nickname_on_linkedin_meets_the_full_name_its_url_spells(_pair):
    alum = {"first_name": "Jonathan", "last_name": "Clarkson"}
    conn = {"first_name": "Jon", "last_name": "Clarkson"}
    level, with_url = _pair({**conn, "linkedin_slug": "jonathan-clarkson-1f3a2"}, alum)
    assert level == "same name as an e-mail address or URL spells it"
    plain_level, without = _pair({**conn, "linkedin_slug": "jon-clarkson-1f3a2"}, alum)
    assert plain_level == "nickname or variant"
    assert with_url > without
