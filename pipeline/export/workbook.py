"""Write the shortlist workbook (and a CSV of the shortlist), atomically, keeping a backup.

Sheets: Shortlist (an Excel table with the user's own columns and "ID (keep)" at the far right, so a
rerun can carry the user's edits over by prospect_id), All candidates, Matches, Ingest report,
Settings. Every value goes through ``pipeline.export.cells``, which keeps hostile text inert.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from copy import copy
from datetime import date
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import DataBarRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from pipeline import schema
from pipeline.export.cells import (
    append_rows,
    next_row,
    safe_column,
    safe_csv_text,
    safe_link,
    write_cell,
)
from pipeline.export.files import replace_atomically

SHORTLIST_SHEET = "Shortlist"
SHORTLIST_TABLE = "ShortlistTable"
ID_HEADER = "ID (keep)"
STATUS_CHOICES = ("To contact", "Contacted", "Replied", "Scheduled", "Done", "Not now")
INTEREST_CHOICES = ("yes", "no", "maybe")
#: The columns the user fills in; a rerun carries them over by ID_HEADER.
USER_COLUMNS = ("Status", "Contacted on", "Follow up on", "Interested", "Referred by", "Notes")
DATE_FORMAT = "yyyy-mm-dd"
FOLLOW_UP_NOTE = "Fill in by hand: 3 and 7 business days after Contacted on."

#: Display label of each feature; "warmth" gets "score" so it does not clash with Warmth (words).
FEATURE_HEADERS = {
    f: f.replace("_", " ").capitalize() + (" score" if f == "warmth" else "")
    for f in schema.FEATURES
}
#: header -> (width, number format, wrap). Headers not listed get width 12 and no format.
_LOOK: dict[str, tuple[float, str | None, bool]] = {
    "Rank": (6, "0", False),
    "Name": (24, None, False),
    "Title": (32, None, False),
    "Company": (24, None, False),
    "Seniority": (11, None, False),
    "Years ahead": (12, "0.0", False),
    "School": (24, None, False),
    "Warmth": (19, None, False),
    "Intro via": (28, None, False),
    "Score": (9, "0.00", False),
    **{h: (9, "0.00", False) for h in FEATURE_HEADERS.values()},
    "Why": (60, None, True),
    "Opener": (60, None, True),
    "Status": (13, None, False),
    "Contacted on": (13, DATE_FORMAT, False),
    "Follow up on": (13, DATE_FORMAT, False),
    "Interested": (11, None, False),
    "Referred by": (18, None, False),
    "Notes": (40, None, True),
    ID_HEADER: (6, None, False),
}
_BOLD = Font(bold=True, color="FFFFFF")
# Explicit header colours: LibreOffice and printouts ignore Excel's table styles.
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_LINK = Font(color="0563C1", underline="single")  # openpyxl's built-in "Hyperlink" has no underline
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")


def _text(series: pd.Series) -> pd.Series:
    return series.astype("object").where(series.notna(), "").astype(str).str.strip()


def _flag(series: pd.Series) -> pd.Series:
    return series.eq(True).fillna(False).astype(bool)


def _label(column: str) -> str:
    return str(column).replace("_", " ").capitalize()


def core_frame(ranked: pd.DataFrame) -> pd.DataFrame:
    """The columns shown for each candidate, labelled for people, best rank first.

    ``ranked`` must have the columns of ``schema.RANKED``. The result has Rank, Name, Title …
    Opener, then ID_HEADER, plus "_link" (the safe profile address or None) for the writers.

    >>> row = {c: None for c in schema.RANKED} | {"rank": 1, "full_name": "Ada Park",
    ...        "is_connection": True, "school": "UBC", "grad_year": 2019}
    >>> core_frame(pd.DataFrame([row]))[["Name", "School", "Warmth"]].iloc[0].tolist()
    ['Ada Park', 'UBC 2019', '1st-degree connection']
    """
    schema.check(ranked, schema.RANKED, "Ranked")
    df = ranked.sort_values("rank", kind="stable", na_position="last")
    name = _text(df["full_name"])
    name = name.where(
        name != "", (_text(df["first_name"]) + " " + _text(df["last_name"])).str.strip()
    )
    year = pd.to_numeric(df["grad_year"], errors="coerce").astype("Int64").astype("string")
    school = (_text(df["school"]) + " " + year.fillna("")).str.strip()
    warmth = np.select(
        [_flag(df["is_connection"]), _flag(df["is_alum"]), _text(df["intro_via"]) != ""],
        ["1st-degree connection", "Alum", "Intro possible"],
        "Cold",
    )
    slugs = _text(df["linkedin_slug"])
    links = {s: safe_link("https://www.linkedin.com/in/" + quote(s, safe="")) for s in set(slugs)}
    out = pd.DataFrame(
        {
            "Rank": pd.to_numeric(df["rank"], errors="coerce").round().astype("Int64"),
            "Name": name,
            "Title": df["title"],
            "Company": df["company"],
            "Seniority": df["seniority"],
            "Years ahead": pd.to_numeric(df["years_ahead"], errors="coerce"),
            "School": school,
            "Warmth": warmth,
            "Intro via": df["intro_via"],
            "Score": pd.to_numeric(df["score"], errors="coerce"),
            **{h: pd.to_numeric(df[f], errors="coerce") for f, h in FEATURE_HEADERS.items()},
            "Why": df["why"],
            "Opener": df["opener"],
            ID_HEADER: df["prospect_id"],
            "_link": slugs.map(links),
        }
    )
    return out.reset_index(drop=True)


def _header(ws: Worksheet, headers: Sequence[str], row: int = 1) -> None:
    for col, header in enumerate(headers, start=1):
        cell = write_cell(ws, row, col, header)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL


def _format_columns(
    ws: Worksheet, headers: Sequence[str], first: int, last: int, *, align_top: bool = False
) -> None:
    for col, header in enumerate(headers, start=1):
        width, number_format, wrap = _LOOK.get(header, (12, None, False))
        ws.column_dimensions[get_column_letter(col)].width = width
        if not (number_format or wrap or align_top) or last < first:
            continue
        cells = [c for (c,) in ws.iter_rows(min_row=first, max_row=last, min_col=col, max_col=col)]
        model = cells[0]
        if number_format:
            model.number_format = number_format
        if wrap:
            model.alignment = _WRAP
        elif align_top:
            model.alignment = _TOP
        # Setting a format looks up the workbook's style table per cell, which is most of the
        # time on 30,000 rows; copying the model's style ids gives the same result at once.
        for cell in cells[1:]:
            cell._style = copy(model._style)


def _write_frame(ws: Worksheet, frame: pd.DataFrame) -> None:
    _header(ws, [str(c) for c in frame.columns])
    append_rows(ws, [frame[c] for c in frame.columns])


def _shortlist_sheet(ws: Worksheet, core: pd.DataFrame) -> None:
    shown = core.drop(columns="_link")
    headers = [*shown.columns[:-1], *USER_COLUMNS, ID_HEADER]
    n = len(shown)
    user = {h: [None] * n for h in USER_COLUMNS} | {"Status": [STATUS_CHOICES[0]] * n}
    columns = [*(shown[c] for c in shown.columns[:-1]), *user.values(), shown[ID_HEADER]]
    _header(ws, headers)
    append_rows(ws, columns)
    last_row = max(n, 1) + 1  # a table needs one body row, even an empty one
    _format_columns(ws, headers, 2, last_row, align_top=True)

    name_col = headers.index("Name") + 1
    for row, url in enumerate(core["_link"], start=2):
        if isinstance(url, str):  # safe_link's output, or None/NaN
            cell = ws.cell(row=row, column=name_col)
            if cell.value is None:
                write_cell(ws, row, name_col, "LinkedIn profile")
            cell.hyperlink = url
            cell.font = _LINK

    letter = {h: get_column_letter(i) for i, h in enumerate(headers, start=1)}
    ref = f"A1:{letter[ID_HEADER]}{last_row}"
    table = Table(displayName=SHORTLIST_TABLE, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    table._initialise_columns()  # also adds the autofilter
    for column, header in zip(table.tableColumns, headers, strict=True):
        column.name = header
    ws.add_table(table)

    for header, choices in (("Status", STATUS_CHOICES), ("Interested", INTEREST_CHOICES)):
        rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        rule.add(f"{letter[header]}2:{letter[header]}{last_row}")
        ws.add_data_validation(rule)
    score = f"{letter['Score']}2:{letter['Score']}{last_row}"
    bar = DataBarRule(start_type="num", start_value=0, end_type="num", end_value=1, color="5B9BD5")
    ws.conditional_formatting.add(score, bar)
    ws.cell(row=1, column=headers.index("Follow up on") + 1).comment = Comment(
        FOLLOW_UP_NOTE, "prospects"
    )
    ws.freeze_panes = "C2"
    # Wrapped Why and Opener need room: LibreOffice does not grow rows by itself on opening.
    for row in range(2, last_row + 1):
        ws.row_dimensions[row].height = 45


def _all_candidates_sheet(ws: Worksheet, core: pd.DataFrame) -> None:
    shown = core.drop(columns="_link")
    headers = list(shown.columns)
    _header(ws, headers)
    append_rows(ws, [shown[c] for c in headers])
    _format_columns(ws, headers, 2, len(shown) + 1)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(shown) + 1}"
    ws.freeze_panes = "C2"


def _ingest_sheet(ws: Worksheet, counts: pd.DataFrame | None, ledger: pd.DataFrame | None) -> None:
    if counts is not None:
        _header(ws, [_label(c) for c in counts.columns])
        append_rows(ws, [counts[c] for c in counts.columns])
    if ledger is not None:
        schema.check(ledger, schema.LEDGER, "Ledger")
        blank = 1 if counts is not None else 0
        _header(ws, [_label(c) for c in ledger.columns], next_row(ws) + blank)
        append_rows(ws, [ledger[c] for c in ledger.columns])
    for col, width in zip("ABCDEF", (28, 12, 40, 12, 12, 12), strict=True):
        ws.column_dimensions[col].width = width


def _settings_sheet(
    ws: Worksheet,
    settings_rows: Sequence[tuple[str, str]],
    inputs: Sequence[tuple[str, str]],
    version: str,
    today: date,
) -> None:
    _header(ws, ["Key", "Value"])
    append_rows(ws, [[k for k, _ in settings_rows], [v for _, v in settings_rows]])
    _header(ws, ["Input file", "SHA-256"], next_row(ws) + 1)
    append_rows(ws, [[k for k, _ in inputs], [v for _, v in inputs]])
    row = next_row(ws) + 1
    write_cell(ws, row, 1, "Version")
    write_cell(ws, row, 2, version)
    write_cell(ws, row + 1, 1, "Written on")
    write_cell(ws, row + 1, 2, today, number_format=DATE_FORMAT)
    ws.column_dimensions["A"].width = 32
    ws.column_dimensions["B"].width = 70


def write_workbook(
    path: Path,
    ranked: pd.DataFrame,
    *,
    top_n: int = 50,
    ledger: pd.DataFrame | None = None,
    counts: pd.DataFrame | None = None,
    matches: pd.DataFrame | None = None,
    settings_rows: Sequence[tuple[str, str]] = (),
    inputs: Sequence[tuple[str, str]] = (),
    version: str = "",
    today: date | None = None,
) -> Path:
    """Write the workbook to ``path`` atomically and return ``path``.

    ``ranked`` must have the columns of ``schema.RANKED`` (rank 1 is best); ``ledger`` those of
    ``schema.LEDGER``; ``counts`` is one row per input file (file, read, accepted, rejected …);
    ``matches`` is shown as it is. ``settings_rows`` and ``inputs`` are (key, value) and
    (file name, SHA-256) pairs. Raises OutputError when the file is open in Excel.

    >>> write_workbook(Path("out/shortlist.xlsx"), ranked, top_n=25)  # doctest: +SKIP
    PosixPath('out/shortlist.xlsx')
    """
    core = core_frame(ranked)
    wb = Workbook()
    _shortlist_sheet(wb.active, core.head(top_n))
    wb.active.title = SHORTLIST_SHEET
    _all_candidates_sheet(wb.create_sheet("All candidates"), core)
    if matches is not None and not matches.empty:
        _write_frame(wb.create_sheet("Matches"), matches)
    _ingest_sheet(wb.create_sheet("Ingest report"), counts, ledger)
    _settings_sheet(
        wb.create_sheet("Settings"), settings_rows, inputs, version, today or date.today()
    )
    for ws in wb.worksheets:
        _print_setup(ws)
    return replace_atomically(path, wb.save, backup=True)


def _print_setup(ws: Worksheet) -> None:
    """Landscape, header row repeated, the Shortlist two pages wide and the rest one: a printout
    or PDF a reviewer can read."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 2 if ws.title == SHORTLIST_SHEET else 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"


def write_csv(path: Path, ranked: pd.DataFrame, *, top_n: int = 50) -> Path:
    """Write the top ``top_n`` of ``ranked`` as UTF-8 CSV with a BOM (so Excel reads the accents).

    Same columns as the Shortlist sheet without the user's columns, plus "LinkedIn" (the profile
    address). Formula-like text starts with ``'``. ``ranked`` must have ``schema.RANKED``.
    """
    core = core_frame(ranked).head(top_n)
    core = core.round({"Years ahead": 1, "Score": 2, **{h: 2 for h in FEATURE_HEADERS.values()}})
    core.insert(2, "LinkedIn", core.pop("_link"))

    def write(target: Path) -> None:
        with open(target, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow([safe_csv_text(c) for c in core.columns])
            columns = [[safe_csv_text(v) for v in safe_column(core[c])] for c in core.columns]
            writer.writerows(zip(*columns, strict=True))

    return replace_atomically(path, write, backup=False)
