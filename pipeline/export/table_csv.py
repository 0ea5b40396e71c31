"""A frame as the CSV Python's ``csv.writer`` writes (excel dialect, CRLF, UTF-8 with a BOM),
every field ``safe_csv_text`` of its value, assembled column-wise in Arrow.

The All candidates CSV holds everyone (a million rows at the large size), so no Python call per
field: a column with few distinct values (titles, employers, scores, intro paths …) has its
fields worked out once per distinct value and taken into place; any other text column is
settled chunk by chunk in Arrow (``csv_fields.safe_csv_arrow``), the rare field that needs more
going through ``safe_csv_text``, the one rule.
"""

from __future__ import annotations

import codecs
import csv
import io
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pipeline.export.cells import safe_csv_text
from pipeline.export.csv_fields import float_fields, safe_csv_arrow, safe_csv_texts
from pipeline.export.files import replace_atomically

if TYPE_CHECKING:
    import pyarrow as pa

#: Rows of the CSV assembled at once (bounded memory at 1,000,000 rows).
CHUNK = 20_000
#: A text column is worked out once per distinct value when its first SAMPLE rows hold at most
#: one distinct value in FEW_DISTINCT (the fields are the same either way; only the time differs).
SAMPLE = 20_000
FEW_DISTINCT = 4
#: The fields csv.writer quotes: those holding a comma, a double quote, CR or LF.
_QUOTED = '[,"\r\n]'


