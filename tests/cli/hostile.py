"""Hostile input files, made small and at test time (nothing big is committed).

Each maker writes one file into a folder and returns its path. They are the files a hostile
tester used against the tool (issue 16): a spreadsheet claiming a huge range, a zip bomb, a
cell of megabytes, a lying zip header, a 100,000-column header, an unclosed quote, mixed
encodings, terminal escapes in cells, random bytes.
"""

from __future__ import annotations

import os
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

HEADER = "First Name,Last Name,Company,Class Year\n"


def _xlsx(path: Path, fill: Callable) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["First Name", "Last Name", "Company", "Class Year"])
    ws.append(["Ada", "Park", "Acme", 2019])
    fill(ws)
    wb.save(path)
    return path


def far_cell_xlsx(folder: Path) -> Path:
    """`First Name` in A1 and one value in XFD1048576: calamine would ask for 17 billion cells."""
    return _xlsx(folder / "far.xlsx", lambda ws: ws.__setitem__("XFD1048576", "x"))


_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def _ods(path: Path, rows: str) -> Path:
    """An .ods with a header row (First Name, Last Name) followed by ``rows`` (content.xml)."""
    cell = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'
    header = "".join(cell.format(t) for t in ("First Name", "Last Name"))
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS}>'
        '<office:body><office:spreadsheet><table:table table:name="Alumni">'
        f"<table:table-row>{header}</table:table-row>{rows}"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("content.xml", content)
        book.writestr("META-INF/manifest.xml", manifest)
    return path


def repeated_rows_ods(folder: Path) -> Path:
    """Under 1 KB: one row of "Ada Park" repeated 300,000 times across 100 repeated columns,
    30 million cells that calamine would allocate at once (it aborted the process)."""
    row = (
        '<table:table-row table:number-rows-repeated="300000"><table:table-cell '
        'table:number-columns-repeated="100" office:value-type="string"><text:p>Ada Park'
        "</text:p></table:table-cell></table:table-row>"
    )
    return _ods(folder / "repeated.ods", row)


def trailing_empty_ods(folder: Path) -> Path:
    """As LibreOffice saves a sheet: one person, then empty rows and cells repeated to the
    sheet's end. Not hostile: it must be read (calamine drops the empty area)."""
    rows = (
        '<table:table-row><table:table-cell office:value-type="string"><text:p>Ada</text:p>'
        '</table:table-cell><table:table-cell office:value-type="string"><text:p>Park</text:p>'
        '</table:table-cell><table:table-cell table:number-columns-repeated="16382"/>'
        '</table:table-row><table:table-row table:number-rows-repeated="1048574">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    return _ods(folder / "trailing.ods", rows)


def far_row_xlsx(folder: Path) -> Path:
    """A value in row 1,048,576 of a 30-column table: 31 million cells."""
    return _xlsx(folder / "far_row.xlsx", lambda ws: ws.__setitem__("AD1048576", "x"))


def _rezip(source: Path, target: Path, change: Callable[[str, bytes], bytes]) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, change(info.filename, old.read(info)))
    return target


def bomb_xlsx(folder: Path, unpacked: int = 600_000_000) -> Path:
    """An .xlsx of ~0.6 MB whose sheet unpacks to ``unpacked`` bytes (spaces, so valid XML)."""
    base = _xlsx(folder / "bomb-base.xlsx", lambda ws: None)
    target = folder / "bomb.xlsx"
    with zipfile.ZipFile(base) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename != "xl/worksheets/sheet1.xml":
                new.writestr(info.filename, data)
                continue
            with new.open(info.filename, "w", force_zip64=True) as stream:
                cut = data.index(b"<sheetData>")
                stream.write(data[:cut])
                chunk = b" " * (1 << 20)
                for _ in range(unpacked // len(chunk)):
                    stream.write(chunk)
                stream.write(data[cut:])
    base.unlink()
    return target


def huge_cell_xlsx(folder: Path, size: int = 3_000_000) -> Path:
    """One shared string of ``size`` characters (Excel allows 32,767)."""
    base = _xlsx(folder / "cell-base.xlsx", lambda ws: ws.__setitem__("A3", "PLACEHOLDER"))

    def change(name: str, data: bytes) -> bytes:
        return data.replace(b"PLACEHOLDER", b"x" * size)

    target = _rezip(base, folder / "huge_cell.xlsx", change)
    base.unlink()
    return target


def lying_xlsx(folder: Path) -> Path:
    """A sheet whose zip headers promise 100 bytes but hold far more (a bomb that lies)."""
    path = _xlsx(folder / "lying.xlsx", lambda ws: [ws.append(["x"] * 20) for _ in range(200)])
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                struct.pack_into("<I", data, at + size_at, 100)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    return path


def wide_csv(folder: Path, columns: int = 100_000) -> Path:
    """A 690 KB-class CSV whose header has ``columns`` columns."""
    path = folder / "wide.csv"
    names = ["First Name", "Last Name", *(f"c{i}" for i in range(columns))]
    path.write_text(",".join(names) + "\n" + ",".join(["Ada", "Park"] + ["x"] * columns) + "\n")
    return path


def unclosed_quote_csv(folder: Path) -> Path:
    """A quote opened on line 4 and never closed: it would swallow lines 5 and 6."""
    path = folder / "unclosed.csv"
    path.write_text(
        HEADER + "Ana,Ruiz,Acme,2019\nBo,Li,Globex,2018\n"
        '"Cy,Wu,Initech,2017\nDi,Xu,Hooli,2016\nEd,Yi,Stark,2015\n'
    )
    return path


def mixed_encodings_csv(folder: Path) -> Path:
    path = folder / "mixed.csv"
    path.write_bytes(
        HEADER.encode()
        + "Zoë,Ødegård,Café,2019\n".encode()
        + "José,Müller,Señor,2018\n".encode("cp1252")
    )
    return path


ESCAPES = "\x1b]52;c;aGVsbG8=\x07\x1b]8;;https://evil.example\x1b\\\x1b[31m"


def escapes_csv(folder: Path) -> Path:
    """Cells holding OSC 52 (clipboard write), OSC 8 (hidden link) and SGR sequences."""
    path = folder / "escapes.csv"
    rows = "".join(f"Person{i},Surname{i},Company {i},2010\n" for i in range(40))
    path.write_text(HEADER + f"Ada{ESCAPES},Park\x07,Acme\x1b[2J,2019\n" + rows, encoding="utf-8")
    return path


def random_bytes_csv(folder: Path) -> Path:
    path = folder / "random.csv"
    path.write_bytes(os.urandom(20_000))
    return path


def fifo(folder: Path) -> Path:
    path = folder / "pipe.csv"
    os.mkfifo(path)
    return path


MAKERS: tuple[Callable[[Path], Path], ...] = (
    far_cell_xlsx,
    far_row_xlsx,
    repeated_rows_ods,
    bomb_xlsx,
    huge_cell_xlsx,
    lying_xlsx,
    wide_csv,
    unclosed_quote_csv,
    mixed_encodings_csv,
    escapes_csv,
    random_bytes_csv,
    fifo,
)
