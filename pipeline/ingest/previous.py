"""The previous shortlist workbook, read back so a rerun loses none of the user's work.

Three sheets matter: **Shortlist** and **Archived** hold the user's own columns (Status, Notes …,
and any column they added), keyed by "ID (keep)"; **Added by you** lists the people the user typed
in by hand (a referral). A Shortlist row with a name but no ID is such a hand-added person too.
Hand-added people become People rows of source "manual", linked and ranked like everyone else.

Reading is all this module does; what carries over to whom is ``pipeline.export.carryover``.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from defusedxml import ElementTree
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from pipeline.errors import InputError
from pipeline.ingest import clean
from pipeline.ingest.bounds import check_spreadsheet
from pipeline.ingest.display_names import clean_names_frame, parse_full_name
from pipeline.ingest.ledger import FileReport, Ingested, ledger_rows, people_frame
from pipeline.safety import check_input, file_signature
from pipeline.workbook_contract import (
    ADDED_SHEET,
    ARCHIVED_SHEET,
    ID_HEADER,
    LINK_HEADER,
    SHORTLIST_SHEET,
)

SOURCE = "manual"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_MAX_ROWS = 200_000  # a Shortlist is edited by hand; anything bigger is not one of ours


@dataclass(frozen=True)
class Previous:
    """What the previous workbook holds.

    ``rows``: one row per non-empty row of Shortlist, Archived and Added by you, with the sheet's
    own headers as columns (values as openpyxl reads them: text, numbers, datetimes, formulas as
    "=…" text) plus ``_sheet``, ``_row`` (spreadsheet row), ``_link`` (the Name cell's hyperlink)
    and ``_record`` (the record_id of a hand-added person, else "").
    ``headers``: each sheet's headers in order. ``manual``: the hand-added people as People.
    """

    file: str
    rows: pd.DataFrame
    headers: dict[str, tuple[str, ...]]
    manual: Ingested
    path: Path | None = None
    signature: str | None = None  # SHA-256 of the bytes read: the writer checks it is unchanged


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _hyperlinks(archive: zipfile.ZipFile, sheet_path: str) -> dict[str, str]:
    """Cell reference -> external hyperlink target, from the sheet XML and its relationships."""
    folder, name = posixpath.split(sheet_path)
    rels_path = posixpath.join(folder, "_rels", name + ".rels")
    try:
        rels = ElementTree.fromstring(archive.read(rels_path))
    except KeyError:
        return {}
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(_PKG_REL)}
    links: dict[str, str] = {}
    with archive.open(sheet_path) as source:
        for _event, element in ElementTree.iterparse(source):
            if element.tag == f"{_MAIN}hyperlink" and element.get(_REL) in targets:
                links[element.get("ref", "")] = targets[element.get(_REL)]
            elif element.tag == f"{_MAIN}row":
                element.clear()  # keeps memory flat on a big sheet
    return links


def _sheet_rows(wb, archive: zipfile.ZipFile, title: str) -> tuple[tuple[str, ...], list[dict]]:
    ws = wb[title]
    grid = ws.iter_rows(values_only=True)
    header: tuple[str, ...] = ()
    header_row = 0
    for row_number, values in enumerate(grid, start=1):
        cells = tuple("" if v is None else str(v).strip() for v in values)
        if "Name" in cells or ID_HEADER in cells:
            header, header_row = cells, row_number
            break
        if row_number >= 10:  # our header is on row 1; a user may insert a few rows above it
            return (), []
    if not header:
        return (), []
    name_col = header.index("Name") if "Name" in header else -1
    links = _hyperlinks(archive, ws._worksheet_path) if name_col >= 0 else {}
    name_letter = get_column_letter(name_col + 1) if name_col >= 0 else ""
    names = list(header)
    rows = []
    for row_number, values in enumerate(grid, start=header_row + 1):
        if row_number - header_row > _MAX_ROWS:
            break
        record: dict[str, object] = {}
        for i, value in enumerate(values):
            if not _present(value):
                continue
            if i >= len(names):
                names += [""] * (i + 1 - len(names))
            if not names[i]:  # a value under no header is still the user's: name its column
                names[i] = f"Column {get_column_letter(i + 1)}"
            record[names[i]] = value
        if not record:
            continue
        record |= {"_sheet": title, "_row": row_number}
        record["_link"] = links.get(f"{name_letter}{row_number}", "")
        rows.append(record)
    return tuple(h for h in names if h), rows


def read_previous(path: Path, *, max_bytes: int = 200_000_000) -> Previous:
    """Read the user's columns and hand-added people from a workbook this tool wrote before.

    >>> previous = read_previous(Path("out/shortlist.xlsx"))  # doctest: +SKIP
    >>> previous.rows[["_sheet", "ID (keep)", "Status", "Notes"]]  # doctest: +SKIP
    """
    from openpyxl import load_workbook

    path = check_input(Path(path))
    if not path.is_file():
        raise InputError(f"{path.name} does not exist; check the path given to --previous.")
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError(
            f"{path.name} is not an .xlsx workbook this tool wrote, so no notes can be carried "
            "over from it; give the .xlsx it wrote (and for --out, a name ending in .xlsx)."
        )
    if path.stat().st_size > max_bytes:
        raise InputError(f"{path.name} is too big to be a shortlist workbook; check the path.")
    check_spreadsheet(path, path.name, max_bytes)
    try:
        signature = file_signature(path)  # before parsing: a save in between shows as a change
    except OSError as error:
        raise InputError(
            f"{path.name} cannot be read; close it in any program and run again."
        ) from error
    try:
        with zipfile.ZipFile(path) as archive:
            wb = load_workbook(path, read_only=True, data_only=False)
            try:
                if SHORTLIST_SHEET not in wb.sheetnames:
                    raise InputError(
                        f"{path.name} has no Shortlist sheet; give the workbook this tool wrote."
                    )
                headers: dict[str, tuple[str, ...]] = {}
                rows: list[dict] = []
                for title in (SHORTLIST_SHEET, ARCHIVED_SHEET, ADDED_SHEET):
                    if title in wb.sheetnames:
                        headers[title], sheet_rows = _sheet_rows(wb, archive, title)
                        rows += sheet_rows
            finally:
                wb.close()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, InvalidFileException) as error:
        raise InputError(
            f"{path.name} cannot be read as a workbook; give the .xlsx this tool wrote, or move "
            "it away to start afresh."
        ) from error
    frame = pd.DataFrame(rows)
    for col in ("_sheet", "_row", "_link", "Name", ID_HEADER, LINK_HEADER):
        if col not in frame.columns:
            frame[col] = pd.Series([None] * len(frame), dtype=object)
    frame = frame.astype(object)
    frame = frame.where(frame.notna(), None)  # cells a row did not have: None, not NaN
    frame["_record"] = ""
    manual, frame = _manual_people(frame, path.name)
    return Previous(path.name, frame, headers, manual, path, signature)


def _text(series: pd.Series) -> pd.Series:
    return clean.text(series.map(lambda v: "" if v is None else str(v)).astype("str"))


def _manual_people(rows: pd.DataFrame, file: str) -> tuple[Ingested, pd.DataFrame]:
    """People rows from Added by you, and from Shortlist rows that have a name but no ID."""
    no_id = ~rows[ID_HEADER].map(_present).astype(bool)
    is_added = rows["_sheet"] == ADDED_SHEET
    is_new = (rows["_sheet"] == SHORTLIST_SHEET) & no_id
    hand = rows[is_added | is_new]
    tag = hand["_sheet"].map({ADDED_SHEET: "added", SHORTLIST_SHEET: "shortlist"})
    record = "manual:" + tag + ":" + hand["_row"].astype(str)
    rows = rows.copy()
    rows.loc[hand.index, "_record"] = record
    n = len(hand)
    get = {
        c: _text(hand[c]) if c in hand.columns else pd.Series([""] * n, index=hand.index)
        for c in ("Name", "Title", "Company", LINK_HEADER, "School", "Year")
    }
    parsed = get["Name"].map(lambda v: parse_full_name(v) if v else ("", "", ""))
    names = clean_names_frame(parsed.str[0].astype("str"), parsed.str[1].astype("str"))
    url = get[LINK_HEADER].where(get[LINK_HEADER] != "", _text(hand["_link"]))
    year = pd.to_numeric(get["Year"].str.extract(r"((?:19|20)\d\d)")[0], errors="coerce")
    columns = {
        "first_name": names["first_name"],
        "last_name": names["last_name"],
        "full_name": names["full_name"],
        "credentials": names["credentials"],
        "linkedin_slug": clean.linkedin_slug(url.astype("str")),
        "company": get["Company"],
        "title": get["Title"],
        "school": get["School"],
        "grad_year": pd.array(year, dtype="Int64"),
        "source": pd.Series([SOURCE] * n, dtype="str"),
        "source_file": file + " [" + hand["_sheet"].astype(str) + "]",
        "source_row": hand["_row"].astype("int64"),
        "record_id": record,
    }
    people = people_frame({k: pd.Series(v).reset_index(drop=True) for k, v in columns.items()}, n)
    has_name = (names["full_name"] != "").to_numpy()
    accepted = people[has_name].reset_index(drop=True)
    reports, ledgers = [], []
    for sheet in (SHORTLIST_SHEET, ADDED_SHEET):
        mine = (hand["_sheet"] == sheet).to_numpy()
        if not mine.any():
            continue
        label = f"{file} [{sheet}]"
        bad = mine & ~has_name
        ledgers.append(
            ledger_rows(
                label,
                hand["_row"][bad],
                ["no name (row kept as it is)"] * int(bad.sum()),
                outcome="rejected",
            )
        )
        how = {"rows": "added by hand" if sheet == ADDED_SHEET else "typed into the Shortlist"}
        reports.append(
            FileReport(
                label, SOURCE, int(mine.sum()), int((mine & has_name).sum()), int(bad.sum()), how
            )
        )
    ledger = pd.concat(ledgers, ignore_index=True) if ledgers else ledger_rows("", [], [], "")
    return Ingested(accepted, ledger, tuple(reports)), rows
