"""Whole CSV columns made safe at once: ``cells.safe_csv_text``, the one rule for a CSV field,
applied to a column of 200,000 to a million values without a Python call per field.

Text is settled in Arrow (numpy on the bytes says which values surely need nothing, one RE2
match the rest) and every value that needs something goes through ``safe_csv_text`` once per
distinct value; floats once per distinct value; integers by Arrow's cast. Split from
``cells`` (which keeps the rules themselves: ``safe_text``, ``safe_csv_text`` and their
patterns) when that module passed 450 lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pipeline.export.cells import _CSV_PLAIN, _CSV_PLAIN_RE2, EXCEL_CELL_LIMIT, safe_csv_text

if TYPE_CHECKING:
    import pyarrow as pa


def safe_csv_arrow(values: Iterable[object]) -> pa.Array:
    """``safe_csv_text`` of each value as an Arrow text array (no nulls), for a column written to
    a CSV of 200,000 rows or more without a Python call per field.

    Text (an Arrow ``str`` column, or objects that are all text or missing): one RE2 match over
    the column finds the fields that need nothing (no trigger or blank first, nothing to remove,
    short enough); missing and empty ones are ""; every other distinct value goes through
    ``safe_csv_text``, the one rule. Integers by Arrow's cast (which is ``str()``), floats and
    booleans by ``float_fields`` and ``_csv_fields``.

    >>> safe_csv_arrow(pd.Series(["=1+1", None, "ok"], dtype="str")).to_pylist()
    ["'=1+1", '', 'ok']
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    kind = series.dtype
    if isinstance(kind, pd.StringDtype) or pd.api.types.is_object_dtype(kind):
        try:
            text = pa.array(series, from_pandas=True)
        except (pa.ArrowException, TypeError, ValueError, UnicodeError):
            text = None  # numbers, dates or lone surrogates among the text: value by value
        if text is not None and (pa.types.is_string(text.type) or
                                 pa.types.is_large_string(text.type)):  # fmt: skip
            return safe_csv_texts(text)
    if pd.api.types.is_integer_dtype(kind):  # Arrow writes an integer as str() does
        number = pa.array(series, from_pandas=True)
        return pc.cast(number, pa.large_string()).fill_null("")
    if pd.api.types.is_float_dtype(kind):
        codes, fields = float_fields(series.to_numpy(dtype="float64", na_value=np.nan))
        return fields.take(codes)
    return pa.array(_csv_fields(series), type=pa.large_string())


