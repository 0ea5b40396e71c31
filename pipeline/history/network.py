"""The network over time, from the history: for notebook 3's plots.

Pure queries over the history file; no run is added.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.history import reads, store


def _open(path: Path):
    """The history at ``path``; a file with delta runs as every run's rows, in memory."""
    conn = store.open_for_reading(path)
    if not reads.has_deltas(conn):
        return conn
    try:
        return reads.expanded(conn)
    finally:
        conn.close()


def connections_per_month(path: Path) -> pd.DataFrame:
    """Connections by the month they were made (Connected On), as seen across every run:
    columns ``still connected`` (in the last run) and ``since left``, index the month
    (``Period``), every month from the first to the last. Empty when no connection has a date.
    """
    conn = _open(path)
    try:
        # SQLite takes the bare columns from the row holding max(run_id): each person's last run.
        seen = pd.read_sql_query(
            """SELECT prospect_id, connected_on, max(run_id) AS last_run FROM prospects
               WHERE is_connection GROUP BY prospect_id""",
            conn,
        )
        last = conn.execute("SELECT max(run_id) FROM runs").fetchone()[0]
    finally:
        conn.close()
    month = pd.to_datetime(seen["connected_on"], errors="coerce").dt.to_period("M")
    seen = seen.assign(month=month)[month.notna()]
    if seen.empty:
        return pd.DataFrame(columns=["still connected", "since left"])
    state = (seen["last_run"] == last).map({True: "still connected", False: "since left"})
    table = pd.crosstab(seen["month"], state)
    months = pd.period_range(table.index.min(), table.index.max(), freq="M")
    table = table.reindex(months, fill_value=0)
    return table.reindex(columns=["still connected", "since left"], fill_value=0)


def employers_per_run(path: Path) -> pd.DataFrame:
    """Per run (index run_date): ``employers`` where at least one connection works, and how
    many were ``gained`` and ``lost`` since the run before (0 for the first run)."""
    conn = _open(path)
    try:
        rows = pd.read_sql_query(
            """SELECT DISTINCT r.run_id, r.run_date, p.company_key FROM prospects p
               JOIN runs r USING (run_id)
               WHERE p.is_connection AND coalesce(p.company_key, '') != ''""",
            conn,
        )
        runs = pd.read_sql_query("SELECT run_id, run_date FROM runs ORDER BY run_id", conn)
    finally:
        conn.close()
    sets = rows.groupby("run_id")["company_key"].agg(set)
    out, before = [], None
    for run in runs.itertuples():
        now = sets.get(run.run_id, set())
        gained = len(now - before) if before is not None else 0
        lost = len(before - now) if before is not None else 0
        out.append(
            {"run_date": run.run_date, "employers": len(now), "gained": gained, "lost": lost}
        )
        before = now
    return pd.DataFrame(out, columns=["run_date", "employers", "gained", "lost"]).set_index(
        "run_date"
    )
