"""The run history: one SQLite file (standard library ``sqlite3``), one transaction per run.

Tables (schema version in ``PRAGMA user_version``, migrated forward on open):

- ``runs``: one row per run: when, the tool's version, how many people, connections, alumni.
- ``inputs``: the run's files: kind, name (never a directory), size, SHA-256, export date.
- ``targets``: the run's target employer keys (so a later ``changes`` judges moves the same way).
- ``prospects``: per run and prospect_id, the fields that matter: name, company and its key,
  title, seniority, school, class year, connection / alum, warmth, score, rank.
- ``marks``: per run and prospect_id, the user's workbook columns as read at the start of the
  run: status, contacted on, follow up on, interested, and a hash of the notes (never the text).
- ``last_snapshot``: the last run's ``prospects`` rows again, as one Arrow blob: a cache the
  next run reads instead of the rows (``pipeline.history.snapshot``; no schema version of its
  own, so older versions still open the file).
- Schema 4, a run stored as a delta (``runs.storage`` 'delta', ``_write_delta``): ``prospects``
  holds only who changed, is marked or ranked in the TOP_ROWS (and the run before's row of who
  changed or left); ``gone`` who left; ``volatile`` everyone's rank, score and warmth
  (``pipeline.history.volatile``, read without numpy); ``keyframes`` now and then the whole run.
  ``reads.rows_at`` and ``states.state`` rebuild a run (docs/history-v3.md).

A file from a newer schema is refused with one sentence; a file that is not a readable SQLite
database is renamed aside (``history.corrupt-YYYYMMDD-HHMMSS.sqlite``) and a new one started.

Reading is ``pipeline.history.reads``: plain rows (dicts) where `prospects changes` needs them,
so that command never imports pandas; DataFrames for notebooks and `prospects explain`.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import ProspectsError
from pipeline.history import snapshot
from pipeline.history.migrations import COUNT_SQL, MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

PROSPECT_COLUMNS = (
    "prospect_id",
    "name",
    "name_key",
    "company",
    "company_key",
    "title",
    "seniority",
    "school",
    "grad_year",
    "is_connection",
    "is_alum",
    "connected_on",
    "warmth",
    "score",
    "rank",
)
#: The columns that change for nearly everyone from one run to the next: kept apart (volatile).
VOLATILE_COLUMNS = ("warmth", "score", "rank")
#: A delta run also keeps rows for its TOP_ROWS best ranked (rank moves in `prospects changes`
#: within them need no keyframe), and a new keyframe once the changes since the last one pass
#: KEYFRAME_SHARE of the run's people.
TOP_ROWS = 1000
KEYFRAME_SHARE = 0.2
MARK_COLUMNS = (
    "prospect_id",
    "status",
    "contacted_on",
    "follow_up_on",
    "interested",
    "notes_hash",
)
INPUT_COLUMNS = ("kind", "name", "size", "sha256", "export_date")
#: Rows per INSERT statement (``_insert_cells``), and the bound parameters a statement may have
#: (SQLITE_MAX_VARIABLE_NUMBER of SQLite before 3.32, still the floor a build may have).
ROWS_PER_INSERT = 64
MAX_PARAMETERS = 999


class HistoryError(ProspectsError):
    """The history file cannot be used (written by a newer version, or missing)."""


@dataclass(frozen=True)
class Run:
    """What one run adds to the history.

    ``prospects``: PROSPECT_COLUMNS, one row per prospect_id (a DataFrame, or an Arrow table
    as ``snapshot.columnar`` makes it, in prospect_id order: ``record.snapshot_table``);
    ``marks``: MARK_COLUMNS, one row per prospect_id the user wrote something for; ``inputs``:
    INPUT_COLUMNS; ``targets``: the target employers' company keys.
    """

    run_at: datetime
    run_date: str  # ISO date the run treats as today
    version: str
    prospects: pd.DataFrame | pa.Table
    marks: pd.DataFrame
    inputs: pd.DataFrame
    targets: Sequence[str]


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: we open and close transactions ourselves (BEGIN IMMEDIATE … COMMIT).
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _version(conn: sqlite3.Connection) -> int:
    # Reading the schema makes SQLite check the header: a non-database raises DatabaseError here.
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, to: int = SCHEMA_VERSION) -> int:
    """Bring the file up to schema version ``to`` in one transaction; returns the old version."""
    old = _version(conn)
    if old >= to:
        return old
    conn.execute("BEGIN IMMEDIATE")
    try:
        for version in range(old + 1, to + 1):
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {int(to)}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return old


def _set_aside(path: Path, now: datetime) -> Path:
    aside = path.with_name(f"{path.stem}.corrupt-{now:%Y%m%d-%H%M%S}{path.suffix}")
    for suffix in ("-journal", "-wal", "-shm"):  # a damaged file's journal goes with it
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.replace(aside.with_name(aside.name + suffix))
    path.replace(aside)
    return aside


def _newer(path: Path, version: int) -> HistoryError:
    return HistoryError(
        f"{path.name} was written by a newer version of prospects (history schema {version}, "
        f"this one reads up to {SCHEMA_VERSION}); update prospects, or run with --no-history."
    )


def open_for_writing(
    path: Path, say: Callable[[str], None] = lambda _m: None, now: datetime | None = None
) -> sqlite3.Connection:
    """Open (or create) the history at ``path``, migrated to SCHEMA_VERSION.

    A file that is not a readable SQLite database is renamed aside, with one line to ``say``,
    and a new history started. Raises HistoryError for a file from a newer schema.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        raise HistoryError(f"The history path {path.name} is a folder; give a file name.")
    conn = _connect(path)
    try:
        version = _version(conn)
        if version > SCHEMA_VERSION:
            conn.close()
            raise _newer(path, version)
        if version and not _has_tables(conn):
            raise sqlite3.DatabaseError("a database without the history's tables")
        migrate(conn)
        conn.execute("SELECT max(run_id) FROM runs").fetchone()
        return conn
    except sqlite3.DatabaseError:
        conn.close()
        return start_anew(path, say, now)


