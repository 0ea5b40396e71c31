"""The reference sheets: All candidates, Matches, Ingest report, Settings, Archived, Added by you.

Each is written with ``sheets.write_grid`` (streamed row by row), every value through ``cells``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from pipeline import schema
from pipeline import workbook_contract as contract
from pipeline.export.carryover import Carried
from pipeline.export.cells import safe_link, write_cell
from pipeline.export.sheets import (
    DATE_FORMAT,
    Book,
    Col,
    col,
    put_comments,
    set_columns,
    write_grid,
)
from pipeline.ingest.ledger import EXCEL_ROWS, fit_ledger
from pipeline.text.arrow_text import STR
from pipeline.workbook_contract import ARCHIVED_ON, ARCHIVED_WHY, FOLLOW_UP, ID_HEADER, LINK_HEADER

ADDED_NOTE = (
    "People you added by hand. Each run reads them as an input of their own and ranks them; "
    "delete a row here to drop that person."
)


#: Headers in plain words for the link stage's technical column names.
PLAIN_LABELS = {
    "prior weight": "Evidence before comparing",
}


def _label(column: str) -> str:
    return PLAIN_LABELS.get(str(column), str(column).replace("_", " ").capitalize())


def all_candidates_sheet(
    book: Book, core: pd.DataFrame, *, total: int | None = None, csv_name: Path | None = None
) -> None:
    """Everyone ranked (or, when ``csv_name`` is given, the rows chosen of ``total``, the rest
    being in that CSV): the Shortlist's computed columns, LinkedIn address as text (no links:
    tens of thousands of them make Excel slow to open)."""
    ws = book.sheet(contract.ALL_SHEET)
    # Series, not lists: safe_column makes their cells column-wise.
    cols = [col(h, core[h].reset_index(drop=True)) for h in core.columns]
    cols = [Col(c.header, c.values, c.width, c.number_format) for c in cols]
    end = write_grid(book, ws, cols, freeze=(1, 2))
    if csv_name is not None:
        write_cell(
            ws,
            end + 1,
            0,
            f"This sheet shows {len(core):,} of {total or len(core):,} people (the best per "
            f"employer); everyone is in {csv_name.name} beside this workbook.",
        )


def matches_sheet(
    book: Book,
    matches: pd.DataFrame | None,
    *,
    total: int | None = None,
    csv_name: Path | None = None,
) -> None:
    """Record pairs scored by link, most probable first: who, the probability, each comparison's
    level and weight (the evidence). When ``csv_name`` is given, ``matches`` are the least
    certain of ``total`` pairs, every one of which is in that CSV: a line under them says so."""
    if matches is None or matches.empty:
        frame = pd.DataFrame({"Matches": ["No two records were similar enough to compare."]})
    else:
        frame = matches.sort_values("probability", ascending=False, kind="stable")
    cols = [
        Col(
            _label(c),
            frame[c].reset_index(drop=True),  # a Series: safe_column works on the column
            _match_width(c, frame[c]),
            "0.00" if c == "probability" or c.endswith("weight") else None,
        )
        for c in frame.columns
    ]
    ws = book.sheet("Matches")
    end = write_grid(book, ws, cols)
    if csv_name is not None:
        write_cell(
            ws,
            end + 1,
            0,
            f"This sheet shows the {len(frame):,} least certain of {total or len(frame):,} "
            f"pairs; every pair is in {csv_name.name} beside this workbook.",
        )


def _match_width(column: str, values: pd.Series) -> float:
    """Names and files 24; a comparison's levels as wide as its longest level (a level such as
    "title a little junior for the years" must not be cut by the next column), at most 36."""
    if column.endswith(("name", "file")) or column == "Matches":
        return 24
    if values.dtype == object or values.dtype == "str":
        longest = int(values.astype(STR).str.len().max()) if len(values) else 0
        return float(min(max(longest + 1, 11), 36))
    return 11


def ingest_sheet(book: Book, counts: pd.DataFrame | None, ledger: pd.DataFrame | None) -> None:
    """Counts per file, then every row set aside (or kept with a caveat) with its reason."""
    ws = book.sheet("Ingest report")
    widths = (34, 12, 12, 10, 10, 70)
    blocks = []
    if counts is not None:
        blocks.append(counts)
    if ledger is not None:
        schema.check(ledger, schema.LEDGER, "Ledger")
        # A sheet holds 1,048,576 rows: past that the Ledger is summarised, and says so.
        room = EXCEL_ROWS - (len(counts) + 2 if counts is not None else 0) - 1
        blocks.append(fit_ledger(ledger, room))
    set_columns(book, ws, [Col("", [], w) for w in widths])
    ws.freeze_panes(1, 0)
    row = 0
    for n, frame in enumerate(blocks):
        cols = [Col(_label(c), frame[c].tolist(), wrap=c == "how it was read")
                for c in frame.columns]  # fmt: skip
        row = write_grid(book, ws, cols, first_row=row + bool(n), top=True, heights=True,
                         autofilter=False, widths=False)  # fmt: skip


def settings_sheet(
    book: Book,
    settings_rows: Sequence[tuple[str, str]],
    inputs: Sequence[tuple[str, str]],
    version: str,
    today: date,
) -> None:
    """The settings used, each input file with its SHA-256, the version and the date."""
    ws = book.sheet("Settings")
    set_columns(book, ws, [Col("", [], 34), Col("", [], 72)])
    ws.freeze_panes(1, 0)
    blocks = [
        [Col("Key", [k for k, _ in settings_rows]), Col("Value", [v for _, v in settings_rows])],
        [Col("Input file", [k for k, _ in inputs]), Col("SHA-256", [v for _, v in inputs])],
        [Col("Run", ["Version", "Written on"]),
         Col("", [version, today], number_format=DATE_FORMAT)],
    ]  # fmt: skip
    row = -1
    for cols in blocks:
        row = write_grid(book, ws, cols, first_row=row + 1, autofilter=False, widths=False)


def archived_sheet(book: Book, carried: Carried) -> None:
    """People with edits who are no longer shown, with the user's columns, when and why."""
    archived = carried.archived
    headers = [*contract.ARCHIVE_HEADERS, *carried.columns, ARCHIVED_ON, ARCHIVED_WHY, ID_HEADER]
    frame = archived.reindex(columns=headers)
    links = [safe_link(v) if isinstance(v, str) else None for v in frame[LINK_HEADER]]
    dates = {"Contacted on", FOLLOW_UP, ARCHIVED_ON}
    cols = [
        Col(
            h,
            frame[h].tolist(),
            30 if h in (ARCHIVED_WHY, "Notes", LINK_HEADER) else 16,
            DATE_FORMAT if h in dates else None,
            h in (ARCHIVED_WHY, "Notes", "Name", "Title"),
            links=links if h == LINK_HEADER else None,
            user=h in carried.columns,
        )
        for h in headers
    ]
    ws = book.sheet(contract.ARCHIVED_SHEET, pages_wide=2)
    comments = archived["_comments"] if "_comments" in archived else [None] * len(frame)
    put_comments(ws, 0, cols, list(comments))
    write_grid(book, ws, cols, freeze=(1, 1), top=True, heights=True)


def added_sheet(book: Book, added: pd.DataFrame) -> None:
    """The people the user added by hand, as typed (a rerun reads them as an input)."""
    headers = list(added.columns) if len(added.columns) else list(contract.ADDED_HEADERS)
    frame = added.reindex(columns=headers)
    links = [safe_link(v) if isinstance(v, str) else None for v in frame[LINK_HEADER]]
    cols = [
        Col(
            h,
            frame[h].tolist(),
            {"Name": 24, "Title": 28, "Company": 22, LINK_HEADER: 34, "Year": 8}.get(h, 18),
            DATE_FORMAT if h == "Added on" else None,
            links=links if h == LINK_HEADER else None,
            user=True,
            note=ADDED_NOTE if h == "Name" else None,
        )
        for h in headers
    ]
    write_grid(book, book.sheet(contract.ADDED_SHEET), cols, top=True)
