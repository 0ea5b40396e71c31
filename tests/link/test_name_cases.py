"""Names as people write them across cultures: one row per case, the level the name
comparison gives a LinkedIn connection and an alumni record of the same person, and the
control that must stay "different"."""

import pytest

from pipeline.link import explain, score
from pipeline.normalize import normalize
from pipeline.settings import Settings

ALUM = {"source": "alumni", "school": "University of Waterloo"}


@pytest.fixture
def pair(people, today):
    def build(left: tuple[str, str], right: tuple[str, str]):
        """The scored pair of a connection named ``left`` and an alum named ``right``."""
        job = {"company": "Cohere", "title": "Research Scientist"}
        frame = people(
            {"first_name": left[0], "last_name": left[1], "linkedin_slug": "x", **job},
            {**ALUM, "first_name": right[0], "last_name": right[1], **job},
        )
        scored = score(normalize(frame, Settings(), today), Settings())
        table = explain(scored)
        return table.iloc[0] if len(table) else None

    return build


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        # transliteration variants of one name
        (("Aisha", "Haddad"), ("Aysha", "Haddad"), "nickname or variant"),
        (("Suleiman", "Nasser"), ("Soliman", "Nasser"), "nickname or variant"),
        (("Karim", "Hammoud"), ("Karim", "Hamoud"), "close spelling"),
        (("Min-jun", "Lee"), ("Min-jun", "Rhee"), "close spelling"),
        (("Min-jun", "Lee"), ("Min-jun", "Yi"), "close spelling"),
        (("Ji-woo", "Kang"), ("Ji-woo", "Gang"), "close spelling"),
        # native script against its romanised form
        (("Александр", "Петров"), ("Aleksandr", "Petrov"), "exact"),
        # anyascii writes Greek "ου" as "oy": a letter from the usual "ou"
        (("Νίκος", "Παπαδόπουλος"), ("Nikos", "Papadopoulos"), "close spelling"),
        # an English name beside the given name
        (("Natalie (Seonyeong)", "Kang"), ("Seonyeong", "Kang"), "nickname or variant"),
        (("Natalie (Seonyeong)", "Kang"), ("Natalie", "Kang"), "nickname or variant"),
        # a compound surname against one of its parts
        (("María", "Santana Acevedo"), ("Maria", "SANTANA"), "part of a compound last name"),
        (("María", "Santana Acevedo"), ("Maria", "Acevedo"), "part of a compound last name"),
        # a last name given as an initial
        (("Devika", "S."), ("Devika", "Sharma"), "last name an initial"),
        # letters a legacy encoding lost as "?"
        (("Thi", "Nguy?n"), ("Thi", "Nguyễn"), "close spelling"),
        (("Thi Hoa", "Tr?n"), ("Thi Hoa", "Trần"), "close spelling"),
    ],
)
def test_a_name_written_another_way_is_recognised(pair, left, right, level):
    row = pair(left, right)
    assert row is not None, "blocking must propose the pair"
    assert row["name"] == level


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (("Min-jun", "Lee"), ("Min-jun", "Park")),  # another family
        (("Aisha", "Haddad"), ("Amira", "Haddad")),  # another first name: last name only
        (("Devika", "S."), ("Devika", "Patel")),  # the initial does not fit
        (("Devika", "S."), ("Priya", "Sharma")),  # the initial fits, the first name does not
        (("Thi", "Nguy?n"), ("Thi", "Nguyenne")),  # "?" is one letter, not any number
        (("María", "Santana Acevedo"), ("Lucía", "Santana")),  # part, but another first name
    ],
)
def test_a_near_name_of_someone_else_is_not_taken_for_it(pair, left, right):
    row = pair(left, right)
    if row is not None:
        assert row["name"] in ("different", "last name only", "first name only")