def start_anew(
    path: Path, say: Callable[[str], None] = lambda _m: None, now: datetime | None = None
) -> sqlite3.Connection:
    """Rename a damaged history aside (one line to ``say``) and open a new, empty one."""
    aside = _set_aside(path, now or datetime.now())
    say(f"{path.name} was damaged; set it aside as {aside.name} and started a new history.")
    conn = _connect(path)
    migrate(conn)
    return conn


def _has_tables(conn: sqlite3.Connection) -> bool:
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {"runs", "inputs", "prospects"} <= names


def open_for_reading(path: Path) -> sqlite3.Connection:
    """Open an existing history to read it (an older schema is migrated forward first)."""
    path = Path(path)
    if not path.is_file():
        raise HistoryError(
            f"There is no history at {path.name} yet; run prospects shortlist first "
            "(or give --history PATH)."
        )
    # Read-write, not mode=ro: a run killed mid-write leaves a journal that the next connection
    # must roll back, which a read-only one cannot do.
    conn = _connect(path)
    try:
        version = _version(conn)
    except sqlite3.DatabaseError:
        conn.close()
        raise HistoryError(
            f"{path.name} is damaged; the next prospects shortlist sets it aside and starts anew."
        ) from None
    if version > SCHEMA_VERSION:
        conn.close()
        raise _newer(path, version)
    if version < SCHEMA_VERSION:
        migrate(conn)  # an older file is brought forward (adding tables and columns only)
    return conn


def write_run(conn: sqlite3.Connection, run: Run, delta: Any = None, blobs: Any = None) -> int:
    """Append ``run`` in one transaction (all of it or nothing); returns its run_id.

    A run whose prospects go into Arrow as SQLite stores them is written as a delta of the run
    before (``delta.compare`` with the last run's snapshot; ``delta`` when the caller made it
    already): rows only for who changed, is marked or ranked in the TOP_ROWS, the rows of the
    run before for who changed or left (when not there yet), who left, everyone's volatile
    columns, and a keyframe now and then. Otherwise (no snapshot of the last run to compare
    with, values Arrow would change) every person is a row, as in schema 2. ``blobs``
    (``blobs.Blobs``): the snapshot and volatile blobs of ``run.prospects`` made beforehand."""
    import pandas as pd

    conn.execute("BEGIN IMMEDIATE")
    try:
        cur = conn.execute(
            "INSERT INTO runs (run_at, run_date, version, people) VALUES (?, ?, ?, ?)",
            (
                run.run_at.isoformat(timespec="seconds"),
                run.run_date,
                run.version,
                len(run.prospects),
            ),
        )
        run_id = int(cur.lastrowid or 0)
        _insert(conn, "inputs", run_id, run.inputs, INPUT_COLUMNS)
        conn.executemany(
            "INSERT INTO targets (run_id, company_key) VALUES (?, ?)",
            ((run_id, key) for key in sorted(set(run.targets))),
        )
        if isinstance(run.prospects, pd.DataFrame):
            prospects = _in_key_order(run.prospects.reindex(columns=list(PROSPECT_COLUMNS)))
            # the rows go in with the blob's values when it has them
            columnar = snapshot.columnar(prospects, PROSPECT_COLUMNS)
            blobs = None  # made of a table, not of this one
        else:  # record.snapshot_table: columnar already (not sorted)
            prospects = columnar = run.prospects
        before = conn.execute(
            "SELECT max(run_id) FROM runs WHERE run_id < ?", (run_id,)
        ).fetchone()[0]
        if columnar is not None and before is not None and delta is None:
            from pipeline.history import delta as delta_mod

            last = snapshot.read(conn, before, PROSPECT_COLUMNS)
            delta = None if last is None else delta_mod.compare(last, columnar)
        done, data = False, None
        if columnar is not None and (before is None or delta is not None):
            done, data = _write_delta(conn, run_id, before, columnar, run.marks, delta, blobs)
        if not done:
            _insert(conn, "prospects", run_id, prospects if columnar is None else
                    _table_in_key_order(columnar), PROSPECT_COLUMNS)  # fmt: skip
        snapshot.write(conn, run_id, columnar, data or getattr(blobs, "snapshot", None))
        _count_people(conn, run_id, columnar)
        _insert(conn, "marks", run_id, run.marks, MARK_COLUMNS)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return run_id