def safe_csv_texts(text: pa.Array) -> pa.Array:
    """``safe_csv_text`` of each value of an Arrow text array (null is missing), as Arrow
    large_string without nulls. Most values need nothing, and numpy says so from their bytes
    (``_surely_csv_plain``); the others take one RE2 match (nothing to remove, no trigger or
    blank first, at most EXCEL_CELL_LIMIT // 2 bytes, so never cut), and those that still need
    something, missing and empty ones included, go through ``safe_csv_text`` once per distinct
    value.

    >>> import pyarrow as pa
    >>> safe_csv_texts(pa.array(["=1+1", None, "ok", ""])).to_pylist()
    ["'=1+1", '', 'ok', '']
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    text = text.cast(pa.large_string())
    unsure = ~_surely_csv_plain(text)
    if not unsure.any():
        return text
    mask = pa.array(unsure)
    rest = text.filter(mask)
    plain = pc.and_kleene(
        pc.match_substring_regex(rest, _CSV_PLAIN_RE2),
        pc.less_equal(pc.binary_length(rest), EXCEL_CELL_LIMIT // 2),  # bytes: at least chars
    )
    odd = pc.invert(plain.fill_null(False))
    if pc.any(odd).as_py():
        values = rest.filter(odd).dictionary_encode()  # each distinct odd value once
        fields = [safe_csv_text(v) for v in values.dictionary.to_pylist()]
        settled = pa.array([*fields, ""], type=pa.large_string()).take(
            values.indices.fill_null(len(fields))
        )
        rest = pc.replace_with_mask(rest, odd, settled)
    return pc.replace_with_mask(text, mask, rest)


#: First bytes (UTF-8) of text a CSV field may take as it is. Left to the exact rule: C0
#: controls, space and the triggers, and the lead bytes of the other blanks (U+0085 and U+00A0:
#: C2; U+1680, U+2000 …, U+3000: E1, E2, E3) and of the full-width triggers and U+FFFE/U+FFFF
#: (EF), whatever follows them.
_CSV_FIRST_BYTE = np.ones(256, dtype=bool)
_CSV_FIRST_BYTE[:0x21] = False
_CSV_FIRST_BYTE[list(b"=+-@")] = False
_CSV_FIRST_BYTE[[0xC2, 0xE1, 0xE2, 0xE3, 0xEF]] = False


def _surely_csv_plain(text: pa.Array) -> np.ndarray:
    """Which values of ``text`` (Arrow large_string, one chunk) ``safe_csv_text`` surely returns
    as they are, seen on their bytes by numpy (a few comparisons a byte, cheaper than a regex):
    1 to EXCEL_CELL_LIMIT // 2 bytes, a first byte of ``_CSV_FIRST_BYTE``, no C0 control but tab
    and LF after it, no byte 0xEF (which U+FFFE and U+FFFF start with). False is "not sure"."""
    n = len(text)
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64)[text.offset : text.offset + n + 1]
    lengths = np.diff(offsets)
    sure = (lengths > 0) & (lengths <= EXCEL_CELL_LIMIT // 2)
    if text.null_count:
        sure &= text.is_valid().to_numpy(zero_copy_only=False)
    data = text.buffers()[2]
    if data is None or not sure.any():
        return sure
    body = np.frombuffer(data, dtype=np.uint8)[offsets[0] : offsets[-1]]
    starts = offsets[:-1] - offsets[0]
    sure[sure] = _CSV_FIRST_BYTE[body[starts[sure]]]
    odd = np.flatnonzero((body < 0x20) | (body == 0xEF))
    odd = odd[(body[odd] != 9) & (body[odd] != 10)]  # tab and LF may follow the first character
    if len(odd):  # the value each odd byte is in (the last to start at or before it)
        sure[np.searchsorted(starts, odd, side="right") - 1] = False
    return sure


def float_fields(floats: np.ndarray) -> tuple[np.ndarray, pa.Array]:
    """``safe_csv_text`` of each float, worked out once per distinct value (scores repeat): the
    fields (the distinct values', then "" for NaN and infinities, then those of 0.0 and -0.0,
    which are equal as keys) and each float's position among them."""
    import pyarrow as pa

    codes, distinct = pd.factorize(floats)  # NaN is -1
    n = len(distinct)
    texts = [*map(safe_csv_text, distinct.tolist()), "", safe_csv_text(0.0), safe_csv_text(-0.0)]
    codes = np.where(codes < 0, n, codes)
    zero = floats == 0
    if zero.any():  # each zero gets its own sign back
        codes[zero] = np.where(np.signbit(floats[zero]), n + 2, n + 1)
    return codes, pa.array(texts, type=pa.large_string())


def safe_csv_column(values: Iterable[object]) -> list[str]:
    """``safe_csv_text`` of each value, vectorised for a column of text or numbers (a 200,000-row
    CSV must not take a Python call per cell); anything else value by value.

    >>> safe_csv_column(pd.Series(["=1+1", None, " ok"])), safe_csv_column(pd.Series([1.5, None]))
    (["'=1+1", '', ' ok'], ['1.5', ''])
    """
    return safe_csv_arrow(values).to_pylist()


def _csv_fields(series: pd.Series) -> list[str]:
    """``safe_csv_text`` of each value of a column that is not all text, integers or floats:
    booleans vectorised, anything else value by value."""
    kind = series.dtype
    if pd.api.types.is_bool_dtype(kind) and not series.isna().any():
        return np.where(series.to_numpy(dtype=bool), "TRUE", "FALSE").tolist()
    ok = _CSV_PLAIN.fullmatch

    def field(v: object) -> str:
        # Most text needs nothing: one regex in C says so; the rest takes the full rule.
        if type(v) is str and len(v) <= EXCEL_CELL_LIMIT // 2 and ok(v) and v.strip():
            return v
        return safe_csv_text(v)

    return [field(v) for v in series.astype(object).tolist()]
