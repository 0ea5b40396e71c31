"""CSV-like text into a TextTable: the dialect (comma, semicolon, tab, pipe; rows wrapped whole
in quotes) and a header not on line 1 (LinkedIn's "Notes:" preamble, blank or padded lines).

Every cell comes back as text ("" when missing, never NaN): "NA" or "None" stay what people typed.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from pipeline.errors import InputError
from pipeline.ingest import arrow_csv
from pipeline.ingest.decode import decode, utf8_head
from pipeline.ingest.table import (
    MAX_COLUMNS,
    HeaderScorer,
    TextTable,
    clean_header,
    find_header,
    frame_of,
    no_header,
)
from pipeline.text.arrow_text import text_series

DELIMITERS = (",", ";", "\t", "|")
_HEAD_LINES = 400  # lines looked at to choose the delimiter; the header is within max_scan of them


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
    best = (float("-inf"), ",", False)
    best_key: tuple[float, ...] = (float("-inf"),)
    absent_seen = False
    for order, delimiter in enumerate(DELIMITERS):
        # Delimiters the head never holds all split it alike, one cell a line: only the first of
        # them can win (the others tie with it and lose on order), so only it is scored.
        if delimiter not in head:
            if absent_seen:
                continue
            absent_seen = True
        records = _head_records(head, delimiter, max_scan + 50)
        for wrapped in (False, True):
            if wrapped:
                unwrapped = [_unwrap(r, delimiter) for r in records]
                if not any(unwrapped):
                    continue  # the same rows as not wrapped, which win the tie
                rows = [u or r for u, r in zip(unwrapped, records, strict=True)]
            else:
                rows = records
            i = find_header(rows[:max_scan], score_header, float("-inf"))
            if i is None:
                continue
            score = score_header(clean_header(rows[i][:MAX_COLUMNS]))
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
    quick = utf8_head(data, name, _HEAD_LINES)  # plain UTF-8: the rest is not made a str
    if quick is not None:
        (head, whole), text, encoding = quick, None, "utf-8"
    else:
        text, encoding = decode(data, name)
        head, whole = _head_of(text)
    score, delimiter, wrapped = _choose_dialect(head, score_header, max_scan)
    if score < min_score:
        raise no_header(name, what, max_scan)

    fast = _read_fast(
        data, text, head, whole, encoding, delimiter, wrapped, score_header, min_score, max_scan
    )
    if fast is not None:
        frame, lines, header_line = fast
    else:
        frame, lines, header_line = _read_slow(
            data.decode("utf-8") if text is None else text,
            name, delimiter, wrapped, score_header, min_score, max_scan, what,
        )  # fmt: skip
    newline = "CRLF" if "\r\n" in head else "CR" if "\r" in head else "LF"
    return TextTable(
        name, frame, lines, header_line, encoding, delimiter, wrapped=wrapped, newline=newline
    ).narrowed()


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
            raise no_header(name, what, max_scan)
        header = rows[h]
        body = records[h + 1 :]
        del records
        _check_swallowed(body, starts[h + 1 :], len(header), text, name, delimiter)
        if wrapped:
            body = _unwrap_all(body, delimiter)
        frame = frame_of(header, body)
    finally:
        if gc_was_enabled:
            gc.enable()
    return frame, np.asarray(starts[h + 1 :], dtype=np.int64), int(starts[h])


def _check_swallowed(
    body: list[list[str]], starts: list[int], width: int, text: str, name: str, delimiter: str
) -> None:
    """Raise InputError when a quote never closed swallowed the rows after it into one cell.

    csv reads to the end of the file inside an open quote without a word, and those rows would
    vanish into one cell. A quoted cell may hold line breaks ("Product Manager\nRemote", an
    address with commas), so it takes all three: an odd number of quote characters, the last
    record spanning lines, and lines inside its cell with a row's worth of delimiters.
    """
    if not body or text.count('"') % 2 == 0:
        return
    rows = sum(
        line.count(delimiter) >= max(width - 1, 1)
        for cell in body[-1]
        for line in cell.split("\n")[1:]
    )
    if rows:
        raise InputError(
            f"{name}: the quote opened in the record on line {starts[-1]} is never closed, so "
            f"{rows:,} row{'s' if rows > 1 else ''} after it were read as one cell; close or "
            "remove that quote and run again."
        )


_FIELD_LIMIT = 131_072  # csv's default field size limit: longer lines go the slow way, to match


def _read_fast(
    data: bytes,
    text: str | None,
    head: str,
    whole: bool,
    encoding: str,
    delimiter: str,
    wrapped: bool,
    score_header: HeaderScorer,
    min_score: float,
    max_scan: int,
) -> tuple[pd.DataFrame, np.ndarray, int] | None:
    """(frame, lines, header line) by Arrow's CSV reader (``arrow_csv``; pandas' C parser when
    Arrow refuses the body), or None when the slow path must decide.

    The header is found by the csv module on the head, as in the slow path; the body goes to
    a C parser only when one physical line is one record, which is what keeps line numbers exact:
    no lone CR, no row longer than the first, no quoted newline. The last is proved by counting:
    with blank lines kept, a C parser returns one row per line unless a quote spans lines.
    """
    # text is None: plain UTF-8 read from its head alone (decode.utf8_head); the bytes serve
    if wrapped or _lone_cr(data if text is None or encoding.startswith("utf-8") else text):
        return None  # lone CRs (old Mac files) end lines for csv but are not counted here
    found = _head_lines(head, whole, delimiter, score_header, min_score, max_scan)
    if found is None:
        return None
    header, header_line, first_line = found
    offset = _nth_newline(head, first_line - 1)  # within the head, where the body begins
    if text is None or encoding in ("utf-8", "utf-8-sig"):
        start = len(head[:offset].encode("utf-8")) + (3 if encoding == "utf-8-sig" else 0)
        body = memoryview(data)[start:]
    else:
        body = memoryview(text[offset:].encode("utf-8"))
    raw = np.frombuffer(body, dtype=np.uint8)
    ends, quotes = _positions(raw, (10, 34))  # line ends, quotes
    n_lines = len(ends) + (len(raw) > 0 and raw[-1] != 10)
    if not n_lines:
        return None
    begins = np.concatenate(([0], ends + 1))[:n_lines]
    if max(np.diff(begins).max(initial=0), len(raw) - begins[-1]) > _FIELD_LIMIT:
        return None
    if len(quotes) and (np.searchsorted(quotes, ends) & 1).any():
        return None  # an odd quote count at a line end: a quoted newline, most likely
    lines = np.arange(first_line, first_line + n_lines, dtype=np.int64)
    blank = _blank_lines(raw, begins, delimiter)
    read = arrow_csv.read_rows(body, raw, begins, delimiter)
    if read is not None:
        # Arrow reads a quote left open at the very end as closed there; pandas refuses it.
        last = begins[np.flatnonzero(~read[1])[-1]]
        if _pandas_rows(body[last:], delimiter) is None:
            read = None
    if read is not None:  # Arrow skips empty lines: their numbers go too
        frame, empty = read
        lines, blank = lines[~empty], blank[~empty]
    else:
        frame = _pandas_rows(body, delimiter)
        if frame is None or len(frame) != n_lines:
            return None
    if blank.any():
        frame = frame.loc[~blank].reset_index(drop=True)
        lines = lines[~blank]
    return _named(header, frame), lines, header_line


#: Bytes compared at a time by ``_positions``: a small buffer used again and again costs less
#: than a fresh one as big as the file (this host makes fresh pages slowly).
_SCAN = 1 << 22


def _positions(raw: np.ndarray, values: Sequence[int]) -> list[np.ndarray]:
    """For each byte value, where ``raw`` holds it: ``np.flatnonzero(raw == v)`` for each
    ``v``, found a few megabytes at a time into one reused buffer (not a boolean array the size
    of the file per value)."""
    found: list[list[np.ndarray]] = [[] for _ in values]
    equal = np.empty(min(len(raw), _SCAN), dtype=bool)
    for start in range(0, len(raw), _SCAN):
        piece = raw[start : start + _SCAN]
        out = equal[: len(piece)]
        for positions, value in zip(found, values, strict=True):
            np.equal(piece, value, out=out)
            positions.append(np.flatnonzero(out) + start)
    return [np.concatenate(p) if p else np.zeros(0, dtype=np.intp) for p in found]


def _pandas_rows(body: memoryview, delimiter: str) -> pd.DataFrame | None:
    """Every line of ``body`` a row (an empty line too), by pandas' C parser; None when it
    refuses the body."""
    try:
        return pd.read_csv(
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


def _head_lines(
    head: str,
    whole: bool,
    delimiter: str,
    score_header: HeaderScorer,
    min_score: float,
    max_scan: int,
) -> tuple[list[str], int, int] | None:
    """(header cells, header line, first body line), found on the head (the first _HEAD_LINES
    lines; ``whole``: all of the text) as _parse_all would.

    None when the head does not settle it: too few whole records in it to be sure the header is
    the one the full parse finds, or no record after the header.
    """
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
    if isinstance(text, str):
        return "\r" in text and text.count("\r") != text.count("\r\n")
    return b"\r" in text and text.count(b"\r") != text.count(b"\r\n")


def _blank_lines(raw: np.ndarray, begins: np.ndarray, delimiter: str) -> np.ndarray:
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


def _head_of(text: str) -> tuple[str, bool]:
    """The head the dialect and the header are found on (the first _HEAD_LINES lines), and
    whether it is all of ``text``."""
    head = text[: _nth_newline(text, _HEAD_LINES)]
    return head, len(head) == len(text)


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
            data[n] = text_series([""] * len(frame))
            continue
        col = frame[j]
        if not cells[j].strip() and not (col.to_numpy() != "").any():
            continue
        data[n] = col
    return pd.DataFrame(data, index=pd.RangeIndex(len(frame)), copy=False)
