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
from pipeline.ingest.display_names import clean_display
from pipeline.ingest.readers import read_text_table

# Co-ops and internships do not start a career: the first position that is neither does.
# "International" and "Cooperative" are not: whole words only.
_TRAINING = re.compile(
    r"(?i)(?<!\w)(intern|internship|co-?op|co op|coop|trainee|student|apprentice|"
    r"apprenticeship|summer (?:analyst|associate|student)|werkstudent|praktikant(?:in)?|"
    r"stagiaire|becario|becaria|estagi[aá]ri[oa])(?!\w)"
)
_GRADUATE = re.compile(
    r"(?i)(?<!\w)(master|masters|master's|m\.?sc|m\.?a\.?sc|m\.?math|m\.?eng|m\.?s\.?|mba|"
    r"m\.?phil|d\.?phil|ph\.?d|doctor|doctorate|ma|llm|jd|md|postdoc\w*)(?!\w)"
)


@dataclass(frozen=True)
class Education:
    """One line of Education.csv. The end may lie in the future: the expected graduation."""

    school: str
    degree: str
    start_year: int | None
    end_year: int | None
    end_month: int | None = None

    def is_expected(self, today: date | None = None) -> bool:
        """True when the end date is still ahead (a student's expected graduation).

        A year without a month counts as June: "2026" is still expected in May 2026.
        """
        if self.end_year is None:
            return False
        today = today or date.today()
        return (self.end_year, self.end_month or 6) > (today.year, today.month)

    @property
    def is_graduate(self) -> bool:
        """A master's, doctorate or professional degree (not the first graduation)."""
        return _is_graduate(self.degree)


@dataclass(frozen=True)
class Position:
    company: str
    title: str
    start: tuple[int | None, int | None]  # (year, month)
    end: tuple[int | None, int | None]  # (None, None) while current
    is_training: bool  # internship or co-op

    @property
    def is_current(self) -> bool:
        return self.end[0] is None


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
        ``today`` is accepted for symmetry with expected_graduation and does not change the answer.
        """
        first = [e.end_year for e in self.education if e.end_year and not e.is_graduate]
        years = first or [e.end_year for e in self.education if e.end_year]
        return min(years) if years else None

    def expected_graduation(self, today: date | None = None) -> int | None:
        """The latest end year still ahead of ``today`` (the degree being studied), or None."""
        years = [e.end_year for e in self.education if e.end_year and e.is_expected(today)]
        return max(years) if years else None

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
    """The user's Profile from an archive; empty fields where a file is missing or unreadable.

    Reads Profile.csv (first row: name, headline, industry), Education.csv (School Name, Degree
    Name, Start Date, End Date as YYYY or Mon YYYY) and Positions.csv (Company Name, Title,
    Started On, Finished On as Mon YYYY; empty end = current). Example:
    read_profile(open_export(Path("Basic_LinkedInDataExport_11-28-2026.zip"))).grad_year() -> 2025.
    """
    profile = _table(export, "profile", ["First Name", "Last Name", "Headline", "Industry"])
    name = headline = industry = ""
    if profile is not None and len(profile):
        row = profile.iloc[0]
        parts = (clean_display(str(row.get(k, ""))) for k in ("first name", "last name"))
        name = " ".join(p for p in parts if p)
        headline = str(row.get("headline", "")).strip()
        industry = str(row.get("industry", "")).strip()
    education: list[Education] = []
    edu = _table(export, "education", ["School Name", "Start Date", "End Date", "Degree Name"])
    if edu is not None:
        for _, row in edu.iterrows():  # a handful of rows: the user's own degrees
            end_year, end_month = parse_month_year(str(row.get("end date", "")))
            school = " ".join(str(row.get("school name", "")).split())
            if not school:
                continue  # a blank line Excel left behind
            education.append(
                Education(
                    school=school,
                    degree=" ".join(str(row.get("degree name", "")).split()),
                    start_year=parse_month_year(str(row.get("start date", "")))[0],
                    end_year=end_year,
                    end_month=end_month,
                )
            )
    positions: list[Position] = []
    pos = _table(export, "positions", ["Company Name", "Title", "Started On", "Finished On"])
    if pos is not None:
        for _, row in pos.iterrows():
            title = " ".join(str(row.get("title", "")).split())
            company = " ".join(str(row.get("company name", "")).split())
            if not (title or company):
                continue
            positions.append(
                Position(
                    company=company,
                    title=title,
                    start=parse_month_year(str(row.get("started on", ""))),
                    end=parse_month_year(str(row.get("finished on", ""))),
                    is_training=bool(_TRAINING.search(title)),
                )
            )
    return Profile(name, headline, industry, tuple(education), tuple(positions))


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _when(year_month: tuple[int | None, int | None]) -> str:
    year, month = year_month
    if year is None:
        return ""
    return f"{_MONTHS[month - 1]} {year}" if month else str(year)


def describe(profile: Profile, today: date | None = None) -> list[str]:
    """The profile as short lines for a person to check (what `prospects ingest` prints).

    The name is left to the caller's heading. Example: describe(Profile(headline="Student")) ->
    ["headline: Student", "first graduation: unknown; expected graduation: none; career start:
    unknown (only internships/co-ops or no positions)"].
    """
    lines = [f"headline: {profile.headline}"] if profile.headline else []
    if profile.industry:
        lines.append(f"industry: {profile.industry}")
    for e in profile.education:
        years = "–".join(str(y) for y in (e.start_year, e.end_year) if y)
        expected = " (expected)" if e.is_expected(today) else ""
        what = ", ".join(x for x in (e.degree, e.school) if x)
        lines.append(f"education: {what}{', ' + years if years else ''}{expected}")
    for p in profile.positions:
        start, end = _when(p.start) or "?", "now" if p.is_current else _when(p.end)
        kind = " [internship/co-op]" if p.is_training else ""
        what = " at ".join(x for x in (p.title, p.company) if x)
        lines.append(f"position: {what}, {start} – {end}{kind}")
    grad, expected_grad = profile.grad_year(today), profile.expected_graduation(today)
    career_start = profile.career_start()
    lines.append(
        f"first graduation: {grad or 'unknown'}; expected graduation: {expected_grad or 'none'}; "
        f"career start: {career_start or 'unknown (only internships/co-ops or no positions)'}"
    )
    return lines
