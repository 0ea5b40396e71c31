"""The reference sheets: All candidates, Matches, Ingest report, Settings, Archived, Added by you.

Each is written with ``sheets.write_grid`` (write-only mode), every value through ``cells``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipeline import schema
from pipeline.export.carryover import Carried
from pipeline.export.cells import safe_link
from pipeline.export.sheets import DATE_FORMAT, Col, col, write_block, write_grid
from pipeline.workbook_contract import (
    ADDED_HEADERS,
    ARCHIVE_HEADERS,
    ARCHIVED_ON,
    ARCHIVED_WHY,
    FOLLOW_UP,
    ID_HEADER,
    LINK_HEADER,
)

ADDED_NOTE = (
    "People you added by hand. Each run reads them as an input of their own and ranks them; "
    "delete a row here to drop that person."
)


def _label(column: str) -> str:
    return str(column).replace("_", " ").capitalize()


def _filter(ws: Worksheet, n_cols: int, last_row: int) -> None:
    ws.auto_filter.ref = f"A1:{get_column_letter(n_cols)}{max(last_row, 2)}"


def all_candidates_sheet(ws: Worksheet, core: pd.DataFrame) -> None:
    """Everyone ranked: the Shortlist's computed columns, LinkedIn address as text (no links:
    tens of thousands of them make Excel slow to open)."""
    # Rounded values instead of number formats: a styled cell costs a cell object each, and
    # 30,000 rows x 8 numbers of them is a third of the time to write the workbook.
    decimals = {h: 2 for h in core.columns[core.columns.get_loc("Score") :]} | {"Years ahead": 1}
    core = core.round({h: d for h, d in decimals.items() if h in core.columns})
    cols = [col(h, core[h].tolist()) for h in core.columns]
    cols = [Col(c.header, c.values, c.width) for c in cols]
    _filter(ws, len(cols), write_grid(ws, cols, freeze="C2"))


def matches_sheet(ws: Worksheet, matches: pd.DataFrame | None) -> None:
    """Record pairs scored by link, most probable first: who, the probability, each comparison's
    level and weight (the evidence)."""
    if matches is None or matches.empty:
        frame = pd.DataFrame({"Matches": ["No two records were similar enough to compare."]})
    else:
        frame = matches.sort_values("probability", ascending=False, kind="stable")
    cols = [
        Col(
            _label(c),
            frame[c].tolist(),
            _match_width(c, frame[c]),
            "0.00" if c == "probability" or c.endswith("weight") else None,
        )
        for c in frame.columns
    ]
    _filter(ws, len(cols), write_grid(ws, cols))


def _match_width(column: str, values: pd.Series) -> float:
    """Names and files 24; a comparison's levels as wide as its longest level (a level such as
    "title a little junior for the years" must not be cut by the next column), at most 36."""
    if column.endswith(("name", "file")) or column == "Matches":
        return 24
    if values.dtype == object or values.dtype == "str":
        longest = int(values.astype("str").str.len().max()) if len(values) else 0
        return float(min(max(longest + 1, 11), 36))
    return 11


def ingest_sheet(ws: Worksheet, counts: pd.DataFrame | None, ledger: pd.DataFrame | None) -> None:
    """Counts per file, then every row set aside (or kept with a caveat) with its reason."""
    widths = (34, 12, 12, 10, 10, 70)
    blocks = []
    if counts is not None:
        blocks.append(counts)
    if ledger is not None:
        schema.check(ledger, schema.LEDGER, "Ledger")
        blocks.append(ledger)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    last = 0
    for n, frame in enumerate(blocks):
        if n:
            ws.append([])
            last += 1
        cols = [Col(_label(c), frame[c].tolist(), wrap=c == "how it was read")
                for c in frame.columns]  # fmt: skip
        last = write_block(ws, cols, last, top=True, heights=True)


def settings_sheet(
    ws: Worksheet,
    settings_rows: Sequence[tuple[str, str]],
    inputs: Sequence[tuple[str, str]],
    version: str,
    today: date,
) -> None:
    """The settings used, each input file with its SHA-256, the version and the date."""
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 72
    ws.freeze_panes = "A2"
    last = write_block(
        ws,
        [Col("Key", [k for k, _ in settings_rows]), Col("Value", [v for _, v in settings_rows])],
        0,
    )
    ws.append([])
    last = write_block(
        ws,
        [Col("Input file", [k for k, _ in inputs]), Col("SHA-256", [v for _, v in inputs])],
        last + 1,
    )
    ws.append([])
    write_block(
        ws,
        [
            Col("Run", ["Version", "Written on"]),
            Col("", [version, today], number_format=DATE_FORMAT),
        ],
        last + 1,
    )


def archived_sheet(ws: Worksheet, carried: Carried) -> None:
    """People with edits who are no longer shown, with the user's columns, when and why."""
    archived = carried.archived
    headers = [*ARCHIVE_HEADERS, *carried.columns, ARCHIVED_ON, ARCHIVED_WHY, ID_HEADER]
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
    _filter(ws, len(cols), write_grid(ws, cols, freeze="B2", top=True))


def added_sheet(ws: Worksheet, added: pd.DataFrame) -> None:
    """The people the user added by hand, as typed (a rerun reads them as an input)."""
    headers = list(added.columns) if len(added.columns) else list(ADDED_HEADERS)
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
    _filter(ws, len(cols), write_grid(ws, cols, top=True))
