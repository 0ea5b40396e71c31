"""Low-level readers: bytes or a spreadsheet in, a table of text cells out.

Everything a real export throws at us is handled here once, so that `linkedin.py` and `alumni.py`
only map columns: the text encoding (BOMs, UTF-16 from Excel "Unicode text", cp1252 re-saves),
the CSV dialect (comma, semicolon, tab, pipe; rows wrapped whole in quotes), and a header that is
not on line 1 (LinkedIn's "Notes:" preamble, blank or padded lines, merged title rows in sheets).
The header is found by *content*, with a scorer the caller passes, never by a fixed skip.

Every cell comes back as text ("" when missing, never NaN): "NA" or "None" stay what people typed.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gc
import io
import itertools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from charset_normalizer import from_bytes

from pipeline.errors import InputError

HeaderScorer = Callable[[Sequence[str]], float]
"""Given the cells of a candidate header row, how header-like it is (e.g. known column names)."""

DELIMITERS = (",", ";", "\t", "|")
_HEAD_LINES = 400  # lines looked at to choose the delimiter; the header is within max_scan of them
_SNIFF_BYTES = 200_000  # enough text for charset-normalizer to decide, fast on big files
_OTHER_SCRIPTS = (
    *("cp1251", "cp866", "koi8", "mac_cyrillic", "iso8859_5", "cp1253", "mac_greek", "iso8859_7"),
    *("cp1255", "iso8859_8", "cp1256", "iso8859_6", "cp874", "tis_620", "cp1258", "shift_jis"),
    *("cp932", "euc_j", "iso2022", "gb", "hz", "big5", "cp950", "euc_kr", "cp949", "johab"),
)
_SPACES = re.compile(r"\s+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_WESTERN_PUNCTUATION = set("’‘“”–—€…•·°®©™«»¿¡£§")
_CENTRAL_EUROPEAN = ("cp1250", "iso8859_2", "mac_latin2", "cp852")
# cp1250 letters (Ł ą ł ż Ľ ľ Ą) that cp1252 reads as symbols, next to a letter ("¿Qué" is fine).
_CP1250_AS_CP1252 = re.compile(r"(?<=[^\W\d_])[£¥¼¾³¹¿]|[£¥¼¾³¹](?=[^\W\d_])")


@dataclass(frozen=True)
class TextTable:
    """A table of text cells read from a CSV or one spreadsheet sheet.

    `rows` has one column per header cell (cleaned, made unique); every cell is str, "" when
    missing. `lines[i]` is the 1-based line (CSV) or sheet row number of `rows.iloc[i]`, as a
    person sees it in a text editor or in Excel, for messages like "Connections.csv, line 12".
    """

    name: str
    rows: pd.DataFrame
    lines: np.ndarray
    header_line: int
    encoding: str
    delimiter: str
    sheet: str = ""
    wrapped: bool = False  # rows were wrapped whole in quotes (an Excel re-save)
    newline: str = ""  # "LF", "CRLF" or "CR" for CSV text; "" for sheets


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode the bytes of a text file, returning (text, encoding name).

    BOMs first (UTF-8, UTF-16 LE/BE, UTF-32), then UTF-16 without a BOM (many NUL bytes), strict
    UTF-8, charset-normalizer for other code pages, and cp1252 as the last resort. Binary data
    raises InputError naming the file. Example: decode("é".encode("cp1252"), "a.csv") ->
    ("é", "cp1252").
    """
    if not data:
        raise InputError(f"{name} is empty; export it again or choose another file.")
    text, encoding = _decode(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    if _looks_binary(text, data):
        raise InputError(
            f"{name} is not a text file; expected a CSV export (if it is an Excel workbook, "
            "save it as .xlsx or CSV and try again)."
        )
    if not text or text.isspace():
        raise InputError(f"{name} is empty; export it again or choose another file.")
    return text, encoding


def _decode(data: bytes) -> tuple[str, str]:
    boms = (
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    )
    for bom, encoding in boms:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    head = data[:4096]
    if head.count(0) > len(head) // 4:
        # UTF-16 without a BOM: the NULs sit in the high byte of ASCII characters.
        odd_nuls = head[1::2].count(0)
        encoding = "utf-16-le" if odd_nuls >= head[0::2].count(0) else "utf-16-be"
        return data.decode(encoding, errors="replace"), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guess = from_bytes(data[:_SNIFF_BYTES]).best()
    encoding = guess.encoding if guess is not None else "cp1252"
    latin = _latin_code_page(data, encoding)
    if latin is not None:
        return data.decode(latin), latin
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        return data.decode("cp1252", errors="replace"), "cp1252"


def _latin_code_page(data: bytes, guess: str) -> str | None:
    """cp1252 or cp1250 when the bytes read as accented Latin words, else None (trust the guess).

    A few accented names cannot tell Latin code pages apart, and charset-normalizer then picks
    cp1250, cp437, mac_roman or even Big5 almost at random; Excel on Windows writes cp1252. In
    Latin text the accents sit alone or in pairs inside ASCII words, while Cyrillic, Greek or CJK
    bytes read as cp1252 give long runs of non-ASCII characters, many of them symbols.
    """
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    runs = _NON_ASCII.findall(western[:_SNIFF_BYTES])
    if not runs:
        return "cp1252"
    chars = "".join(runs)
    if len(chars) > 2 * len(runs):  # long runs: another script
        return "cp1252" if not guess.startswith(_OTHER_SCRIPTS) else None
    # "Wi³kowska", "Za¿ó³æ": Polish/Czech letters read as cp1252 (one "m³" may be genuine).
    slips = len(_CP1250_AS_CP1252.findall(western[:_SNIFF_BYTES]))
    if slips >= 2 or (slips and guess.startswith(_CENTRAL_EUROPEAN)):
        return "cp1250" if _decodes(data, "cp1250") else "cp1252"
    plausible = sum(c.isalpha() or c in _WESTERN_PUNCTUATION for c in chars)
    if plausible >= 0.8 * len(chars) or not guess.startswith(_OTHER_SCRIPTS):
        return "cp1252"
    return None


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _looks_binary(text: str, data: bytes) -> bool:
    if "\x00" in text or data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")):
        return True
    sample = text[:4096]
    controls = sum(1 for c in sample if c < " " and c not in "\t\n\r\f")
    return controls > len(sample) // 20 or sample.count("\ufffd") > len(sample) // 10


def clean_header(cells: Sequence[str]) -> list[str]:
    """Header cells stripped, inner whitespace collapsed, blanks and duplicates made unique.

    Example: [" First\\nName ", "", "Email", "Email"] ->
    ["First Name", "column 2", "Email", "Email (2)"].
    """
    names = [_SPACES.sub(" ", str(c)).strip() for c in cells]
    names = [n or f"column {i + 1}" for i, n in enumerate(names)]
    seen: Counter[str] = Counter()
    taken = {n.casefold() for n in names}
    unique = []
    for n in names:
        key = n.casefold()
        seen[key] += 1
        if seen[key] > 1:
            k = seen[key]
            while f"{n} ({k})".casefold() in taken:
                k += 1
            n = f"{n} ({k})"
            taken.add(n.casefold())
        unique.append(n)
    return unique


def find_header(
    candidates: Sequence[Sequence[str]], score_header: HeaderScorer, min_score: float
) -> int | None:
    """Index of the best-scoring candidate row (the first of equals), or None below min_score.

    Example: find_header([["Notes:"], ["Name", "Email"]], scorer, 2) -> 1.
    """
    best, best_score = None, float("-inf")
    for i, cells in enumerate(candidates):
        score = score_header(clean_header(cells)) if cells else float("-inf")
        if score > best_score:
            best, best_score = i, score
    return best if best is not None and best_score >= min_score else None


def _no_header(name: str, what: str, max_scan: int) -> InputError:
    return InputError(
        f"{name} does not look like {what}: no header row was found in its first {max_scan} "
        "lines; check that you chose the right file."
    )


def _unwrap(cells: list[str], delimiter: str) -> list[str] | None:
    """The cells of a row Excel wrapped whole in quotes, or None when it is not such a row."""
    if len(cells) != 1 or delimiter not in cells[0]:
        return None
    try:
        return next(csv.reader([cells[0]], delimiter=delimiter))
    except csv.Error:  # a newline outside quotes: not a wrapped row after all
        return None


def _head_records(head: str, delimiter: str, limit: int) -> list[list[str]]:
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    # An unclosed quote stops the sniff here; the full parse reports it with its line.
    with contextlib.suppress(csv.Error):
        records.extend(r for r in itertools.islice(reader, limit) if _nonblank(r))
    return records


def _nonblank(row: list[str]) -> bool:
    return len(row) > 1 or (len(row) == 1 and row[0].strip() != "")


def _choose_dialect(
    head: str, score_header: HeaderScorer, max_scan: int
) -> tuple[float, str, bool]:
    """(header score, delimiter, wrapped) of the dialect under which a header scores best.

    Ties go to the dialect whose following rows have the header's field count most often, then
    to the earlier delimiter; wrapped rows only when unwrapping really scores higher.
    """
    best, best_key = (float("-inf"), ",", False), (float("-inf"),)
    for order, delimiter in enumerate(DELIMITERS):
        records = _head_records(head, delimiter, max_scan + 50)
        for wrapped in (False, True):
            rows = [_unwrap(r, delimiter) or r for r in records] if wrapped else records
            i = find_header(rows[:max_scan], score_header, float("-inf"))
            if i is None:
                continue
            score = score_header(clean_header(rows[i]))
            after = rows[i + 1 :]
            consistency = sum(len(r) == len(rows[i]) for r in after) / max(len(after), 1)
            key = (score, consistency, -order, -wrapped)
            if key > best_key:
                best, best_key = (score, delimiter, wrapped), key
    return best


def read_text_table(
    data: bytes,
    name: str,
    score_header: HeaderScorer,
    *,
    min_score: float = 2,
    max_scan: int = 60,
    what: str = "the expected kind of table",
) -> TextTable:
    """Read CSV-like bytes into a TextTable, finding encoding, delimiter and header by content.

    Blank lines are skipped; a line of only delimiters is a row of "" cells (the caller decides
    whether to reject it). Rows longer than the header spill into "column N" columns; shorter ones
    are padded with "". Example: read_text_table(b"Notes:\\n\\nName,Email\\nAda,a@x.org\\n",
    "Connections.csv", scorer).rows -> one row {"Name": "Ada", "Email": "a@x.org"},
    lines == [4], header_line == 3.
    """
    text, encoding = decode(data, name)
    head = text[: _nth_newline(text, _HEAD_LINES)]
    score, delimiter, wrapped = _choose_dialect(head, score_header, max_scan)
    if score < min_score:
        raise _no_header(name, what, max_scan)

    fast = _read_fast(data, text, encoding, delimiter, wrapped, score_header, min_score, max_scan)
    if fast is not None:
        frame, lines, header_line = fast
    else:
        frame, lines, header_line = _read_slow(
            text, name, delimiter, wrapped, score_header, min_score, max_scan, what
        )
    newline = "CRLF" if "\r\n" in head else "CR" if "\r" in head else "LF"
    return TextTable(
        name, frame, lines, header_line, encoding, delimiter, wrapped=wrapped, newline=newline
    )


def _read_slow(
    text: str,
    name: str,
    delimiter: str,
    wrapped: bool,
    score_header: HeaderScorer,
    min_score: float,
    max_scan: int,
    what: str,
) -> tuple[pd.DataFrame, np.ndarray, int]:
    """(frame, lines, header line) by the csv module: every dialect quirk, one record at a time."""
    # Millions of small lists make the cyclic GC rescan everything again and again (2-3x slower);
    # none of them can form a cycle, so it is paused while they are built.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        records, starts = _parse_all(text, delimiter, name)
        rows = records[: max_scan + 50]
        if wrapped:
            rows = [_unwrap(r, delimiter) or r for r in rows]
        h = find_header(rows[:max_scan], score_header, min_score)
        if h is None:  # pragma: no cover - the head parse above already found one
            raise _no_header(name, what, max_scan)
        header = rows[h]
        body = records[h + 1 :]
        del records
        if wrapped:
            body = _unwrap_all(body, delimiter)
        frame = _frame(header, body)
    finally:
        if gc_was_enabled:
            gc.enable()
    return frame, np.asarray(starts[h + 1 :], dtype=np.int64), int(starts[h])


_FIELD_LIMIT = 131_072  # csv's default field size limit: longer lines go the slow way, to match


def _read_fast(
    data: bytes,
    text: str,
    encoding: str,
    delimiter: str,
    wrapped: bool,
    score_header: HeaderScorer,
    min_score: float,
    max_scan: int,
) -> tuple[pd.DataFrame, np.ndarray, int] | None:
    """(frame, lines, header line) by pandas' C parser, or None when the slow path must decide.

    The header is found by the csv module on the head, as in the slow path; the body goes to
    read_csv only when one physical line is one record, which is what keeps line numbers exact:
    no lone CR, no row longer than the first, no quoted newline. The last is proved by counting:
    with blank lines kept, read_csv returns one row per line unless a quote spans lines.
    """
    if wrapped or _lone_cr(data if encoding.startswith("utf-8") else text):
        return None  # lone CRs (old Mac files) end lines for csv but are not counted here
    found = _head_lines(text, delimiter, score_header, min_score, max_scan)
    if found is None:
        return None
    header, header_line, first_line = found
    offset = _nth_newline(text, first_line - 1)
    if encoding in ("utf-8", "utf-8-sig"):
        start = len(text[:offset].encode("utf-8")) + (3 if encoding == "utf-8-sig" else 0)
        body = memoryview(data)[start:]
    else:
        body = memoryview(text[offset:].encode("utf-8"))
    raw = np.frombuffer(body, dtype=np.uint8)
    ends = np.flatnonzero(raw == 10)
    n_lines = len(ends) + (len(raw) > 0 and raw[-1] != 10)
    if not n_lines:
        return None
    begins = np.concatenate(([0], ends + 1))[:n_lines]
    if max(np.diff(begins).max(initial=0), len(raw) - begins[-1]) > _FIELD_LIMIT:
        return None
    quotes = np.flatnonzero(raw == 34)
    if len(quotes) and (np.searchsorted(quotes, ends) & 1).any():
        return None  # an odd quote count at a line end: a quoted newline, most likely
    try:
        frame = pd.read_csv(
            io.BytesIO(body),
            sep=delimiter,
            header=None,
            dtype=str,
            na_filter=False,
            skip_blank_lines=False,
            quotechar='"',
            doublequote=True,
            escapechar=None,
            encoding="utf-8",
            engine="c",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return None
    if len(frame) != n_lines:
        return None
    blank = _blank_lines(raw, begins, frame, delimiter)
    lines = np.arange(first_line, first_line + n_lines, dtype=np.int64)
    if blank.any():
        frame = frame.loc[~blank].reset_index(drop=True)
        lines = lines[~blank]
    return _named(header, frame), lines, header_line


def _head_lines(
    text: str, delimiter: str, score_header: HeaderScorer, min_score: float, max_scan: int
) -> tuple[list[str], int, int] | None:
    """(header cells, header line, first body line), found on the head as _parse_all would.

    None when the head does not settle it: too few whole records in it to be sure the header is
    the one the full parse finds, or no record after the header.
    """
    head = text[: _nth_newline(text, _HEAD_LINES)]
    whole = len(head) == len(text)
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    starts: list[int] = []
    previous_end = 0
    try:
        for row in reader:
            if _nonblank(row):
                records.append(row)
                starts.append(previous_end + 1)
            previous_end = reader.line_num
            if len(records) > max_scan + 1:
                break
    except csv.Error:
        return None
    if not whole and len(records) <= max_scan + 1:
        return None  # the last record may be cut short by the end of the head
    h = find_header(records[:max_scan], score_header, min_score)
    if h is None or h + 1 >= len(records):
        return None
    return records[h], starts[h], starts[h + 1]


def _lone_cr(text: str | bytes) -> bool:
    cr, crlf = ("\r", "\r\n") if isinstance(text, str) else (b"\r", b"\r\n")
    return cr in text and text.count(cr) != text.count(crlf)


def _blank_lines(
    raw: np.ndarray, begins: np.ndarray, frame: pd.DataFrame, delimiter: str
) -> np.ndarray:
    """Lines the csv module reads as blank (no field, or one whitespace-only field).

    Only lines that start with whitespace, a quote or nothing can be blank; those few are read
    again by the csv module to decide exactly.
    """
    last = len(raw) - 1
    first = raw[np.minimum(begins, last)]
    second = np.where(begins + 1 <= last, raw[np.minimum(begins + 1, last)], 10)
    space = list(b" \t\r\n\x0b\x0c")
    maybe = np.isin(first, space) | ((first == 34) & np.isin(second, [*space, 34]))
    maybe = np.flatnonzero(maybe)
    blank = np.zeros(len(begins), dtype=bool)
    if not len(maybe):
        return blank
    stops = np.concatenate((begins[1:], [len(raw)]))
    for i in maybe:
        line = raw[begins[i] : stops[i]].tobytes().decode("utf-8")
        row = next(csv.reader(io.StringIO(line, newline=""), delimiter=delimiter), [])
        blank[i] = not _nonblank(row)
    return blank


def _nth_newline(text: str, n: int) -> int:
    """Offset just past the n-th "\\n" (or the end), to sniff the dialect on a small head."""
    pos = -1
    for _ in range(n):
        pos = text.find("\n", pos + 1)
        if pos < 0:
            return len(text)
    return pos + 1


def _parse_all(text: str, delimiter: str, name: str) -> tuple[list[list[str]], list[int]]:
    """All non-blank records and the physical line each starts on (csv's line_num is its end)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    starts: list[int] = []
    keep, start = records.append, starts.append
    previous_end = 0
    try:
        for row in reader:
            if row and (len(row) > 1 or row[0].strip()):
                keep(row)
                start(previous_end + 1)
            previous_end = reader.line_num
    except csv.Error as error:
        raise InputError(
            f"{name} could not be read as CSV from line {previous_end + 1} ({error}); look for "
            "an unclosed quote there, or export the file again."
        ) from None
    return records, starts


def _unwrap_all(rows: list[list[str]], delimiter: str) -> list[list[str]]:
    singles = [i for i, r in enumerate(rows) if len(r) == 1 and delimiter in r[0]]
    if not singles:
        return rows
    parsed = list(csv.reader((rows[i][0] for i in singles), delimiter=delimiter))
    if len(parsed) != len(singles):  # a wrapped row with a newline inside: go one by one
        parsed = [_unwrap(rows[i], delimiter) or rows[i] for i in singles]
    out = list(rows)
    for i, cells in zip(singles, parsed, strict=True):
        out[i] = cells
    return out


def _named(header: Sequence[str], frame: pd.DataFrame) -> pd.DataFrame:
    """read_csv's numbered columns named as _frame names them (padding columns dropped)."""
    width = max(frame.shape[1], len(header))
    cells = list(header) + [""] * (width - len(header))
    data = {}
    for j, n in enumerate(clean_header(cells)):
        if j >= frame.shape[1]:
            data[n] = pd.Series([""] * len(frame), dtype="str")
            continue
        col = frame[j]
        if not cells[j].strip() and not (col.to_numpy() != "").any():
            continue
        data[n] = col
    return pd.DataFrame(data, index=pd.RangeIndex(len(frame)), copy=False)


def _frame(header: Sequence[str], body: list[list[str]]) -> pd.DataFrame:
    """Build the frame column-wise; columns with no header and no data (Excel padding) go."""
    lengths = set(map(len, body))
    width = max(lengths | {len(header)})
    cells = list(header) + [""] * (width - len(header))
    names = clean_header(cells)
    if lengths - {width}:
        body = [r if len(r) == width else r + [""] * (width - len(r)) for r in body]
    columns = list(zip(*body, strict=True)) if body else [() for _ in names]
    data = {}
    for j, (n, col) in enumerate(zip(names, columns, strict=True)):
        if not cells[j].strip() and not any(col):
            continue
        data[n] = pd.Series(col, dtype="str") if col else pd.Series([], dtype="str")
    return pd.DataFrame(data, index=pd.RangeIndex(len(body)))


# --- spreadsheets ----------------------------------------------------------------------------


def read_sheets(path: Path, name: str) -> list[tuple[str, list[list[str]]]]:
    """Every worksheet of an .xlsx/.xlsm/.xls/.ods file as (sheet name, grid of text cells).

    grid[0] is spreadsheet row 1 even when the top rows are empty. Numbers lose Excel's float
    noise (2019.0 -> "2019"), dates become "YYYY-MM-DD", booleans "TRUE"/"FALSE".
    Example: read_sheets(Path("alumni.xlsx"), "alumni.xlsx") ->
    [("Class of 2019", [["Name", "Class"], ["Ada Lovelace", "2019"]])].
    """
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets = []
        for meta in book.sheets_metadata:
            if meta.typ not in (SheetTypeEnum.WorkSheet,):
                continue
            grid = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            sheets.append((meta.name, [_row_text(row) for row in grid]))
    except Exception as error:  # calamine raises many types (zip, xml, password, io)
        kind = "is password-protected" if "password" in str(error).lower() else "is unreadable"
        raise InputError(
            f"{name} {kind} as a spreadsheet; open it in Excel and save it again as .xlsx "
            "(without a password), or export it as CSV."
        ) from None
    return sheets


def _row_text(row: list[object]) -> list[str]:
    # Most cells are text already: the type test inline saves a call per cell on big sheets.
    return [v if v.__class__ is str else _cell_text(v) for v in row]


def _cell_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def grid_table(
    grid: list[list[str]],
    name: str,
    score_header: HeaderScorer,
    *,
    sheet: str = "",
    min_score: float = 2,
    max_scan: int = 60,
    what: str = "the expected kind of table",
) -> TextTable:
    """Turn a sheet's grid (from read_sheets) into a TextTable, finding the header by content.

    Rows above the header (titles, merged cells) are dropped; empty rows below it are not rows.
    lines are spreadsheet row numbers. Example: grid_table([["Alumni 2019"], [], ["Name", "Class"],
    ["Ada", "2019"]], "alumni.xlsx", scorer).lines -> [4], header_line == 3.
    """
    h = find_header(grid[:max_scan], score_header, min_score)
    if h is None:
        label = f"{name} [{sheet}]" if sheet else name
        raise _no_header(label, what, max_scan)
    keep = [i for i in range(h + 1, len(grid)) if any(map(str.strip, grid[i]))]
    body = [grid[i] for i in keep]
    frame = _frame(grid[h], body)
    lines = np.asarray(keep, dtype=np.int64) + 1
    label = f"{name} [{sheet}]" if sheet else name
    suffix = Path(name).suffix.lower().lstrip(".") or "xlsx"
    return TextTable(label, frame, lines, h + 1, suffix, "", sheet)
