"""The words a user reads: one plain sentence of why, and a first line for the message.

Both are built only from fields of the prospect and the user; they never invent a fact.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.rank.features import SENIOR_LEADERS

MAX_OPENER = 300


def _school_part(row: pd.Series) -> str:
    if row["school_fit"] <= 0:
        return ""
    school = row["school"] or "your school"
    detail = " ".join(str(x) for x in (row["degree"], _year(row["grad_year"])) if x)
    return f"{school} alum" + (f" ({detail})" if detail else "")


def _year(value: object) -> str:
    return "" if pd.isna(value) else str(int(value))


def _company(row: pd.Series) -> str:
    """The employer without its legal form ("Shopify", not "Shopify Inc.")."""
    return row.get("company_clean") or row["company"]


def _job_part(row: pd.Series) -> str:
    title, company = row["title"], _company(row)
    if title and company:
        return f"{title} at {company}"
    return title or (f"works at {company}" if company else "")


def _stage_part(row: pd.Series) -> str:
    ahead = row["years_ahead"]
    if row["seniority"] in SENIOR_LEADERS and (pd.isna(ahead) or ahead > 10):
        return f"a senior leader ({row['seniority']})"
    if pd.isna(ahead):
        return ""
    n = round(float(ahead))
    if n == 0:
        return "at about your career stage"
    if n < 0:
        return f"about {-n} year{'s' if n != -1 else ''} behind you"
    return f"about {n} year{'s' if n != 1 else ''} ahead of you"


def _reach_part(row: pd.Series) -> str:
    if row["is_connection"]:
        return "1st-degree connection"
    if row["intro_via"]:
        return "intro possible via " + row["intro_via"].split(" (")[0]
    return "fellow alum, not yet connected" if row["is_alum"] else "no connection yet"


def why(ranked: pd.DataFrame) -> pd.Series:
    """One sentence per prospect from its strongest signals, e.g. "Waterloo alum (BASc 2021),
    Data Scientist at Shopify, about 5 years ahead of you; 1st-degree connection"."""
    out = []
    for _, row in ranked.iterrows():  # once per shortlisted person, text assembly only
        parts = [p for p in (_school_part(row), _job_part(row), _stage_part(row)) if p]
        sentence = ", ".join(parts)
        out.append(f"{sentence}; {_reach_part(row)}" if sentence else _reach_part(row).capitalize())
    return pd.Series(out, index=ranked.index, dtype="str")


def opener(ranked: pd.DataFrame, my_school: str = "", i_am_student: bool = True) -> pd.Series:
    """A first line for the outreach message, built from the strongest shared tie, < 300 chars.

    The tie is only ever a fact in the data: the shared school (and whether the user is still a
    student there), or the LinkedIn connection.
    """
    me = "student" if i_am_student else "alum"
    out = []
    for _, row in ranked.iterrows():
        first = row["first_name"] or row["full_name"]
        topic = _topic(row)
        if row["school_fit"] > 0 and (row["school"] or my_school):
            school = _short_school(row["school"] or my_school)
            tie = f"as a {school} {me} reaching out to a fellow alum, "
        elif row["is_connection"]:
            tie = "since we're connected here, "
        else:
            tie = ""
        line = f"Hi {first}, {tie}I'd value 15 minutes of your perspective on {topic}."
        out.append(line[: MAX_OPENER - 1] + "…" if len(line) > MAX_OPENER else line)
    return pd.Series(out, index=ranked.index, dtype="str")


def _topic(row: pd.Series) -> str:
    title, company = row["title"], _company(row)
    if title and company:
        return f"your path to {title} at {company}"
    if company:
        return f"your work at {company}"
    if title:
        return f"your work as {title}"
    return "your career path"


def _short_school(school: str) -> str:
    words = school.replace("University of ", "").replace(" University", "").strip()
    return words or school


def warmth_words(ranked: pd.DataFrame) -> pd.Series:
    """ "1st-degree connection", "Alum", "Intro possible" or "Cold" per prospect."""
    kind = np.select(
        [ranked["is_connection"], ranked["is_alum"], ranked["intro_via"] != ""],
        ["1st-degree connection", "Alum", "Intro possible"],
        default="Cold",
    )
    return pd.Series(kind, index=ranked.index, dtype="str")
