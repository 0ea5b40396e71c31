"""Bounds checked on a zip-based spreadsheet (.xlsx, .xlsm, .ods) before any parser opens it.

A spreadsheet reader trusts the file: calamine allocates its whole used range at once, so an
.xlsx of 5 KB with a value in A1 and one in XFD1048576 asks for 17 billion cells and aborts the
process (no exception to catch). So before calamine sees a file:

- the central directory must promise at most ``max_bytes`` unpacked, and every member is
  unpacked in chunks (discarded) to check it really holds what it promises (zipfile stops at the
  promised size and checks the CRC, so a lying header is caught);
- every worksheet's cell references give its used range; more than MAX_CELLS cells is refused
  with one line saying which far cell to delete (a table that size is never an alumni list);
- no run of text between two XML tags is longer than MAX_CELL_BYTES: Excel keeps at most
  32,767 characters in a cell, so a longer "cell" is a hostile file, not a list.
"""

from __future__ import annotations

import functools
import re
import zipfile
import zlib
from pathlib import Path

from pipeline.errors import InputError
from pipeline.ingest.archive import mb

MAX_CELLS = 30_000_000  # a used range this big is ~1 GB in calamine before any text is made
MAX_CELL_BYTES = 1 << 20  # a cell of 32,767 characters, escaped, is at most ~640 KB of XML
_CHUNK = 1 << 20
# Literal prefixes keep the scan near the speed of unpacking: every row's number, and the cells
# that matter for the range (columns past Z, or rows past 999,999 in any column).
_ROW = re.compile(rb'<row r="(\d+)"')


def column_number(letters: str) -> int:
    """Spreadsheet column letters as a 1-based number: column_number("XFD") -> 16384."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def check_spreadsheet(path: Path, name: str, max_bytes: int) -> None:
    """Raise InputError when a zip-based spreadsheet would unpack to more than ``max_bytes``,
    has a member that lies about its size, a used range of more than MAX_CELLS cells or a
    cell longer than Excel allows. Files that are not zips (.xls, CSV) are left alone."""
    with path.open("rb") as stream:
        if stream.read(4) != b"PK\x03\x04":
            return
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            total = sum(info.file_size for info in infos)
            if total > max_bytes:
                raise InputError(
                    f"{name} would unpack to {mb(total)}, more than the {mb(max_bytes)} "
                    "allowed; raise [ingest] max_archive_mb in the settings if it is genuine."
                )
            for info in infos:
                if not info.is_dir():
                    _scan_member(archive, info, name)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
        raise InputError(
            f"{name} is unreadable as a spreadsheet; open it in Excel and save it again as .xlsx "
            "(without a password), or export it as CSV."
        ) from None


def _scan_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    if info.filename == "content.xml":
        _scan_ods(archive, info, name)
        return
    sheet = "worksheets/" in info.filename and info.filename.endswith(".xml")
    max_row = max_col = 0
    far = ""
    tail = b""
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            if b"<" not in chunk and info.filename.endswith(".xml"):
                raise InputError(
                    f"{name} holds a cell of more than {mb(MAX_CELL_BYTES)} of text (Excel "
                    "allows 32,767 characters); it is not an alumni list as saved by Excel."
                )
            if not sheet:
                continue
            text = tail + chunk
            cut = text.rfind(b"<")
            text, tail = text[:cut], text[cut:]
            rows = _ROW.findall(text)
            if rows:
                max_row = max(max_row, max(map(int, rows)))
            for letters, row in _far_cells(text, max_col):
                col = column_number(letters.decode() or "A")
                if col > max_col:
                    max_col, far = col, f"{letters.decode()}{int(row)}"
                max_row = max(max_row, int(row))
    if sheet and max_row * max(max_col, 26) > MAX_CELLS:
        raise InputError(
            f"{name} uses cells as far as {far or f'row {max_row:,}'} ({max_row:,} rows x "
            f"{max(max_col, 26):,} columns), too "
            f"many to read; delete the cells far from the table (Ctrl+End in Excel shows the "
            "last one) and save it again."
        )


# OpenDocument: a row or cell stands for many with table:number-rows-repeated /
# number-columns-repeated, so 800 bytes can describe a billion cells. Tags by local name (the
# prefix is the file's choice), with the repeat count; a cell holds a value when it has
# content or a value type. Calamine trims trailing empty rows and cells, so only valued cells
# widen the range, but empty rows before a valued one count.
_ODS_TAG = re.compile(
    rb"<(/?)(?:[\w.-]+:)?(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>"
)
_REPEAT = re.compile(rb"number-(?:rows|columns)-repeated=[\"'](\d{1,12})")


def _scan_ods(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    """Refuse an .ods whose used range, repeats expanded, is more than MAX_CELLS cells."""
    row = max_row = max_col = row_repeat = col = valued = 0
    tail = b""
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            text = tail + chunk
            cut = text.rfind(b"<")
            text, tail = text[:cut], text[cut:]
            for close, tag, attrs, empty in _ODS_TAG.findall(text):
                if tag == b"table":
                    if not close:  # a new sheet: its own range
                        row = max_row = max_col = 0
                    continue
                repeat = int(found.group(1)) if (found := _REPEAT.search(attrs)) else 1
                if tag == b"table-row":
                    if close:
                        if valued:
                            max_row, max_col = row + row_repeat, max(max_col, valued)
                        row += row_repeat
                    elif empty:
                        row += repeat
                    else:
                        row_repeat, col, valued = repeat, 0, 0
                elif not close:
                    col += repeat
                    if not empty or b"value-type" in attrs:
                        valued = col
                if max_row * max_col > MAX_CELLS:
                    raise InputError(
                        f"{name} uses {max_row:,} rows x {max_col:,} columns (rows or cells "
                        "repeated), too many to read; delete the cells far from the table and "
                        "save it again."
                    )


@functools.cache
def _cells_from(width: int) -> re.Pattern[bytes]:
    return re.compile(rb'r="(?:([A-Z]{%d,3})|[A-Z]?(?=\d{7}))(\d+)"' % width)


def _far_cells(text: bytes, max_col: int) -> list[tuple[bytes, bytes]]:
    """Cell references whose column may be further right than ``max_col`` (and past Z: a sheet
    within A:Z is counted as 26 columns wide). Letters compare by length first, so only
    references at least as long as the widest yet are parsed, which keeps the scan fast."""
    return _cells_from(max(2, len(_letters(max_col)))).findall(text)


def _letters(col: int) -> str:
    out = ""
    while col:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out
