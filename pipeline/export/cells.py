"""The one place a value becomes a spreadsheet cell (or a CSV field).

Names, titles and companies are typed by strangers, so text is hostile until made inert.
openpyxl turns any ``str`` starting with ``=`` into a formula cell and ``"#N/A"`` into an error
cell, and both openpyxl and Excel reject some control characters. The rules:

* xlsx: text is stored as a string cell (``data_type "s"``), never as a formula, so it stays exact:
  ``"-5 years"`` reads back as ``"-5 years"`` and ``"=1+1"`` shows as the text ``=1+1``.
* CSV: a CSV field has no type, so text whose first non-blank character is an OWASP trigger
  (``= + - @``, tab, CR, LF) gets a leading ``'`` as OWASP advises.
* Links: only LinkedIn profile addresses become hyperlinks (see ``safe_link``).

Every text cell written by ``pipeline.export`` goes through ``write_cell``, ``append_row``,
``append_rows`` or ``cell_rows`` (the streaming path for write-only worksheets).
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Iterable, Iterator, Sequence
from copy import copy
from urllib.parse import quote, unquote

import numpy as np
import pandas as pd
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell, WriteOnlyCell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.export.stream import PlainRow, is_plain

#: Excel refuses more than 32,767 characters (UTF-16 code units) in one cell.
EXCEL_CELL_LIMIT = 32_767
TRUNCATION_MARKER = " […]"

#: Characters that make Excel or LibreOffice read a CSV field as a formula (OWASP), plus their
#: full-width forms, which some East Asian Excel versions accept as formula starters.
_CSV_TRIGGERS = frozenset("=+-@\t\r\n＝＋－＠")

#: openpyxl's own list, plus lone surrogates and U+FFFE/U+FFFF, which XML cannot carry at all.
_UNWRITABLE_RE = re.compile(ILLEGAL_CHARACTERS_RE.pattern + r"|[\ud800-\udfff\ufffe\uffff]")
_CR_RE = re.compile(r"\r\n?")

_LINKEDIN_RE = re.compile(
    r"https://(?:[a-z0-9-]{1,63}\.)?linkedin\.com/in/(?P<slug>[^/?#\s]+)/?",
    re.IGNORECASE | re.ASCII,  # ASCII: otherwise the Kelvin sign would match "k" in "linkedin"
)
_SLUG_RE = re.compile(r"[\w-]{1,100}")


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.api.types.is_scalar(value) and pd.isna(value))
    except (TypeError, ValueError):
        return False


def _truncate(text: str, max_len: int) -> str:
    # Excel counts UTF-16 code units, so an emoji counts twice; cut on that measure.
    if len(text) <= max_len // 2:
        return text
    units = text.encode("utf-16-le")
    if len(units) // 2 <= max_len:
        return text
    keep = max(max_len - len(TRUNCATION_MARKER), 0)
    # errors="ignore" drops half of a surrogate pair cut in two
    return units[: keep * 2].decode("utf-16-le", errors="ignore") + TRUNCATION_MARKER


def safe_text(value: object, *, max_len: int = 32_000) -> str | None:
    """Text fit for a string cell: None when missing, else the text without unwritable characters.

    Missing is None, NaN, NA, NaT or text that is empty or blank. CR and CRLF become LF, because
    XML readers turn a stored CR into LF anyway and Excel breaks lines on LF. Text longer than
    ``max_len`` is cut and ends with " […]". Formula-like text is kept as it is: ``write_cell``
    stores it as a string, which is what makes it inert.

    >>> safe_text("=1+1"), safe_text("a\\x00b\\r\\nc"), safe_text("  "), safe_text(float("nan"))
    ('=1+1', 'ab\\nc', None, None)
    """
    if isinstance(value, str):
        text = value
    elif _is_missing(value):
        return None
    else:
        text = str(value)
    text = _CR_RE.sub("\n", _UNWRITABLE_RE.sub("", text))
    if not text.strip():
        return None
    return _truncate(text, min(max_len, EXCEL_CELL_LIMIT))


def safe_csv_text(value: object) -> str:
    """A CSV field that Excel and LibreOffice will not run: "" when missing, numbers as digits.

    Text whose first non-blank character is ``= + - @`` (or which starts with tab, CR or LF) gets a
    leading ``'``.

    >>> safe_csv_text("=1+1"), safe_csv_text(" @SUM(A1)"), safe_csv_text(-5), safe_csv_text(None)
    ("'=1+1", "' @SUM(A1)", '-5', '')
    """
    value = cell_value(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, numbers.Number):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    text = str(value)
    if text[0] in _CSV_TRIGGERS or text.lstrip()[:1] in _CSV_TRIGGERS:
        return "'" + text
    return text


def safe_link(url: object) -> str | None:
    """``https://www.linkedin.com/in/<slug>`` for a LinkedIn profile address, else None.

    Accepted: https, linkedin.com or one subdomain of it (www, ca …), ``/in/<slug>`` with an
    optional trailing slash, nothing else (no credentials, port, query, other path, control
    character). The slug may be percent-encoded; it is lower-cased and re-encoded.

    >>> safe_link("https://ca.linkedin.com/in/Jane-Doe-1a2b/"), safe_link("javascript:alert(1)")
    ('https://www.linkedin.com/in/jane-doe-1a2b', None)
    """
    if not isinstance(url, str):
        return None
    match = _LINKEDIN_RE.fullmatch(url.strip(" "))
    if match is None:
        return None
    try:
        slug = unquote(match["slug"], errors="strict")
    except UnicodeDecodeError:
        return None
    if not _SLUG_RE.fullmatch(slug):
        return None
    return "https://www.linkedin.com/in/" + quote(slug.lower(), safe="-_")


def cell_value(value: object) -> object:
    """What to put in a cell: numbers, booleans and dates as they are, text through ``safe_text``.

    NaN, NaT, NA and infinities become None; numpy scalars become Python ones; time zones are
    dropped (Excel has none), keeping the wall-clock time.

    >>> cell_value(np.int64(3)), cell_value(float("inf")), cell_value("=1")
    (3, None, '=1')
    """
    if isinstance(value, str):
        return safe_text(value)
    if _is_missing(value):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime(warn=False)
    if isinstance(value, dt.datetime | dt.time):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date | dt.timedelta):
        return value
    return safe_text(value)


def write_cell(
    ws: Worksheet, row: int, col: int, value: object, *, number_format: str | None = None
) -> Cell:
    """Write ``value`` at (row, col) through ``cell_value``; text is always a string cell.

    openpyxl infers a formula for "=…" and an error for "#N/A"; forcing ``data_type`` back to "s"
    is what keeps such text inert.
    """
    safe = cell_value(value)
    cell = ws.cell(row=row, column=col)
    cell.value = safe
    if isinstance(safe, str):
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format
    return cell


def safe_column(values: Iterable[object]) -> list[object]:
    """``cell_value`` of each value, computed once per distinct value (columns repeat a lot)."""
    seen: dict[tuple[type, object], object] = {}
    out: list[object] = []
    for value in values:
        key = (type(value), value)  # 1, 1.0 and True are equal keys otherwise
        try:
            safe = seen[key]
        except KeyError:
            safe = seen[key] = cell_value(value)
        except TypeError:  # unhashable (a list in a cell): no caching
            safe = cell_value(value)
        out.append(safe)
    return out


def append_rows(ws: Worksheet, columns: Sequence[Iterable[object]]) -> None:
    """Append rows given column by column, each value through ``cell_value``: the fast bulk path.

    >>> from openpyxl import Workbook
    >>> ws = Workbook().active
    >>> append_rows(ws, [["=1+1", "Ada"], [0.5, None]])
    >>> [(c.value, c.data_type) for c in ws[1]]
    [('=1+1', 's'), (0.5, 'n')]
    """
    safe = [safe_column(col) for col in columns]
    # openpyxl infers "f" for "=…" and "e" for "#N/A" on append; only those need forcing back.
    risky = [
        (offset, col)
        for col, values in enumerate(safe, start=1)
        for offset, value in enumerate(values)
        if isinstance(value, str) and (value.startswith("=") or value in ERROR_CODES)
    ]
    first = next_row(ws)
    for row in zip(*safe, strict=True):
        ws.append(row)
    for offset, col in risky:
        ws.cell(row=first + offset, column=col).data_type = "s"


def _risky(value: object) -> bool:
    # openpyxl infers "f" for "=…" and "e" for "#N/A"; only those need forcing back to text.
    return isinstance(value, str) and (value.startswith("=") or value in ERROR_CODES)


def cell_rows(
    ws: Worksheet,
    columns: Sequence[Iterable[object]],
    styles: Sequence[StyleArray | None] | None = None,
    links: Sequence[Sequence[str | None] | None] | None = None,
) -> Iterator[list[object]]:
    """Rows for ``ws.append`` (write-only or normal sheets), built from columns of values.

    Each value goes through ``cell_value``. A value becomes a cell object when it needs one: text
    openpyxl would take for a formula or an error (forced back to a string), a styled column
    (``styles[i]``, the ``_style`` of a model cell, e.g. a date format), or a hyperlink
    (``links[i][row]``, which must already be a ``safe_link`` address).

    >>> from openpyxl import Workbook
    >>> wb = Workbook(write_only=True)
    >>> ws = wb.create_sheet()
    >>> rows = list(cell_rows(ws, [["=1+1", "Ada"], [0.5, None]]))
    >>> [(c.value, c.data_type) for c in (rows[0][0],)], rows[1]
    ([('=1+1', 's')], ['Ada', None])
    """
    safe = [safe_column(col) for col in columns]
    styles = list(styles or [None] * len(safe))
    links = list(links or [None] * len(safe))
    plain = all(s is None for s in styles) and all(link is None for link in links)
    for i, row in enumerate(zip(*safe, strict=True)):
        if plain and not any(map(_risky, row)):
            # the common case on big sheets: no cell objects at all (see export/stream.py)
            yield PlainRow(row) if is_plain(row) else list(row)
            continue
        out: list[object] = list(row)
        for j, value in enumerate(row):
            style, link = styles[j], links[j]
            url = link[i] if link is not None else None
            url = url if isinstance(url, str) else None  # None, or NaN from a pandas column
            if style is None and url is None and not _risky(value):
                continue
            cell = WriteOnlyCell(ws, value)
            if isinstance(value, str):
                cell.data_type = "s"
            if style is not None:
                cell._style = copy(style)
            if url is not None:
                cell.hyperlink = url
            out[j] = cell
        yield out


def append_row(ws: Worksheet, values: Iterable[object]) -> int:
    """Append one row of values through ``cell_value``; return its row number."""
    append_rows(ws, [[value] for value in values])
    return next_row(ws) - 1


def next_row(ws: Worksheet) -> int:
    """The row ``ws.append`` writes next (unlike ``max_row``, this counts rows appended empty)."""
    return ws._current_row + 1  # openpyxl keeps no public equivalent
