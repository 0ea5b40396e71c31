"""`prospects changes` reads the history with sqlite3 and plain Python: no pandas, no
scikit-learn, none of the pipeline's stages (issue 21: the whole command <= 2 s on 50 runs of
30,000 people; importing pandas alone takes most of that on a busy machine). And the rows SQLite
hands over (``reads.differing``) give the same changes as comparing the two whole runs."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.bench_history import TARGETS, first_run, marks, next_run
from pipeline import history
from pipeline.history import store
from pipeline.history.changes import diff, records
from pipeline.settings import History

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "numpy", "sklearn", "openpyxl", "pipeline.run", "pipeline.ingest",
         "pipeline.normalize", "pipeline.link", "pipeline.rank", "pipeline.export",
         "pipeline.history.record")  # fmt: skip


def _history(db: Path, people: int, runs: int, seed: int = 3) -> list[pd.DataFrame]:
    """``runs`` synthetic runs (the benchmark's generator) written to ``db``; their snapshots."""
    rng = np.random.default_rng(seed)
    conn = store.open_for_writing(db)
    snapshots = [first_run(people, rng)]
    for k in range(runs):
        if k:
            snapshots.append(next_run(snapshots[-1], k, rng))
        day = date(2026, 1, 5) + timedelta(days=30 * k)
        run = store.Run(
            run_at=datetime.combine(day, datetime.min.time()),
            run_date=day.isoformat(),
            version="test",
            prospects=snapshots[-1],
            marks=marks(snapshots[-1], day, rng),
            inputs=pd.DataFrame([{"kind": "export", "name": "Connections.csv"}]),
            targets=tuple(t.lower() for t in TARGETS),
        )
        store.write_run(conn, run)
    conn.close()
    return snapshots


def _imports_of(*args: str) -> tuple[str, set[str]]:
    """``python -m pipeline ARGS``' stdout and the modules it imported (-X importtime)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pipeline", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    imported = {
        line.split("|")[-1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "pipeline.history" in imported  # -X importtime saw the imports
    return done.stdout, imported


def _heavy(imported: set[str]) -> list[str]:
    return sorted(m for m in imported if m.split(".")[0] in HEAVY or m in HEAVY)


def test_prospects_changes_imports_no_pandas_and_no_stage(tmp_path):
    db = tmp_path / "history.sqlite"
    _history(db, 400, 2)
    out, imported = _imports_of("changes", "--history", str(db))
    assert _heavy(imported) == []
    report = history.changes_since(db, today=date.today())
    assert out.strip() == history.changes_text(report)
    assert out.startswith("Since your run of 2026-01-05: ")
    assert "  Changed jobs: " in out and "  New connection: " in out


def test_prospects_history_imports_no_pandas_and_lists_the_runs(tmp_path):
    db = tmp_path / "history.sqlite"
    snapshots = _history(db, 400, 2)
    out, imported = _imports_of("history", "--history", str(db))
    assert _heavy(imported) == []
    lines = out.strip().splitlines()
    assert [line.split()[:2] for line in lines] == [["#1", "2026-01-05"], ["#2", "2026-02-04"]]
    connections = int(snapshots[1]["is_connection"].sum())
    assert f"{len(snapshots[1]):,} people ({connections:,} connections, " in lines[1]
    assert lines[1].endswith("files: Connections.csv")


def test_the_rows_sqlite_hands_over_give_the_changes_of_the_whole_runs(tmp_path):
    db = tmp_path / "history.sqlite"
    old, new = _history(db, 3_000, 2, seed=7)[-2:]
    # within=0: every rank move counts, so thousands of rows differ, not only the job changes
    for settings in (History(), History(rank_move_within=0), History(rank_move=0)):
        report = history.changes_since(db, settings=settings)
        whole = diff(
            records(old),
            records(new),
            {t.lower() for t in TARGETS},
            rank_move=settings.rank_move,
            within=settings.rank_move_within,
        )
        assert len(whole) > 100
        assert [(c["kind"], c["prospect_id"]) for c in report.found] == [
            (c["kind"], c["prospect_id"]) for c in whole
        ]
        assert report.found == whole
