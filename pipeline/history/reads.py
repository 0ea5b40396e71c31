"""Reading the run history (``pipeline.history.store`` writes it): plain rows (dicts) where
`prospects changes` needs them, so that command never imports pandas or numpy; ``runs`` and
``person`` give DataFrames, for notebooks and `prospects explain`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pipeline.history import snapshot
from pipeline.history.store import MARK_COLUMNS, PROSPECT_COLUMNS

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


def last_snapshot(conn: sqlite3.Connection, run_id: int) -> pa.Table | None:
    """Run ``run_id``'s prospects from its columnar snapshot, or None (``snapshot.read``)."""
    return snapshot.read(conn, run_id, PROSPECT_COLUMNS)


def rows(conn: sqlite3.Connection, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    """The rows of a query as dicts, column name -> value."""
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


RUNS_SQL = """SELECT r.run_id, r.run_at, r.run_date, r.version, r.people, r.connections,
          r.alumni,
          (SELECT group_concat(name, ', ') FROM inputs i WHERE i.run_id = r.run_id) AS inputs,
          (SELECT max(export_date) FROM inputs i WHERE i.run_id = r.run_id) AS export_date
   FROM runs r ORDER BY r.run_id"""


def runs(conn: sqlite3.Connection) -> pd.DataFrame:
    """One row per run, oldest first: run_id, run_at, run_date, version, people, connections,
    alumni, inputs (file names joined by ", "), export_date. (As rows: ``rows(conn, RUNS_SQL)``.)"""
    import pandas as pd

    return pd.read_sql_query(RUNS_SQL, conn)


def prospects(
    conn: sqlite3.Connection, run_id: int, ids: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """PROSPECT_COLUMNS of one run (only the prospect_ids ``ids`` when given), as rows."""
    sql = f"SELECT {', '.join(PROSPECT_COLUMNS)} FROM prospects WHERE run_id = ?"
    if ids is None:
        return rows(conn, sql, (run_id,))
    found: list[dict[str, Any]] = []
    for i in range(0, len(ids), 500):  # SQLite's limit on a statement's parameters
        chunk = list(ids[i : i + 500])
        marks = ", ".join("?" * len(chunk))
        found += rows(conn, f"{sql} AND prospect_id IN ({marks})", (run_id, *chunk))
    return found


def differing(
    conn: sqlite3.Connection, old: int, new: int, *, rank_move: int = 0, within: int = 0
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """PROSPECT_COLUMNS rows of runs ``old`` and ``new``, only for the prospect_ids that may have
    changed: on one side only, or with another company key, seniority, connection or alum flag,
    or a rank move beyond ``rank_move`` (in the top ``within`` on either side, when > 0).

    ``changes.diff`` on these rows finds what it finds on the whole runs (everyone else is
    unchanged in every field it reads) at a fraction of the cost: the join runs inside SQLite,
    over the primary key (run_id, prospect_id), and Python sees only the rows that differ.
    """
    maybe = """SELECT o.prospect_id FROM prospects o
             LEFT JOIN prospects n ON n.run_id = :new AND n.prospect_id = o.prospect_id
            WHERE o.run_id = :old AND (
                  n.prospect_id IS NULL
               OR o.company_key IS NOT n.company_key OR o.seniority IS NOT n.seniority
               OR o.is_connection IS NOT n.is_connection OR o.is_alum IS NOT n.is_alum
               OR (:move > 0 AND abs(o.rank - n.rank) > :move
                   AND (:within <= 0 OR o.rank <= :within OR n.rank <= :within)))
           UNION
           SELECT n.prospect_id FROM prospects n
             LEFT JOIN prospects o ON o.run_id = :old AND o.prospect_id = n.prospect_id
            WHERE n.run_id = :new AND o.prospect_id IS NULL"""
    sql = (  # one statement, so SQLite works out the ids once
        f"SELECT run_id, {', '.join(PROSPECT_COLUMNS)} FROM prospects "
        f"WHERE run_id IN (:old, :new) AND prospect_id IN ({maybe})"
    )
    found = rows(conn, sql, {"old": old, "new": new, "move": rank_move, "within": within})
    sides: dict[int, list[dict[str, Any]]] = {old: [], new: []}
    for row in found:
        sides[row.pop("run_id")].append(row)
    return sides[old], sides[new]


def targets(conn: sqlite3.Connection, run_id: int) -> set[str]:
    found = conn.execute("SELECT company_key FROM targets WHERE run_id = ?", (run_id,))
    return {r[0] for r in found}


def marks(conn: sqlite3.Connection, up_to_run: int | None = None) -> list[dict[str, Any]]:
    """Every run's marks (run_id, run_date and MARK_COLUMNS) as rows, oldest run first."""
    where = "" if up_to_run is None else "WHERE m.run_id <= ?"
    return rows(
        conn,
        f"""SELECT m.run_id, r.run_date, {", ".join("m." + c for c in MARK_COLUMNS)}
            FROM marks m JOIN runs r USING (run_id) {where} ORDER BY m.run_id""",
        () if up_to_run is None else (up_to_run,),
    )


def person(conn: sqlite3.Connection, prospect_id: str) -> pd.DataFrame:
    """One person over the runs: run_date, company, title, seniority, rank, score, status."""
    import pandas as pd

    return pd.read_sql_query(
        """SELECT r.run_id, r.run_date, p.company, p.title, p.seniority, p.rank, p.score,
                  p.is_connection, p.is_alum, m.status, m.contacted_on, m.interested
           FROM runs r
           LEFT JOIN prospects p ON p.run_id = r.run_id AND p.prospect_id = ?1
           LEFT JOIN marks m ON m.run_id = r.run_id AND m.prospect_id = ?1
           WHERE p.prospect_id IS NOT NULL OR m.prospect_id IS NOT NULL
           ORDER BY r.run_id""",
        conn,
        params=(prospect_id,),
    )
