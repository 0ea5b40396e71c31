"""The history file: schema migration, a newer schema refused, a damaged file set aside, and a
run killed during its write leaving the previous history readable."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import pytest
from history_exports import RUN_DATES, SETTINGS, load_settings, record, write_version
from typer.testing import CliRunner

from pipeline import history
from pipeline.cli import app
from pipeline.history import store
from pipeline.progress import without_progress

ROOT = Path(__file__).resolve().parents[2]


def _version_1_history(path: Path) -> None:
    """A history as version 1 of the schema wrote it: no marks table, no export_date."""
    conn = sqlite3.connect(path)
    for statement in store.MIGRATIONS[1]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO runs VALUES (1, '2026-06-01T09:00:00', '2026-06-01', '0.1', 2)")
    conn.execute("INSERT INTO inputs VALUES (1, 'export', 'Connections.csv', 1200, 'ab12')")
    conn.execute("INSERT INTO targets VALUES (1, 'shopify')")
    rows = [
        ("ilsa-brandt", "Ilsa Brandt", "Deloitte", "deloitte", "Data Analyst", "Entry", 13),
        ("pia-lindqvist", "Pia Lindqvist", "Deloitte", "deloitte", "ML Engineer", "Entry", 5),
    ]
    conn.executemany(
        "INSERT INTO prospects (run_id, prospect_id, name, name_key, company, company_key, title,"
        " seniority, is_connection, is_alum, rank) VALUES (1, ?, ?, lower(?), ?, ?, ?, ?, 1, 0, ?)",
        [(pid, name, name, *rest) for pid, name, *rest in rows],
    )
    conn.commit()
    conn.close()


def test_a_version_1_history_opens_upgrades_and_takes_the_next_run(tmp_path):
    history_settings = load_settings(tmp_path)
    db = tmp_path / "history.sqlite"
    _version_1_history(db)
    pending = record(tmp_path, 2, history_settings, db)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION == 4
    columns = [r[1] for r in conn.execute("PRAGMA table_info(inputs)")]
    assert "export_date" in columns
    assert conn.execute("SELECT count(*) FROM marks").fetchone()[0] == 0
    conn.close()
    # The old run is still there, and the new one was compared with it.
    runs = history.runs(db)
    assert runs["run_id"].tolist() == [1, 2] and runs["people"].iloc[0] == 2
    kinds = dict(zip(pending.changes["name"], pending.changes["kind"], strict=True))
    assert kinds["Pia Lindqvist"] == "into_target" and kinds["Ilsa Brandt"] == "job_change"


def test_reading_commands_upgrade_an_old_history_too(tmp_path):
    db = tmp_path / "history.sqlite"
    _version_1_history(db)
    assert history.runs(db)["export_date"].isna().all()
    assert sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0] == 4


def test_a_history_from_a_newer_version_is_refused_in_one_line(tmp_path):
    db = tmp_path / "history.sqlite"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE runs (x)")
    conn.execute("PRAGMA user_version = 7")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    with pytest.raises(history.HistoryError, match="newer version of prospects"):
        store.open_for_writing(db)
    out = CliRunner().invoke(app, ["history", "--history", str(db)])
    assert out.exit_code == 1
    assert out.output.strip().count("\n") == 0 and "history schema 7" in out.output
    assert db.read_bytes() == before  # untouched


def _cli_run(tmp_path: Path, k: int, db: Path) -> object:
    inputs = write_version(tmp_path / f"v{k}", k)
    (tmp_path / "s.toml").write_text(SETTINGS, encoding="utf-8")
    args = ["shortlist", str(inputs.export), "-a", str(inputs.alumni[0]), "-c"]
    args += [str(tmp_path / "s.toml"), "--out", str(tmp_path / "out" / "shortlist.xlsx")]
    return CliRunner().invoke(app, [*args, "--history", str(db)])


def test_a_damaged_history_is_set_aside_in_one_line_and_the_run_completes(tmp_path):
    db = tmp_path / "out" / "history.sqlite"
    db.parent.mkdir()
    garbage = b"this is not a database" * 100
    db.write_bytes(garbage)
    out = _cli_run(tmp_path, 1, db)
    assert out.exit_code == 0, out.output
    warnings = [line for line in without_progress(out.stderr).splitlines() if line.strip()]
    assert len(warnings) == 1
    assert warnings[0].startswith("Warning: history.sqlite was damaged; set it aside as ")
    (aside,) = db.parent.glob("history.corrupt-*.sqlite")
    assert aside.read_bytes() == garbage  # kept, not deleted
    assert (tmp_path / "out" / "shortlist.xlsx").is_file()
    assert len(history.runs(db)) == 1  # a new history, with this run


def test_a_truncated_history_is_set_aside_too(tmp_path):
    history_settings = load_settings(tmp_path)
    db = tmp_path / "history.sqlite"
    record(tmp_path, 1, history_settings, db)
    record(tmp_path, 2, history_settings, db)
    data = db.read_bytes()
    db.write_bytes(data[:4096] + b"\0" * 100 + data[8192:12000])  # header fine, pages broken
    _next_run_sets_it_aside(tmp_path, history_settings, db)


KILLER = textwrap.dedent(
    """
    import sys, time
    from datetime import datetime
    sys.path.insert(0, {tests!r})
    from history_exports import load_settings, write_version
    from pathlib import Path
    from pipeline import history, run
    from pipeline.history import store

    folder, db = Path({folder!r}), Path({db!r})
    loaded = load_settings(folder)
    result = run.shortlist(write_version(folder / "v2", 2), loaded)
    pending = history.prepare(result, db, now=datetime(2026, 9, 10, 9))
    original = store._insert_cells

    def slow_insert(conn, table, run_id, columns, cells, verb="INSERT"):
        original(conn, table, run_id, columns, cells, verb)
        if table == "prospects" and run_id == 2:  # inside the transaction, run 2's rows written
            print("writing", flush=True)
            time.sleep(120)

    store._insert_cells = slow_insert
    pending.commit()
    """
)


def test_a_run_killed_during_the_history_write_leaves_the_previous_history(tmp_path):
    history_settings = load_settings(tmp_path)
    db = tmp_path / "history.sqlite"
    record(tmp_path, 1, history_settings, db)
    before = history.runs(db)
    script = KILLER.format(tests=str(Path(__file__).parent), folder=str(tmp_path), db=str(db))
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        line = proc.stdout.readline()  # the child is inside the transaction
        assert line.strip() == "writing", proc.stderr.read()
        assert Path(str(db) + "-journal").exists()  # the write is under way
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    after = history.runs(db)  # rolls the journal back
    assert after.equals(before)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT DISTINCT run_id FROM prospects").fetchall() == [(1,)]
    conn.close()
    # and the next run goes in as run 2
    record(tmp_path, 2, history_settings, db)
    assert history.runs(db)["run_date"].tolist() == [
        d.isoformat() for d in list(RUN_DATES.values())[:2]
    ]


def test_a_history_path_that_is_an_input_is_refused_and_the_input_left_alone(tmp_path):
    inputs = write_version(tmp_path / "v1", 1)
    before = inputs.alumni[0].read_bytes()
    (tmp_path / "s.toml").write_text(SETTINGS, encoding="utf-8")
    args = ["shortlist", str(inputs.export), "-a", str(inputs.alumni[0]), "-c"]
    args += [str(tmp_path / "s.toml"), "--out", str(tmp_path / "shortlist.xlsx")]
    out = CliRunner().invoke(app, [*args, "--history", str(inputs.alumni[0])])
    assert out.exit_code == 1
    assert without_progress(out.stderr).strip() == (
        "Error: alumni.csv is one of the input files; give --history another file name."
    )
    assert inputs.alumni[0].read_bytes() == before
    assert not list((tmp_path / "v1").glob("*.corrupt-*"))


def _cells(n: int, width: int) -> list[list[object]]:
    """``width`` columns of ``n`` rows: text (non-ASCII, empty, duplicates), ints, floats, None."""
    kinds = [
        lambda i: f"id-{i:04d}",
        lambda i: None if i % 7 == 3 else f"Núñez {i % 5} 李",
        lambda i: None if i % 4 == 1 else i * 3 - 50,
        lambda i: None if i % 6 == 2 else i / 7,
        lambda i: "" if i % 3 == 0 else "x",
    ]
    return [[kinds[c % len(kinds)](i) for i in range(n)] for c in range(width)]


def _oracle_and_insert(tmp_path: Path, n: int, width: int) -> tuple[Path, Path]:
    """The same rows written one to a statement (the oracle) and by store._insert_cells."""
    columns = [f"c{c}" for c in range(width)]
    create = (
        f"CREATE TABLE t (run_id INTEGER NOT NULL, {', '.join(c + ' ANY' for c in columns)},"
        " PRIMARY KEY (run_id, c0)) WITHOUT ROWID"
    )
    cells = _cells(n, width)
    paths = (tmp_path / f"oracle-{n}-{width}.sqlite", tmp_path / f"insert-{n}-{width}.sqlite")
    for path, write in zip(paths, ("oracle", "insert"), strict=True):
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute(create)
        conn.execute("BEGIN")
        if write == "oracle":
            marks = ", ".join("?" * (width + 1))
            for row in zip(*cells, strict=True):
                conn.execute(f"INSERT INTO t (run_id, {', '.join(columns)}) VALUES ({marks})",
                             (7, *row))  # fmt: skip
        else:
            store._insert_cells(conn, "t", 7, columns, cells)
        conn.execute("COMMIT")
        conn.close()
    return paths


@pytest.mark.parametrize("n", [0, 1, 2, 63, 64, 65, 200])
@pytest.mark.parametrize("width", [1, 15, 20])  # 20: 64 rows would pass 999 parameters
def test_many_rows_to_a_statement_read_back_as_one_row_to_a_statement(tmp_path, n, width):
    oracle, inserted = _oracle_and_insert(tmp_path, n, width)
    read = [sqlite3.connect(p).execute("SELECT * FROM t").fetchall() for p in (oracle, inserted)]
    assert read[0] == read[1]
    # ids are zero-padded: the key's order is the order given
    assert read[1] == [(7, *row) for row in zip(*_cells(n, width), strict=True)]
    assert {type(v) for r in read[1] for v in r} <= {int, float, str, type(None)}
    # and the file is the same, byte for byte
    assert oracle.read_bytes() == inserted.read_bytes()


def test_each_run_keeps_its_connections_and_alumni_as_its_rows_count_them(tmp_path):
    # the migration to version 3 counts the runs before it; a written run counts its own, from
    # the Arrow columns or (values Arrow cannot hold as SQLite does) from its rows: "yes" is
    # text to SQLite, no true flag; 2.5 is
    import pandas as pd

    db = tmp_path / "history.sqlite"
    _version_1_history(db)
    conn = store.open_for_writing(db)
    base = pd.DataFrame({"prospect_id": ["a", "b", "c", "d"], "is_connection": [1, 0, 1, None],
                         "is_alum": [0, 0, 1, 1]})  # fmt: skip
    odd = base.astype(object).assign(is_connection=[True, "yes", 2.5, 0], is_alum=[None, 1, 0, 0])
    for frame in (base, odd):
        run = store.Run(datetime(2026, 7, 1), "2026-07-01", "t", frame, pd.DataFrame(),
                        pd.DataFrame(), ())  # fmt: skip
        store.write_run(conn, run)
    stored = conn.execute("SELECT run_id, connections, alumni FROM runs ORDER BY run_id").fetchall()
    counted = conn.execute(
        """SELECT run_id, sum(CASE WHEN is_connection THEN 1 ELSE 0 END),
                  sum(CASE WHEN is_alum THEN 1 ELSE 0 END)
           FROM prospects GROUP BY run_id ORDER BY run_id"""
    ).fetchall()
    conn.close()
    assert stored == counted == [(1, 2, 0), (2, 2, 2), (3, 2, 1)]


@pytest.mark.parametrize("blob", ["volatile", "keyframes"])
def test_a_damaged_blob_is_reported_in_one_line_and_the_next_run_starts_anew(tmp_path, blob):
    # a delta run's volatile columns, or the keyframe of people who never had a row, are the
    # only copy: a blob that does not decode is damage, said in one line, never a traceback
    history_settings = load_settings(tmp_path)
    db = tmp_path / "history.sqlite"
    record(tmp_path, 1, history_settings, db)
    record(tmp_path, 2, history_settings, db)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM runs WHERE storage = 'delta'").fetchone()[0] == 2
    conn.execute(f"UPDATE {blob} SET data = x'00ff'")
    conn.execute("DELETE FROM last_snapshot")  # the run must rebuild the last run's state
    conn.commit()
    conn.close()
    for args in (["changes"], ["changes", "--since", "2026-01-01"], ["history"]):
        out = CliRunner().invoke(app, [*args, "--history", str(db)])
        if args == ["history"] or blob == "keyframes":  # counts in runs; rows serve changes
            assert out.exit_code == 0, out.output
            continue
        assert out.exit_code == 1, out.output
        assert out.output.strip().count("\n") == 0, out.output
        assert "history.sqlite is damaged; the next prospects shortlist sets it aside" in (
            out.output
        )
    _next_run_sets_it_aside(tmp_path, history_settings, db)


def _next_run_sets_it_aside(tmp_path, history_settings, db) -> None:
    """The next run says in one line that the damaged history is set aside, and starts anew."""
    from pipeline import run

    said: list[str] = []
    result = run.shortlist(write_version(tmp_path / "v3", 3), history_settings)
    pending = history.prepare(result, db, say=said.append, now=datetime(2026, 11, 2, 9))
    pending.commit()
    assert len(said) == 1 and "set it aside" in said[0]
    assert len(history.runs(db)) == 1
