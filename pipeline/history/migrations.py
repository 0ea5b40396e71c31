"""The history file's schema: each version's statements, applied in order by
``store.migrate`` to bring a file from version n-1 to n (``PRAGMA user_version``)."""

from __future__ import annotations

#: A run's connections and alumni: its prospects rows whose flag SQLite takes as true.
COUNT_SQL = """UPDATE runs SET
    connections = (SELECT count(*) FROM prospects p WHERE p.run_id = runs.run_id
                   AND p.is_connection),
    alumni = (SELECT count(*) FROM prospects p WHERE p.run_id = runs.run_id AND p.is_alum)"""
#: Each version's statements, applied in order to bring a file from version n-1 to n.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE runs (
            run_id INTEGER PRIMARY KEY,
            run_at TEXT NOT NULL,
            run_date TEXT NOT NULL,
            version TEXT NOT NULL,
            people INTEGER NOT NULL)""",
        """CREATE TABLE inputs (
            run_id INTEGER NOT NULL REFERENCES runs(run_id),
            kind TEXT NOT NULL, name TEXT NOT NULL, size INTEGER, sha256 TEXT)""",
        """CREATE TABLE targets (
            run_id INTEGER NOT NULL REFERENCES runs(run_id),
            company_key TEXT NOT NULL, PRIMARY KEY (run_id, company_key)) WITHOUT ROWID""",
        """CREATE TABLE prospects (
            run_id INTEGER NOT NULL REFERENCES runs(run_id),
            prospect_id TEXT NOT NULL,
            name TEXT, name_key TEXT, company TEXT, company_key TEXT, title TEXT,
            seniority TEXT, school TEXT, grad_year INTEGER,
            is_connection INTEGER, is_alum INTEGER, connected_on TEXT,
            warmth REAL, score REAL, rank INTEGER,
            PRIMARY KEY (run_id, prospect_id)) WITHOUT ROWID""",
    ),
    # Version 2: the user's workbook columns as read (keep-in-touch rhythm), and the export's date.
    2: (
        "ALTER TABLE inputs ADD COLUMN export_date TEXT",
        """CREATE TABLE marks (
            run_id INTEGER NOT NULL REFERENCES runs(run_id),
            prospect_id TEXT NOT NULL,
            status TEXT, contacted_on TEXT, follow_up_on TEXT, interested TEXT, notes_hash TEXT,
            PRIMARY KEY (run_id, prospect_id)) WITHOUT ROWID""",
    ),
    # Version 3: each run's connections and alumni counted once, when it is written (filled here
    # for the runs before), so `prospects history` no longer counts every run's rows.
    3: (
        "ALTER TABLE runs ADD COLUMN connections INTEGER",
        "ALTER TABLE runs ADD COLUMN alumni INTEGER",
        COUNT_SQL,
    ),
    # Version 4: a run keeps as rows only the people it changes (docs/history-v3.md): runs.storage
    # ('delta'; NULL: every person a row, as before) and changed (people new or with other stable
    # columns than the run before); keyframes (every person, stable columns as they were, on the
    # first such run and when the changes since the last pass KEYFRAME_SHARE of the run); gone
    # (who the run lacks of the run before); volatile (everyone's rank, score, warmth).
    4: (
        "ALTER TABLE runs ADD COLUMN storage TEXT",
        "ALTER TABLE runs ADD COLUMN changed INTEGER",
        """CREATE TABLE keyframes (
            run_id INTEGER PRIMARY KEY REFERENCES runs(run_id),
            format TEXT NOT NULL, data BLOB NOT NULL)""",
        """CREATE TABLE volatile (
            run_id INTEGER PRIMARY KEY REFERENCES runs(run_id),
            format TEXT NOT NULL, data BLOB NOT NULL)""",
        """CREATE TABLE gone (
            run_id INTEGER NOT NULL REFERENCES runs(run_id),
            prospect_id TEXT NOT NULL,
            PRIMARY KEY (run_id, prospect_id)) WITHOUT ROWID""",
    ),
}
SCHEMA_VERSION = max(MIGRATIONS)
