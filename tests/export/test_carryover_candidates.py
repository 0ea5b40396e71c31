"""The carry-over makes keys only for the candidates that may share one with a previous row
(``_may_match``): its matches must be those made with every candidate's keys."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest
from anyascii import anyascii

from pipeline.export import carryover
from pipeline.workbook_contract import ID_HEADER

NAMES = [
    "Ada Park", "ADA  PARK", "Ada-Park", "José Núñez", "Jose Nunez", "JOSÉ NÚÑEZ", "Sam Lee",
    "Søren Ødegård", "Soren Odegard", "李 伟", "Li Wei", "O'Brien, Pat", "o brien pat", "",
    " \t", "Zoë\nDoe", "Zoe Doe", "Straße Mann", "Strasse Mann", "Σοφία", "sofia",
]  # fmt: skip
COMPANIES = ["Acme", "ACME inc.", "Globex", "", "Ünïcorn", "Unicorn"]
SCHOOLS = ["UBC", "ubc", "", "Université Laval", "Universite Laval"]
SLUGS = [
    "ada-park", "Ada-Park", "ADA-PARK", "jose-nunez-1a", "josé-núñez", "JOSÉ-NÚÑEZ", "",
    "sam-lee", "a/b", "li%20wei", "li wei", "k\u212aelvin", "kkelvin", "ΣΟΦΙΑΣ", "İlker",
]  # fmt: skip


def _candidates(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Mostly distinct people (a name, slug and record of their own), a tenth sharing a
    name and employer or a slug with someone, some with missing names or other scripts."""
    base = [NAMES[i] for i in rng.integers(0, len(NAMES), n)]
    names = [f"{b} {i // 2 if i % 10 == 0 else i}" if b.strip() else b for i, b in enumerate(base)]
    for i in rng.choice(n, n // 20, replace=False):
        names[i] = None  # a missing display name
    slugs = [f"{SLUGS[i % len(SLUGS)]}-{j}" for i, j in enumerate(rng.integers(0, n, n))]
    frame = pd.DataFrame(
        {
            "prospect_id": [f"p-{i}" for i in range(n)],
            "linkedin_slug": [s if i % 7 else "" for i, s in enumerate(slugs)],
            "Name": names,
            "Company": [COMPANIES[i] for i in rng.integers(0, len(COMPANIES), n)],
            "School": [SCHOOLS[i] for i in rng.integers(0, len(SCHOOLS), n)],
            "record_ids": [f"c:{i}|alumni:{i}" for i in range(n)],
            "left_out": "",
        }
    )
    frame.loc[3, "record_ids"] += "|manual:added:7"
    frame.loc[5, "record_ids"] += "|manual:added:9"
    frame.loc[6, "record_ids"] += "|manual:added:9"  # two people: ambiguous
    for column in frame.columns:
        frame[column] = frame[column].astype("str")
    return frame


def _variant(text: object, rng: np.random.Generator) -> object:
    """The text as a user's workbook may hold it: another case, accents dropped, spaced."""
    if not isinstance(text, str):
        return text
    how = rng.integers(0, 4)
    if how == 0:
        return text.upper()
    if how == 1:
        return carryover.anyascii(text)
    if how == 2:
        return "  " + text.replace(" ", " - ") + "."
    return text


def _rows(rng: np.random.Generator, n: int, candidates: pd.DataFrame) -> pd.DataFrame:
    """Previous rows of candidates (by any key, in another spelling) and of no one."""
    who = candidates.iloc[rng.integers(0, len(candidates), n)].reset_index(drop=True)
    way = rng.integers(0, 6, n)  # 0 ID, 1 slug, 2 record, 3 name+company, 4 name+school, 5 none
    slug = who["linkedin_slug"].map(lambda s: _variant(s, rng))
    link = np.where(
        (way == 1) & (slug != ""), "https://ca.linkedin.com/in/" + slug.astype(str) + "/", ""
    )
    return pd.DataFrame(
        {
            "_sheet": [["Shortlist", "Archived", "Added by you"][i] for i in rng.integers(0, 3, n)],
            "_row": np.arange(2, n + 2),
            "_link": link,
            "_record": np.where(way == 2, ["manual:added:7", "manual:added:9"] * (n // 2), ""),
            ID_HEADER: np.where(way == 0, who["prospect_id"], np.where(way == 5, "gone", "")),
            "LinkedIn": None,
            "Name": [_variant(v, rng) if w in (3, 4) else "Nobody Here" for v, w in
                     zip(who["Name"], way, strict=True)],
            "Company": np.where(way == 3, who["Company"].map(lambda v: _variant(v, rng)), ""),
            "School": np.where(way == 4, who["School"].map(lambda v: _variant(v, rng)), ""),
            "Status": "Contacted",
        }
    ).astype(object)  # fmt: skip


def _every_candidate(monkeypatch: pytest.MonkeyPatch, rows, candidates):
    with monkeypatch.context() as patched:
        patched.setattr(carryover, "_may_match", lambda c, _keys: np.ones(len(c), dtype=bool))
        return carryover._match(rows, candidates)


@pytest.mark.parametrize("seed", range(12))
def test_matches_equal_those_made_with_every_candidate(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(seed)
    candidates = _candidates(rng, 400)
    rows = _rows(rng, 120, candidates)
    expected_target, expected_level = _every_candidate(monkeypatch, rows, candidates)
    target, level = carryover._match(rows, candidates)
    pd.testing.assert_series_equal(target, expected_target)
    pd.testing.assert_series_equal(level, expected_level)
    # the cases are there: most levels match some row, and some rows match nothing
    assert set(level) == {"", *(label for label, _, _ in carryover.LEVELS)}


def test_an_ambiguous_key_stays_ambiguous() -> None:
    """Two candidates whose names differ only in accents share the key "jose nunez": a row of
    that name and company is no one's, though the key of only one of them is plain ASCII."""
    candidates = pd.DataFrame(
        {
            "prospect_id": ["a", "b", "c"],
            "linkedin_slug": ["", "", "JOSÉ-x"],
            "Name": ["José Núñez", "Jose Nunez", "Ida Moe"],
            "Company": ["Acme", "Acme", "Acme"],
            "School": ["", "", ""],
            "record_ids": ["c:1", "c:2", "c:3"],
            "left_out": ["", "", ""],
        }
    ).astype("str")
    rows = pd.DataFrame(
        {
            "_record": ["", ""],
            ID_HEADER: ["", ""],
            "_link": ["", "https://www.linkedin.com/in/jos%C3%A9-x"],
            "LinkedIn": [None, None],
            "Name": ["JOSE NUNEZ", "Someone Else"],
            "Company": ["acme", "Globex"],
            "School": ["", ""],
        }
    ).astype(object)
    target, level = carryover._match(rows, candidates)
    assert target.tolist() == ["", "c"] and level.tolist() == ["", "LinkedIn profile"]


def _rule(value: object) -> str:
    """The key, value by value: anyascii, lower case, runs of anything else one space."""
    return re.sub(r"[^0-9a-z]+", " ", anyascii(str(value)).lower()).strip()


def test_key_is_the_rule() -> None:
    values = pd.Series([*NAMES, None, "  Ada--Park  ", "123 Main", "ÀÉÎ", "x\u00a0y"], dtype="str")
    expected = values.map(lambda v: _rule(v) if v == v else "nan")  # a missing name: "nan"
    assert carryover._key(values).tolist() == expected.tolist()
    plain = pd.Series(["Ada Park", "O'Brien,  Pat", "", "A1-b2"], dtype="str")
    assert carryover._key(plain).tolist() == [_rule(v) for v in plain]
    # a workbook's cells (object): numbers and dates a user typed keyed as str() makes them,
    # bytes too (pandas would decode them)
    cells = pd.Series(
        ["José", 2019, 2019.5, dt.date(2026, 1, 5), "", "Zoë Doe", b"ab"], dtype=object
    )
    assert carryover._key(cells).tolist() == [_rule(v) for v in cells]
