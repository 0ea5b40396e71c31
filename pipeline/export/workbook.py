"""Write the shortlist workbook (and a CSV of the shortlist), atomically, keeping a backup.

Sheets: Shortlist (an Excel table: ranked, explained, the user's own columns, "ID (keep)" at the
far right), Intro paths, Employers (the LAMP view, with a chart), All candidates, Matches, Ingest
report, Settings, Archived and Added by you. With the previous workbook, the user's columns are
carried over (``pipeline.export.carryover``). Every value goes through ``pipeline.export.cells``,
which keeps hostile text inert; the only formulas are our own Follow up on dates.
"""

from __future__ import annotations

import csv
import warnings
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.formatting.rule import DataBarRule, FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from pipeline import schema
from pipeline.export import audit, overview
from pipeline.export.carryover import Carried, carry_over
from pipeline.export.cells import safe_column, safe_csv_text, safe_link, safe_text
from pipeline.export.columns import (
    ADDED_SHEET,
    ALL_SHEET,
    ARCHIVED_SHEET,
    CORE_HEADERS,
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
from pipeline.export.files import refuse_if_open, replace_atomically
from pipeline.export.sheets import FEATURE_HEADERS, col, print_setup, write_grid
from pipeline.export.whatchanged import CHANGES_SHEET, WhatChanged, what_changed_sheet

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
_DUE_FILL = PatternFill("solid", bgColor="FFC7CE")
_DUE_FONT = Font(color="9C0006")


def _text(series: pd.Series) -> pd.Series:
    return series.astype("object").where(series.notna(), "").astype(str).str.strip()


def _flag(series: pd.Series) -> pd.Series:
    return series.eq(True).fillna(False).astype(bool)


def ordered(ranked: pd.DataFrame) -> pd.DataFrame:
    """``ranked`` best rank first (unranked last), on a fresh 0..n-1 index."""
    schema.check(ranked, schema.RANKED, "Ranked")
    return ranked.sort_values("rank", kind="stable", na_position="last").reset_index(drop=True)


def core_frame(ranked: pd.DataFrame) -> pd.DataFrame:
    """The columns shown for each candidate, labelled for people, best rank first.

    ``ranked`` must have the columns of ``schema.RANKED``. The result has CORE_HEADERS (Rank,
    Name, Title … Opener), LinkedIn (the safe profile address or None) and ID_HEADER.

    >>> row = {c: None for c in schema.RANKED} | {"rank": 1, "full_name": "Ada Park",
    ...        "is_connection": True, "school": "UBC", "grad_year": 2019}
    >>> core_frame(pd.DataFrame([row]))[["Name", "School", "Warmth"]].iloc[0].tolist()
    ['Ada Park', 'UBC 2019', '1st-degree connection']
    """
    df = ordered(ranked)
    name = _text(df["full_name"])
    name = name.where(
        name != "", (_text(df["first_name"]) + " " + _text(df["last_name"])).str.strip()
    )
    year = pd.to_numeric(df["grad_year"], errors="coerce").astype("Int64").astype("string")
    school = (_text(df["school"]) + " " + year.fillna("")).str.strip()
    added = _text(df["record_ids"]).str.contains("manual:", regex=False)
    warmth = np.select(
        [_flag(df["is_connection"]), _flag(df["is_alum"]), added, _text(df["intro_via"]) != ""],
        ["1st-degree connection", "Alum", "Added by you", "Intro possible"],
        "Cold",
    )
    slugs = _text(df["linkedin_slug"])
    links = {s: safe_link("https://www.linkedin.com/in/" + quote(s, safe="")) for s in set(slugs)}
    return pd.DataFrame(
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
            LINK_HEADER: slugs.map(links),
            ID_HEADER: df["prospect_id"],
        }
    )


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


