"""Keep in touch: from the statuses and dates the user typed, run after run, who was contacted
when, whether a reply came, who is due to be contacted again, and which follow-ups are overdue.

The 3B7 follow-up itself stays the workbook's Follow up on formula; ``follow_ups_due`` only counts
the rows that formula turns red today, for the terminal summary.

Plain Python over mark rows (dicts with run_id, run_date and store.MARK_COLUMNS: a few hundred
per run), so `prospects changes` needs no pandas; ``contact_log``, ``due`` and ``follow_ups_due``
are the same over DataFrames.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pipeline.history.changes import missing, records
from pipeline.workbook_contract import STATUS_SETTLED

if TYPE_CHECKING:
    import pandas as pd

#: Statuses that mean the person answered.
REPLIED = ("Replied", "Scheduled", "Done")
NOT_NOW = "Not now"


@dataclass(frozen=True)
class Contact:
    """One person's contact log: the latest Contacted on, whether a reply status was seen in a
    run on or after it, and their status and Interested answer as last written."""

    last_contacted: date | None
    replied: bool
    status: str | None
    interested: str | None


def day(value: object) -> date | None:
    """A date cell (a date, or ISO text such as 2026-05-01 or 2026-05-01T09:00) as a date."""
    if missing(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(str(value).strip()).date()
    except ValueError:
        return None


def contacts(marks: Iterable[Mapping[str, Any]]) -> dict[str, Contact]:
    """Per prospect_id (in sorted order) the Contact read from every run's marks."""
    rows = sorted(marks, key=lambda m: m["run_id"])  # stable: a run's rows keep their order
    last: dict[str, date | None] = {}
    latest: dict[str, dict[str, Any]] = {}
    for m in rows:
        pid, contacted = m["prospect_id"], day(m["contacted_on"])
        known = last.get(pid)
        last[pid] = contacted if known is None or (contacted and contacted > known) else known
        seen = latest.setdefault(pid, {"status": None, "interested": None})
        for column in seen:  # the last value written, as a blank cell says nothing new
            if not missing(m.get(column)):
                seen[column] = m[column]
    replied = {
        m["prospect_id"]
        for m in rows
        if m["status"] in REPLIED
        and (since := last[m["prospect_id"]]) is not None
        and (ran := day(m["run_date"])) is not None
        and ran >= since
    }
    return {
        pid: Contact(last[pid], pid in replied, latest[pid]["status"], latest[pid]["interested"])
        for pid in sorted(last)
    }


def due_reasons(
    log: Mapping[str, Contact], today: date, *, days: int, interested: Iterable[str] = ("yes",)
) -> dict[str, str]:
    """People due to be contacted again: marked Interested (one of ``interested``, any case),
    last contacted ``days`` or more days ago, and not set to "Not now"; prospect_id -> reason,
    e.g. "Due: last contacted 2026-03-02, 95 days ago (they replied); you re-contact after 90
    days."
    """
    if days <= 0:
        return {}
    wanted = {str(v).strip().lower() for v in interested}
    reasons = {}
    for pid, c in log.items():
        answer = "" if missing(c.interested) else str(c.interested).strip().lower()
        if answer not in wanted or c.last_contacted is None or c.status == NOT_NOW:
            continue
        ago = (today - c.last_contacted).days
        if ago >= days:
            reasons[pid] = (
                f"Due: last contacted {c.last_contacted:%Y-%m-%d}, {ago} days ago "
                f"({'they replied' if c.replied else 'no reply yet'}); "
                f"you re-contact after {days} days."
            )
    return reasons


def workday(start: date, days: int) -> date:
    """Excel's WORKDAY(start, days) without holidays: a weekend start counts from the Friday
    before (numpy's roll="backward").

    >>> workday(date(2026, 9, 2), 3), workday(date(2026, 9, 5), 3)
    (datetime.date(2026, 9, 7), datetime.date(2026, 9, 9))
    """
    while start.weekday() >= 5:
        start -= timedelta(days=1)
    weeks, rest = divmod(days, 5)
    end = start + timedelta(weeks=weeks)
    for _ in range(rest):
        end += timedelta(days=3 if end.weekday() == 4 else 1)
    return end


def follow_ups(marks: Sequence[Mapping[str, Any]], today: date) -> list[str]:
    """prospect_ids whose 3B7 follow-up date (the workbook's formula, or a date the user typed
    over it) is today or past: Contacted on set, status not settled. ``marks``: one run's."""
    due = []
    for m in marks:
        contacted = day(m["contacted_on"])
        if contacted is None or m["status"] in STATUS_SETTLED:
            continue
        w3 = workday(contacted, 3)
        when = day(m["follow_up_on"]) or (w3 if today <= w3 else workday(contacted, 7))
        if when <= today:
            due.append(m["prospect_id"])
    return due


def contact_log(marks: pd.DataFrame) -> pd.DataFrame:
    """``contacts`` as a DataFrame: per prospect_id (index) last_contacted (Timestamp), replied,
    status and interested. ``marks`` needs run_id, run_date and the MARK_COLUMNS of ``store``."""
    import pandas as pd

    log = contacts(records(marks))
    return pd.DataFrame(
        {
            "last_contacted": pd.to_datetime(pd.Series([c.last_contacted for c in log.values()])),
            "replied": [c.replied for c in log.values()],
            "status": [c.status for c in log.values()],
            "interested": [c.interested for c in log.values()],
        }
    ).set_axis(list(log), axis=0)


def due(
    log: pd.DataFrame, today: date, *, days: int, interested: Iterable[str] = ("yes",)
) -> pd.DataFrame:
    """``due_reasons`` over a ``contact_log``: prospect_id (index) and reason."""
    import pandas as pd

    entries = {
        pid: Contact(day(r["last_contacted"]), bool(r["replied"]), r["status"], r["interested"])
        for pid, r in zip(log.index, records(log), strict=True)
    }
    reasons = due_reasons(entries, today, days=days, interested=interested)
    return pd.DataFrame({"reason": pd.Series(reasons, dtype=object)})


def follow_ups_due(marks: pd.DataFrame, today: date) -> pd.Index:
    """``follow_ups`` over one run's marks (a DataFrame with MARK_COLUMNS)."""
    import pandas as pd

    return pd.Index(follow_ups(records(marks), today), dtype=object)
