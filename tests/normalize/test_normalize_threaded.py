"""normalize works out the titles and employers on a second thread (from THREAD_ROWS people)
while it works out the names, schools and career evidence: the same frame as on one thread,
and the error one thread would have met first."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import pipeline.normalize as normalize_stage
from pipeline.normalize import normalize
from pipeline.settings import from_dict

SETTINGS = from_dict(
    {"normalize": {"seniority_rules": {"wizard": "Senior"}, "company_aliases": {"goog": "Google"}}}
)


def _people_rows(n: int, seed: int = 5) -> list[dict]:
    rng = np.random.default_rng(seed)
    pick = lambda values: [values[i] for i in rng.integers(0, len(values), n)]  # noqa: E731
    columns = {
        "first_name": ["Ana", "Bob", "", "  Zoë ", "Dé", "J.", "=cmd"],
        "last_name": ["Lopez", "O'Neil", "Smith, Jr.", "", "van der Berg", "李"],
        "title": ["Senior PM @ Shopify | ex-Google", "VP Sales", "", "Wizard", "Analyst II",
                  "Student at University of Waterloo", "Teller"],
        "company": ["Goog", "Shopify Inc.", "", "RBC", "University of Toronto", "Self-employed"],
        "school": ["University of Waterloo", "", "UBC", "Hogwarts"],
        "degree": ["BMath", "", "MSc", "PhD"],
        "grad_year": [2010, 2021, 2030, None],
    }  # fmt: skip
    picked = {name: pick(values) for name, values in columns.items()}
    return [{name: picked[name][i] for name in columns} for i in range(n)]


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return _people_rows(600)


def _normalized(people, rows, monkeypatch, today, *, threaded: bool) -> pd.DataFrame:
    monkeypatch.setattr(normalize_stage, "THREAD_ROWS", 0 if threaded else 10**9)
    return normalize(people(*rows), SETTINGS, today)


def test_threaded_equals_one_thread(people, rows, monkeypatch, today) -> None:
    threaded = _normalized(people, rows, monkeypatch, today, threaded=True)
    serial = _normalized(people, rows, monkeypatch, today, threaded=False)
    pd.testing.assert_frame_equal(threaded, serial, check_exact=True)
    # the settings and every part were used: a user rule, an alias, names, schools, stage
    assert (threaded["seniority_rule"].str.contains("wizard")).any()
    assert (threaded["company_key"] == "google").any() and (threaded["school_key"] != "").any()
    assert threaded["employer_is_school"].any() and threaded["career_years"].notna().any()


class Broken(Exception):
    pass


def _raises(message: str):
    def fail(*_: object, **__: object) -> None:
        raise Broken(message)

    return fail


@pytest.mark.parametrize("threaded", [False, True])
def test_the_titles_error_comes_first_as_on_one_thread(
    people, rows, monkeypatch, today, threaded: bool
) -> None:
    monkeypatch.setattr(normalize_stage, "company_keys", _raises("employers"))
    monkeypatch.setattr(normalize_stage, "names_frame", _raises("names"))
    with pytest.raises(Broken, match="employers"):  # worked out first on one thread
        _normalized(people, rows, monkeypatch, today, threaded=threaded)
    monkeypatch.undo()
    monkeypatch.setattr(normalize_stage, "school_keys", _raises("schools"))
    with pytest.raises(Broken, match="schools"):  # the titles went through: this thread's own
        _normalized(people, rows, monkeypatch, today, threaded=threaded)
    monkeypatch.undo()
    monkeypatch.setattr(normalize_stage, "employer_kinds_of", _raises("kinds"))
    monkeypatch.setattr(normalize_stage, "names_frame", _raises("names"))
    with pytest.raises(Broken, match="kinds"):  # begun with the titles, before the names
        _normalized(people, rows, monkeypatch, today, threaded=threaded)
    monkeypatch.setattr(normalize_stage, "company_keys", _raises("employers"))
    with pytest.raises(Broken, match="employers"):  # the titles' error before the kinds'
        _normalized(people, rows, monkeypatch, today, threaded=threaded)


@pytest.mark.parametrize("threaded", [False, True])
def test_kinds_and_title_rows_made_beside_are_those_of_the_frame(
    people, rows, monkeypatch, today, threaded: bool
) -> None:
    """The employers' kinds and the distinct (title, kind) rows are made on the titles' thread
    from its answer: they equal what the frame gives them (the old way: employer_kinds_of on
    the frame with its company and employer-is-school columns, then distinct_titles)."""
    from pipeline.normalize.levels import distinct_titles, employer_kinds_of

    seen = {}
    real = normalize_stage.estimate_levels_and_alone

    def spy(frame, titles, kinds, **options):
        seen.update(frame=frame, titles=titles, kinds=kinds, distinct=options["distinct"])
        return real(frame, titles, kinds, **options)

    monkeypatch.setattr(normalize_stage, "estimate_levels_and_alone", spy)
    _normalized(people, rows, monkeypatch, today, threaded=threaded)
    old_kinds = employer_kinds_of(seen["frame"])
    assert seen["kinds"].tolist() == old_kinds.tolist()
    assert set(old_kinds) >= {"", "other"} and len(set(old_kinds)) > 2  # kinds of several sorts
    codes, columns = seen["distinct"]
    old_codes, old_columns = distinct_titles(seen["titles"], old_kinds)
    np.testing.assert_array_equal(codes, old_codes)
    for got, old in zip(columns, old_columns, strict=True):
        assert got.tolist() == old.tolist()
