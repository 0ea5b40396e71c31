"""``block_keys.blocking_columns`` from THREADED records on: the last name's keys made on a
second thread while this one makes the first name's and the former last names give the
columns one thread gives, and an error reaches the caller as it did on one thread (the last
name's first: it was made first)."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from pipeline.link import block_keys
from pipeline.normalize import normalize
from pipeline.settings import Settings
from tests.link.generated import generate


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    made = generate.people(generate.make(200, 1200, seed=11))
    return normalize(made, Settings(), date(2026, 11, 28)).reset_index(drop=True)


def _columns(people, threaded: bool, monkeypatch) -> pd.DataFrame:
    monkeypatch.setattr(block_keys, "THREADED", 0 if threaded else 10**12)
    return block_keys.blocking_columns(people)


def test_threaded_columns_are_one_threads(people, monkeypatch):
    hostile = people.copy()
    rng = np.random.default_rng(3)
    at = rng.choice(len(hostile), 60, replace=False)
    hostile.loc[at[:20], "last_key"] = None  # missing, empty, blank, non-ASCII last names
    hostile.loc[at[20:30], "last_key"] = ""
    hostile.loc[at[30:40], "last_key"] = "o'neil ødegård"
    hostile.loc[at[40:50], "first_key"] = None
    hostile.loc[at[50:], "name_key_alternates"] = "ann smith|ann jones"
    for frame in (people, hostile, hostile.iloc[:0], hostile.iloc[:1]):
        serial = _columns(frame, False, monkeypatch)
        threaded = _columns(frame, True, monkeypatch)
        pd.testing.assert_frame_equal(threaded, serial)
        _each_column_is_its_definition(frame, threaded)
        assert list(threaded.columns[-5:]) == [
            "first_initial", "last_phonetic", "first_last", "last_family", "former_key"
        ]  # fmt: skip
    again = _columns(serial, True, monkeypatch)  # made before: replaced in place
    pd.testing.assert_frame_equal(again, _columns(serial, False, monkeypatch))


@pytest.mark.parametrize("threaded", [False, True])
def test_errors_reach_the_caller_the_last_names_first(people, threaded, monkeypatch):
    for missing, error in (
        (["last_key"], "last_key"),
        (["first_key"], "first_key"),
        (["first_key", "last_key"], "last_key"),  # the last name's keys were made first
    ):
        with pytest.raises(KeyError, match=error):
            _columns(people.drop(columns=missing), threaded, monkeypatch)


def test_a_failing_soundex_reaches_the_caller(people, monkeypatch):
    def failing(keys):
        raise ValueError("no soundex today")

    monkeypatch.setattr(block_keys, "soundexes", failing)
    for threaded in (False, True):
        with pytest.raises(ValueError, match=r"^no soundex today$"):
            _columns(people, threaded, monkeypatch)


def _each_column_is_its_definition(frame: pd.DataFrame, made: pd.DataFrame) -> None:
    """The five columns against their definitions, value by value."""
    last = frame["last_key"].fillna("").tolist()
    assert made["last_phonetic"].tolist() == [block_keys.soundex(k) for k in last]
    families = block_keys.last_families(frame["last_key"]).tolist()
    assert made["last_family"].fillna("").tolist() == families
    first = frame["first_key"].str[:1]
    assert made["first_initial"].fillna("\0").tolist() == first.fillna("\0").tolist()
    joined = (frame["first_key"] + " " + frame["last_key"]).str.strip()
    assert made["first_last"].fillna("\0").tolist() == joined.fillna("\0").tolist()
    assert made["former_key"].tolist() == block_keys.former_keys(frame).tolist()
