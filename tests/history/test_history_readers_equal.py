"""Every reader of the history gives the same answer on the same runs, however the file stores
them: a file laid out by hand as schema v2 stores its runs (plain rows, no columnar snapshot:
every file an older version wrote) and a file written by ``store.write_run``. Five runs of the
benchmark's generator: job changes, promotions, new and vanished people, ranks reshuffled,
marks (contacted, replied, interested) on 300 people each run.

This is the guard a change of the file's layout (docs/history-v3.md) must pass: the hand-made
file stays v2 (it must open, migrate and read alike), the written one takes the new layout, and
the readers' answers may not move: ``history``, ``changes`` (since the last run and since each
earlier date, three rank settings), the person view for every id that changed or is marked,
and the network frames.
"""

from __future__ import annotations

import itertools
import math
import shutil
import sqlite3
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from benchmarks.bench_history import TARGETS, first_run, marks, next_run
from pipeline import history
from pipeline.history import network, record, store
from pipeline.history.changes import records
from pipeline.history.snapshot import columnar
from pipeline.schema import SENIORITY_LEVELS
from pipeline.settings import History

#: The files written by this version: defaults through record.pending_for (Arrow) and commit;
#: few rows (TOP_ROWS 5: most people only in the keyframe) with one keyframe (the first run's;
#: the generator changes about a quarter of 600 people a run, past the default share) and one
#: each run; two v2 runs by hand, then this version's.
WRITTEN: dict[str, dict[str, Any]] = {
    "written": {"pending": True},
    "few_rows": {"top_rows": 5, "share": 1.0},
    "keyframe_each_run": {"top_rows": 5, "share": 0.0},
    "after_v2": {"top_rows": 5, "v2_first": 2, "pending": True},
}
FIRST_DAY = date(2026, 1, 5)
TODAY = date(2026, 6, 1)
SETTINGS = (History(), History(rank_move_within=0), History(rank_move=0))
#: The v2 layout as the migrations of versions 1 and 2 make it (frozen here: a later version's
#: migrations must not change what this file is).
V2_TABLES = {
    "runs": ("run_at", "run_date", "version", "people"),
    "inputs": ("kind", "name", "size", "sha256", "export_date"),
    "marks": store.MARK_COLUMNS,
}


def _runs(people: int = 600, runs: int = 5, seed: int = 11) -> list[store.Run]:
    rng = np.random.default_rng(seed)
    found, snapshot = [], first_run(people, rng)
    for k in range(runs):
        if k:
            snapshot = next_run(snapshot, k, rng)
            # promotions (a higher level under a new title: the generator changes the level
            # alone), and at run 3 someone's id changes (an alum linked to a connection later)
            up = snapshot.index[snapshot["seniority"].isin(SENIORITY_LEVELS[1:5])][k : k + 4]
            snapshot.loc[up, "title"] = "Lead " + snapshot.loc[up, "title"]
            snapshot.loc[up, "seniority"] = snapshot.loc[up, "seniority"].map(
                dict(itertools.pairwise(SENIORITY_LEVELS))
            )
            if k == 2:
                snapshot.loc[5, "prospect_id"] = "linked-" + snapshot.loc[5, "prospect_id"]
        day = FIRST_DAY + timedelta(days=30 * k)
        marked = marks(snapshot, day, rng)
        if k == 3:  # a row of the workbook for someone no longer in the files
            gone = sorted(set(found[-1].prospects["prospect_id"]) - set(snapshot["prospect_id"]))
            marked = pd.concat([marked, marked.iloc[:1].assign(prospect_id=gone[0])])
        found.append(
            store.Run(
                run_at=datetime.combine(day, datetime.min.time()),
                run_date=day.isoformat(),
                version="test",
                prospects=snapshot,
                marks=marked.reset_index(drop=True),
                inputs=pd.DataFrame([_file(k, day)]),
                targets=tuple(t.lower() for t in TARGETS),
            )
        )
    return found


def _file(k: int, day: date) -> dict[str, object]:
    name, size, sha256 = f"Connections-{k}.csv", 10 + k, f"{k:02d}"
    return {"kind": "export", "name": name, "size": size, "sha256": sha256,
            "export_date": day.isoformat()}  # fmt: skip


