"""The last run's columnar snapshot (``reads.last_snapshot``, issue 18): a run reads the last
run back from one Arrow blob instead of 200,000 rows. It is a cache of the rows: it must read
back as exactly what SQLite gives for them, be ignored when it is not the last run's (a file
an older version wrote to) or does not read back, be left out when a frame holds values the
rows would store differently, and a history without it (every file written before) must give
the same changes as one with it."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from history_exports import load_settings, record

from benchmarks.bench_history import TARGETS, first_run, next_run
from pipeline import history
from pipeline.history import reads, store
from pipeline.history import snapshot as blob
from pipeline.history.changes import diff, records, text
from pipeline.history.differ import _texts, may_differ
from pipeline.history.record import _last_run, snapshot, snapshot_table
from pipeline.history.snapshot import columnar
from pipeline.settings import History

NO_MARKS = pd.DataFrame(columns=list(store.MARK_COLUMNS))
NO_FILES = pd.DataFrame(columns=list(store.INPUT_COLUMNS))


def _awkward(n: int, seed: int) -> pd.DataFrame:
    """A snapshot as ``record.snapshot`` makes them (its dtypes), with what SQLite and Arrow
    might treat differently: missing cells in every column, accents, padding, whole floats."""
    return snapshot(_awkward_source(n, seed))


def _awkward_source(n: int, seed: int) -> pd.DataFrame:
    """The ranked frame ``_awkward`` makes its snapshot of."""
    frame = first_run(n, np.random.default_rng(seed))
    # ids that sort differently by bytes, by code points and by locale
    odd = ["Zoë-1", "zoe-2", "Émile-3", "émile-4", "李-5", "ß-6", "a-7", "A-8", "😀-9", "ａ-10"]
    frame.loc[: len(odd) - 1, "prospect_id"] = odd
    people = frame.assign(full_name=frame["name"], first_name="", last_name="")
    people = people.assign(
        full_name=people["full_name"].where(people.index % 7 != 0, "  José Núñez-Park "),
        connected_on=pd.Series(pd.Timestamp("2024-03-05"), index=people.index).where(
            people.index % 5 != 0, pd.NaT
        ),
        title=people["title"].where(people.index % 11 != 0, None),
        company_key=people["company_key"].where(people.index % 13 != 0, " acme corp "),
        grad_year=people["grad_year"].where(people.index % 3 != 0, pd.NA),
        warmth=people["warmth"].where(people.index % 4 != 0, np.nan),
        score=people["score"].where(people.index % 6 != 0, 1.0),
        rank=people["rank"].astype("float64").where(people.index % 9 != 0, np.nan),
    )
    return people.drop(columns=["name"])


@pytest.mark.parametrize("n", [0, 1, 2, 500])
def test_the_snapshot_table_is_the_snapshot_as_the_history_stores_its_values(n):
    # the oracle: record.snapshot (first of each id kept, in its order), each value as
    # snapshot.columnar converts it
    source = _awkward_source(500, 4)
    ranked = source.iloc[:n]
    # someone both ranked and left out (the ranked row wins), someone twice in each frame, a
    # non-ASCII id repeated, others left out only
    filtered = pd.concat([source.iloc[n // 2 : n // 2 + 3], source.iloc[400:420]]).assign(
        rank=np.nan, title="left out"
    )
    filtered = pd.concat([filtered, filtered.iloc[:2]])
    ranked = pd.concat([ranked, ranked.iloc[:1].assign(title="again")])
    for parts in ((ranked, filtered), (ranked, None), (ranked.iloc[:0], filtered)):
        expected = columnar(snapshot(*parts), store.PROSPECT_COLUMNS)
        found = snapshot_table(*parts)
        assert isinstance(found, pa.Table)
        assert found.schema == expected.schema
        assert found.to_pylist() == expected.to_pylist()
        ids = found["prospect_id"].to_pylist()
        assert len(ids) == len(set(ids))
    if n == 500:
        assert {"李-5", "😀-9"} <= set(snapshot_table(ranked, filtered)["prospect_id"].to_pylist())


def test_a_snapshot_arrow_cannot_hold_as_sqlite_does_stays_a_frame(monkeypatch):
    # snapshot's own columns always convert; should one not, the run keeps the frame (and the
    # commit sorts it and writes rows only, as before the snapshot table)
    from pipeline.history import record as record_mod

    source = _awkward_source(20, 4)
    monkeypatch.setattr(record_mod, "columnar", lambda _frame, _columns: None)
    found = snapshot_table(source)
    assert isinstance(found, pd.DataFrame)
    pd.testing.assert_frame_equal(found, snapshot(source))


def _write(conn: sqlite3.Connection, prospects: pd.DataFrame, day: str) -> int:
    run = store.Run(datetime.fromisoformat(day), day, "test", prospects, NO_MARKS, NO_FILES, ())
    return store.write_run(conn, run)


def test_the_snapshot_reads_back_as_the_rows_sqlite_gives(tmp_path):
    conn = store.open_for_writing(tmp_path / "h.sqlite")
    prospects = _awkward(500, 1)
    assert prospects["title"].eq("").any() and prospects["rank"].isna().any()
    run_id = _write(conn, prospects.sample(frac=1, random_state=2), "2026-01-05")
    table = reads.last_snapshot(conn, run_id)
    assert table is not None
    rows = reads.prospects(conn, run_id)
    # the same values, of the same Python types, in the order SQLite reads the run
    assert [tuple(map(type, r.values())) for r in table.to_pylist()] == [
        tuple(map(type, r.values())) for r in rows
    ]
    assert table.to_pylist() == rows
    assert [r["prospect_id"] for r in rows] == sorted(prospects["prospect_id"])
    conn.close()


def test_the_last_run_reads_alike_from_the_snapshot_and_from_the_rows(tmp_path):
    conn = store.open_for_writing(tmp_path / "h.sqlite")
    old = _awkward(800, 3)
    _write(conn, old, "2026-01-05")
    since, from_blob, _ = _last_run(conn)
    assert all(isinstance(t, pd.ArrowDtype) for t in from_blob.dtypes)  # read from the blob
    # as a file written before the snapshot was: the run a row per person, no blob
    rows = store.open_for_writing(tmp_path / "rows.sqlite")
    rows.execute("INSERT INTO runs (run_id, run_at, run_date, version, people)"
                 " VALUES (1, '2026-01-05T00:00:00', '2026-01-05', '0.9', ?)",
                 (len(old),))  # fmt: skip
    store._insert(rows, "prospects", 1, old, store.PROSPECT_COLUMNS)
    since_rows, from_rows, _ = _last_run(rows)
    assert since == since_rows == "2026-01-05"
    assert all(
        t.kind == "O" and not isinstance(t, pd.ArrowDtype) for t in from_rows.dtypes
    )  # read from the rows
    new = old.copy()
    new.loc[1:40, "company_key"] = "elsewhere"
    new.loc[41:60, "title"] = new.loc[41:60, "title"] + "  "  # padding only: no change
    new.loc[61:80, "is_alum"] = 1 - new.loc[61:80, "is_alum"]
    new.loc[81:90, "rank"] = pd.NA
    new = new.drop(index=range(100, 120))
    for settings in (History(), History(rank_move_within=0), History(rank_move=0)):
        args = ({"x", str(old["prospect_id"].iloc[300])}, settings.rank_move,
                settings.rank_move_within)  # fmt: skip
        old_blob, new_blob = may_differ(from_blob, new, *args)
        old_rows, new_rows = may_differ(from_rows, new, *args)
        assert old_blob == old_rows  # SQLite's values: None, never NaN
        assert [r["prospect_id"] for r in new_blob] == [r["prospect_id"] for r in new_rows]
        pd.testing.assert_frame_equal(pd.DataFrame(new_blob), pd.DataFrame(new_rows))
        whole = diff(records(from_rows), records(new), TARGETS, rank_move=settings.rank_move,
                     within=settings.rank_move_within)  # fmt: skip
        part = diff(*may_differ(from_blob, new, *args), TARGETS, rank_move=settings.rank_move,
                    within=settings.rank_move_within)  # fmt: skip
        assert part == whole and whole
    conn.close()
    rows.close()


def test_a_text_column_is_stripped_as_changes_text_strips_it():
    cells = ["  a b ", None, "\tx\n", "", "é\u2003", "z"]
    for values in (pd.Series(cells, dtype="str"), pd.Series(cells, dtype=object)):
        found = _texts(values)
        found = found.to_pylist() if hasattr(found, "to_pylist") else list(found)
        assert found == [text(v) for v in cells]


def test_only_the_last_runs_snapshot_is_kept_and_an_older_one_is_not_read(tmp_path):
    db = tmp_path / "h.sqlite"
    conn = store.open_for_writing(db)
    rng = np.random.default_rng(5)
    first = first_run(300, rng)
    _write(conn, first, "2026-01-05")
    second = next_run(first, 1, rng)
    run_2 = _write(conn, second, "2026-02-05")
    kept = conn.execute("SELECT run_id FROM last_snapshot").fetchall()
    assert kept == [(run_2,)]  # the file grows by one blob, not one per run
    # An older version adds run 3 without a snapshot: the blob of run 2 must not stand for it.
    third = next_run(second, 2, rng)
    conn.execute("BEGIN")
    conn.execute("INSERT INTO runs (run_id, run_at, run_date, version, people)"
                 " VALUES (3, '2026-03-05T09:00:00', '2026-03-05', '0.9', ?)",
                 (len(third),))  # fmt: skip
    store._insert(conn, "prospects", 3, third, store.PROSPECT_COLUMNS)
    conn.execute("COMMIT")
    assert reads.last_snapshot(conn, 3) is None
    since, old, _ = _last_run(conn)
    assert since == "2026-03-05"
    assert sorted(old["prospect_id"]) == sorted(third["prospect_id"])
    assert records(old) == reads.prospects(conn, 3)
    conn.close()


def test_a_snapshot_that_does_not_read_back_falls_back_to_the_rows(tmp_path):
    conn = store.open_for_writing(tmp_path / "h.sqlite")
    prospects = first_run(200, np.random.default_rng(6))
    run_id = _write(conn, prospects, "2026-01-05")
    conn.execute("UPDATE last_snapshot SET data = ?", (b"\x00" * 64,))
    assert reads.last_snapshot(conn, run_id) is None
    good = blob.to_bytes(blob.columnar(store._in_key_order(prospects), store.PROSPECT_COLUMNS))
    conn.execute("UPDATE last_snapshot SET data = ?, format = 'something newer'", (good,))
    assert reads.last_snapshot(conn, run_id) is None
    _since, old, _ = _last_run(conn)
    assert records(old) == reads.prospects(conn, run_id)
    conn.close()


@pytest.mark.parametrize(
    "change",
    [
        ("rank", pd.Series([2.5] + [1.0] * 199)),  # SQLite keeps 2.5 in an INTEGER column
        ("grad_year", pd.Series(["2019"] * 200, dtype=object)),  # text in a number column
        ("school", pd.Series([2019] * 200, dtype=object)),  # a number in a text column
        ("is_alum", pd.Series([True, False] * 100)),  # SQLite stores True as 1
    ],
    ids=lambda c: c[0],
)
def test_a_frame_the_snapshot_would_change_goes_in_as_rows_only(tmp_path, change):
    conn = store.open_for_writing(tmp_path / "h.sqlite")
    column, values = change
    prospects = first_run(200, np.random.default_rng(7)).assign(**{column: values})
    run_id = _write(conn, prospects, "2026-01-05")
    assert conn.execute("SELECT count(*) FROM last_snapshot").fetchone()[0] == 0
    assert reads.last_snapshot(conn, run_id) is None
    rows = reads.prospects(conn, run_id)
    assert len(rows) == 200
    _since, old, _ = _last_run(conn)
    assert records(old) == rows  # read from the rows, as SQLite stored them
    conn.close()


def test_a_history_written_without_snapshots_gives_the_same_changes(tmp_path):
    """Three runs of the invented user: once as this version writes them, once with the
    snapshot dropped after each run (as every history written before it); the same changes,
    people due and summary."""
    loaded = load_settings(tmp_path)
    found = {}
    for label in ("with", "without"):
        db = tmp_path / label / "history.sqlite"
        db.parent.mkdir()
        pendings = []
        for k in (1, 2, 3):
            pendings.append(record(tmp_path / label, k, loaded, db))
            if label == "without":
                with sqlite3.connect(db) as conn:
                    conn.execute("DROP TABLE last_snapshot")
        with sqlite3.connect(db) as conn:
            has = conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'last_snapshot'")
            assert has.fetchone()[0] == (label == "with")
        found[label] = (
            [p.summary() for p in pendings],
            [p.frame() for p in pendings],
            history.changes_text(history.changes_since(db, today=date(2026, 11, 2))),
        )
    assert found["with"][0] == found["without"][0]
    for with_, without in zip(found["with"][1], found["without"][1], strict=True):
        pd.testing.assert_frame_equal(with_, without)
    assert found["with"][2] == found["without"][2]
    kinds = set(pd.concat(found["with"][1])["Change"])
    assert {"Moved to a target employer", "Changed jobs", "New connection"} <= kinds


def test_a_first_run_with_marks_names_the_same_people_due_as_from_all_its_rows(tmp_path):
    """The first run in a history (a workbook carried over, no history yet) reads only the
    marked people's rows for who is due; the report is the one all its rows give."""
    from dataclasses import replace
    from types import SimpleNamespace

    from history_exports import RUN_DATES, write_version

    from pipeline import run
    from pipeline.history.record import compare_with, prepare
    from pipeline.workbook_contract import ID_HEADER

    loaded = load_settings(tmp_path)
    result = run.shortlist(write_version(tmp_path / "v1", 1), loaded, today=RUN_DATES[1])
    ids = result.ranked["prospect_id"].tolist()
    rows = pd.DataFrame(
        {
            ID_HEADER: [ids[0], ids[1], ids[2], "not-in-this-run"],
            "Status": ["Replied", "Contacted", "Not now", "Replied"],
            "Contacted on": [datetime(2026, 1, 5), datetime(2026, 5, 27), None, None],
            "Interested": ["yes", "yes", None, "yes"],
        },
        dtype=object,  # as openpyxl reads cells
    )
    result = replace(result, previous=SimpleNamespace(rows=rows))
    pending = prepare(result, tmp_path / "history.sqlite", now=datetime(2026, 6, 1, 9))
    assert pending.since is None and not pending.found
    assert set(pending.people) == {ids[0], ids[1]}  # due again, follow-up overdue
    whole = compare_with(pending.conn, pending.run, None, None, [], loaded.history, RUN_DATES[1])
    pending.close()
    assert pending.people == whole.people and pending.reasons == whole.reasons
    assert pending.overdue_ids == whole.overdue_ids
    pd.testing.assert_frame_equal(pending.frame(), whole.frame())


def test_a_snapshot_that_cannot_be_encoded_leaves_the_rows_alone(tmp_path, monkeypatch):
    import pyarrow as pa

    def no_codec(_table):
        raise pa.ArrowNotImplementedError("Support for codec 'zstd' not built")

    monkeypatch.setattr(blob, "to_bytes", no_codec)
    conn = store.open_for_writing(tmp_path / "h.sqlite")
    prospects = first_run(50, np.random.default_rng(8))
    run_id = _write(conn, prospects, "2026-01-05")
    assert reads.last_snapshot(conn, run_id) is None
    assert len(reads.prospects(conn, run_id)) == 50
    _since, old, _ = _last_run(conn)
    assert records(old) == reads.prospects(conn, run_id)
    conn.close()
