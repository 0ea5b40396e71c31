"""``levels.relevel`` works once per distinct (title, employer kinds, years, class year to come)
combination; these tests hold it to the composition it replaced, kept here: every row's title
classified, adjusted for its employer, and its level estimated, then the measured rows' level
taken. The rows reach the bank rule, a school employer, a student society, a class year still
to come, missing titles and employers, non-ASCII titles, duplicates and guessed years."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from pipeline.normalize.companies import employer_kinds
from pipeline.normalize.levels import (
    LEVEL_COLUMNS,
    MEASURED,
    _where,
    employer_kinds_of,
    estimate_levels,
    estimate_levels_and_alone,
    relevel,
)
from pipeline.normalize.stage import last_degree_years
from pipeline.normalize.titles import adjust_for_employer, classify_titles
from pipeline.normalize.workplace import employer_kind_codes

TODAY = date(2026, 11, 28)


def _old_relevel(prospects: pd.DataFrame, today: date | None) -> pd.DataFrame:
    """The row-by-row relevel."""
    out = prospects.copy()
    titles = classify_titles(out["title"])
    titles = adjust_for_employer(titles, employer_kinds(out["company_key"]))
    seen = out
    if today is not None and "grad_year" in out:
        seen = out.assign(last_degree_years=last_degree_years(out, today))
    levels = estimate_levels(seen, titles, employer_kinds_of(seen))
    measured = out["career_years_source"].astype("str").isin(MEASURED).to_numpy()
    for col in LEVEL_COLUMNS:
        out[col] = out[col].where(~measured, levels[col]) if col in out else levels[col]
    return out


ROWS = [  # title, company_key, company_clean, employer_is_school, years, source, grad, classes
    ("Vice President", "rbc", "RBC", False, 9.4, "grad_year", 2017, "2017"),
    ("Vice President", "rbc", "RBC", False, 9.4, "grad_year", 2017, "2017"),  # duplicate
    ("Vice President", "shopify", "Shopify", False, 9.4, "title prior", None, ""),
    ("Consultant", "ey", "EY", False, 2.0, "history", 2024, "2024"),
    (
        "",
        "university of toronto",
        "University of Toronto",
        True,
        7.0,
        "grad_year",
        2019,
        "2019|2028",
    ),
    ("", "shopify", "Shopify", False, 7.0, "grad_year", 2019, "2019|2028"),
    (
        "Treasurer",
        "waterloo engineering society",
        "Waterloo Engineering Society",
        False,
        1.0,
        "grad_year",
        2025,
        "2025|2027",
    ),
    (None, None, None, False, np.nan, "unknown", None, ""),
    ("Ingénieure logiciel", "", "Stealth Startup", False, 3.0, "grad_year", 2023, "2023"),
    ("研究員", "", "", False, np.nan, "grad_year", None, ""),
    ("Senior Data Scientist", "google", "Google", False, 12.3, "grad_year", 2014, "2014"),
]


def _frame(rows) -> pd.DataFrame:
    columns = list(zip(*rows, strict=True)) if rows else [[]] * 8
    return pd.DataFrame(
        {
            "title": pd.Series(columns[0], dtype="str"),
            "company_key": pd.Series(columns[1], dtype="str"),
            "company_clean": pd.Series(columns[2], dtype="str"),
            "employer_is_school": pd.Series(columns[3], dtype=bool),
            "career_years": pd.Series(columns[4], dtype=float),
            "career_years_source": pd.Series(columns[5], dtype="str"),
            "grad_year": pd.array(columns[6], dtype="Int64"),
            "class_years": pd.Series(columns[7], dtype="str"),
            "seniority": pd.Series(["Entry"] * len(rows), dtype="str"),
            "seniority_rule": pd.Series(["kept"] * len(rows), dtype="str"),
        }
    )


@pytest.mark.parametrize("today", [TODAY, None])
@pytest.mark.parametrize("rows", [ROWS, ROWS[:1], ROWS[7:8], []], ids=["all", "one", "null", "0"])
def test_relevel_is_the_row_by_row_composition(rows, today):
    frame = _frame(rows)
    pd.testing.assert_frame_equal(relevel(frame, today=today), _old_relevel(frame, today))


def test_relevel_keeps_the_level_of_rows_whose_years_are_guessed():
    out = relevel(_frame(ROWS), today=TODAY)
    assert out["seniority_rule"].iloc[2] == "kept" and out["seniority"].iloc[0] == "Manager"


def test_employer_kind_codes_give_employer_kinds_of():
    frame = _frame(ROWS)
    codes, kinds = employer_kind_codes(frame)
    assert kinds[codes].tolist() == employer_kinds_of(frame).tolist()
    assert kinds[codes].tolist()[6] == "society" and kinds[codes].tolist()[4] == "university"


@pytest.mark.parametrize("kind", ["str", "float"])
def test_where_is_pandas_where(kind):
    mask = np.array([True, False, True, False])
    if kind == "str":
        new = pd.Series(["a", None, "é", "d"], dtype="str")
        old = pd.Series([None, "x", "y", None], dtype="str", name="seniority")
    else:
        new, old = pd.Series([1.0, np.nan, 3.0, 4.0]), pd.Series([np.nan, 2.0, 0.5, np.nan])
    pd.testing.assert_series_equal(_where(mask, new, old), old.where(~mask, new))


@pytest.mark.parametrize("rows", [ROWS, ROWS[:1], ROWS[7:8], []], ids=["all", "one", "null", "0"])
def test_estimate_levels_and_alone_are_the_two_estimates(rows):
    """normalize's two estimates in one pass: the levels with the years, and the seniority with
    the years unread, each as estimate_levels gives it."""
    frame = _frame(rows).assign(last_degree_years=[-1.5, *[np.nan] * (len(rows) - 1)][: len(rows)])
    titles = adjust_for_employer(
        classify_titles(frame["title"]), employer_kinds(frame["company_key"])
    )
    kinds = employer_kinds_of(frame)
    levels, alone = estimate_levels_and_alone(frame, titles, kinds)
    pd.testing.assert_frame_equal(levels, estimate_levels(frame, titles, kinds))
    unread = estimate_levels(frame.assign(career_years=np.nan), titles, kinds)["seniority"]
    pd.testing.assert_series_equal(alone, unread)