def _write_delta(
    conn: sqlite3.Connection,
    run_id: int,
    before: int | None,
    table: pa.Table,
    marks: pd.DataFrame,
    delta: Any,
    blobs: Any = None,
) -> tuple[bool, bytes | None]:
    """Run ``run_id`` as a delta of run ``before`` (None: the history's first run, all in the
    keyframe); returns whether it did (not when a keyframe is due and cannot be encoded: a
    pyarrow without zstd) and the snapshot's bytes when it made them (a keyframe)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from pipeline.history import volatile

    n = table.num_rows
    marked = pa.array(sorted({str(p) for p in marks.get("prospect_id", ())}), type=pa.string())
    keep = pc.is_in(table["prospect_id"], value_set=marked).to_numpy(zero_copy_only=False)
    ranks = pc.fill_null(table["rank"], n + TOP_ROWS + 1).to_numpy(zero_copy_only=False)
    keep = keep | (ranks <= TOP_ROWS)
    changed = 0 if delta is None else int(delta.changed.sum())
    last_key = conn.execute("SELECT max(run_id) FROM keyframes").fetchone()[0]
    since = 0
    if last_key is not None:
        since = conn.execute(
            "SELECT coalesce(sum(changed), 0) FROM runs WHERE run_id > ? AND run_id < ?",
            (last_key, run_id),
        ).fetchone()[0]
    data = None
    if last_key is None or before is None or since + changed > KEYFRAME_SHARE * n:
        try:
            data = getattr(blobs, "snapshot", None) or snapshot.to_bytes(table)
        except pa.ArrowException:
            return False, None
        conn.execute(
            "INSERT INTO keyframes (run_id, format, data) VALUES (?, ?, ?)",
            (run_id, snapshot.SNAPSHOT_FORMAT, data),
        )
    if delta is not None:
        keep = keep | delta.changed
        copies = delta.copies()
        copies = _table_in_key_order(copies)
        cells = [copies[c].to_pylist() for c in PROSPECT_COLUMNS]
        _insert_cells(conn, "prospects", int(before or 0), PROSPECT_COLUMNS, cells,
                      verb="INSERT OR IGNORE")  # fmt: skip
        gone = delta.old["prospect_id"].filter(pa.array(delta.gone)).to_pylist()
        conn.executemany(
            f"INSERT INTO gone (run_id, prospect_id) VALUES ({int(run_id)}, ?)",
            ((g,) for g in gone),
        )
    rows = _table_in_key_order(table.filter(pa.array(np.asarray(keep, dtype=bool))))
    _insert_cells(conn, "prospects", run_id, PROSPECT_COLUMNS,
                  [rows[c].to_pylist() for c in PROSPECT_COLUMNS])  # fmt: skip
    conn.execute(
        "INSERT INTO volatile (run_id, format, data) VALUES (?, ?, ?)",
        (run_id, volatile.FORMAT, volatile.encode(table) if blobs is None else blobs.volatile),
    )
    conn.execute(
        "UPDATE runs SET storage = 'delta', changed = ? WHERE run_id = ?", (changed, run_id)
    )
    return True, data


_FLAGS = ("is_connection", "is_alum")


def _count_people(conn: sqlite3.Connection, run_id: int, columnar: pa.Table | None) -> None:
    """Fill the run's connections and alumni: the rows whose flag SQLite takes as true, counted
    from the Arrow columns when the run has them (64-bit integers: true when set and not 0),
    else by SQLite over the run's rows, as the migration to version 3 counts the runs before."""
    if columnar is None:
        conn.execute(f"{COUNT_SQL} WHERE run_id = ?", (run_id,))
        return
    import pyarrow.compute as pc

    found = [pc.sum(pc.not_equal(columnar[c], 0)).as_py() or 0 for c in _FLAGS]
    conn.execute("UPDATE runs SET connections = ?, alumni = ? WHERE run_id = ?", (*found, run_id))