def _cells(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """``columns`` of ``frame`` as SQLite takes them: None for a missing cell, Python values."""
    out = frame.reindex(columns=list(columns)).astype(object)
    return list(out.where(out.notna(), None).itertuples(index=False, name=None))


def _v2_by_hand(path: Path, runs: list[store.Run], pendings: list[Any] | None = None) -> None:
    """``runs`` in a file laid out as schema v2, row by row, without store.write_run; with
    ``pendings``, each run's Pending (``record.pending_for``) on a copy of the file before it."""
    conn = sqlite3.connect(path)
    for version in (1, 2):
        for statement in store.MIGRATIONS[version]:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    for run_id, run in enumerate(runs, start=1):
        if pendings is not None:
            copy = path.with_name(f"copy-{run_id}.sqlite")
            shutil.copyfile(path, copy)
            pendings.append(_pending(copy, run))
        conn.execute(
            "INSERT INTO runs VALUES (?, ?, ?, ?, ?)",
            (run_id, run.run_at.isoformat(timespec="seconds"), run.run_date, run.version,
             len(run.prospects)),
        )  # fmt: skip
        for table, frame, columns in (
            ("inputs", run.inputs, V2_TABLES["inputs"]),
            ("prospects", run.prospects, store.PROSPECT_COLUMNS),
            ("marks", run.marks, store.MARK_COLUMNS),
        ):
            marks_ = ", ".join("?" * (len(columns) + 1))
            conn.executemany(
                f"INSERT INTO {table} (run_id, {', '.join(columns)}) VALUES ({marks_})",
                [(run_id, *row) for row in _cells(frame, columns)],
            )
        conn.executemany(
            "INSERT INTO targets VALUES (?, ?)", [(run_id, t) for t in sorted(set(run.targets))]
        )
        conn.commit()
    conn.close()


def _pending(path: Path, run: store.Run, commit: bool = False) -> Any:
    """What the run's What changed sheet, summary and Due column say (``record.pending_for``,
    as ``prepare`` makes it), before the run goes in; with ``commit``, then written."""
    conn = store.open_for_writing(path)
    pending = record.pending_for(conn, run, History(), date.fromisoformat(run.run_date))
    ranked = pd.DataFrame({"prospect_id": _ids(run), "why": "why"})
    sheet = pending.what_changed()
    found = _plain([pending.frame(), pending.summary(), sheet.title, list(sheet.lines),
                    sheet.rows, pending.with_due(ranked)])  # fmt: skip
    if commit:
        pending.commit()
    else:
        conn.close()
    return found


def _ids(run: store.Run) -> list[str]:
    prospects = run.prospects
    return sorted(prospects["prospect_id"].to_pylist() if isinstance(prospects, pa.Table)
                  else prospects["prospect_id"])  # fmt: skip


def _as_table(run: store.Run) -> store.Run:
    """``run`` with its prospects as ``record.snapshot_table`` makes them (Arrow, in no
    particular order: shuffled)."""
    frame = run.prospects.reindex(columns=list(store.PROSPECT_COLUMNS))
    table = columnar(frame.sample(frac=1, random_state=len(frame)), store.PROSPECT_COLUMNS)
    assert table is not None
    return replace(run, prospects=table)


def _written(
    path: Path,
    runs: list[store.Run],
    *,
    top_rows: int = store.TOP_ROWS,
    share: float = store.KEYFRAME_SHARE,
    v2_first: int = 0,
    pendings: list[Any] | None = None,
) -> None:
    """``runs`` written by this version (the first ``v2_first`` laid out by hand as v2), with
    TOP_ROWS and KEYFRAME_SHARE set; through ``record.pending_for`` and ``Pending.commit`` on
    Arrow tables with ``pendings`` (each run's Pending), else ``store.write_run``."""
    if v2_first:
        _v2_by_hand(path, runs[:v2_first], pendings)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store, "TOP_ROWS", top_rows)
        patch.setattr(store, "KEYFRAME_SHARE", share)
        for run in runs[v2_first:]:
            if pendings is not None:
                pendings.append(_pending(path, _as_table(run), commit=True))
                continue
            conn = store.open_for_writing(path)
            store.write_run(conn, run)
            conn.close()


def _plain(value: Any) -> Any:
    """A reader's answer as plain, comparable values (NaN, NA and NaT spelled out; frames as
    their columns, dtypes, index and rows)."""
    if isinstance(value, pd.DataFrame):
        return {
            "columns": [str(c) for c in value.columns],
            "dtypes": [str(t) for t in value.dtypes],
            "index": _plain(list(value.index)),
            "rows": _plain(value.to_numpy(dtype=object).tolist()),
        }
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is pd.NA or value is pd.NaT or value is None:
        return repr(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, pd.Period | pd.Timestamp | date):
        return f"{type(value).__name__}:{value}"
    return (type(value).__name__, value)


