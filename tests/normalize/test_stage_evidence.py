"""normalize.stage's Evidence: the career stage's seniority-free part worked out once and read
twice (before the level is known, with no title prior, and after), as career_stage gave it
each time on its own. The old functions are kept here as the oracle."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from pipeline.normalize.stage import (
    GRAD_YEAR_SD,
    HISTORY_SD,
    SOURCES,
    TITLE_PRIOR,
    bucket,
    career_evidence,
    career_stage,
    first_degree_offset,
    last_degree_years,
    years_since,
)
from pipeline.text.arrow_text import STR, text_array

TODAY = date(2026, 11, 28)


# -- the old code (main at 82ff00c), straightforward: one call of career_stage per use ----------
def _old_earliest_year(frame):
    grad = frame["grad_year"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    if "class_years" not in frame.columns:
        return grad
    codes, uniques = pd.factorize(frame["class_years"].fillna("").astype(STR))
    firsts = [
        min((int(y) for y in str(u).split("|") if y.isdigit()), default=np.nan) for u in uniques
    ]
    listed = np.append(np.asarray(firsts, dtype=float), np.nan)[codes]
    return np.fmin(grad, listed)


def _old_last_degree_years(frame, today):
    grad = frame["grad_year"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    if "class_years" in frame.columns:
        codes, uniques = pd.factorize(frame["class_years"].fillna("").astype(STR))
        lasts = [
            max((int(y) for y in str(u).split("|") if y.isdigit()), default=np.nan) for u in uniques
        ]
        grad = np.fmax(grad, np.append(np.asarray(lasts, dtype=float), np.nan)[codes])
    return np.asarray(years_since(grad, today), dtype=float)


def _old_per_unique(values, fn):
    codes, uniques = pd.factorize(values.fillna("").astype(STR))
    table = np.array([fn(u) for u in uniques] + [(np.nan, np.nan)], dtype=float).reshape(-1, 2)
    return table[codes, 0], table[codes, 1]


def _old_career_stage(frame, today):
    first = _old_earliest_year(frame)
    if "degree" in frame.columns:
        offset, extra_sd = _old_per_unique(frame["degree"], first_degree_offset)
    else:
        offset, extra_sd = np.zeros(len(frame)), np.zeros(len(frame))
    from_grad = years_since(first - offset, today)
    grad_sd = np.sqrt(GRAD_YEAR_SD**2 + extra_sd**2)
    if "career_start" in frame.columns:
        start = frame["career_start"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    else:
        start = np.full(len(frame), np.nan)
    prior_mean, prior_sd = _old_per_unique(
        frame["seniority"], lambda s: TITLE_PRIOR.get(s, (np.nan, np.nan))
    )
    has_grad, has_history = ~np.isnan(first), ~np.isnan(start)
    has_prior = ~np.isnan(prior_mean)
    conditions = [has_grad, has_history, has_prior]
    years = np.select(conditions, [from_grad, years_since(start, today), prior_mean], np.nan)
    sd = np.select(conditions, [grad_sd, HISTORY_SD, prior_sd], np.nan)
    source = np.select(conditions, [0, 1, 2], 3)
    out = pd.DataFrame(
        {
            "career_years": np.round(years, 1),
            "career_years_sd": np.round(sd, 2),
            "career_years_source": text_array(SOURCES).take(source),
        },
        index=frame.index,
    )
    out["experience_bucket"] = bucket(out["career_years"])
    return out


# -- hostile frames --------------------------------------------------------------------------
CLASS_YEARS = ["", "2019", "2019|2028", "1996|2002|1990", "abc", "|", "2019|x|1990", "2030", None]
DEGREES = ["", "PhD", "MBA", "BASc", "MSc, PhD", "Master of Applied Science", "bachelor", None]
LEVELS = [*TITLE_PRIOR, "Unknown", "", None, "Wizard"]


def _frame(seed: int, n: int, columns: tuple[str, ...]) -> pd.DataFrame:
    rng = np.random.default_rng(seed)

    def years(low: int, high: int) -> pd.array:
        values = rng.integers(low, high, n).astype(object)
        values[rng.random(n) < 0.4] = None
        return pd.array(values, dtype="Int64")

    frame = pd.DataFrame(
        {
            "grad_year": years(1960, 2032),
            "seniority": pd.array(rng.choice(np.array(LEVELS, dtype=object), n), dtype=STR),
        },
        index=rng.permutation(np.arange(100, 100 + n)),  # not 0..n-1
    )
    if "class_years" in columns:
        frame["class_years"] = pd.array(rng.choice(np.array(CLASS_YEARS, dtype=object), n), STR)
    if "degree" in columns:
        frame["degree"] = rng.choice(np.array(DEGREES, dtype=object), n)  # object, with None
    if "career_start" in columns:
        frame["career_start"] = years(1970, 2027)
    return frame


ALL = ("class_years", "degree", "career_start")


@pytest.mark.parametrize("columns", [ALL, (), ("class_years",), ("degree", "career_start")])
@pytest.mark.parametrize("seed", range(3))
def test_the_evidence_read_twice_gives_what_career_stage_gave_each_time(seed, columns):
    frame = _frame(seed, 400, columns)
    evidence = career_evidence(frame, TODAY)
    # after the level is known: the frame's own seniority
    pd.testing.assert_frame_equal(
        career_stage(frame, TODAY, evidence), _old_career_stage(frame, TODAY), check_exact=True
    )
    pd.testing.assert_frame_equal(
        career_stage(frame, TODAY), _old_career_stage(frame, TODAY), check_exact=True
    )
    # before it: normalize asked career_stage with every level Unknown
    unknown = frame.assign(seniority="Unknown")
    pd.testing.assert_frame_equal(
        evidence.stage(), _old_career_stage(unknown, TODAY), check_exact=True
    )
    np.testing.assert_array_equal(evidence.last_degree, _old_last_degree_years(frame, TODAY))
    np.testing.assert_array_equal(
        last_degree_years(frame, TODAY), _old_last_degree_years(frame, TODAY)
    )


def test_an_empty_frame():
    frame = _frame(0, 0, ALL)
    evidence = career_evidence(frame, TODAY)
    pd.testing.assert_frame_equal(
        career_stage(frame, TODAY, evidence), _old_career_stage(frame, TODAY), check_exact=True
    )
    assert len(evidence.stage()) == 0 and len(evidence.last_degree) == 0