def _table_in_key_order(table: pa.Table) -> pa.Table:
    """``table`` sorted on prospect_id by bytes (the primary key's order), unless it is."""
    import pyarrow.compute as pc

    ids = table["prospect_id"]
    if len(ids) < 2 or pc.all(pc.less(ids[:-1], ids[1:])).as_py():
        return table
    return table.take(pc.sort_indices(ids))


def _in_key_order(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (with prospect_id) sorted on prospect_id, the order of the table's primary key:
    SQLite then appends to the table's b-tree instead of inserting all over it (half the time at
    200,000 people), and reads the run back in this order."""
    import numpy as np  # writing needs pandas anyway; `prospects changes` only reads
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    if frame.empty:
        return frame
    ids = frame["prospect_id"]
    if isinstance(ids.dtype, pd.StringDtype | pd.ArrowDtype):  # Arrow sorts text 3 x quicker
        # by bytes, as SQLite's BINARY collation compares them (UTF-8: code point order)
        return frame.take(pc.sort_indices(pa.array(ids.array)).to_numpy())
    return frame.take(np.argsort(ids.to_numpy(dtype=object), kind="stable"))


def _insert(
    conn: sqlite3.Connection,
    table: str,
    run_id: int,
    frame: pd.DataFrame | pa.Table,
    columns: Sequence[str] | None = None,
) -> None:
    """Insert ``frame``'s rows (``columns``, default all) into ``table`` for run ``run_id``. An
    Arrow table (``snapshot.columnar``) goes in as it is: its values are already what SQLite stores,
    and turning its columns into Python values is several times quicker than a DataFrame's."""
    import pandas as pd

    columns = list(columns or (frame.columns if isinstance(frame, pd.DataFrame) else ()))
    if not isinstance(frame, pd.DataFrame):
        _insert_cells(conn, table, run_id, columns, [frame[c].to_pylist() for c in columns])
        return
    if frame.empty:
        return
    values = frame.reindex(columns=columns)
    if "prospect_id" in columns:
        values = _in_key_order(values)
    cells = []
    for c in columns:
        column = values[c].astype(object)
        cells.append(column.where(column.notna(), None).tolist())
    _insert_cells(conn, table, run_id, columns, cells)


def _insert_cells(
    conn: sqlite3.Connection,
    table: str,
    run_id: int,
    columns: Sequence[str],
    cells: Sequence[Sequence[object]],
    verb: str = "INSERT",
) -> None:
    """Insert rows given column by column (``cells[i]``: the values of ``columns[i]``), in their
    order, ROWS_PER_INSERT rows to a statement: SQLite then parses, steps and resets once per 64
    rows, not once per row (commit at 1,000,000 people: 8.4 -> 7.2 s CPU). ``run_id`` goes into
    the statement's text (an int), so 64 rows of 15 columns stay within SQLite's 999 parameters.
    Same rows in the same order as one row to a statement: the same file, byte for byte."""
    if not cells or not len(cells[0]):
        return
    width = len(columns)
    per = max(1, min(ROWS_PER_INSERT, MAX_PARAMETERS // width))
    row = f"({int(run_id)}, {', '.join('?' * width)})"
    head = f"{verb} INTO {table} (run_id, {', '.join(columns)}) VALUES "
    flat = list(itertools.chain.from_iterable(zip(*cells, strict=True)))
    n, step = len(cells[0]), per * width
    full = n // per
    if full:
        many = head + ", ".join([row] * per)
        conn.executemany(many, (flat[i : i + step] for i in range(0, full * step, step)))
    if n > full * per:
        conn.execute(head + ", ".join([row] * (n - full * per)), flat[full * step :])
