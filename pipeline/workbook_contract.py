"""The workbook's contract: sheet names and column headers, written by ``pipeline.export`` and read
back by ``pipeline.ingest.previous`` (carry-over) and ``pipeline.ingest.reviewed`` (learning).

It sits below every stage (it imports only ``pipeline.schema``), so ingest never imports export.
Only constants live here, no openpyxl. See docs/architecture.md (the workbook contract).
"""

from __future__ import annotations

from pipeline import schema

SHORTLIST_SHEET = "Shortlist"
SHORTLIST_TABLE = "ShortlistTable"
ALL_SHEET = "All candidates"
ARCHIVED_SHEET = "Archived"
ADDED_SHEET = "Added by you"

ID_HEADER = "ID (keep)"
LINK_HEADER = "LinkedIn"
STATUS_CHOICES = ("To contact", "Contacted", "Replied", "Scheduled", "Done", "Not now")
#: Statuses after which no follow-up is due.
STATUS_SETTLED = ("Replied", "Scheduled", "Done", "Not now")
INTEREST_CHOICES = ("yes", "no", "maybe")
#: The columns the user fills in; a rerun carries them over to the same person.
USER_COLUMNS = ("Status", "Contacted on", "Follow up on", "Interested", "Referred by", "Notes")
FOLLOW_UP = "Follow up on"
#: Display label of each feature; "warmth" gets "score" so it does not clash with Warmth (words).
FEATURE_HEADERS = {
    f: f.replace("_", " ").capitalize() + (" score" if f == "warmth" else "")
    for f in schema.FEATURES
}
#: Headers of the columns we compute (everything the user did not add), in Shortlist order.
CORE_HEADERS = (
    *("Rank", "Name", "Title", "Company", "Seniority", "Years ahead", "School", "Warmth"),
    *("Intro via", "Score", *FEATURE_HEADERS.values(), "Why", "Opener"),
)
#: Archived rows: who they were, the user's columns, then when and why they were archived.
ARCHIVE_HEADERS = ("Name", "Title", "Company", "School", LINK_HEADER)
ARCHIVED_ON = "Archived on"
ARCHIVED_WHY = "Why archived"
#: People the user added by hand (a referral): read as an input of their own on every run.
ADDED_HEADERS = (
    "Name",
    "Title",
    "Company",
    LINK_HEADER,
    "School",
    "Year",
    "Referred by",
    "Added on",
)

#: Every header we write; any other header in Shortlist or Archived is a column the user added.
KNOWN_HEADERS = frozenset(
    (*CORE_HEADERS, *USER_COLUMNS, *ARCHIVE_HEADERS, ARCHIVED_ON, ARCHIVED_WHY, ID_HEADER)
)

#: The sheets the tool writes; any other sheet in the workbook is the user's and is kept.
TOOL_SHEETS = frozenset(
    (
        SHORTLIST_SHEET,
        "Intro paths",
        "Employers",
        ALL_SHEET,
        "Matches",
        "Ingest report",
        "Settings",
        ARCHIVED_SHEET,
        ADDED_SHEET,
        "What changed",
    )
)
