"""The last run's prospects kept columnar: one zstd Arrow IPC blob in the history's
``last_snapshot`` table, so the next run reads them back in a few hundredths of a second
instead of a second (issue 18). A cache beside the ``prospects`` rows, which stay what every
reader reads (see ``pipeline.history.store``, which writes and reads it in a run's
transaction); anything that would not round-trip exactly is left out, and the rows serve.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

#: The ``last_snapshot`` table (see the module's docstring) and the format of its blob.
SNAPSHOT_TABLE = """CREATE TABLE IF NOT EXISTS last_snapshot (
    run_id INTEGER PRIMARY KEY REFERENCES runs(run_id),
    format TEXT NOT NULL,
    data BLOB NOT NULL)"""
SNAPSHOT_FORMAT = "arrow-ipc-stream-zstd/1"
#: The Arrow type of each non-text prospects column: what SQLite's column affinity makes of the
#: value (an INTEGER column keeps 3.0 as 3, a REAL column 3 as 3.0); the rest are text.
_NUMERIC = {"grad_year": "int64", "is_connection": "int64", "is_alum": "int64",
            "warmth": "float64", "score": "float64", "rank": "int64"}  # fmt: skip


def schema(columns: Sequence[str]) -> pa.Schema:
    """The Arrow schema ``columnar`` gives ``columns``."""
    import pyarrow as pa

    return pa.schema([(c, pa.type_for_alias(_NUMERIC.get(c, "string"))) for c in columns])


def columnar(frame: pd.DataFrame, columns: Sequence[str]) -> pa.Table | None:
    """``columns`` of ``frame`` as an Arrow table, each column of the type SQLite stores
    (text, 64-bit integers, floats; missing cells null); None when a value would not go into
    it unchanged (text in a number column, a number in a text one, 3.5 as a rank), for then
    only the rows can hold the run as SQLite would."""
    import pyarrow as pa

    arrays = []
    try:
        for column in columns:
            kind = pa.type_for_alias(_NUMERIC.get(column, "string"))
            values = frame[column]
            # Numbers only from a numeric column (Arrow would cut 2.5 in a column of objects
            # down to 2, where SQLite keeps 2.5), no flags (SQLite stores True as 1), and text
            # only from text (Arrow refuses anything else in a string column).
            number = values.dtype.kind in "iuf"
            if (kind == pa.string()) == number or values.dtype.kind == "b":
                return None
            arrays.append(pa.array(values, type=kind, from_pandas=True))
    except (pa.ArrowException, TypeError, OverflowError):
        return None
    return pa.table(arrays, names=list(columns))


def write(
    conn: sqlite3.Connection, run_id: int, table: pa.Table | None, data: bytes | None = None
) -> None:
    """Keep ``table`` (the run's prospects) as the last snapshot, in place of the one before
    (whose pages the next blob reuses: the file grows by one blob, not one per run).
    ``data``: ``to_bytes(table)`` when the caller made it already."""
    import pyarrow as pa

    conn.execute(SNAPSHOT_TABLE)
    conn.execute("DELETE FROM last_snapshot")
    if table is None:
        return
    try:
        data = data if data is not None else to_bytes(table)
    except pa.ArrowException:  # e.g. a pyarrow built without zstd: the rows alone will do
        return
    conn.execute(
        "INSERT INTO last_snapshot (run_id, format, data) VALUES (?, ?, ?)",
        (run_id, SNAPSHOT_FORMAT, data),
    )


def to_bytes(table: pa.Table) -> bytes:
    """``table`` as an Arrow IPC stream, zstd-compressed (a quarter of the raw size; the rows of
    a 200,000-people run take three times that again)."""
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression="zstd")
    with pa.ipc.new_stream(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def read(conn: sqlite3.Connection, run_id: int, columns: Sequence[str]) -> pa.Table | None:
    """The prospects (``columns``) of run ``run_id`` from ``last_snapshot``, in prospect_id
    order, with the values its rows hold; None when the file has no snapshot of that run (it is
    older, or an older version wrote the last run) or it does not read back whole."""
    try:
        found = conn.execute(
            "SELECT s.format, s.data, r.people FROM last_snapshot s JOIN runs r USING (run_id)"
            " WHERE run_id = ?",
            (run_id,),
        ).fetchone()
    except sqlite3.OperationalError:  # no such table: a file no run of this version wrote
        return None
    if found is None or found[0] != SNAPSHOT_FORMAT:
        return None
    import pyarrow as pa

    try:
        table = pa.ipc.open_stream(found[1]).read_all()
    except (pa.ArrowException, OSError):
        return None
    if table.column_names != list(columns) or table.num_rows != found[2]:
        return None
    return table