def _shortlist_sheet(ws: Worksheet, core: pd.DataFrame, carried: Carried) -> None:
    ids = core[ID_HEADER].astype(str)
    user = carried.values.reindex(ids).reset_index(drop=True)
    user["Status"] = user["Status"].where(user["Status"].notna(), STATUS_CHOICES[0])
    extras = [c for c in carried.columns if c not in USER_COLUMNS]
    headers = _table_headers([*CORE_HEADERS, *USER_COLUMNS, *extras, LINK_HEADER, ID_HEADER])
    letter = {h: get_column_letter(i) for i, h in enumerate(headers, start=1)}
    notes = {FOLLOW_UP: FOLLOW_UP_NOTE, "Name": NAME_NOTE, ID_HEADER: ID_NOTE}
    cols = [col(h, core[h].tolist(), note=notes.get(h)) for h in CORE_HEADERS]
    cols[1] = col("Name", core["Name"].tolist(), links=core[LINK_HEADER].tolist(), note=NAME_NOTE)
    formula = follow_up_formula(letter["Status"], letter["Contacted on"])
    for header, source in zip(
        headers[len(CORE_HEADERS) : -2], [*USER_COLUMNS, *extras], strict=True
    ):
        extra = {"formula": formula} if source == FOLLOW_UP else {}
        cols.append(col(header, user[source].tolist(), user=True, note=notes.get(source), **extra))
    cols.append(col(LINK_HEADER, core[LINK_HEADER].tolist(), links=core[LINK_HEADER].tolist()))
    cols.append(col(ID_HEADER, ids.tolist(), note=ID_NOTE))
    last_row = write_grid(ws, cols, freeze="C2", top=True, heights=True)
    last_row = max(last_row, 2)  # a table needs one body row, even an empty one

    table = Table(displayName=SHORTLIST_TABLE, ref=f"A1:{letter[headers[-1]]}{last_row}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    table._initialise_columns()  # also adds the autofilter
    for column, header in zip(table.tableColumns, headers, strict=True):
        column.name = header
    with warnings.catch_warnings():  # "add table columns manually": done just above
        warnings.simplefilter("ignore", UserWarning)
        ws.add_table(table)
    for header, choices in (("Status", STATUS_CHOICES), ("Interested", INTEREST_CHOICES)):
        rule = DataValidation(
            type="list",
            formula1='"' + ",".join(choices) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            error="Choose from the list, or keep your own word.",
        )
        rule.add(f"{letter[header]}2:{letter[header]}{last_row + 100}")  # room to type more
        ws.data_validations.append(rule)  # write-only sheets lack add_data_validation
    score = f"{letter['Score']}2:{letter['Score']}{last_row}"
    bar = DataBarRule(start_type="num", start_value=0, end_type="num", end_value=1, color="5B9BD5")
    ws.conditional_formatting.add(score, bar)
    f = letter[FOLLOW_UP]
    due = FormulaRule(
        formula=[f"AND(ISNUMBER({f}2),{f}2<=TODAY())"], fill=_DUE_FILL, font=_DUE_FONT
    )
    ws.conditional_formatting.add(f"{f}2:{f}{last_row}", due)


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
    previous: object | None = None,
    filtered: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    what_changed: WhatChanged | None = None,
) -> Path:
    """Write the workbook to ``path`` atomically and return ``path``.

    ``ranked`` must have the columns of ``schema.RANKED`` (rank 1 is best); ``ledger`` those of
    ``schema.LEDGER``; ``counts`` is one row per input file (file, read, accepted, rejected …);
    ``matches`` is linked record pairs (``Linked.matches``). ``settings_rows`` and ``inputs``
    are (key, value) and (file name, SHA-256) pairs. ``previous`` (``ingest.previous.Previous``)
    carries the user's columns over; ``filtered`` (prospects the settings left out, with
    ``filtered_because``) lets hand-added people stay shown and archived rows say why;
    ``targets`` (employer, key, motivation, posting) fills the Employers sheet's LAMP scores.
    ``what_changed`` (from ``pipeline.history``), when it has rows, comes first as What changed.
    Raises OutputError when the file is open in Excel or LibreOffice.

    >>> write_workbook(Path("out/shortlist.xlsx"), ranked, top_n=25)  # doctest: +SKIP
    PosixPath('out/shortlist.xlsx')
    """
    path = Path(path)
    refuse_if_open(path)
    today = today or date.today()
    ranked = _with_left_out(ordered(ranked), filtered)
    core = core_frame(ranked)
    manual = _text(ranked["record_ids"]).str.contains("manual:", regex=False)
    shown_all = ranked["_left_out"] == ""
    candidates = pd.concat(
        [core[["Name", "Company", "School"]], ranked[["prospect_id", "linkedin_slug"]]], axis=1
    ).assign(record_ids=ranked["record_ids"], left_out=ranked["_left_out"].where(~manual, ""))
    rows = getattr(previous, "rows", pd.DataFrame())
    carried = carry_over(candidates, rows, getattr(previous, "headers", {}), today)
    on_list = (
        (pd.Series(np.arange(len(ranked))) < top_n) & shown_all
        | core[ID_HEADER].astype(str).isin(carried.values.index) & shown_all
        | manual
    )
    wb = Workbook(write_only=True)

    def sheet(title: str, pages_wide: int = 1) -> Worksheet:
        ws = wb.create_sheet(title)
        print_setup(ws, pages_wide=pages_wide)  # before any row: streaming writes it first
        return ws

    if what_changed:
        what_changed_sheet(sheet(CHANGES_SHEET, 1), what_changed)
    _shortlist_sheet(sheet(SHORTLIST_SHEET, 2), core[on_list], carried)
    overview.intro_paths_sheet(sheet("Intro paths"), ranked[on_list], ranked[shown_all])
    overview.employers_sheet(sheet("Employers"), ranked[shown_all], targets)
    audit.all_candidates_sheet(sheet(ALL_SHEET), core[shown_all])
    audit.matches_sheet(sheet("Matches"), matches)
    audit.ingest_sheet(sheet("Ingest report"), counts, ledger)
    audit.settings_sheet(sheet("Settings"), settings_rows, inputs, version, today)
    audit.archived_sheet(sheet(ARCHIVED_SHEET, 2), carried)
    audit.added_sheet(sheet(ADDED_SHEET), carried.added)
    return replace_atomically(path, wb.save, backup=True)


