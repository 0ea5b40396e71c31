"""Text columns (pandas' "str" dtype, Arrow strings) built by Arrow from Python text.

``pd.Series(values, dtype="str")`` checks and converts every value in a Python-level loop
(``lib.ensure_string_array``) before Arrow copies them: about 0.6 s per million strings, the
largest single cost of reading a 200,000-row spreadsheet. When every value is already text (or
missing), Arrow reads the Python strings itself, several times faster, to the same column;
anything else (numbers, booleans, other objects) still goes through pandas' conversion.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa


def text_array(values: Sequence[object] | np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``pd.array(values, dtype="str")``: the same array, made by Arrow when every value is a
    str (or None/NaN, which become missing)."""
    if isinstance(values, str | bytes):  # Arrow would read one text as a sequence of letters
        return pd.array(values, dtype="str")
    try:
        arrow = pa.array(values, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # a number, a bool, another object
        return pd.array(values, dtype="str")
    return pd.array(arrow, dtype="str")


def text_series(
    values: str | Sequence[object] | np.ndarray, index: pd.Index | None = None
) -> pd.Series:
    """``pd.Series(values, index=index, dtype="str")``, built as ``text_array`` builds it; one
    str is repeated on every row of ``index``."""
    if isinstance(values, str):
        values = [values] * (0 if index is None else len(index))
    return pd.Series(text_array(values), index=index, copy=False)


def taken_series(
    values: Sequence[object] | np.ndarray, codes: np.ndarray, index: pd.Index | None = None
) -> pd.Series:
    """``text_series(values[codes])``: the distinct ``values`` made text once, then taken by
    ``codes`` (non-negative positions into ``values``) in Arrow."""
    distinct = text_array(values)
    return pd.Series(distinct.take(np.asarray(codes, dtype=np.intp)), index=index, copy=False)


def object_array(items: Sequence[object]) -> np.ndarray:
    """``items`` as a 1-D object array, one cell per item even when items are tuples or lists
    (``np.asarray`` would make those a 2-D array).

    >>> object_array([("ann", "lee"), ("bo", "ng")]).shape
    (2,)
    """
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out
