"""What kind of input a file is, by its content; one sentence when it is given in the wrong place.

Users mix up their downloads: an alumni workbook given as the LinkedIn export, Connections.csv
given as an alumni list (every connection would then be "a fellow alum"), the LinkedIn archive
given as an alumni list, a LAMP list of employers given as alumni. The readers call these checks
for the role they read a file in (export, alumni, targets); the file's name and suffix are never
trusted alone, its first bytes and its header decide.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path

from pipeline.errors import InputError

ARCHIVE = "archive"  # a LinkedIn archive: zip or extracted folder
CONNECTIONS = "connections"  # a LinkedIn connections table (CSV, or a workbook it was saved to)
SPREADSHEET = "spreadsheet"  # .xlsx/.xlsm/.ods/.xls by content, whatever the name says
TEXT = "text"  # anything else: a CSV or text table, or not a table at all

_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

AS_EXPORT = "give it as the LinkedIn export (the first argument; EXPORT= with make)"
AS_ALUMNI = "give it with --alumni (ALUMNI= with make)"
AS_TARGETS = "give it with --targets (TARGETS= with make)"


def sniff(path: Path) -> str:
    """ARCHIVE, SPREADSHEET, CONNECTIONS or TEXT, from the content of ``path`` (a file or folder).

    Only the first bytes and, for a zip, its list of members are read (a spreadsheet is a zip
    too: its members say which). Example: sniff(Path("Basic_LinkedInDataExport.zip")) ->
    "archive"; sniff(Path("alumni.xlsx")) -> "spreadsheet".
    """
    path = Path(path)
    if path.is_dir():
        return ARCHIVE
    if not path.is_file():
        return TEXT  # a FIFO or a device is never opened here (it could block): readers refuse it
    try:
        with path.open("rb") as stream:
            head = stream.read(8)
    except OSError:
        return TEXT  # the reader that opens it says what is wrong
    if head.startswith(_OLE):
        return SPREADSHEET
    if head.startswith(_ZIP):
        try:
            with zipfile.ZipFile(path) as archive:
                names = {n.lower() for n in archive.namelist()}
        except (zipfile.BadZipFile, OSError, ValueError):
            return TEXT
        if "xl/workbook.xml" in names or ("mimetype" in names and "content.xml" in names):
            return SPREADSHEET
        return ARCHIVE
    from pipeline.ingest.linkedin import looks_like_connections

    return CONNECTIONS if looks_like_connections(path) else TEXT


def header_kind(cells: Sequence[str]) -> str:
    """ "connections", "targets" or "" for a header row: which list the columns belong to.

    Example: header_kind(["First Name", "Last Name", "Connected On"]) -> "connections";
    header_kind(["#", "Employer List", "Advocacy", "Motivation", "Posting"]) -> "targets".
    """
    from pipeline.ingest.linkedin import _norm
    from pipeline.ingest.targets import score_header

    names = {_norm(c) for c in cells}
    if {"first name", "last name", "connected on"} <= names:
        return "connections"
    if score_header(cells) >= 3:  # the employer and two of Advocacy, Motivation, Posting …
        return "targets"
    return ""


def wrong_for_alumni(name: str, kind: str) -> InputError:
    """The sentence for a LinkedIn export (archive or connections) given as an alumni list."""
    what = "a LinkedIn archive" if kind == ARCHIVE else "your LinkedIn connections"
    return InputError(f"{name} is {what}, not an alumni list; {AS_EXPORT}, not with --alumni.")


def wrong_for_export(name: str, header: str) -> InputError:
    """The sentence for a spreadsheet given as the LinkedIn export, by what its header says."""
    if header == "connections":
        return InputError(
            f"{name} is a workbook of your connections, which prospects reads as LinkedIn wrote "
            "it: give the archive zip or its Connections.csv as the export instead."
        )
    if header == "targets":
        return InputError(
            f"{name} is a list of target employers, not a LinkedIn export; {AS_TARGETS}."
        )
    return InputError(
        f"{name} is a spreadsheet (an alumni list?), not a LinkedIn export; {AS_ALUMNI}, and give "
        "as the export the archive zip or Connections.csv that LinkedIn sent you."
    )


def check_alumni(path: Path) -> None:
    """Refuse a LinkedIn archive or connections file given where an alumni list belongs."""
    kind = sniff(path)
    if kind in (ARCHIVE, CONNECTIONS):
        raise wrong_for_alumni(Path(path).name, kind)


def check_export(path: Path) -> None:
    """Refuse a spreadsheet given as the LinkedIn export, saying where it belongs.

    The sheets are read only on this error path, to say which list the workbook is.
    """
    path = Path(path)
    if sniff(path) != SPREADSHEET:
        return
    from pipeline.ingest.sheets import read_sheets

    header = ""
    try:
        for _sheet, grid in read_sheets(path, path.name):
            header = next((k for row in grid[:30] if (k := header_kind(row))), "")
            if header:
                break
    except InputError:
        pass  # unreadable as a spreadsheet too: it still is not an export
    raise wrong_for_export(path.name, header)
