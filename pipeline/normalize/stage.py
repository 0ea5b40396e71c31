"""Career stage: years since the start of a career, with where each estimate came from and how
uncertain it is. Years ahead of the user depend on the user and are rank's (``rank.ahead``).

Evidence, best first (docs/domain.md, career stage and seniority):

1. ``grad_year``: the first graduation. An alumni row may carry several class years
   (``class_years``, "1996|2002"): the earliest counts. When the degree says that year was a
   graduate degree (MASc, MBA, PhD …) and no bachelor's is named, the first degree is estimated
   from ``pipeline/data/degree_levels.csv`` (a PhD of 2022 had a first degree about seven years
   earlier), with a wider uncertainty.
2. ``history``: a dated work history, the year of a first job (optional column ``career_start``).
   LinkedIn exports carry no history for other people and a headline's "ex-Google" has no date,
   so this is rare: a hand-made list may have it.
3. ``title prior``: the seniority level as a wide prior (``TITLE_PRIOR``).

``Connected On`` says nothing about career age and is never used.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from pipeline.text.arrow_text import STR, taken_series, text_array

__all__ = [
    "BUCKETS",
    "SOURCES",
    "TITLE_PRIOR",
    "Evidence",
    "bucket",
    "career_evidence",
    "career_stage",
    "first_degree_offset",
    "years_since",
]

#: Seniority level -> (typical years of career, standard deviation): a wide prior, not a fact.
#: A bank's Vice President is read as Manager before this prior applies
#: (titles.adjust_for_employer).
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
HISTORY_SD = 1.5  # a first job's year: internships and career changes blur it a little
SOURCES = ("grad_year", "history", "title prior", "unknown")
BUCKETS = ("<1", "1–2", "3–5", "6–10", "10+")  # Sales Navigator's experience buckets


def years_since(year: pd.Series | np.ndarray | int | float, today: date) -> pd.Series | float:
    """Years from a (mid-year) graduation to today: 2021 seen on 2026-11-28 -> 5.4."""
    return today.year + (today.month - 6) / 12 - year


@cache
def _degree_levels() -> tuple[tuple[re.Pattern[str], float, float], ...]:
    text = resources.files("pipeline").joinpath("data", "degree_levels.csv").read_text("utf-8")
    rows = sorted(csv.DictReader(text.splitlines()), key=lambda r: int(r["order"]))
    return tuple(
        (re.compile(r["pattern"]), float(r["years_after_first_degree"]), float(r["sd"]))
        for r in rows
    )


@cache
def first_degree_offset(degree: str) -> tuple[float, float]:
    """(years between the first degree and this one, extra uncertainty) for a degree text.

    The lowest degree named wins ("MSc, PhD" is read as the MSc, the earlier of the two); a
    bachelor's or an unknown degree gives (0, 0): the year is taken as the first graduation.

    >>> first_degree_offset("PhD"), first_degree_offset("BASc"), first_degree_offset("")
    ((7.0, 2.5), (0.0, 0.0), (0.0, 0.0))
    """
    text = degree.lower() if isinstance(degree, str) else ""
    found = [(offset, sd) for regex, offset, sd in _degree_levels() if regex.search(text)]
    return min(found) if found else (0.0, 0.0)


def _class_years(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The earliest and the latest year of each row's ``class_years`` ("|"-joined), worked out
    once per distinct text; NaN where none is given (or no such column)."""
    if "class_years" not in frame.columns:
        return np.full(len(frame), np.nan), np.full(len(frame), np.nan)
    codes, uniques = pd.factorize(frame["class_years"].fillna("").astype(STR))
    years = [[int(y) for y in str(u).split("|") if y.isdigit()] for u in uniques]
    firsts = np.append(np.asarray([min(y, default=np.nan) for y in years], dtype=float), np.nan)
    lasts = np.append(np.asarray([max(y, default=np.nan) for y in years], dtype=float), np.nan)
    return firsts[codes], lasts[codes]


