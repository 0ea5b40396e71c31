"""Career comparisons: whether a LinkedIn title fits an alumni record's class year, and
whether it sits at or above the (older) title in the alumni list. They tell a namesake from an
alum whose employer is out of date: exact names and different employers look alike otherwise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.link.levels import NULL
from pipeline.link.person import same_title  # the job comparison's own test

STAGE_LEVELS = (
    "consistent",
    "title a little junior for the years",
    "title a little senior for the years",
    "title junior for the years",
    "title senior for the years",
)
_MEASURED = ("grad_year", "history")  # career_years_source values that are facts, not guesses


def stage(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
    """Career stage: a LinkedIn title's seniority (a wide prior on years of career) against an
    alumni record's graduation year. A "VP Engineering" is rarely the class of 2024, an intern
    rarely the class of 1990: a namesake shows it, an alum with an outdated job does not (the
    year is the same person's). Compared only where one side is measured (a year) and the other
    guessed from a title; two years are the grad_year comparison's, two titles the job's.

    Levels by the gap in standard deviations, with its direction: a title junior for the years
    is common (a career change, a plain "Data Engineer" after ten years), a title senior for
    them rare (a VP two years out of school)."""
    side_a, side_b = stage_sides(a), stage_sides(b)
    usable, measured_a = side_a * side_b == 2, side_a == 1
    ya, yb = (pd.to_numeric(f["career_years"], errors="coerce").to_numpy(float) for f in (a, b))
    sa, sb = (pd.to_numeric(f["career_years_sd"], errors="coerce").to_numpy(float) for f in (a, b))
    # z > 0: the title claims more years than the graduation year gives
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(measured_a, yb - ya, ya - yb) / np.sqrt(sa**2 + sb**2)
    level = np.select(
        [np.abs(z) <= 1, (z < 0) & (z >= -2), (z > 0) & (z <= 2), z < 0], [0, 1, 2, 3], 4
    )
    return np.where(usable & ~np.isnan(z), level, NULL)


def stage_sides(records: pd.DataFrame) -> np.ndarray:
    """Per record, its side in ``stage`` (see ``Comparison.sides``): 1 where its career years
    are measured (a class year, a history), 2 where guessed from a title, 0 otherwise."""
    # tested as Arrow text: a million records' values as Python strings cost a second
    source = records["career_years_source"].astype("str")
    measured = source.isin(_MEASURED).to_numpy(dtype=bool)
    prior = (source == "title prior").to_numpy(dtype=bool)
    return np.where(measured, 1, np.where(prior, 2, 0)).astype(np.int8)


ORDER_LEVELS = (
    "LinkedIn's title one step more senior",
    "LinkedIn's title two or more steps more senior",
    "same seniority",
    "LinkedIn's title less senior",
)
#: Seniority as a rank: careers climb, so an alumni list's older title sits at or below the one
#: a person's LinkedIn shows now, most often one promotion below (a record a few years old).
#: Partner ranks with VP; an Owner can be anything.
SENIORITY_RANK = {
    "Unpaid": 0, "Training": 0, "Entry": 1, "Senior": 2, "Manager": 3, "Director": 4, "VP": 5,
    "Partner": 5, "CXO": 6,
}  # fmt: skip


def _ranks(seniority: pd.Series) -> np.ndarray:
    """SENIORITY_RANK of each value (NaN where it has none), looked up once per distinct value."""
    codes, uniques = pd.factorize(seniority.astype("str"), use_na_sentinel=False)
    ranks = np.array([SENIORITY_RANK.get(u, np.nan) for u in uniques.to_numpy(dtype=object)])
    return ranks[codes] if len(codes) else np.zeros(0)


def seniority_order(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
    """Where a LinkedIn connection meets another file's record with a different title: is the
    connection's (current) title one step more senior, two or more steps, as senior, or less
    senior than the other's (possibly years old)? Same person: rarely less senior. Equal titles
    are the job comparison's, so they are left out (NULL) here, as are pairs without a
    connection.

    Both titles are ranked by what they say alone (``seniority_alone``, when normalize made
    it; else ``seniority``): an alum's class year lifts a plain "Data Analyst" ten years out to
    Senior, while the connection's title has no year to lift it, so the two would not be
    ranked on one footing."""
    side_a, side_b = order_sides(a), order_sides(b)
    usable = side_a * side_b == 2
    if not usable.any():  # one alumni list deduplicated
        return np.full(len(a), NULL)
    rank_a, rank_b = (_ranks(f[_rank_column(f)]) for f in (a, b))
    gap = np.where(side_a == 1, rank_a - rank_b, rank_b - rank_a)
    level = np.select([gap == 1, gap > 1, gap == 0], [0, 1, 2], default=3)
    at = np.flatnonzero(usable)  # none when deduplicating one alumni list
    if len(at):
        titles_a, titles_b = (f["title_clean"].iloc[at].reset_index(drop=True) for f in (a, b))
        usable[at] = ~same_title(titles_a, titles_b)
    return np.where(usable, level, NULL)


def order_sides(records: pd.DataFrame) -> np.ndarray:
    """Per record, its side in ``seniority_order`` (see ``Comparison.sides``): 1 for a
    connection whose title has a rank, 2 for another file's record with one, 0 without."""
    connection = (records["source"].astype("str") == "connections").to_numpy(dtype=bool)
    ranked = ~np.isnan(_ranks(records[_rank_column(records)]))
    return np.where(ranked, np.where(connection, 1, 2), 0).astype(np.int8)


def _rank_column(records: pd.DataFrame) -> str:
    return "seniority_alone" if "seniority_alone" in records.columns else "seniority"
