"""Columns as codes into their distinct values: work done once per value, not once per row.

A million rows of an alumni list cost what their distinct values cost: ``Coded.of`` factorizes a
column once, cleaning and parsing map its distinct values, and ``combine`` finds the distinct
tuples of several columns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.ingest import clean
from pipeline.text.arrow_text import STR, object_array, taken_series, text_series
from pipeline.threads import in_order

_MULTI = re.compile(r"\s*(?:;|\||\n|\r)\s*")
#: The characters str.isspace() is true of (tests/ingest/test_coded_lazy.py checks the list).
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


@dataclass(frozen=True)
class Coded:
    """A column as codes into its distinct values: work is done once per value, and
    ``values[codes]`` gives the column back. Example: Coded.of(pd.Series(["a", "b", "a"]))
    has codes [0, 1, 0] and values ["a", "b"]."""

    codes: np.ndarray
    #: The distinct values, an object array of str; None when ``text`` holds them: ``values``
    #: then makes them Python text on first use (a million distinct IDs that nothing reads as
    #: Python text are never made so).
    given: np.ndarray | None
    #: The same values as Arrow text, when they came from Arrow: ``series`` and the cleaners
    #: take them as they are (a million distinct IDs are not made Arrow text again).
    text: pa.Array | None = field(default=None, compare=False)

    @property
    def values(self) -> np.ndarray:
        if self.given is None:  # made once (two threads asking at once make equal arrays)
            assert self.text is not None
            values = self.text.to_numpy(zero_copy_only=False).astype(object)
            object.__setattr__(self, "given", values)
        return self.given  # type: ignore[return-value]

    @property
    def size(self) -> int:
        """How many distinct values."""
        return len(self.text) if self.given is None and self.text is not None else len(self.values)

    @classmethod
    def of(cls, column: pd.Series | np.ndarray) -> Coded:
        if isinstance(column, pd.Series) and column.dtype == "str":
            # Arrow text is dictionary-encoded by Arrow: the codes and values pd.factorize gives
            # (in order of first appearance), without a Python str of every row.
            return cls._of_arrow(pa.array(column.array))
        codes, uniques = pd.factorize(np.asarray(column, dtype=object))
        values = np.asarray(uniques, dtype=object)
        if (codes < 0).any():  # NaN: an empty cell
            codes = np.where(codes < 0, len(values), codes)
            values = np.append(values, "")
        return cls(codes, values)

    @classmethod
    def _of_arrow(cls, column: pa.Array | pa.ChunkedArray) -> Coded:
        encoded = pc.dictionary_encode(column)
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.combine_chunks()  # one dictionary for every chunk
        text = encoded.dictionary.cast(pa.large_string())
        indices = encoded.indices
        if indices.null_count:  # a missing cell: ""
            indices = pc.fill_null(indices, len(text))
            text = pa.concat_arrays([text, pa.array([""], pa.large_string())])
        codes = indices.to_numpy(zero_copy_only=False).astype(np.intp)
        return cls(codes, None, text)

    @classmethod
    def empty(cls, n: int) -> Coded:
        """``n`` rows of ""."""
        return cls(np.zeros(n, dtype=np.intp), np.array([""], dtype=object))

    def map(self, fn: Callable[[str], object]) -> Coded:
        return Coded(self.codes, object_array([fn(v) for v in self.values]))

    def column(self) -> np.ndarray:
        return self.values[self.codes]

    def series(self, index: pd.Index | None = None) -> pd.Series:
        if self.text is None:
            return taken_series(self.values, self.codes, index)
        taken = self.text.take(np.asarray(self.codes, dtype=np.intp))
        return pd.Series(pd.array(taken, dtype=STR), index=index, copy=False)

    def distinct(self) -> pd.Series:
        """The distinct values as a text Series (pandas' "str")."""
        if self.text is None:
            return text_series(self.values)
        return pd.Series(pd.array(self.text, dtype=STR), copy=False)

    def blank(self) -> np.ndarray:
        """Which distinct values are empty or only whitespace (``v == "" or v.isspace()``)."""
        if self.text is None:
            values = self.values
            spaces = np.fromiter(map(str.isspace, values), bool, len(values))
            return (values == "") | spaces
        trimmed = pc.utf8_trim(self.text, WHITESPACE)  # every whitespace character Python knows
        return pc.equal(pc.binary_length(trimmed), 0).to_numpy(zero_copy_only=False)

    def where_empty(self, other: Coded) -> Coded:
        """This column, with ``other`` where it is ""."""
        pairs, (mine, theirs) = combine([self, other])
        values = np.where(self.values[mine] != "", self.values[mine], other.values[theirs])
        return Coded(pairs.codes, values.astype(object))


#: Frames at least this long have their columns encoded two at a time (Arrow's dictionary
#: encoding leaves Python's lock); for shorter ones a thread is not worth its start.
THREADED_ROWS = 100_000


def coded_columns(frame: pd.DataFrame) -> dict[str, Coded]:
    """``Coded.of`` of each column of ``frame``, by name. A long frame's columns are encoded by
    two threads: each Coded is the same whichever thread made it, and they come back in column
    order (a thread's error too, as the first column to fail would raise it)."""
    return coded_and_cleaned(frame, ())[0]


def coded_and_cleaned(
    frame: pd.DataFrame, cleaned: Collection[str]
) -> tuple[dict[str, Coded], dict[str, Coded]]:
    """``coded_columns(frame)``, and ``clean_coded`` of the columns named in ``cleaned`` (by
    name, in column order), each cleaned by the thread that encoded it: the cleaning of a long
    frame's columns is shared by the two threads too. A column's error (encoding, then
    cleaning) is raised as the first column to fail would raise it."""

    def one(item: tuple[object, pd.Series]) -> tuple[Coded, Coded | None]:
        name, column = item
        raw = Coded.of(column)
        return raw, clean_coded(raw) if name in cleaned else None

    columns = [(c, frame[c]) for c in frame.columns]
    done = in_order(one, columns, threaded=len(frame) >= THREADED_ROWS)
    raw = {name: col for name, (col, _) in zip(frame.columns, done, strict=True)}
    clean = {
        name: col for name, (_, col) in zip(frame.columns, done, strict=True) if col is not None
    }
    return raw, clean


def combine(columns: Sequence[Coded]) -> tuple[Coded, list[np.ndarray]]:
    """The distinct tuples of several coded columns: (codes of each row's tuple, with values
    0..k-1), and for each column the code it holds in each tuple."""
    key = columns[0].codes.astype(np.int64)
    for col in columns[1:]:
        key, _ = pd.factorize(key * col.size + col.codes)  # stays compact: no overflow
    codes, _ = pd.factorize(key)
    first = np.empty(codes.max(initial=-1) + 1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    pairs = Coded(codes, np.arange(len(first), dtype=object))
    return pairs, [col.codes[first] for col in columns]


def per_unique(values: pd.Series, fn: Callable[[str], object]) -> pd.Series:
    """``fn`` applied once per distinct value, on the index of ``values``."""
    return pd.Series(Coded.of(values).map(fn).column(), index=values.index)


def clean_text(values: pd.Series) -> pd.Series:
    """``clean.text`` (NFKC, invisible marks gone, spaces collapsed), computed only for the
    distinct values that need it: plain ASCII without stray spaces is already clean."""
    return clean_coded(Coded.of(values)).series(values.index)


def clean_coded(col: Coded) -> Coded:
    """``clean_text`` on a coded column: the codes stay, the distinct values are cleaned."""
    plain = None if col.text is None else _plain_arrow(col.text)
    if plain is None:
        plain = _plain(col.values)
    if plain.all():
        return col
    other = np.flatnonzero(~plain)
    if col.text is None:
        out = col.values.copy()
        out[other] = clean.text(pd.Series(out[other], dtype=object)).to_numpy(dtype=object)
        return Coded(col.codes, out)
    # The Arrow text patched where it changed; only the values cleaned are made Python text.
    dirty = pd.Series(col.text.take(other).to_pylist(), dtype=object)
    patch = pa.array(clean.text(dirty).to_numpy(dtype=object), pa.large_string())
    return Coded(col.codes, None, pc.replace_with_mask(col.text, pa.array(~plain), patch))


#: From this many distinct values on, ``_plain`` asks Arrow (a column of IDs or e-mail
#: addresses: a million values, four Python maps over them cost a quarter of a second).
_ARROW_PLAIN = 10_000


def _plain(values: np.ndarray, text: pa.Array | None = None) -> np.ndarray:
    """Plain printable ASCII without edge or doubled spaces (builtin maps: no Python calls);
    ``text``, the same values as Arrow text, is read by Arrow's kernels."""
    n = len(values)
    if text is not None or n >= _ARROW_PLAIN:
        plain = _plain_arrow(values if text is None else text)
        if plain is not None:
            return plain
    ok = np.fromiter(map(str.isascii, values), bool, n)
    ok &= np.fromiter(map(str.isprintable, values), bool, n)
    ok &= ~np.fromiter(map(str.__contains__, values, repeat("  ")), bool, n)
    ok &= values == np.fromiter(map(str.strip, values), object, n)
    return ok


def multi_valued(values: pd.Series) -> pd.Series:
    """Lists in one cell ("Economics;Computer Science", "A | B") joined the same way: "A; B"."""
    return Coded.of(values).map(one_list).series(values.index)


def one_list(value: str) -> str:
    return "; ".join(filter(None, _MULTI.split(value)))


def _plain_arrow(values: np.ndarray | pa.Array) -> np.ndarray | None:
    """``_plain`` by Arrow's kernels, or None when a value is not text. Printable ASCII holds no
    whitespace but the space, so str.strip() changes such a value only at a space on its edge;
    Arrow's ascii_is_printable is str.isprintable() on ASCII (the empty string included)."""
    text = values
    if not isinstance(text, pa.Array):
        try:
            text = pa.array(values, type=pa.large_string())
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return None
    if text.null_count:
        return None
    ok = pc.and_(pc.string_is_ascii(text), pc.ascii_is_printable(text))
    for edge in (
        pc.match_substring(text, "  "),
        pc.starts_with(text, " "),
        pc.ends_with(text, " "),
    ):
        ok = pc.and_(ok, pc.invert(edge))
    return ok.to_numpy(zero_copy_only=False)
