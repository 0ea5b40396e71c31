"""Reading the run history (``pipeline.history.store`` writes it): plain rows (dicts) where
`prospects changes` needs them, so that command never imports pandas or numpy; ``runs`` and
``person`` give DataFrames, for notebooks and `prospects explain`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.history import snapshot, volatile
from pipeline.history.store import MARK_COLUMNS, MIGRATIONS, PROSPECT_COLUMNS, HistoryError

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
    """PROSPECT_COLUMNS of one run (only the prospect_ids ``ids`` when given), as rows; a
    delta run's in prospect_id order (the whole run: pyarrow, ``states.state``)."""
    if storage(conn, run_id) == "delta":
        if ids is not None:
            return rows_at(conn, run_id, ids)
        from pipeline.history import states

        return states.state(conn, run_id).to_pylist()
    return _stored(conn, run_id, ids)


def _stored(
    conn: sqlite3.Connection, run_id: int, ids: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """``prospects`` of a run stored a row per person."""
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
    if "delta" in (storage(conn, old), storage(conn, new)):
        return _differing_deltas(conn, old, new, rank_move=rank_move, within=within)
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


def has_deltas(conn: sqlite3.Connection) -> bool:
    """Whether any run is stored as a delta (schema 4)."""
    try:
        return (
            conn.execute("SELECT 1 FROM runs WHERE storage = 'delta' LIMIT 1").fetchone()
            is not None
        )
    except sqlite3.OperationalError:
        return False


def expanded(conn: sqlite3.Connection) -> sqlite3.Connection:
    """A database in memory with the file's runs and every run's prospects as rows (schema 2's
    layout), for the queries written for it (the network notebook, the person view)."""
    return _as_rows(conn, None)


def _person_rows(conn: sqlite3.Connection, prospect_id: str) -> sqlite3.Connection:
    """One person's rows and marks in every run, in a database in memory of schema 2's layout."""
    return _as_rows(conn, prospect_id)


def _as_rows(conn: sqlite3.Connection, prospect_id: str | None) -> sqlite3.Connection:
    """The file's runs, and every run's marks and prospects as rows (only ``prospect_id``'s
    when given), in a database in memory of schema 2's layout."""
    memory = sqlite3.connect(":memory:")
    memory.execute("CREATE TABLE runs (run_id INTEGER PRIMARY KEY, run_date TEXT NOT NULL)")
    for statement in MIGRATIONS[1][3:4] + MIGRATIONS[2][1:2]:
        memory.execute(statement.replace("REFERENCES runs(run_id)", ""))
    found = conn.execute("SELECT run_id, run_date FROM runs ORDER BY run_id").fetchall()
    memory.executemany("INSERT INTO runs VALUES (?, ?)", found)
    marks_sql = f"SELECT run_id, {', '.join(MARK_COLUMNS)} FROM marks"
    marks = (
        conn.execute(marks_sql)
        if prospect_id is None
        else conn.execute(f"{marks_sql} WHERE prospect_id = ?", (prospect_id,))
    )
    memory.executemany(
        f"INSERT INTO marks VALUES ({', '.join('?' * (len(MARK_COLUMNS) + 1))})",
        marks.fetchall(),
    )
    insert = (
        f"INSERT INTO prospects (run_id, {', '.join(PROSPECT_COLUMNS)}) "
        f"VALUES ({', '.join('?' * (len(PROSPECT_COLUMNS) + 1))})"
    )
    ids = None if prospect_id is None else [prospect_id]
    for run_id, _date in found:
        memory.executemany(
            insert,
            ((run_id, *(r[c] for c in PROSPECT_COLUMNS)) for r in prospects(conn, run_id, ids)),
        )
    return memory


def person(conn: sqlite3.Connection, prospect_id: str) -> pd.DataFrame:
    """One person over the runs: run_date, company, title, seniority, rank, score, status."""
    import pandas as pd

    if has_deltas(conn):  # the same query, on the person's rows rebuilt run by run
        memory = _person_rows(conn, prospect_id)
        try:
            return person(memory, prospect_id)
        finally:
            memory.close()
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


# Schema 4: runs stored as deltas (store._write_delta). A person's stable columns at a run are
# their latest row at or before it (a change always writes one); someone with none there yet
# has the state of their earliest row after it (a change writes the row before it as well), or
# of the keyframe when they have no row at all. Their volatile columns are the run's blob's.


def storage(conn: sqlite3.Connection, run_id: int) -> str:
    """'delta' for a run stored as a delta, 'rows' for one stored a row per person."""
    try:
        found = conn.execute("SELECT storage FROM runs WHERE run_id = ?", (run_id,)).fetchone()
    except sqlite3.OperationalError:  # no such column: a file no schema-4 run touched
        return "rows"
    return "delta" if found and found[0] == "delta" else "rows"


def damaged(conn: sqlite3.Connection) -> HistoryError:
    """The one sentence for a history whose blob does not read back."""
    name = Path(conn.execute("PRAGMA database_list").fetchone()[2] or "history.sqlite").name
    return HistoryError(
        f"{name} is damaged; the next prospects shortlist sets it aside and starts anew."
    )


def volatile_of(conn: sqlite3.Connection, run_id: int) -> volatile.Volatile:
    """A delta run's people and volatile columns; HistoryError when the blob is damaged."""
    found = conn.execute("SELECT format, data FROM volatile WHERE run_id = ?", (run_id,)).fetchone()
    if found is None or found[0] != volatile.FORMAT:
        raise damaged(conn)
    try:
        return volatile.decode(found[1])
    except volatile.Damaged:
        raise damaged(conn) from None


def present(conn: sqlite3.Connection, run_id: int) -> list[str]:
    """The prospect_ids of a run (a delta run's in its blob's order, others sorted)."""
    if storage(conn, run_id) == "delta":
        return volatile_of(conn, run_id).ids
    found = conn.execute(
        "SELECT prospect_id FROM prospects WHERE run_id = ? ORDER BY prospect_id", (run_id,)
    )
    return [r[0] for r in found]


def ranks(conn: sqlite3.Connection, run_id: int) -> dict[str, Any]:
    """prospect_id -> rank (None for none) of everyone in a run."""
    if storage(conn, run_id) == "delta":
        found = volatile_of(conn, run_id)
        none = volatile.NO_RANK
        return {p: (None if r == none else r) for p, r in zip(found.ids, found.rank, strict=True)}
    return dict(conn.execute("SELECT prospect_id, rank FROM prospects WHERE run_id = ?", (run_id,)))


def _walk(
    conn: sqlite3.Connection, run_ids: Sequence[int], ids: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Each of ``ids``' row at the first of ``run_ids`` that has one."""
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS wanted (prospect_id TEXT PRIMARY KEY) WITHOUT ROWID"
    )
    conn.execute("DELETE FROM temp.wanted")
    conn.executemany("INSERT OR IGNORE INTO temp.wanted VALUES (?)", ((p,) for p in ids))
    found: dict[str, dict[str, Any]] = {}
    sql = (
        f"SELECT {', '.join('p.' + c for c in PROSPECT_COLUMNS)} FROM temp.wanted w"
        " JOIN prospects p ON p.run_id = ? AND p.prospect_id = w.prospect_id"
    )
    left = len(set(ids))
    for run_id in run_ids:
        if not left:
            break
        got = rows(conn, sql, (run_id,))
        if got:
            conn.executemany(
                "DELETE FROM temp.wanted WHERE prospect_id = ?", ((r["prospect_id"],) for r in got)
            )
            found.update((r["prospect_id"], r) for r in got)
            left -= len(got)
    conn.execute("DELETE FROM temp.wanted")
    return found


def rows_at(conn: sqlite3.Connection, run_id: int, ids: Sequence[str]) -> list[dict[str, Any]]:
    """PROSPECT_COLUMNS rows of run ``run_id`` for those of ``ids`` in it, in prospect_id
    order, as SQLite gives them (whatever the run's storage)."""
    wanted = sorted(set(ids))
    if storage(conn, run_id) != "delta":
        found = {r["prospect_id"]: r for r in _stored(conn, run_id, wanted)}
        return [found[p] for p in wanted if p in found]
    vol = volatile_of(conn, run_id)
    index = vol.index()
    wanted = [p for p in wanted if p in index]
    all_runs = [r[0] for r in conn.execute("SELECT run_id FROM runs ORDER BY run_id")]
    found = _walk(conn, [r for r in reversed(all_runs) if r <= run_id], wanted)
    missing = [p for p in wanted if p not in found]
    if missing:
        found.update(_walk(conn, [r for r in all_runs if r > run_id], missing))
        missing = [p for p in wanted if p not in found]
    if missing:  # never a row: the keyframe (pyarrow: only here)
        from pipeline.history import states

        found.update(states.keyframe_rows(conn, run_id, missing))
    out = []
    for pid in wanted:
        row = dict(found[pid])
        row.update(vol.values(index[pid]))
        out.append(row)
    return out


def _differing_deltas(
    conn: sqlite3.Connection, old: int, new: int, *, rank_move: int, within: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``differing`` when a side is a delta run: more people than the SQL join picks (everyone
    with a row or gone between the runs), whom ``changes.diff`` finds unchanged as well."""
    before, after = present(conn, old), present(conn, new)
    seen_before, seen_after = set(before), set(after)
    maybe = seen_before ^ seen_after
    between = conn.execute(
        "SELECT prospect_id FROM prospects WHERE run_id > ? AND run_id <= ?"
        " UNION SELECT prospect_id FROM gone WHERE run_id > ? AND run_id <= ?",
        (old, new, old, new),
    )
    maybe.update(r[0] for r in between)
    if rank_move > 0:
        r0, r1 = ranks(conn, old), ranks(conn, new)
        for pid in seen_before & seen_after:
            a, b = r0.get(pid), r1.get(pid)
            if a is None or b is None or abs(a - b) <= rank_move:
                continue
            if within <= 0 or a <= within or b <= within:
                maybe.add(pid)
    return rows_at(conn, old, sorted(maybe & seen_before)), rows_at(
        conn, new, sorted(maybe & seen_after)
    )