def _grad_years(frame: pd.DataFrame) -> np.ndarray:
    return frame["grad_year"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def _last_degree(grad: np.ndarray, latest: np.ndarray, today: date) -> np.ndarray:
    return np.asarray(years_since(np.fmax(grad, latest), today), dtype=float)  # fmax: NaN aside


def last_degree_years(frame: pd.DataFrame, today: date) -> np.ndarray:
    """Years since the latest class year (``grad_year`` and every year of ``class_years``),
    NaN when none is known; below zero the person is still studying ('96 MA / '28 PhD).

    >>> f = pd.DataFrame({"grad_year": pd.array([2019, 2019, None], dtype="Int64"),
    ...                   "class_years": ["2019|2028", "2019", ""]})
    >>> last_degree_years(f, date(2026, 6, 1)).round(1).tolist()
    [-2.0, 7.0, nan]
    """
    return _last_degree(_grad_years(frame), _class_years(frame)[1], today)


def _per_unique(values: pd.Series, fn) -> tuple[np.ndarray, np.ndarray]:
    """Two float arrays from ``fn`` (value -> (a, b)) applied once per unique value."""
    codes, uniques = pd.factorize(values.fillna("").astype(STR))
    table = np.array([fn(u) for u in uniques] + [(np.nan, np.nan)], dtype=float).reshape(-1, 2)
    return table[codes, 0], table[codes, 1]


@dataclass(frozen=True)
class Evidence:
    """What ``career_stage`` reads besides the seniority, per row: years since the first
    degree (``from_grad``, NaN when no class year) and their deviation, years since a first
    dated job (``from_start``, NaN when none); and ``last_degree_years``. normalize reads it
    twice (before the level is known, and after), so it is worked out once
    (``career_evidence``)."""

    from_grad: np.ndarray
    grad_sd: np.ndarray
    from_start: np.ndarray
    last_degree: np.ndarray  # last_degree_years
    index: pd.Index

    def stage(self, seniority: pd.Series | None = None) -> pd.DataFrame:
        """``career_stage``'s columns, the title prior read from ``seniority`` (None: no
        prior, as for a frame whose every level is unknown)."""
        if seniority is None:
            prior_mean = prior_sd = np.full(len(self.index), np.nan)
        else:
            prior_mean, prior_sd = _per_unique(
                seniority, lambda s: TITLE_PRIOR.get(s, (np.nan, np.nan))
            )
        has_grad, has_history = ~np.isnan(self.from_grad), ~np.isnan(self.from_start)
        conditions = [has_grad, has_history, ~np.isnan(prior_mean)]
        years = np.select(conditions, [self.from_grad, self.from_start, prior_mean], np.nan)
        sd = np.select(conditions, [self.grad_sd, HISTORY_SD, prior_sd], np.nan)
        # Each row's source as a position in SOURCES, taken in Arrow (no string made per row).
        source = np.select(conditions, [0, 1, 2], 3)
        out = pd.DataFrame(
            {
                "career_years": np.round(years, 1),
                "career_years_sd": np.round(sd, 2),
                "career_years_source": text_array(SOURCES).take(source),
            },
            index=self.index,
        )
        out["experience_bucket"] = bucket(out["career_years"])
        return out


def career_evidence(frame: pd.DataFrame, today: date) -> Evidence:
    """The ``Evidence`` of each row of ``frame`` (``grad_year``, and ``class_years``,
    ``degree`` and ``career_start`` when present: see ``career_stage``)."""
    grad = _grad_years(frame)
    earliest, latest = _class_years(frame)
    first = np.fmin(grad, earliest)  # fmin ignores a NaN on either side
    if "degree" in frame.columns:
        offset, extra_sd = _per_unique(frame["degree"], first_degree_offset)
    else:
        offset, extra_sd = np.zeros(len(frame)), np.zeros(len(frame))
    if "career_start" in frame.columns:
        start = frame["career_start"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    else:
        start = np.full(len(frame), np.nan)
    return Evidence(
        from_grad=np.asarray(years_since(first - offset, today), dtype=float),
        grad_sd=np.sqrt(GRAD_YEAR_SD**2 + extra_sd**2),
        from_start=np.asarray(years_since(start, today), dtype=float),
        last_degree=_last_degree(grad, latest, today),
        index=frame.index,
    )


def career_stage(
    frame: pd.DataFrame, today: date, evidence: Evidence | None = None
) -> pd.DataFrame:
    """Columns career_years, career_years_sd, career_years_source, experience_bucket.

    ``frame`` needs ``grad_year`` (Int64) and ``seniority``; it may have ``class_years``
    ("|"-joined years), ``degree`` and ``career_start`` (Int64 year of a first dated job).
    ``evidence``: ``career_evidence(frame, today)`` when the caller made it already.

    >>> f = pd.DataFrame({"grad_year": pd.array([2021, None], dtype="Int64"),
    ...                   "seniority": ["Entry", "Director"]})
    >>> career_stage(f, date(2026, 6, 1))["career_years_source"].tolist()
    ['grad_year', 'title prior']
    """
    evidence = career_evidence(frame, today) if evidence is None else evidence
    return evidence.stage(frame["seniority"])


_EDGES = np.array([-np.inf, 1, 3, 6, 11, np.inf])  # BUCKETS' lower edges, then the end
# What each row takes: a bucket, "" for unknown years, missing for +inf (outside every bucket,
# as pd.cut(..., right=False) left it).
_LABELS = np.array([*BUCKETS, None, ""], dtype=object)


def bucket(years: pd.Series) -> pd.Series:
    """Sales Navigator's bucket of each number of years ("" when unknown).

    The bucket [a, b) holding each value, found by a binary search of the edges (what
    ``pd.cut(years, edges, right=False)`` finds, without making a Categorical and its text).

    >>> bucket(pd.Series([0.5, 1.0, 2.9, 10.99, 11.0, None])).tolist()
    ['<1', '1–2', '1–2', '6–10', '10+', '']
    """
    values = np.asarray(years.to_numpy(dtype=float, na_value=np.nan), dtype=float)
    at = np.searchsorted(_EDGES, values, side="right") - 1  # +inf: past the last bucket
    at[np.isnan(values)] = len(_LABELS) - 1
    return taken_series(_LABELS, at, years.index).rename(years.name)
