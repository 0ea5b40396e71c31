"""The user themself ("Me"), read from the archive's Profile, Education and Positions files.

Later stages use it for "years ahead of me" and "shares my school"; settings override it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from pipeline.errors import InputError
from pipeline.ingest.archive import Export
from pipeline.ingest.dates import parse_month_year
from pipeline.ingest.readers import read_text_table

# Co-ops and internships do not start a career: the first position that is neither does.
_TRAINING = re.compile(r"(?i)\b(intern|internship|co-?op|trainee|student|apprentice|summer)\b")
_GRADUATE = re.compile(r"(?i)\b(master|m\.?sc|m\.?a\.?sc|m\.?math|m\.?eng|mba|ph\.?d|doctor|ma)\b")


@dataclass(frozen=True)
class Education:
    school: str
    degree: str
    start_year: int | None
    end_year: int | None


@dataclass(frozen=True)
class Position:
    company: str
    title: str
    start: tuple[int | None, int | None]  # (year, month)
    end: tuple[int | None, int | None]  # (None, None) while current
    is_training: bool  # internship or co-op


@dataclass(frozen=True)
class Profile:
    """What the archive says about the user."""

    name: str = ""
    headline: str = ""
    industry: str = ""
    education: tuple[Education, ...] = ()
    positions: tuple[Position, ...] = ()

    @property
    def schools(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.school for e in self.education if e.school))

    def grad_year(self, today: date | None = None) -> int | None:
        """The first graduation: the earliest end year of an undergraduate degree (or any degree).

        A future end year is the expected graduation, which is what a student means too.
        """
        first = [e.end_year for e in self.education if e.end_year and not _is_graduate(e.degree)]
        years = first or [e.end_year for e in self.education if e.end_year]
        return min(years) if years else None

    def career_start(self) -> int | None:
        """The start year of the first position that is not an internship or co-op."""
        years = [p.start[0] for p in self.positions if p.start[0] and not p.is_training]
        return min(years) if years else None


def _is_graduate(degree: str) -> bool:
    return bool(_GRADUATE.search(degree or ""))


def _scorer(headers: Sequence[str]):
    wanted = {h.lower() for h in headers}

    def score(cells: Sequence[str]) -> float:
        return float(len({c.strip().lower() for c in cells} & wanted))

    return score


def _table(export: Export, key: str, headers: Sequence[str]) -> pd.DataFrame | None:
    data = export.read(key)
    if not data:
        return None
    try:
        table = read_text_table(data, f"{key}.csv", _scorer(headers), min_score=2)
    except InputError:
        return None  # an optional file we cannot read does not stop the shortlist
    return table.rows.rename(columns=lambda c: c.strip().lower())


def read_profile(export: Export) -> Profile:
    """The user's Profile from an archive; empty fields where a file is missing."""
    profile = _table(export, "profile", ["First Name", "Last Name", "Headline", "Industry"])
    name = headline = industry = ""
    if profile is not None and len(profile):
        row = profile.iloc[0]
        name = " ".join(str(row.get(k, "")).strip() for k in ("first name", "last name")).strip()
        headline = str(row.get("headline", "")).strip()
        industry = str(row.get("industry", "")).strip()
    education: list[Education] = []
    edu = _table(export, "education", ["School Name", "Start Date", "End Date", "Degree Name"])
    if edu is not None:
        for _, row in edu.iterrows():  # a handful of rows: the user's own degrees
            education.append(
                Education(
                    school=str(row.get("school name", "")).strip(),
                    degree=str(row.get("degree name", "")).strip(),
                    start_year=parse_month_year(str(row.get("start date", "")))[0],
                    end_year=parse_month_year(str(row.get("end date", "")))[0],
                )
            )
    positions: list[Position] = []
    pos = _table(export, "positions", ["Company Name", "Title", "Started On", "Finished On"])
    if pos is not None:
        for _, row in pos.iterrows():
            title = str(row.get("title", "")).strip()
            positions.append(
                Position(
                    company=str(row.get("company name", "")).strip(),
                    title=title,
                    start=parse_month_year(str(row.get("started on", ""))),
                    end=parse_month_year(str(row.get("finished on", ""))),
                    is_training=bool(_TRAINING.search(title)),
                )
            )
    return Profile(name, headline, industry, tuple(education), tuple(positions))
