"""What the history says about a run: its changes since the run before, who is due to be
contacted again, whose follow-up is overdue; as a terminal summary and as the What changed table.

Plain Python (no pandas), so that `prospects changes` starts and answers in well under 2 s; the
DataFrames a run and the tests use (``changes``, ``due``, ``overdue``) are made on first use.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from pipeline.history import changes as changes_mod
from pipeline.history import rhythm
from pipeline.settings import History

if TYPE_CHECKING:
    import pandas as pd

Row = Mapping[str, Any]
#: The What changed table's columns (export.whatchanged.CHANGE_HEADERS lays them out).
TABLE_COLUMNS = ("Change", "Name", "Before", "Now", "Rank", "Rank before", "ID (keep)")


@dataclass
class Report:
    """The changes since the run of ``since`` (None: the first run) and who is due."""

    since: str | None
    found: list[dict[str, Any]]  # changes.diff's rows (changes.CHANGE_COLUMNS)
    reasons: dict[str, str]  # prospect_id -> the Due reason (rhythm.due_reasons)
    overdue_ids: list[str]  # prospect_ids whose 3B7 follow-up is due
    people: dict[str, Row]  # prospect_id -> PROSPECT_COLUMNS row, at least everyone due

    def summary(self) -> str:
        """One line for the terminal (counts only, no names)."""
        return summary_line(self.since, self.found, len(self.overdue_ids), len(self.reasons))

    def table(self) -> list[tuple[Any, ...]]:
        """The What changed table (TABLE_COLUMNS): the changes, then who is due."""
        rows = [
            (
                changes_mod.KINDS[c["kind"]][0],
                c["name"],
                c["before"],
                c["after"],
                c["rank"],
                c["rank_before"],
                c["prospect_id"],
            )
            for c in self.found
        ]
        due = [("Due to re-contact", pid, why) for pid, why in self.reasons.items()]
        due += [("Follow-up due (3B7)", pid, "") for pid in self.overdue_ids]
        for label, pid, why in due:
            known = self.people.get(pid, {})
            title, company = (changes_mod.text(known.get(c)) for c in ("title", "company"))
            now = " at ".join(t for t in (title, company) if t)
            rank = changes_mod.number(known.get("rank"))
            rows.append((label, known.get("name"), why, now, rank, None, pid))
        return rows

    def text(self) -> str:
        """`prospects changes`: the summary line, then one line per change and per person due."""
        lines = [self.summary()]
        for r in self.table():
            before, now = (v if isinstance(v, str) else "" for v in (r[2], r[3]))
            arrow = f"{before} -> {now}" if before and now else before or now
            name = r[1] if isinstance(r[1], str) and r[1] else f"ID {r[6]}"  # left your files
            lines.append(f"  {r[0]}: {name}" + (f" ({arrow})" if arrow else ""))
        return "\n".join(lines)

    @property
    def changes(self) -> pd.DataFrame:
        """The changes as a DataFrame (changes.CHANGE_COLUMNS)."""
        return changes_mod.frame(self.found)

    @property
    def due(self) -> pd.DataFrame:
        """Who is due: prospect_id (index) and reason."""
        return due_frame(self.reasons)

    @property
    def overdue(self) -> pd.Index:
        import pandas as pd

        return pd.Index(self.overdue_ids, dtype=object)

    def frame(self) -> pd.DataFrame:
        """``table`` as a DataFrame with TABLE_COLUMNS."""
        import pandas as pd

        return pd.DataFrame.from_records(self.table(), columns=list(TABLE_COLUMNS))


def assess(
    since: str | None,
    old: Sequence[Row] | None,
    new: Sequence[Row],
    targets: Sequence[str],
    marks: Sequence[Row],
    settings: History,
    today: date,
) -> Report:
    """A Report on snapshot ``new`` compared with ``old`` (the run of ``since``; None for none),
    with who is due from ``marks`` (every run's, this one's last; run_id, run_date and
    MARK_COLUMNS). ``people`` holds the rows of ``new`` for those due."""
    found = []
    if old is not None:
        rank_move, within = settings.rank_move, settings.rank_move_within
        found = changes_mod.diff(old, new, targets, rank_move=rank_move, within=within)
    reasons, overdue = who_is_due(marks, settings, today)
    wanted = {*reasons, *overdue}
    people = {r["prospect_id"]: r for r in new if r["prospect_id"] in wanted}
    return Report(since, found, reasons, overdue, people)


def who_is_due(
    marks: Sequence[Row], settings: History, today: date
) -> tuple[dict[str, str], list[str]]:
    """Who is due to be contacted again (prospect_id -> reason) and whose follow-up is overdue,
    from ``marks`` alone (``assess``'s; no snapshot needed)."""
    latest = max((m["run_id"] for m in marks), default=None)
    reasons = rhythm.due_reasons(
        rhythm.contacts(marks),
        today,
        days=settings.recontact_days,
        interested=settings.recontact_interested,
    )
    return reasons, rhythm.follow_ups([m for m in marks if m["run_id"] == latest], today)


def due_frame(reasons: Mapping[str, str]) -> pd.DataFrame:
    """``reasons`` as ``Report.due``: prospect_id (index) and reason."""
    import pandas as pd

    return pd.DataFrame({"reason": pd.Series(reasons, dtype=object)})


#: The run_id given to a run's own marks before the run has one (they sort after every run's).
UNSAVED = sys.maxsize


def summary_items(found: Sequence[Row], overdue: int, due: int) -> list[str]:
    """ "3 people changed jobs", "12 new connections", "2 follow-ups overdue" … (counts only)."""
    parts = [
        f"{n:,} {one if n == 1 else many}"
        for kind, n in changes_mod.counts(found).items()
        for _label, one, many in [changes_mod.KINDS[kind]]
    ]
    if overdue:
        parts.append(f"{overdue:,} follow-up{'s' if overdue != 1 else ''} overdue")
    if due:
        parts.append(f"{due:,} due to be contacted again")
    return parts


def summary_line(since: str | None, found: Sequence[Row], overdue: int, due: int) -> str:
    """ "Since your run of 2026-09-01: 3 people changed jobs; 12 new connections; 2 follow-ups
    overdue." (or that nothing changed)."""
    parts = summary_items(found, overdue, due)
    head = f"Since your run of {since}" if since else "First run in the history"
    return f"{head}: {'; '.join(parts) if parts else 'nothing changed'}."
