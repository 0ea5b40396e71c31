"""EM's identifier sessions see the names as pairs outside the session do: a pair that shares
a LinkedIn URL is shown to the name comparison with the URL on one side only, so a typo in the
alumni list's name is a typo there, not "the name the URL spells" (em.blinded)."""

import numpy as np
import pandas as pd
import pytest

from pipeline.link import score
from pipeline.link.block import blocking_columns
from pipeline.link.compare import NAME_LEVELS, compare, comparisons_for
from pipeline.link.em import blinded
from pipeline.normalize import normalize
from pipeline.settings import Settings

ALUM = {"source": "alumni", "school": "University of Waterloo", "grad_year": 2015}
ADDRESS = NAME_LEVELS.index("same name as an e-mail address or URL spells it")
TYPO = NAME_LEVELS.index("close spelling")
SYLLABLES = ("ka", "lo", "mi", "ren", "dor", "tav", "sel", "bru", "nak", "vel", "quo", "zim")


def _names(n: int) -> list[tuple[str, str]]:
    """``n`` distinct invented (first, last) names, deterministic."""
    rng = np.random.default_rng(7)
    out: set[tuple[str, str]] = set()
    while len(out) < n:
        first = "".join(rng.choice(SYLLABLES, 2)).title()
        last = "".join(rng.choice(SYLLABLES, 3)).title()
        out.add((first, last))
    return sorted(out)


def _slug(first: str, last: str) -> str:
    return f"{first}-{last}-7f3a".lower()


def _levels(people, today, connection: dict, alum: dict):
    """The candidate pair connection x alum, normalized, with its levels; some alumni without a
    URL beside them, so the list carries URLs less often than LinkedIn does."""
    others = [
        {**ALUM, "first_name": f, "last_name": la}
        for f, la in (("Ann", "Lee"), ("Bo", "Wu"), ("Cy", "Roy"), ("Di", "Kim"))
    ]
    frame = people({"company": "Acme", **connection}, {**ALUM, **alum}, *others)
    frame = blocking_columns(normalize(frame, Settings(), today).reset_index(drop=True))
    comparisons = comparisons_for(list(frame.columns))
    pair = pd.DataFrame({"left": [0], "right": [1]})
    return frame, compare(frame, pair, comparisons), comparisons


def test_a_typo_sharing_the_url_is_a_typo_in_the_url_session(people, today):
    conn = {"first_name": "Augustin", "last_name": "Merriweather"}
    alum = {"first_name": "Augustin", "last_name": "Meriweather"}
    slug = {"linkedin_slug": "augustin-merriweather-7f3a"}
    frame, levels, comparisons = _levels(people, today, {**conn, **slug}, {**alum, **slug})
    assert levels["name"].iloc[0] == ADDRESS  # what scoring sees: the URL spells the name
    seen = blinded(frame, levels, comparisons, "linkedin_slug")
    assert seen["name"].iloc[0] == TYPO  # what the session is shown
    assert seen["linkedin_slug"].iloc[0] == levels["linkedin_slug"].iloc[0]  # the anchor stays
    # an anchor over several columns (employer and title) is left as it is
    assert blinded(frame, levels, comparisons, "job").equals(levels)


def test_the_url_stays_on_the_side_that_usually_carries_it(people, today):
    """A nickname on LinkedIn with the URL made from the full name: outside the session the
    connection's URL spells the alum's name, so the session keeps that side's URL."""
    slug = {"linkedin_slug": "jonathan-clarkson-1f3a2"}
    frame, levels, comparisons = _levels(
        people,
        today,
        {"first_name": "Jon", "last_name": "Clarkson", **slug},
        {"first_name": "Jonathan", "last_name": "Clarkson", **slug},
    )
    seen = blinded(frame, levels, comparisons, "linkedin_slug")
    assert seen["name"].iloc[0] == ADDRESS


@pytest.fixture(scope="module")
def _typo_world(people, today):
    """40 connections, each in the alumni list with the same LinkedIn URL; 8 of the alumni
    rows carry a one-letter slip in the surname (a fifth of the matches)."""
    rows = []
    names = _names(40)
    for i, (first, last) in enumerate(names):
        slug = _slug(first, last)
        rows.append({"first_name": first, "last_name": last, "linkedin_slug": slug,
                     "company": f"Firm {i}", "title": "Data Analyst"})  # fmt: skip
        listed = last[:2] + last[3:] if i % 5 == 0 else last  # drop a letter
        rows.append({**ALUM, "first_name": first, "last_name": listed, "linkedin_slug": slug,
                     "company": f"Firm {i}", "title": "Data Analyst"})  # fmt: skip
    for first, last in _names(80)[40:]:  # alumni who are no connection, no URL
        rows.append({**ALUM, "first_name": first, "last_name": last + "son"})
    return normalize(people(*rows), Settings(), today)


def test_em_learns_how_often_matches_show_a_typo(_typo_world):
    """Unblinded, the URL session read every slip in a pair sharing a URL as the URL's
    spelling: "close spelling" learned near its prior, the address level five times too
    often."""
    m = score(_typo_world, Settings()).model.m["name"]
    assert m[TYPO] > 0.08  # 0.125 (0.026 unblinded)
    assert m[ADDRESS] < 0.05  # 0.018 (0.117 unblinded: the slips were counted here)
