"""Text columns (pandas' "str" dtype, Arrow strings) built by Arrow from Python text.

``pd.Series(values, dtype="str")`` checks and converts every value in a Python-level loop
(``lib.ensure_string_array``) before Arrow copies them: about 0.6 s per million strings, the
largest single cost of reading a 200,000-row spreadsheet. When every value is already text (or
missing), Arrow reads the Python strings itself, several times faster, to the same column;
anything else (numbers, booleans, other objects) still goes through pandas' conversion.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: pandas' "str" dtype (Arrow text, NaN for a missing value), looked up once: given by its name,
#: pandas looks a dtype up among every registered extension type again on each call (tens of
#: microseconds a time, and a thousand times in the sample's run).
STR = pd.api.types.pandas_dtype("str")


def text_array(values: Sequence[object] | np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``pd.array(values, dtype="str")``: the same array, made by Arrow when every value is a
    str (or None/NaN, which become missing)."""
    if isinstance(values, str | bytes):  # Arrow would read one text as a sequence of letters
        return pd.array(values, dtype=STR)
    try:
        arrow = pa.array(values, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # a number, a bool, another object
        return pd.array(values, dtype=STR)
    return pd.array(arrow, dtype=STR)


def text_series(
    values: str | Sequence[object] | np.ndarray, index: pd.Index | None = None
) -> pd.Series:
    """``pd.Series(values, index=index, dtype="str")``, built as ``text_array`` builds it; one
    str is repeated on every row of ``index``."""
    if isinstance(values, str):
        return pd.Series(repeated(values, 0 if index is None else len(index)), index=index)
    return pd.Series(text_array(values), index=index, copy=False)


def repeated(value: str, n: int) -> pd.api.extensions.ExtensionArray:
    """``text_array([value] * n)``, repeated by Arrow (no list of ``n`` references to convert:
    a million rows, 5 ms instead of 70).

    >>> list(repeated("é", 2))
    ['é', 'é']
    """
    return pd.array(pa.repeat(pa.scalar(value, pa.large_string()), n), dtype=STR)


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


def distinct_rows(
    *columns: Sequence[object] | np.ndarray | pd.Series,
) -> tuple[np.ndarray, np.ndarray]:
    """(codes, first) for the rows of aligned ``columns``: each row's combination of values as
    a code 0..k-1, numbered in order of first appearance, and the row where each combination
    first appears. Text made from several columns is then made once per combination (reading
    the columns at ``first``) and taken by ``codes`` (``taken_series``), not once per row.
    A missing value (None, NaN) is a value like any other.

    >>> codes, first = distinct_rows(["a", "b", "a", "a"], [1, 2, 1, 3])
    >>> codes.tolist(), first.tolist()
    ([0, 1, 0, 2], [0, 1, 3])
    """
    key: np.ndarray | None = None
    for column in columns:
        # A NumPy array is factorized as it is: the same codes as in a Series, without making
        # one (an object array of text would first be inferred as, and copied into, Arrow text).
        values = column if isinstance(column, pd.Series | np.ndarray) else pd.Series(column)
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        codes = codes.astype(np.int64)
        # Numbered again after each column, the combined key stays below rows x uniques.
        key = codes if key is None else pd.factorize(key * len(uniques) + codes)[0]
    if key is None:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    # Codes appear in increasing order, so a row holds a new one when its code exceeds all before.
    seen = np.maximum.accumulate(np.concatenate([[-1], key[:-1]])) if len(key) else key
    return key.astype(np.intp), np.flatnonzero(key > seen)


#: Rows sampled to guess whether a text column holds few distinct values.
_SAMPLE = 2048


def _few_distinct(values: pa.Array) -> bool:
    """Whether ``values`` seems to repeat a lot: at most a quarter of evenly spaced rows differ."""
    step = max(1, len(values) // _SAMPLE)
    sample = values.take(pa.array(np.arange(0, len(values), step)))
    return pc.count_distinct(sample, mode="all").as_py() <= len(sample) // 4


def _take_text(
    values: pa.Array, positions: pa.Array, encoded: pa.DictionaryArray | None
) -> tuple[pa.Array, tuple[pa.Array, pa.Array] | None]:
    """(``values.take(positions)``, its (codes, dictionary) when it was taken through them); a
    column of few distinct values, taken in another order, is reordered through its dictionary
    codes (``encoded``, None for the others and for rows kept in their order): the integer
    codes are moved, and the strings copied from a dictionary small enough to stay in the
    cache, not fetched from all over a large buffer (rows kept in their order are read in one
    pass: Arrow's take is faster then)."""
    if encoded is None:
        return values.take(positions), None
    codes, dictionary = codes_at(encoded, positions)
    return dictionary.take(codes), (codes, dictionary)


def _encoded(values: pa.Array, always: bool = False) -> pa.DictionaryArray | None:
    """``values``' dictionary encoding when they seem to hold few distinct values (or
    ``always``), else None."""
    return pc.dictionary_encode(values) if always or _few_distinct(values) else None


def coded_rows(values: pa.Array, positions: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(codes, dictionary): ``values.take(positions)`` is ``dictionary.take(codes)``; a missing
    value's code is null. The distinct values of all ``values``, in order of first appearance.

    >>> codes, words = coded_rows(pa.array(["b", None, "a", "b"]), pa.array([3, 1, 2]))
    >>> codes.to_pylist(), words.to_pylist()
    ([0, None, 1], ['b', 'a'])
    """
    return codes_at(pc.dictionary_encode(values), positions)  # nulls stay nulls in the codes


def codes_at(encoded: pa.DictionaryArray, positions: pa.Array) -> tuple[pa.Array, pa.Array]:
    """``coded_rows`` of the values ``encoded`` (their ``dictionary_encode``) holds."""
    return encoded.indices.take(positions), encoded.dictionary


def encoded_columns(
    frame: pd.DataFrame, names: Sequence[object], always: frozenset[object] = frozenset()
) -> dict[object, pa.DictionaryArray | None]:
    """The ``dictionary_encode`` of each Arrow text column of ``frame`` named in ``names``, by
    name, for the columns ``take_rows`` takes through their codes (few distinct values) and
    those named in ``always``; None for the others. Made before the rows to take are known
    (by a thread with nothing else to do), it is what ``take_rows(..., encoded=)`` and
    ``codes_at`` read then. ``names`` are distinct columns of ``frame``."""
    return {
        name: _encoded(arrow_text(frame[name]), name in always)
        for name in names
        if is_arrow_text(frame[name].dtype)
    }


def arrow_text(series: pd.Series) -> pa.Array:
    """A column of pandas' Arrow text as one Arrow array (its one chunk, not copied, or all its
    chunks joined)."""
    arrow = pa.array(series.array)
    return arrow.combine_chunks() if isinstance(arrow, pa.ChunkedArray) else arrow


def is_arrow_text(dtype: object) -> bool:
    """Whether ``dtype`` is pandas' text held by Arrow (the columns ``take_rows`` codes)."""
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def take_rows(
    frame: pd.DataFrame,
    positions: np.ndarray,
    coded: dict[object, tuple[pa.Array, pa.Array]] | None = None,
    encoded: Mapping[object, pa.DictionaryArray | None] | None = None,
) -> pd.DataFrame:
    """``frame.take(positions)`` for non-negative positions: the same frame (columns, dtypes,
    index, values), with text columns of few distinct values (employers, levels, evidence
    phrases) reordered through their dictionary codes when ``positions`` shuffle the rows: two
    to three times faster than Arrow's take of a million strings in random order. Other columns
    are taken as pandas takes them. ``coded``, when given, receives for each column taken
    through its codes (its name: (the taken rows' codes, nulls for missing values, and the
    dictionary)), so that text made from the taken rows need not factorize them again.
    ``encoded`` (``encoded_columns`` of the frame, made beforehand) says which text columns go
    through their codes, with those codes, instead of finding them out here.

    >>> f = pd.DataFrame({"a": pd.Series(["x", None, "y"], dtype="str"), "b": [1, 2, 3]})
    >>> take_rows(f, np.array([2, 0])).to_dict("list")
    {'a': ['y', 'x'], 'b': [3, 1]}
    """
    positions = np.asarray(positions, dtype=np.intp)
    if len(positions) < _SAMPLE:
        # Too few rows for the codes to pay (_take_text takes them as pandas does): one
        # frame.take, not a column at a time (a few hundredths of a second at the sample's size).
        return frame.take(positions)
    arrow_positions = pa.array(positions)
    shuffled = bool(np.any(positions[1:] <= positions[:-1]))
    dtypes = frame.dtypes.to_numpy()
    text = [is_arrow_text(d) for d in dtypes]
    # The other columns as pandas takes them (built anew, object columns could become text).
    out = frame.iloc[:, [i for i, t in enumerate(text) if not t]].take(positions)
    for i in np.flatnonzero(text):
        values = arrow_text(frame.iloc[:, i])
        if not shuffled:
            ready = None
        elif encoded is not None:
            ready = encoded[frame.columns[i]]
        else:
            ready = _encoded(values)
        values, codes = _take_text(values, arrow_positions, ready)
        if codes is not None and coded is not None:
            coded[frame.columns[i]] = codes
        taken = pd.array(values, dtype=dtypes[i])
        out.insert(int(i), frame.columns[i], taken, allow_duplicates=True)
    out.columns = frame.columns
    return out
