"""A person listed twice in one alumni list is one person when a name's frequency is counted:
their second row is no namesake of the connection who is them."""

import numpy as np
import pytest

from pipeline.link import explain, score
from pipeline.link.classify import row_sums
from pipeline.link.cluster import rivals
from pipeline.link.frequency import frequencies
from pipeline.normalize import normalize
from pipeline.settings import Settings

ALUM = {"source": "alumni", "school": "University of Waterloo"}
OTHERS = [
    {**ALUM, "first_name": f, "last_name": la, "company": c, "title": "Analyst"}
    for f, la, c in (("Ann", "Lee", "Kappa"), ("Bo", "Wu", "Lambda"), ("Cy", "Roy", "Mu"),
                     ("Di", "Kim", "Nu"), ("Ed", "Fox", "Xi"), ("Flo", "Ng", "Omicron"))
]  # fmt: skip
CONNECTION = {"first_name": "Fenzu", "last_name": "Marlundrostav", "linkedin_slug": "fm",
              "company": "Acme Robotics", "title": "Senior Data Scientist"}  # fmt: skip
# the alumni list's job is an old one: another employer, a junior title
FENZU = {**ALUM, "first_name": "Fenzu", "last_name": "Marlundrostav", "grad_year": 2016,
         "company": "Zeta Insurance", "title": "Data Analyst", "major": "Statistics",
         "email": "fenzu.m@example.com"}  # fmt: skip


def test_frequency_counts_a_person_listed_twice_once(people, today):
    frame = normalize(people(CONNECTION, FENZU, FENZU, *OTHERS), Settings(), today)
    left, right = np.array([0, 1]), np.array([1, 2])  # connection-alum, alum-alum
    rows = frequencies(frame, "name_key", left, right)[0]
    # by records, the alum's second row is a third "Fenzu Marlundrostav" in the pair's files
    assert rows[0] == pytest.approx(1 / len(frame))
    person = np.arange(len(frame))
    person[2] = person[1]
    people_ = frequencies(frame, "name_key", left, right, person=person)[0]
    # by people, nobody outside the pair has the name: the floor (first x last shares) applies
    assert people_[0] < rows[0] / 4
    # the duplicate pair itself: its own two rows were never counted, by records or by people
    assert people_[1] == pytest.approx(rows[1])


def test_a_person_listed_twice_is_as_likely_the_connection_as_one_listed_once(people, today):
    def link(*alumni: dict) -> tuple[float, float]:
        frame = normalize(people(CONNECTION, *alumni, *OTHERS), Settings(), today)
        table = explain(score(frame, Settings()))
        cross = table[(table["left_file"] == "connections.csv") & (table["right_row"] == 6)]
        row = cross.iloc[0]
        return row["name weight"], row["probability"]

    once_weight, _ = link(FENZU)
    twice_weight, twice_p = link(FENZU, {**FENZU, "grad_year": 2016})
    # the two rows are linked as one person, so the name is as rare as with one row (a little
    # rarer: one more record in the files); counted by records the second row made it look
    # shared and cost the link about five bits in this small file
    assert once_weight <= twice_weight < once_weight + 1
    assert twice_p > 0.5


def test_two_namesakes_in_the_list_still_make_the_name_common(people, today):
    """Two alumni of one name who are other people (another class, program and employer) are
    not one person: the connection's name stays shared."""

    def name_weight(*alumni: dict) -> float:
        frame = normalize(people(CONNECTION, *alumni, *OTHERS), Settings(), today)
        table = explain(score(frame, Settings()))
        cross = table[(table["left_file"] == "connections.csv") & (table["right_row"] == 6)]
        return float(cross.iloc[0]["name weight"])

    other = {**FENZU, "grad_year": 1991, "company": "Omega Bank", "title": "Director",
             "major": "History", "email": "fm1991@example.org"}  # fmt: skip
    assert name_weight(FENZU, other) < name_weight(FENZU) - 0.5


def test_probabilities_read_the_weights_counted_by_people(people, today):
    """The probabilities are rivals' of each pair's final weights (the contributions' sums, the
    pairs weighed again by people included) and its prior."""
    frame = normalize(people(CONNECTION, FENZU, FENZU, *OTHERS), Settings(), today)
    match = Settings().match
    scored = score(frame, Settings())
    bits = row_sums(scored.contributions) + scored.prior
    want = rivals(scored.pairs, bits, scored.frame, match.unique_sources, match.threshold)
    np.testing.assert_array_equal(scored.pairs["probability"].to_numpy(), want)