def write_table_csv(
    path: Path,
    frame: pd.DataFrame,
    chunks: Chunks | None = None,
    check: Callable[[], object] | None = None,
) -> Path:
    """``frame`` as UTF-8 CSV with a BOM, every field through ``safe_csv_text``: the bytes
    Python's ``csv.writer`` (excel dialect, CRLF) writes, written atomically. ``chunks``: lets
    another thread help make the rows (``Chunks.help``) while this one writes them. ``check``:
    called before the old file is replaced (``replace_atomically``)."""

    def write(target: Path) -> None:
        lone = frame.shape[1] == 1
        columns = [_fields_of(frame[c], lone) for c in frame.columns]

        def lines(k: int) -> pa.Buffer | bytes:
            start, stop = k * CHUNK, min((k + 1) * CHUNK, len(frame))
            return _lines([fields(start, stop) for fields in columns])

        with open(target, "wb") as handle:
            handle.write(codecs.BOM_UTF8)
            header = io.StringIO()
            csv.writer(header, lineterminator="\r\n").writerow(
                [safe_csv_text(c) for c in frame.columns]
            )
            handle.write(header.getvalue().encode("utf-8"))
            (chunks or Chunks()).write(-(-len(frame) // CHUNK), lines, handle.write)

    return replace_atomically(path, write, backup=False, check=check)


class Chunks:
    """The chunks of rows of one CSV, made by the thread that writes them and, once another
    thread calls ``help`` (the workbook's thread when its own file is done), by that one too;
    written in order by the writing thread alone, so the bytes are the same whoever made which
    chunk. A chunk that fails stops both; the error raised (by ``write``) is the first failed
    chunk's, as when one thread made them all in order."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._make: Callable[[int], object] | None = None
        self._count = self._next = self._busy = 0
        self._made: dict[int, object] = {}
        self._failed: dict[int, BaseException] = {}

    def write(self, count: int, make: Callable[[int], Any], out: Callable[[Any], object]) -> None:
        """Make chunks 0..count-1 (``make(k)``) and ``out`` each, in order."""
        with self._lock:
            self._count, self._make = count, make
        written = 0
        try:
            while self._one():
                written = self._out(written, out)
            with self._lock:  # none left to claim: the helper's chunk in hand is awaited
                self._make = None
                while self._busy:
                    self._lock.wait()
            self._out(written, out)
        finally:
            with self._lock:
                self._make = None
        if self._failed:
            raise self._failed[min(self._failed)]

    def _out(self, written: int, out: Callable[[Any], object]) -> int:
        """Write the made chunks that come next; the number written so far."""
        while True:
            with self._lock:
                if written not in self._made:
                    return written
                data = self._made.pop(written)
            out(data)
            written += 1

    def help(self) -> None:
        """Make chunks until none is left (nothing when the writer has not begun, or is done).
        Never raises: a failure is the writer's to raise."""
        while self._one():
            pass

    def _one(self) -> bool:
        """Claim the next chunk and make it; False when there is none (or one failed)."""
        with self._lock:
            make = self._make
            if make is None or self._failed or self._next >= self._count:
                return False
            k = self._next
            self._next += 1
            self._busy += 1
        try:
            data = make(k)
        except BaseException as error:
            with self._lock:
                self._failed[k] = error
                self._busy -= 1
                self._lock.notify_all()
            return False
        with self._lock:
            self._made[k] = data
            self._busy -= 1
            self._lock.notify_all()
        return True


def _fields_of(series: pd.Series, lone: bool) -> Callable[[int, int], pa.Array]:
    """For one column of the CSV, the function giving its rows start:stop as final fields
    (``safe_csv_text``, quoted as csv.writer quotes; ``lone``: the CSV's only column)."""
    import pyarrow as pa

    series = series.reset_index(drop=True)
    text = _arrow_text(series)
    if text is not None and _few_distinct(text):
        encoded = text.dictionary_encode()
        distinct = pa.concat_arrays([encoded.dictionary, pa.nulls(1, encoded.dictionary.type)])
        fields = quoted(safe_csv_texts(distinct), lone)  # the last one: missing values
        codes = encoded.indices.fill_null(len(distinct) - 1)
        return lambda start, stop: fields.take(codes[start:stop])
    if text is not None:
        return lambda start, stop: quoted(safe_csv_texts(text[start:stop]), lone)
    if pd.api.types.is_float_dtype(series.dtype):
        codes, fields = float_fields(series.to_numpy(dtype="float64", na_value=np.nan))
        fields = quoted(fields, lone)
        return lambda start, stop: fields.take(codes[start:stop])
    return lambda start, stop: quoted(safe_csv_arrow(series.iloc[start:stop]), lone)


def _arrow_text(series: pd.Series) -> pa.Array | None:
    """``series`` as one Arrow large_string array, when it is a column of text (with missing
    values); None for anything else (numbers, mixed objects, lone surrogates)."""
    import pyarrow as pa

    kind = series.dtype
    if not (isinstance(kind, pd.StringDtype) or pd.api.types.is_object_dtype(kind)):
        return None
    try:
        text = pa.array(series, from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError, UnicodeError):
        return None
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    if not (pa.types.is_string(text.type) or pa.types.is_large_string(text.type)):
        return None
    return text.cast(pa.large_string())


def _few_distinct(text: pa.Array) -> bool:
    import pyarrow.compute as pc

    head = text[:SAMPLE]
    return pc.count_distinct(head, mode="all").as_py() * FEW_DISTINCT <= len(head)


def _has_quoted_bytes(column: pa.Array, among: bytes = b',"\r\n') -> bool:
    """Whether any field of ``column`` (Arrow text) holds a byte of ``among`` (by default those
    of ``_QUOTED``): one look over the bytes of the whole column (UTF-8 never uses an ASCII byte
    inside another character)."""
    import pyarrow as pa

    wide = np.int64 if pa.types.is_large_string(column.type) else np.int32
    offsets = np.frombuffer(column.buffers()[1], dtype=wide)[
        column.offset : column.offset + len(column) + 1
    ]
    data = column.buffers()[2]
    if data is None or offsets[-1] == offsets[0]:
        return False
    body = np.frombuffer(data, dtype=np.uint8)[offsets[0] : offsets[-1]]
    return any((body == byte).any() for byte in among)


def quoted(column: pa.Array, lone: bool = False) -> pa.Array:
    """Arrow text fields (no nulls) as csv.writer writes them: a field holding a comma, a double
    quote, CR or LF is quoted with its quotes doubled; ``lone`` (the row's only field): an empty
    field is written ``""`` too (else the row would be blank)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.large_string()
    column = column.cast(text)
    if lone:
        needs = pc.or_(pc.match_substring_regex(column, _QUOTED), pc.equal(column, ""))
    elif _has_quoted_bytes(column):
        needs = pc.match_substring_regex(column, _QUOTED)
    else:  # most columns (numbers, names) hold no such character: no regex per field
        return column
    if not pc.any(needs).as_py():
        return column
    if _has_quoted_bytes(column, b'"'):  # only the fields holding a quote are changed
        doubled = pc.match_substring_regex(column, '"')  # (RE2 finds it faster than find)
        changed = pc.replace_substring(column.filter(doubled), '"', '""')
        column = pc.replace_with_mask(column, doubled, changed)
    quote = pc.if_else(needs, pa.scalar('"', text), pa.scalar("", text))
    return pc.binary_join_element_wise(quote, column, quote, pa.scalar("", text))


def _lines(fields: Sequence[pa.Array]) -> pa.Buffer | bytes:
    """The rows of these final fields (equal lengths), comma-separated, each ending CRLF."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not fields or not len(fields[0]):
        return b""
    text = pa.large_string()
    # CRLF joined to the last field first: each argument of a join costs per row, so two
    # small joins cost less than one more argument over all the columns, or a second join.
    last = pc.binary_join_element_wise(fields[-1], pa.scalar("\r\n", text), pa.scalar("", text))
    lines = pc.binary_join_element_wise(*fields[:-1], last, pa.scalar(",", text))
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[
        lines.offset : lines.offset + len(lines) + 1
    ]
    start, end = int(offsets[0]), int(offsets[-1])
    return lines.buffers()[2].slice(start, end - start)


def csv_rows(columns: Sequence[pa.Array]) -> bytes:
    """The UTF-8 bytes ``csv.writer(lineterminator="\r\n").writerows`` gives for these rows
    (``columns``: Arrow text arrays of equal length, no nulls)."""
    lone = len(columns) == 1
    lines = _lines([quoted(c, lone) for c in columns])
    return lines if isinstance(lines, bytes) else lines.to_pybytes()
