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

from pipeline.errors import InputError
from pipeline.ingest import clean
from pipeline.ingest.bounds import check_spreadsheet
from pipeline.ingest.display_names import clean_names_frame, parse_full_name
from pipeline.ingest.ledger import FileReport, Ingested, ledger_rows, people_frame
from pipeline.safety import check_input, file_signature
from pipeline.text.arrow_text import STR, text_series
from pipeline.workbook_contract import (
    ADDED_HEADERS,
    ADDED_SHEET,
    ALL_SHEET,
    ARCHIVED_SHEET,
    ID_HEADER,
    KNOWN_HEADERS,
    LINK_HEADER,
    SHORTLIST_SHEET,
    TOOL_SHEETS,
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
    #: Sheets the user added: (title, rows of (value, kind)); the next workbook keeps them.
    user_sheets: tuple[tuple[str, list[list[tuple[object, str]]]], ...] = ()


def get_column_letter(index: int) -> str:
    """Excel's column letters of a 1-based column number (1 -> A, 27 -> AA), as openpyxl's
    function of that name; here so that importing ingest does not import openpyxl (a tenth of
    a second or more at start-up), which only reading a previous workbook needs.

    >>> get_column_letter(1), get_column_letter(26), get_column_letter(27), get_column_letter(16384)
    ('A', 'Z', 'AA', 'XFD')
    """
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _relations(archive: zipfile.ZipFile, sheet_path: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target) of a sheet."""
    from defusedxml import ElementTree  # here: only a previous workbook is read with it (3 ms)

    folder, name = posixpath.split(sheet_path)
    try:
        rels = ElementTree.fromstring(archive.read(posixpath.join(folder, "_rels", name + ".rels")))
    except KeyError:
        return {}
    return {r.get("Id"): (r.get("Type", ""), r.get("Target", "")) for r in rels.iter(_PKG_REL)}


def _hyperlinks(archive: zipfile.ZipFile, sheet_path: str) -> dict[str, str]:
    """Cell reference -> external hyperlink target, from the sheet XML and its relationships."""
    targets = {k: t for k, (_, t) in _relations(archive, sheet_path).items()}
    if not targets:
        return {}
    from defusedxml import ElementTree

    links: dict[str, str] = {}
    with archive.open(sheet_path) as source:
        for _event, element in ElementTree.iterparse(source):
            if element.tag == f"{_MAIN}hyperlink" and element.get(_REL) in targets:
                links[element.get("ref", "")] = targets[element.get(_REL)]
            elif element.tag == f"{_MAIN}row":
                element.clear()  # keeps memory flat on a big sheet
    return links


def _comments(archive: zipfile.ZipFile, sheet_path: str) -> dict[str, str]:
    """Cell reference -> the text of the user's cell comment (our own header notes, written by
    "prospects", are left out: the next workbook writes them afresh)."""
    from defusedxml import ElementTree

    folder = posixpath.dirname(sheet_path)
    found: dict[str, str] = {}
    for kind, target in _relations(archive, sheet_path).values():
        if not kind.endswith("/comments"):
            continue
        part = posixpath.normpath(posixpath.join(folder, target))
        try:
            root = ElementTree.fromstring(archive.read(part.lstrip("/")))
        except KeyError:
            continue
        authors = [a.text or "" for a in root.iter(f"{_MAIN}author")]
        for comment in root.iter(f"{_MAIN}comment"):
            author = int(comment.get("authorId", "0") or 0)
            if author < len(authors) and authors[author] == "prospects":
                continue
            text = "".join(t.text or "" for t in comment.iter(f"{_MAIN}t"))
            if text.strip():
                found[comment.get("ref", "")] = text
    return found


#: Headers that tell our header row from rows a user typed above it.
_OURS = KNOWN_HEADERS | set(ADDED_HEADERS)
_HEADER_SCAN = 1_000  # rows looked at for the header (a user may insert rows above it)


def _is_header(cells: tuple[str, ...]) -> bool:
    return ID_HEADER in cells or sum(c in _OURS for c in cells) >= 3


def _unique(names: list[str]) -> list[str]:
    """Header names made unique: a second "Notes" becomes "Notes (2)" (else its values would
    overwrite the first's)."""
    seen: set[str] = set()
    out = []
    for name in names:
        base, candidate, n = name, name, 2
        while candidate and candidate in seen:
            candidate, n = f"{base} ({n})", n + 1
        seen.add(candidate)
        out.append(candidate)
    return out


def _sheet_rows(
    wb, archive: zipfile.ZipFile, title: str, *, only_unknown: bool = False
) -> tuple[tuple[str, ...], list[dict]]:
    """(headers, one dict per non-empty row) of sheet ``title``: the header row is found by its
    content anywhere in the first rows; values typed above it come back as rows of their own
    (``_above``), every cell comment as ``_comments`` {header: text}. ``only_unknown``: keep
    only rows with a value under a header we did not write (All candidates)."""
    ws = wb[title]
    grid = ws.iter_rows()
    above: list[tuple[int, list[object]]] = []
    header: tuple[str, ...] = ()
    header_row = 0
    for row_number, cells in enumerate(grid, start=1):
        values = [c.value for c in cells]
        texts = tuple("" if v is None else " ".join(str(v).split()) for v in values)
        if _is_header(texts):
            header, header_row = texts, row_number
            break
        if any(_present(v) for v in values):
            above.append((row_number, values))
        if row_number >= _HEADER_SCAN:
            break
    if not header:
        return (), []
    names = _unique(list(header))
    rows: list[dict] = []
    for row_number, values in above:  # typed above the header: kept, under their own columns
        typed = {f"Column {get_column_letter(i + 1)}": v for i, v in enumerate(values)
                 if _present(v)}  # fmt: skip
        rows.append(typed | {"_sheet": title, "_row": row_number, "_above": True})
    if not (only_unknown and _only_ours(ws, names)):
        rows += _body_rows(ws, archive, title, grid, names, header_row, only_unknown)
    if any(r.get("_above") for r in rows):
        names += [k for r in rows if r.get("_above") for k in r if not k.startswith("_")]
    return tuple(dict.fromkeys(h for h in names if h)), rows


def _only_ours(ws, names: list[str]) -> bool:
    """Whether no cell of sheet ``ws`` can be under a column we did not write: every header is
    ours and the sheet's used range (its dimension, which openpyxl's reader keeps to anyway)
    ends at the last header. All candidates is then read no further than its header row: its
    thousands of rows would take seconds and give nothing (``only_unknown``)."""
    return (
        ws.max_column is not None
        and ws.max_column <= len(names)
        and all(name in _OURS for name in names)
    )


def _body_rows(
    ws,
    archive: zipfile.ZipFile,
    title: str,
    grid,
    names: list[str],
    header_row: int,
    only_unknown: bool,
) -> list[dict]:
    """One dict per non-empty row below the header (see ``_sheet_rows``); ``names`` grows by
    the columns found under no header."""
    name_col = names.index("Name") if "Name" in names else -1
    sheet_path = ws._worksheet_path  # openpyxl keeps the part name only here
    links = _hyperlinks(archive, sheet_path) if name_col >= 0 else {}
    comments = _comments(archive, sheet_path)
    name_letter = get_column_letter(name_col + 1) if name_col >= 0 else ""
    rows: list[dict] = []
    for row_number, cells in enumerate(grid, start=header_row + 1):
        if row_number - header_row > _MAX_ROWS:
            break
        record: dict[str, object] = {}
        for i, cell in enumerate(cells):
            value = cell.value
            if not _present(value):
                continue
            if i >= len(names):
                names += [""] * (i + 1 - len(names))
            if not names[i]:  # a value under no header is still the user's: name its column
                names[i] = f"Column {get_column_letter(i + 1)}"
            record[names[i]] = value
        if only_unknown and not any(h not in _OURS for h in record):
            continue
        notes = {
            (names[i] if i < len(names) and names[i] else f"Column {get_column_letter(i + 1)}"): t
            for i in range(max(len(names), 1) + 50)
            if (t := comments.get(f"{get_column_letter(i + 1)}{row_number}"))
        } if comments else {}  # fmt: skip
        if not record and not notes:
            continue
        record |= {"_sheet": title, "_row": row_number}
        if notes:
            record["_comments"] = notes
        record["_link"] = links.get(f"{name_letter}{row_number}", "")
        rows.append(record)
    return rows


def _user_sheet(ws) -> list[list[tuple[object, str]]]:
    """A sheet the user added, as rows of (value, kind): kind "f" for a formula (kept as one),
    anything else a value."""
    rows: list[list[tuple[object, str]]] = []
    for n, cells in enumerate(ws.iter_rows(), start=1):
        if n > _MAX_ROWS:
            break
        rows.append([(c.value, getattr(c, "data_type", "")) for c in cells])
    while rows and all(v is None for v, _ in rows[-1]):
        rows.pop()
    return rows


def read_previous(path: Path, *, max_bytes: int = 200_000_000) -> Previous:
    """Read the user's columns and hand-added people from a workbook this tool wrote before.

    Usage (not run as a doctest: it needs a run's files or frames):

        previous = read_previous(Path("out/shortlist.xlsx"))
        previous.rows[["_sheet", "ID (keep)", "Status", "Notes"]]
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

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
                for title in (SHORTLIST_SHEET, ARCHIVED_SHEET, ADDED_SHEET, ALL_SHEET):
                    if title in wb.sheetnames:
                        headers[title], sheet_rows = _sheet_rows(
                            wb, archive, title, only_unknown=title == ALL_SHEET
                        )
                        rows += sheet_rows
                user_sheets = tuple(
                    (title, _user_sheet(wb[title]))
                    for title in wb.sheetnames
                    if title not in TOOL_SHEETS
                )
            finally:
                wb.close()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, InvalidFileException) as error:
        raise InputError(
            f"{path.name} cannot be read as a workbook; give the .xlsx this tool wrote, or move "
            "it away to start afresh."
        ) from error
    frame = pd.DataFrame(rows)
    for col in ("_sheet", "_row", "_link", "_comments", "_above", "Name", ID_HEADER, LINK_HEADER):
        if col not in frame.columns:
            frame[col] = pd.Series([None] * len(frame), dtype=object)
    frame = frame.astype(object)
    frame = frame.where(frame.notna(), None)  # cells a row did not have: None, not NaN
    frame["_record"] = ""
    has_id = ID_HEADER in headers.get(SHORTLIST_SHEET, ())
    manual, frame = _manual_people(frame, path.name, has_id)
    return Previous(path.name, frame, headers, manual, path, signature, user_sheets)


def _text(series: pd.Series) -> pd.Series:
    return clean.text(series.map(lambda v: "" if v is None else str(v)).astype(STR))


def _manual_people(
    rows: pd.DataFrame, file: str, has_id_column: bool = True
) -> tuple[Ingested, pd.DataFrame]:
    """People rows from Added by you, and from Shortlist rows that have a name but no ID."""
    no_id = ~rows[ID_HEADER].map(_present).astype(bool)
    is_added = rows["_sheet"] == ADDED_SHEET
    # With the ID column deleted every row lacks an ID: those are not people typed in by hand.
    is_new = (rows["_sheet"] == SHORTLIST_SHEET) & no_id & has_id_column & ~rows["_above"].eq(True)
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
    names = clean_names_frame(parsed.str[0].astype(STR), parsed.str[1].astype(STR))
    url = get[LINK_HEADER].where(get[LINK_HEADER] != "", _text(hand["_link"]))
    year = pd.to_numeric(get["Year"].str.extract(r"((?:19|20)\d\d)")[0], errors="coerce")
    columns = {
        "first_name": names["first_name"],
        "last_name": names["last_name"],
        "full_name": names["full_name"],
        "credentials": names["credentials"],
        "linkedin_slug": clean.linkedin_slug(url.astype(STR)),
        "company": get["Company"],
        "title": get["Title"],
        "school": get["School"],
        "grad_year": pd.array(year, dtype="Int64"),
        "source": text_series([SOURCE] * n),
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