def _answers(path: Path, ids: list[str]) -> dict[str, Any]:
    rows = history.run_rows(path)
    found: dict[str, Any] = {
        "run_rows": _plain(rows),
        "runs_text": history.runs_text(rows),
        "runs": _plain(history.runs(path)),
        "connections_per_month": _plain(network.connections_per_month(path)),
        "employers_per_run": _plain(network.employers_per_run(path)),
    }
    dates = [None, *(date.fromisoformat(r["run_date"]) for r in rows[:-1])]
    for k, settings in enumerate(SETTINGS):
        for since in dates:
            report = history.changes_since(path, since, settings, TODAY)
            found[f"changes {k} {since}"] = _plain(
                [report.text(), report.frame(), report.found, report.reasons,
                 report.overdue_ids, sorted(report.people.items())]
            )  # fmt: skip
    for pid in ids:
        person = history.person(path, pid)
        found[f"person {pid}"] = _plain([person, history.person_text(person)])
    return found


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("readers")
    runs = _runs()
    by_hand = folder / "v2.sqlite"
    pendings: dict[str, list[Any]] = {"by_hand": []}
    _v2_by_hand(by_hand, runs, pendings["by_hand"])
    files = {}
    for name, given in WRITTEN.items():
        files[name] = folder / f"{name}.sqlite"
        options = dict(given)
        pendings[name] = [] if options.pop("pending", False) else None  # type: ignore[assignment]
        _written(files[name], runs, **options, pendings=pendings[name])
    # everyone whose rows differ between any two runs, everyone marked, a few others and an
    # id the history never saw
    seen = pd.concat([r.prospects.assign(run=k) for k, r in enumerate(runs)])
    changed = seen.drop(columns="run").drop_duplicates()["prospect_id"]
    changed = changed[changed.duplicated()].unique().tolist()
    marked = sorted({pid for r in runs for pid in r.marks["prospect_id"]})[:40]
    gone = sorted(set(runs[0].prospects["prospect_id"]) - set(runs[-1].prospects["prospect_id"]))
    ids = sorted({*changed[:60], *marked, *gone[:20], *runs[-1].prospects["prospect_id"][:10]})
    ids.append("nobody-ever")
    found = {"by_hand": _answers(by_hand, ids)}
    for name, path in files.items():
        found[name] = _answers(path, ids)
    found["storage"] = {name: _storage(path) for name, path in files.items()}  # type: ignore[assignment]
    found["pendings"] = pendings  # type: ignore[assignment]
    return found


def _storage(path: Path) -> dict[str, Any]:
    conn = sqlite3.connect(path)
    try:
        return {
            "storage": [r[0] for r in conn.execute("SELECT storage FROM runs ORDER BY run_id")],
            "keyframes": [r[0] for r in conn.execute("SELECT run_id FROM keyframes")],
            "rows": conn.execute("SELECT count(*) FROM prospects").fetchone()[0],
            "people": conn.execute("SELECT sum(people) FROM runs").fetchone()[0],
        }
    finally:
        conn.close()


def test_the_file_laid_out_by_hand_is_what_the_readers_expect():
    # the hand-made file stands for a v2 file: its rows read back as the runs went in
    runs = _runs()
    assert [len(r.prospects) for r in runs] == [600, 650, 700, 750, 800]
    assert records(runs[0].prospects)[0]["prospect_id"] == "person-000000"


@pytest.mark.parametrize("name", list(WRITTEN))
def test_every_reader_answers_alike_on_both_files(answers, name):
    by_hand, written = answers["by_hand"], answers[name]
    assert by_hand.keys() == written.keys()
    for key in by_hand:
        assert by_hand[key] == written[key], key


@pytest.mark.parametrize("name", [n for n, o in WRITTEN.items() if o.get("pending")])
def test_each_runs_report_is_alike_however_the_history_before_it_is_stored(answers, name):
    # the What changed sheet, the summary line and the Due column, run by run
    by_hand, written = answers["pendings"]["by_hand"], answers["pendings"][name]
    assert len(by_hand) == len(written) == 5
    for k, (a, b) in enumerate(zip(by_hand, written, strict=True)):
        assert a == b, k


def test_the_written_files_take_the_layouts_meant(answers):
    storage = answers["storage"]
    # all delta runs, the first a keyframe; with one keyframe, rows for a fraction of people
    assert storage["written"]["storage"] == ["delta"] * 5
    assert storage["written"]["keyframes"][0] == 1
    assert storage["few_rows"]["keyframes"] == [1]
    assert storage["few_rows"]["rows"] < 0.7 * storage["few_rows"]["people"]
    assert storage["keyframe_each_run"]["keyframes"] == [1, 2, 3, 4, 5]
    # after two runs of rows (no snapshot to compare with: run 3 a row per person too), deltas
    assert storage["after_v2"]["storage"] == [None, None, None, "delta", "delta"]
    assert storage["after_v2"]["keyframes"][0] == 4


def test_the_answers_cover_what_the_readers_report(answers):
    found = answers["written"]
    _type, text = found["changes 0 None"][0]
    for label in ("Changed jobs", "Promoted", "New connection", "Left your files",
                  "Moved in the ranking", "Due to re-contact"):  # fmt: skip
        assert f"  {label}: " in text, label
    # since the first run: the comparison spans four runs of changes
    assert found["changes 0 2026-01-05"] != found["changes 0 None"]
    people = [k for k in found if k.startswith("person ")]
    assert len(people) > 60
    assert found["person nobody-ever"][1] == ("str", "  Not in the history yet.")
    assert any("no longer in your files" in found[k][1][1] for k in people)
    assert found["runs_text"].count("\n") == 4
    # the id that changed at run 3 is followed across it (joined by name and class year): in
    # the changes since run 2 the old id did not leave and the new one did not arrive
    runs = _runs()
    (new_id,) = [p for p in runs[-1].prospects["prospect_id"] if p.startswith("linked-")]
    old_id = new_id.removeprefix("linked-")
    assert old_id in set(runs[1].prospects["prospect_id"])
    shown = {(r[0][1], r[6][1]) for r in found["changes 0 2026-02-04"][1]["rows"]}
    assert ("Left your files", old_id) not in shown
    assert ("New connection", new_id) not in shown
    assert any(kind == "Left your files" for kind, _pid in shown)  # others did leave
