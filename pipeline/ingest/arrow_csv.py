"""The body of a CSV file read by Arrow's CSV reader, straight into pandas' "str" columns.

``delimited._read_fast`` reads a body only when one physical line is one record; there, Arrow's
reader splits the cells exactly as pandas' C parser does (the same quoting: "" inside quotes,
text after a closing quote kept, a quote inside an unquoted cell kept), without a Python str
per cell: a 1,000,000-row alumni list in about a quarter of the CPU time. Arrow cannot pad a
short row nor keep an empty line as a row: it refuses such a body, and the caller reads it with
pandas as before. tests/ingest/test_arrow_csv.py compares the two on random bodies.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from pipeline.text.arrow_text import STR

__all__ = ["empty_lines", "read_rows"]

#: Bytes parsed at a time (by both cores when free): far more than one line (the caller declines
#: lines past 131,072 bytes); larger blocks measured no faster.
_BLOCK = 1 << 22


def empty_lines(raw: np.ndarray, begins: np.ndarray) -> np.ndarray:
    """Which lines hold nothing (not even a space) before their "\\n" or "\\r\\n": the lines
    Arrow skips. ``raw`` is the body's bytes, ``begins`` where each line starts."""
    stops = np.concatenate((begins[1:] - 1, [len(raw)]))  # each line's end, its "\n" left out
    if len(raw) and raw[-1] == 10:
        stops[-1] = len(raw) - 1
    size = stops - begins
    cr_only = (size == 1) & (raw[np.minimum(begins, max(len(raw) - 1, 0))] == 13)
    return (size == 0) | cr_only


def read_rows(
    body: memoryview, raw: np.ndarray, begins: np.ndarray, delimiter: str
) -> tuple[pd.DataFrame, np.ndarray] | None:
    """(frame, empty) for UTF-8 ``body``: one "str" column per field, numbered from 0, one row
    per line that is not empty (``empty_lines``, returned beside it); None when Arrow cannot
    read it so (rows of different lengths, a line longer than a block)."""
    empty = empty_lines(raw, begins)
    filled = np.flatnonzero(~empty)
    if not len(filled):
        return None
    stop = begins[filled[0] + 1] if filled[0] + 1 < len(begins) else len(raw)
    first = bytes(raw[begins[filled[0]] : stop]).decode("utf-8")
    width = len(next(csv.reader(io.StringIO(first, newline=""), delimiter=delimiter), []))
    names = [f"f{i}" for i in range(width)]
    try:
        table = pa_csv.read_csv(
            io.BytesIO(body),
            read_options=pa_csv.ReadOptions(
                column_names=names, block_size=_BLOCK, use_threads=True
            ),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,  # a quote open at a line end joins lines: refused
                ignore_empty_lines=True,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()),
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, ValueError):
        return None
    if table.num_rows != len(filled):
        return None
    # Each column keeps the reader's chunks (one per block): joined, they were a fresh copy of
    # the whole body; what reads a column next (dictionary encoding, a take) reads chunks alike.
    columns = {i: pd.array(table.column(i), dtype=STR) for i in range(width)}
    return pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows), copy=False), empty