def _with_left_out(ranked: pd.DataFrame, filtered: pd.DataFrame | None) -> pd.DataFrame:
    """Ranked, plus the prospects the settings left out (unranked, at the end), with
    ``_left_out`` saying why ("" for the ranked)."""
    ranked = ranked.assign(_left_out="")
    if filtered is None or filtered.empty:
        return ranked
    out = filtered.reindex(columns=ranked.columns).assign(
        _left_out=filtered.get("filtered_because", pd.Series("left out", index=filtered.index)),
        rank=pd.NA,
        opener="",
    )
    out["why"] = "Left out by your settings (" + out["_left_out"].astype(str) + ")."
    return pd.concat([ranked, out], ignore_index=True)


def write_csv(path: Path, ranked: pd.DataFrame, *, top_n: int = 50) -> Path:
    """Write the top ``top_n`` of ``ranked`` as UTF-8 CSV with a BOM (so Excel reads the accents).

    Same columns as the Shortlist sheet without the user's columns, LinkedIn (the profile
    address) third. Formula-like text starts with ``'``. ``ranked`` must have ``schema.RANKED``.
    """
    core = core_frame(ranked).head(top_n)
    core = core.round({"Years ahead": 1, "Score": 2, **{h: 2 for h in FEATURE_HEADERS.values()}})
    core.insert(2, LINK_HEADER, core.pop(LINK_HEADER))

    def write(target: Path) -> None:
        with open(target, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow([safe_csv_text(c) for c in core.columns])
            columns = [[safe_csv_text(v) for v in safe_column(core[c])] for c in core.columns]
            writer.writerows(zip(*columns, strict=True))

    return replace_atomically(path, write, backup=False)
