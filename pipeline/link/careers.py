"""Career comparisons: whether a LinkedIn title fits an alumni record's class year, and
whether it sits at or above the (older) title in the alumni list. They tell a namesake from an
alum whose employer is out of date: exact names and different employers look alike otherwise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.link.jobs import same_title  # the job comparison's own test
from pipeline.link.levels import NULL, Rows
from pipeline.text.arrow_text import STR

STAGE_LEVELS = (
    "consistent",
    "title a little junior for the years",
    "title a little senior for the years",
    "title junior for the years",
    "title senior for the years",
)
_MEASURED = ("grad_year", "history")  # career_years_source values that are facts, not guesses


def stage(a: pd.DataFrame | None, b: pd.DataFrame | None, rows: Rows | None = None) -> np.ndarray:
    """Career stage: a LinkedIn title's seniority (a wide prior on years of career) against an
    alumni record's graduation year. A "VP Engineering" is rarely the class of 2024, an intern
    rarely the class of 1990: a namesake shows it, an alum with an outdated job does not (the
    year is the same person's). Compared only where one side is measured (a year) and the other
    guessed from a title; two years are the grad_year comparison's, two titles the job's.

    Levels by the gap in standard deviations, with its direction: a title junior for the years
    is common (a career change, a plain "Data Engineer" after ten years), a title senior for
    them rare (a VP two years out of school).

    For the pairs ``rows`` (else aligned pair frames ``a`` and ``b``), each record's side and
    numbers read once per run."""
    rows = Rows.of_pairs(a, b) if rows is None else rows
    side, years, sd = rows.once(("career stage records",), _stage_records)
    # only the pairs of one record of each side: most candidates join two alumni records,
    # where this is NULL (95% at 30,000 x 1,000,000)
    at = np.flatnonzero(side[rows.left] * side[rows.right] == 2)
    out = np.full(len(rows.left), NULL, dtype=np.int8)
    left, right = rows.left[at], rows.right[at]
    measured_a = side[left] == 1
    ya, yb, sa, sb = years[left], years[right], sd[left], sd[right]
    # z > 0: the title claims more years than the graduation year gives
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(measured_a, yb - ya, ya - yb) / np.sqrt(sa**2 + sb**2)
    level = np.select(
        [np.abs(z) <= 1, (z < 0) & (z >= -2), (z > 0) & (z <= 2), z < 0], [0, 1, 2, 3], 4
    )
    out[at] = np.where(np.isnan(z), NULL, level)
    return out


def _stage_records(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per record, its side in ``stage``, its career years and their standard deviation."""
    years = pd.to_numeric(frame["career_years"], errors="coerce").to_numpy(float)
    sd = pd.to_numeric(frame["career_years_sd"], errors="coerce").to_numpy(float)
    return stage_sides(frame), years, sd


def stage_sides(records: pd.DataFrame) -> np.ndarray:
    """Per record, its side in ``stage``: 1 where its career years
    are measured (a class year, a history), 2 where guessed from a title, 0 otherwise."""
    # tested as Arrow text: a million records' values as Python strings cost a second
    source = records["career_years_source"].astype(STR)
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
    codes, uniques = pd.factorize(seniority.astype(STR), use_na_sentinel=False)
    ranks = np.array([SENIORITY_RANK.get(u, np.nan) for u in uniques.to_numpy(dtype=object)])
    return ranks[codes] if len(codes) else np.zeros(0)


def seniority_order(
    a: pd.DataFrame | None, b: pd.DataFrame | None, rows: Rows | None = None
) -> np.ndarray:
    """Where a LinkedIn connection meets another file's record with a different title: is the
    connection's (current) title one step more senior, two or more steps, as senior, or less
    senior than the other's (possibly years old)? Same person: rarely less senior. Equal titles
    are the job comparison's, so they are left out (NULL) here, as are pairs without a
    connection.

    Both titles are ranked by what they say alone (``seniority_alone``, when normalize made
    it; else ``seniority``): an alum's class year lifts a plain "Data Analyst" ten years out to
    Senior, while the connection's title has no year to lift it, so the two would not be
    ranked on one footing.

    For the pairs ``rows`` (else aligned pair frames ``a`` and ``b``): each record's side and
    rank once per run, the titles once per distinct pair of them."""
    rows = Rows.of_pairs(a, b) if rows is None else rows
    side, rank = rows.once(("seniority order records",), _order_records)
    out = np.full(len(rows.left), NULL, dtype=np.int8)
    # only the pairs of a connection and another file's record (none when deduplicating one
    # alumni list)
    at = np.flatnonzero(side[rows.left] * side[rows.right] == 2)
    if not len(at):
        return out
    left, right = rows.left[at], rows.right[at]
    rank_a, rank_b = rank[left], rank[right]
    gap = np.where(side[left] == 1, rank_a - rank_b, rank_b - rank_a)
    level = np.select([gap == 1, gap > 1, gap == 0], [0, 1, 2], default=3)
    same = np.asarray(rows.subset(at).on_distinct("title_clean", same_title), dtype=bool)
    out[at] = np.where(same, NULL, level)
    return out


def _order_records(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per record, its side in ``seniority_order`` and its title's rank (NaN: none)."""
    return order_sides(frame), _ranks(frame[_rank_column(frame)])


def order_sides(records: pd.DataFrame) -> np.ndarray:
    """Per record, its side in ``seniority_order``: 1 for a
    connection whose title has a rank, 2 for another file's record with one, 0 without."""
    connection = (records["source"].astype(STR) == "connections").to_numpy(dtype=bool)
    ranked = ~np.isnan(_ranks(records[_rank_column(records)]))
    return np.where(ranked, np.where(connection, 1, 2), 0).astype(np.int8)


def _rank_column(records: pd.DataFrame) -> str:
    return "seniority_alone" if "seniority_alone" in records.columns else "seniority"
