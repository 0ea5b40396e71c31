"""A delta run's whole state (schema 4, ``pipeline.history.store``) rebuilt with pyarrow: the
last keyframe at or before it, each later run's rows in place of the people they hold and
without who left, and the run's own volatile columns. For a run whose snapshot is gone, the
network notebook, and the people who never had a row (``reads.rows_at``).
"""

from __future__ import annotations

import sqlite3
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.history import reads, snapshot
from pipeline.history.store import PROSPECT_COLUMNS
from pipeline.history.volatile import NO_RANK


def _keyframe(conn: sqlite3.Connection, run_id: int) -> tuple[int, pa.Table]:
    found = conn.execute(
        "SELECT run_id, format, data FROM keyframes WHERE run_id <= ? ORDER BY run_id DESC LIMIT 1",
        (run_id,),
    ).fetchone()
    if found is None or found[1] != snapshot.SNAPSHOT_FORMAT:
        raise reads.damaged(conn)
    try:
        table = pa.ipc.open_stream(found[2]).read_all()
    except (pa.ArrowException, OSError):
        raise reads.damaged(conn) from None
    if table.column_names != list(PROSPECT_COLUMNS):
        raise reads.damaged(conn)
    return int(found[0]), table


def _rows_table(conn: sqlite3.Connection, run_id: int, schema: pa.Schema) -> pa.Table:
    found = conn.execute(
        f"SELECT {', '.join(PROSPECT_COLUMNS)} FROM prospects WHERE run_id = ?", (run_id,)
    ).fetchall()
    columns = list(zip(*found, strict=True)) if found else [()] * len(PROSPECT_COLUMNS)
    try:
        return pa.table(
            [pa.array(list(c), type=f.type) for c, f in zip(columns, schema, strict=True)],
            schema=schema,
        )
    except (pa.ArrowException, TypeError):
        raise reads.damaged(conn) from None


def state(conn: sqlite3.Connection, run_id: int) -> pa.Table:
    """Run ``run_id``'s prospects (PROSPECT_COLUMNS, prospect_id order) as SQLite types: the
    rows of a run stored so, else the keyframe and the deltas. HistoryError when damaged."""
    if reads.storage(conn, run_id) != "delta":
        schema = snapshot.schema(PROSPECT_COLUMNS)
        table = _rows_table(conn, run_id, schema)
        return table.take(pc.sort_indices(table["prospect_id"])).combine_chunks()
    key_run, table = _keyframe(conn, run_id)
    later = conn.execute(
        "SELECT run_id FROM runs WHERE run_id > ? AND run_id <= ? ORDER BY run_id",
        (key_run, run_id),
    ).fetchall()
    for (later_run,) in later:
        rows = _rows_table(conn, later_run, table.schema)
        if reads.storage(conn, later_run) != "delta":  # everyone a row: the state itself
            table = rows
            continue
        gone = [
            r[0]
            for r in conn.execute("SELECT prospect_id FROM gone WHERE run_id = ?", (later_run,))
        ]
        drop = pa.array([*gone, *rows["prospect_id"].to_pylist()], type=pa.string())
        kept = table.filter(pc.invert(pc.is_in(table["prospect_id"], value_set=drop)))
        table = pa.concat_tables([kept, rows])
    table = table.take(pc.sort_indices(table["prospect_id"])).combine_chunks()
    vol = reads.volatile_of(conn, run_id)
    index = vol.index()
    ids = table["prospect_id"].to_pylist()
    if len(ids) != len(index) or any(p not in index for p in ids):
        raise reads.damaged(conn)
    where = [index[p] for p in ids]  # the blob's people in the table's order
    rank = pa.array([vol.rank[i] for i in where], type=pa.int64())
    score = [vol.score[i] for i in where]
    warmth = [vol.warmth[i] for i in where]
    rank = pc.if_else(pc.equal(rank, NO_RANK), pa.scalar(None, pa.int64()), rank)
    columns = {
        "rank": rank,
        "score": _nan_null(pa.array(score, type=pa.float64())),
        "warmth": _nan_null(pa.array(warmth, type=pa.float64())),
    }
    for name, values in columns.items():
        table = table.set_column(table.column_names.index(name), name, values)
    return table


def _nan_null(values: pa.Array) -> pa.Array:
    return pc.if_else(pc.is_nan(values), pa.scalar(None, pa.float64()), values)


def keyframe_rows(
    conn: sqlite3.Connection, run_id: int, ids: list[str]
) -> dict[str, dict[str, Any]]:
    """The rows of ``ids`` in the last keyframe at or before run ``run_id`` (people who never
    had a row: their stable columns are the keyframe's)."""
    _key_run, table = _keyframe(conn, run_id)
    wanted = pa.array(ids, type=pa.string())
    found = table.filter(pc.is_in(table["prospect_id"], value_set=wanted)).to_pylist()
    return {r["prospect_id"]: r for r in found}
