"""Keep in touch: from the statuses and dates the user typed, run after run, who was contacted
when, whether a reply came, who is due to be contacted again, and which follow-ups are overdue.

The 3B7 follow-up itself stays the workbook's Follow up on formula; ``follow_ups_due`` only counts
the rows that formula turns red today, for the terminal summary.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd

from pipeline.workbook_contract import STATUS_SETTLED

#: Statuses that mean the person answered.
REPLIED = ("Replied", "Scheduled", "Done")
NOT_NOW = "Not now"


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, errors="coerce", format="ISO8601")


def contact_log(marks: pd.DataFrame) -> pd.DataFrame:
    """Per prospect_id (index): last_contacted (Timestamp), replied (a reply status seen in a run
    on or after that date), status and interested (as last read).

    ``marks`` needs run_id, run_date and the MARK_COLUMNS of ``store``, one row per run and person.
    """
    if marks.empty:
        return pd.DataFrame(
            {
                "last_contacted": pd.Series([], dtype="datetime64[ns]"),
                "replied": [],
                "status": [],
                "interested": [],
            }
        )
    marks = marks.sort_values("run_id", kind="stable")
    contacted = _dates(marks["contacted_on"])
    last = contacted.groupby(marks["prospect_id"]).max()
    after = _dates(marks["run_date"]) >= marks["prospect_id"].map(last)
    replied = (marks["status"].isin(REPLIED) & after).groupby(marks["prospect_id"]).any()
    latest = marks.groupby("prospect_id")[["status", "interested"]].last()
    return pd.DataFrame({"last_contacted": last, "replied": replied}).join(latest)


def due(
    log: pd.DataFrame, today: date, *, days: int, interested: Iterable[str] = ("yes",)
) -> pd.DataFrame:
    """People due to be contacted again: marked Interested (one of ``interested``, any case),
    last contacted ``days`` or more days ago, and not set to "Not now". ``log``: ``contact_log``.

    Returns prospect_id (index) and reason, e.g. "Due: last contacted 2026-03-02, 95 days ago
    (they replied); you re-contact after 90 days."
    """
    if days <= 0 or log.empty:
        return pd.DataFrame({"reason": pd.Series([], dtype=object)})
    wanted = {str(v).strip().lower() for v in interested}
    marked = log["interested"].fillna("").astype(str).str.strip().str.lower().isin(wanted)
    ago = (pd.Timestamp(today) - log["last_contacted"]).dt.days
    sel = marked & ago.ge(days) & (log["status"].fillna("") != NOT_NOW)
    rows = log[sel]
    reason = [
        f"Due: last contacted {d:%Y-%m-%d}, {n} days ago "
        f"({'they replied' if r else 'no reply yet'}); you re-contact after {days} days."
        for d, n, r in zip(rows["last_contacted"], ago[sel], rows["replied"], strict=True)
    ]
    return pd.DataFrame({"reason": reason}, index=rows.index)


def follow_ups_due(marks: pd.DataFrame, today: date) -> pd.Index:
    """prospect_ids whose 3B7 follow-up date (the workbook's formula, or a date the user typed
    over it) is today or past: Contacted on set, status not settled. ``marks``: one run's."""
    if marks.empty:
        return pd.Index([], dtype=object)
    contacted = _dates(marks["contacted_on"])
    open_ = contacted.notna() & ~marks["status"].isin(STATUS_SETTLED)
    start = contacted[open_].to_numpy().astype("datetime64[D]")
    # Excel's WORKDAY from a weekend day counts from the Friday before: roll backward.
    w3 = np.busday_offset(start, 3, roll="backward")
    w7 = np.busday_offset(start, 7, roll="backward")
    now = np.datetime64(today, "D")
    formula = np.where(now <= w3, w3, w7)
    typed = _dates(marks.loc[open_, "follow_up_on"]).to_numpy().astype("datetime64[D]")
    when = np.where(np.isnat(typed), formula, typed)
    return pd.Index(marks.loc[open_, "prospect_id"][when <= now].to_numpy())
