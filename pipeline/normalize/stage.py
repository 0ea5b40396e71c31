"""Career stage: years since the start of a career, with where the estimate came from.

Best evidence first: a graduation year; then a title's seniority as a wide prior. `Connected On`
says nothing about career age and is never used.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

#: Seniority level -> (typical years of career, standard deviation): a wide prior, not a fact.
TITLE_PRIOR: dict[str, tuple[float, float]] = {
    "Unpaid": (0.0, 2.0),
    "Training": (-0.5, 1.5),
    "Entry": (2.0, 2.0),
    "Senior": (7.0, 3.5),
    "Manager": (9.0, 4.0),
    "Director": (14.0, 5.0),
    "VP": (17.0, 6.0),
    "CXO": (20.0, 7.0),
    "Partner": (18.0, 6.0),
    "Owner": (10.0, 7.0),
}
GRAD_YEAR_SD = 1.0  # a graduation year is good evidence; people still take gap years, co-ops …
BUCKETS = ("<1", "1–2", "3–5", "6–10", "10+")  # Sales Navigator's experience buckets


def years_since(year: pd.Series | int | float, today: date) -> pd.Series | float:
    """Years from a (mid-year) graduation to today: 2021 seen on 2026-11-28 -> 5.4."""
    return today.year + (today.month - 6) / 12 - year


def career_stage(frame: pd.DataFrame, today: date) -> pd.DataFrame:
    """Columns career_years, career_years_sd, career_years_source, experience_bucket.

    ``frame`` needs ``grad_year`` (Int64) and ``seniority``.

    >>> f = pd.DataFrame({"grad_year": pd.array([2021, None], dtype="Int64"),
    ...                   "seniority": ["Entry", "Director"]})
    >>> career_stage(f, date(2026, 6, 1))["career_years_source"].tolist()
    ['grad_year', 'title prior']
    """
    grad = frame["grad_year"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    prior = frame["seniority"].map(lambda s: TITLE_PRIOR.get(s, (np.nan, np.nan)))
    prior_mean = np.array([p[0] for p in prior], dtype=float)
    prior_sd = np.array([p[1] for p in prior], dtype=float)
    from_grad = years_since(grad, today)
    has_grad = ~np.isnan(grad)
    has_prior = ~np.isnan(prior_mean)
    years = np.where(has_grad, from_grad, prior_mean)
    sd = np.where(has_grad, GRAD_YEAR_SD, prior_sd)
    source = np.where(has_grad, "grad_year", np.where(has_prior, "title prior", "unknown"))
    out = pd.DataFrame(
        {
            "career_years": np.round(years, 1),
            "career_years_sd": sd,
            "career_years_source": pd.Series(source, dtype="str").to_numpy(),
        },
        index=frame.index,
    )
    out["experience_bucket"] = bucket(out["career_years"])
    return out


def bucket(years: pd.Series) -> pd.Series:
    """Sales Navigator's bucket of each number of years ("" when unknown)."""
    cut = pd.cut(years, [-np.inf, 1, 3, 6, 11, np.inf], right=False, labels=list(BUCKETS))
    return cut.astype("str").where(years.notna(), "").astype("str")
