"""The Shortlist sheet: an Excel table laid out for the decision.

Left to right: who and why, how to reach them, the user's status and follow-up, then their notes
and the columns they added; the opener; the signals behind the score in a collapsed column group;
"ID (keep)" hidden. Status and Interested offer their choices; Follow up on is our own formula
(the 3B7 routine), built only from column letters and the row number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
from xlsxwriter.utility import xl_col_to_name

from pipeline.export import sheets
from pipeline.export.carryover import Carried
from pipeline.export.cells import safe_text
from pipeline.export.sheets import FEATURE_HEADERS, Book, Col, col
from pipeline.workbook_contract import (
    FOLLOW_UP,
    ID_HEADER,
    INTEREST_CHOICES,
    LINK_HEADER,
    SHORTLIST_SHEET,
    SHORTLIST_TABLE,
    STATUS_CHOICES,
    STATUS_SETTLED,
    USER_COLUMNS,
)

FOLLOW_UP_NOTE = (
    "The 3B7 routine: 3 business days after Contacted on with no reply, write to a second "
    "person at that employer; after 7, one follow-up to this person. Computed from Contacted on; "
    "type your own date over it if you like."
)
NAME_NOTE = (
    "Add someone by hand (a referral): type their name, and if you can their title, company, "
    "LinkedIn address and who referred you, in an empty row at the bottom. The next run ranks "
    "them and lists them under Added by you."
)
ID_NOTE = "Keep this column: it carries your notes over to the same person on the next run."
SIGNALS_NOTE = "The signals behind the score: click [+] above the columns to show them."
#: The Shortlist, left to right: who and why, how to reach them, the user's columns (Status and
#: Follow up on first), the opener; then the signals (a collapsed group); the hidden key last.
DECISION_HEADERS = ("Rank", "Name", "Title", "Company", "Why", "Warmth", "Intro via")
SHORTLIST_USER_ORDER = ("Status", FOLLOW_UP, "Contacted on", "Notes", "Interested", "Referred by")
SIGNAL_HEADERS = (
    *("Seniority", "Years ahead", "School", "Score", *FEATURE_HEADERS.values()),
    LINK_HEADER,
)
_DUE_LOOK = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}


def follow_up_formula(status: str, contacted: str) -> Callable[[int], str]:
    """Row -> the 3B7 date: 3 business days after Contacted on while that is today or later,
    then 7; empty once the Status is settled or when Contacted on is empty or not a date.

    Built only from the two column letters and the row number: never from any cell's text.
    """
    settled = ",".join(f'{status}{{r}}="{s}"' for s in STATUS_SETTLED)
    c = f"{contacted}{{r}}"
    template = (
        f'=IFERROR(IF(OR({c}="",{settled}),"",'
        f'IF(TODAY()<=WORKDAY({c},3),WORKDAY({c},3),WORKDAY({c},7))),"")'
    )
    return lambda r: template.replace("{r}", str(int(r)))


def _table_headers(headers: Sequence[str]) -> list[str]:
    """Table column names: one line, unique ignoring case (Excel repairs the file otherwise)."""
    seen: set[str] = set()
    out = []
    for header in headers:
        name = " ".join((safe_text(header) or "Column").split())[:255]
        base, n = name, 2
        while name.lower() in seen:
            name, n = f"{base} ({n})", n + 1
        seen.add(name.lower())
        out.append(name)
    return out


def shortlist_headers(extras: Sequence[str], features: Sequence[str]) -> list[str]:
    """The Shortlist's headers in order (before de-duplication for the table): decision columns,
    the user's columns and ``extras`` (columns the user added), Opener, the signals for
    ``features``, ID (keep)."""
    signals = [
        h
        for h in SIGNAL_HEADERS
        if h not in FEATURE_HEADERS.values() or h in (FEATURE_HEADERS[f] for f in features)
    ]
    return [*DECISION_HEADERS, *SHORTLIST_USER_ORDER, *extras, "Opener", *signals, ID_HEADER]


def shortlist_sheet(
    book: Book, core: pd.DataFrame, carried: Carried, features: Sequence[str]
) -> None:
    """Write the Shortlist sheet: ``core`` (``workbook.core_frame``'s columns, the people on the
    list) with the user's columns ``carried`` over and the signal columns of ``features``."""
    ids = core[ID_HEADER].astype(str)
    user = carried.values.reindex(ids).reset_index(drop=True)
    user["Status"] = user["Status"].where(user["Status"].notna(), STATUS_CHOICES[0])
    extras = [c for c in carried.columns if c not in USER_COLUMNS]
    sources = shortlist_headers(extras, features)
    headers = _table_headers(sources)
    letter = {s: xl_col_to_name(i) for i, s in enumerate(sources)}
    notes = {FOLLOW_UP: FOLLOW_UP_NOTE, "Name": NAME_NOTE, ID_HEADER: ID_NOTE}
    formula = follow_up_formula(letter["Status"], letter["Contacted on"])
    signals = set(SIGNAL_HEADERS)
    cols: list[Col] = []
    for header, source in zip(headers, sources, strict=True):
        if source in carried.columns:
            extra = {"formula": formula} if source == FOLLOW_UP else {}
            values = user[source].tolist()
            cols.append(col(header, values, user=True, note=notes.get(source), **extra))
        elif source == "Name":
            cols.append(col(header, core["Name"].tolist(), links=core[LINK_HEADER].tolist(),
                            note=NAME_NOTE))  # fmt: skip
        elif source == LINK_HEADER:
            links = core[LINK_HEADER].tolist()
            cols.append(col(header, links, links=links, level=1))
        elif source == ID_HEADER:
            cols.append(col(header, ids.tolist(), note=ID_NOTE, hidden=True))
        else:
            cols.append(col(header, core[source].tolist(), level=int(source in signals)))
    ws = book.sheet(SHORTLIST_SHEET, table=True)
    n = len(core)
    last_row = max(n, 1)  # a table needs one body row, even an empty one
    sheets.set_columns(book, ws, cols)
    ws.add_table(
        0,
        0,
        last_row,
        len(cols) - 1,
        {
            "name": SHORTLIST_TABLE,
            "style": "Table Style Medium 2",
            "columns": [{"header": h, "header_format": book.fmt(**_HEADER)} for h in headers],
        },
    )
    sheets.put_comments(ws, 0, cols, carried.comments.reindex(ids).tolist())
    sheets.write_grid(book, ws, cols, freeze=(1, 2), top=True, heights=True, autofilter=False,
               widths=False)  # fmt: skip
    # The first screen and the first printed page: who, why, how to reach, status, notes.
    first_page = max(i for i, s in enumerate(sources) if s == "Notes")
    ws.print_area(0, 0, last_row, first_page)
    ws.fit_to_pages(1, 0)
    ws.write_comment(0, len(DECISION_HEADERS) + len(SHORTLIST_USER_ORDER) + len(extras) + 1,
                     SIGNALS_NOTE, {"author": "prospects"})  # fmt: skip
    for header, choices in (("Status", STATUS_CHOICES), ("Interested", INTEREST_CHOICES)):
        c = sources.index(header)
        ws.data_validation(
            1,
            c,
            last_row + 100,  # room for the people the user types in at the bottom
            c,
            {
                "validate": "list",
                "source": list(choices),
                "ignore_blank": True,
                "error_type": "warning",
                "error_message": "Choose from the list, or keep your own word.",
            },
        )
    score = sources.index("Score")
    ws.conditional_format(
        1, score, last_row, score,
        {"type": "data_bar", "min_type": "num", "min_value": 0, "max_type": "num",
         "max_value": 1, "bar_color": "#5B9BD5", "data_bar_2010": False},
    )  # fmt: skip
    f = letter[FOLLOW_UP]
    ws.conditional_format(
        1, sources.index(FOLLOW_UP), last_row, sources.index(FOLLOW_UP),
        {"type": "formula", "criteria": f"=AND(ISNUMBER({f}2),{f}2<=TODAY())",
         "format": book.fmt(**_DUE_LOOK)},
    )  # fmt: skip


_HEADER = {
    "bold": True,
    "font_color": "#FFFFFF",
    "bg_color": "#1F4E78",
    "text_wrap": True,
    "valign": "vcenter",
}
