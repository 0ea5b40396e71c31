"""The one place a value becomes a spreadsheet cell (or a CSV field).

Names, titles and companies are typed by strangers, so text is hostile until made inert.
A generic writer turns a ``str`` starting with ``=`` into a formula and ``"#N/A"`` into an error,
and Excel rejects some control characters. The rules:

* xlsx: text is stored as a string cell (``put`` calls XlsxWriter's ``write_string``), never as a
  formula, a number or a link, so it stays exact: ``"-5 years"`` reads back as ``"-5 years"``
  and ``"=1+1"`` shows as the text ``=1+1``.
* CSV: a CSV field has no type, so text whose first non-blank character is an OWASP trigger
  (``= + - @``, tab, CR, LF) gets a leading ``'`` as OWASP advises.
* Links: only LinkedIn profile addresses become hyperlinks (see ``safe_link``).

Every cell written by ``pipeline.export`` goes through ``cell_value`` (``safe_column`` for a whole
column) and then ``put`` (or ``write_cell``, both at once): headers, values and notes alike. A CSV
field goes through ``safe_csv_text`` (``csv_fields.safe_csv_arrow`` for a whole column: it
settles the fields that need nothing in Arrow and hands every other one to ``safe_csv_text``).
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

#: Excel refuses more than 32,767 characters (UTF-16 code units) in one cell.
EXCEL_CELL_LIMIT = 32_767
TRUNCATION_MARKER = " […]"

#: Characters that make Excel or LibreOffice read a CSV field as a formula (OWASP), plus their
#: full-width forms, which some East Asian Excel versions accept as formula starters.
_CSV_TRIGGERS = frozenset("=+-@\t\r\n＝＋－＠")

#: C0 controls but tab, LF and CR (XML 1.0 cannot carry them), lone surrogates, U+FFFE/U+FFFF.
_UNWRITABLE_RE = re.compile(r"[\000-\010\013\014\016-\037\ud800-\udfff\ufffe\uffff]")
_CR_RE = re.compile(r"\r\n?")
#: Text a CSV field takes as it is: no trigger or blank first, nothing to remove or change.
_CSV_PLAIN = re.compile(
    r"[^\000-\040=+\-@＝＋－＠\ud800-\udfff\ufffe\uffff]"
    r"[^\000-\010\013\014\015\016-\037\ud800-\udfff\ufffe\uffff]*"
)

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


def safe_text(value: object, *, max_len: int = EXCEL_CELL_LIMIT) -> str | None:
    """Text fit for a string cell: None when missing, else the text without unwritable characters.

    Missing is None, NaN, NA, NaT or text that is empty or blank. CR and CRLF become LF, because
    XML readers turn a stored CR into LF anyway and Excel breaks lines on LF. Text longer than
    ``max_len`` (at most Excel's 32,767) is cut and ends with " […]". Formula-like text is kept as
    it is: ``put`` stores it as a string, which is what makes it inert.

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


#: What ``str.isspace`` calls blank (a test checks the list against Python's own); text starting
#: with one of these never takes the vectorised fast path below.
PYTHON_SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _plain_re2(not_first: str = "") -> str:
    """RE2 (for Arrow) for text that needs nothing: no blank first character (so ``strip``
    cannot empty it), nor one of ``not_first``; no character to remove (C0 controls but tab and
    LF, U+FFFE, U+FFFF) or CR to change anywhere. Arrow text cannot hold lone surrogates, so
    they need no mention."""
    spaces = "".join(f"\\x{{{ord(c):x}}}" for c in PYTHON_SPACES if ord(c) > 0x20)
    return (
        f"^[^\\x00-\\x20{not_first}\\x{{fffe}}\\x{{ffff}}{spaces}]"
        "[^\\x00-\\x08\\x0b-\\x1f\\x{fffe}\\x{ffff}]*$"
    )


#: ``_CSV_PLAIN`` for Arrow, stricter still: no blank first character.
_CSV_PLAIN_RE2 = _plain_re2("=+\\-@＝＋－＠")
#: Text a cell takes as it is (``safe_text`` returns it unchanged).
_CELL_PLAIN_RE2 = _plain_re2()


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


def put(ws: Worksheet, row: int, col: int, safe: object, fmt: Format | None = None) -> None:
    """Write a value that already went through ``cell_value`` at (row, col), 0-based, by its
    type: text is always a string cell (never a formula, a number or a link), so it stays inert.
    None writes a blank cell when ``fmt`` is given (a tinted user column), else nothing."""
    kind = type(safe)
    if kind is str:
        ws.write_string(row, col, safe, fmt)
    elif kind is bool:
        ws.write_boolean(row, col, safe, fmt)
    elif kind is int or kind is float:
        ws.write_number(row, col, safe, fmt)
    elif safe is None:
        if fmt is not None:
            ws.write_blank(row, col, None, fmt)
    elif isinstance(safe, dt.datetime | dt.date | dt.time | dt.timedelta):
        ws.write_datetime(row, col, safe, fmt)
    else:  # cell_value returns nothing else; never hand anything unchecked to the writer
        ws.write_string(row, col, safe_text(safe) or "", fmt)


def write_cell(
    ws: Worksheet, row: int, col: int, value: object, fmt: Format | None = None
) -> object:
    """Write ``value`` at (row, col), 0-based, through ``cell_value``; return what was written.

    >>> import io, xlsxwriter
    >>> book = xlsxwriter.Workbook(io.BytesIO())
    >>> write_cell(book.add_worksheet(), 0, 0, "=1+1")  # stored as the text "=1+1"
    '=1+1'
    """
    safe = cell_value(value)
    put(ws, row, col, safe, fmt)
    return safe


def safe_column(values: Iterable[object]) -> list[object]:
    """``cell_value`` of each value, computed once per distinct value (columns repeat a lot);
    a Series of numbers, booleans or text is done column-wise (a sheet of 400,000 cells must
    not pay a dictionary look-up per cell)."""
    if isinstance(values, pd.Series):
        fast = _safe_series(values)
        if fast is not None:
            return fast
        values = values.tolist()
    seen: dict[tuple[type, object], object] = {}
    out: list[object] = []
    for value in values:
        if isinstance(value, float | np.floating) and value == 0:
            out.append(cell_value(value))  # -0.0 == 0.0: a shared entry would lose the sign
            continue
        key = (type(value), value)  # 1, 1.0 and True are equal keys otherwise
        try:
            safe = seen[key]
        except KeyError:
            safe = seen[key] = cell_value(value)
        except TypeError:  # unhashable (a list in a cell): no caching
            safe = cell_value(value)
        out.append(safe)
    return out


def _safe_series(series: pd.Series) -> list[object] | None:
    """``cell_value`` of each value of a float, integer, boolean or text column, vectorised
    (None for any other column): floats stay floats but NaN and infinities become None,
    integers and booleans become Python ones (missing ones None), text goes through
    ``_safe_texts``."""
    kind = series.dtype
    if isinstance(kind, np.dtype) and kind.kind == "f":
        floats = series.to_numpy()
        out = floats.astype(object)  # Python floats, -0.0 kept
        out[~np.isfinite(floats)] = None
        return out.tolist()
    if isinstance(kind, np.dtype) and kind.kind in "iub":
        return series.tolist()  # Python ints or bools, as cell_value makes them
    if isinstance(kind, pd.api.extensions.ExtensionDtype) and (
        pd.api.types.is_integer_dtype(kind) or pd.api.types.is_bool_dtype(kind)
    ):  # nullable (Int64, boolean, int64[pyarrow] …): Python ints or bools, NA as None
        return series.to_numpy(dtype=object, na_value=None).tolist()
    if isinstance(kind, pd.StringDtype) or pd.api.types.is_object_dtype(kind):
        return _safe_texts(series)
    return None


def _safe_texts(series: pd.Series) -> list[object] | None:
    """``cell_value`` of each value of a column of text (missing values allowed), or None when
    the column holds anything else: one RE2 match over its distinct values finds those that
    need nothing (most of them); only the others go through ``safe_text``, the one rule."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        text = pa.array(series, from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError, UnicodeError):
        return None  # numbers, dates or lone surrogates among the text: value by value
    if not (pa.types.is_string(text.type) or pa.types.is_large_string(text.type)):
        return None
    if isinstance(text, pa.ChunkedArray):  # (an empty column comes as one)
        text = text.combine_chunks()
    encoded = text.dictionary_encode()  # each distinct value once; missing stays missing
    distinct = encoded.dictionary
    plain = pc.and_(
        pc.match_substring_regex(distinct, _CELL_PLAIN_RE2),
        pc.less_equal(pc.utf8_length(distinct), EXCEL_CELL_LIMIT // 2),
    )
    values = distinct.to_pylist()
    safe = np.array([*values, None], dtype=object)  # the last one: for missing values
    for i in np.flatnonzero(~plain.to_numpy(zero_copy_only=False)):
        safe[i] = safe_text(values[i])
    codes = encoded.indices.fill_null(len(values)).to_numpy(zero_copy_only=False)
    return safe[codes].tolist()
