"""The run history at scale: 50 runs of 30,000 prospects each into one SQLite file.

    .tools/bin/uv run python benchmarks/bench_history.py [--runs 50] [--people 30000]
        [--repeat 5] [--keep FILE]

``--keep FILE`` keeps the history it builds (to profile `prospects changes --history FILE`).

Each run is the one before with 1% of people changing jobs, 0.5% promoted, 150 new connections,
100 people gone, everyone's rank shuffled a little, and 300 people carrying the user's marks
(status, dates). Times: ``store.write_run`` (the run's one transaction: the rows and the
columnar snapshot), the comparison with the last run made while a run prepares (as
``record.prepare``: ``_last_run``, ``may_differ``, ``compare_with``), and ``prospects
changes`` after the last run, both in-process (``changes_since`` + its text) and as the
command in a fresh process. The file's size is read after every run. Targets: a run's history
write <= 5 s, changes <= 2 s.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.results_md import record  # noqa: E402
from pipeline import history  # noqa: E402
from pipeline.history import store  # noqa: E402
from pipeline.history.differ import may_differ  # noqa: E402
from pipeline.history.record import _last_run, compare_with  # noqa: E402
from pipeline.schema import SENIORITY_LEVELS  # noqa: E402
from pipeline.settings import History  # noqa: E402

COMMAND = ".tools/bin/uv run python benchmarks/bench_history.py"
TARGETS = tuple(f"target {i}" for i in range(40))  # a LAMP list's worth of employers


def first_run(n: int, rng: np.random.Generator) -> pd.DataFrame:
    companies = np.array([f"Employer {i}" for i in range(6_000)] + list(TARGETS), dtype=object)
    company = companies[rng.integers(0, len(companies), n)]
    levels = np.array(SENIORITY_LEVELS[1:6], dtype=object)
    ids = np.array([f"person-{i:06d}" for i in range(n)], dtype=object)
    names = np.array([f"First{i % 997} Last{i // 997}" for i in range(n)], dtype=object)
    return pd.DataFrame(
        {
            "prospect_id": ids,
            "name": names,
            "name_key": pd.Series(names).str.lower().to_numpy(),
            "company": company,
            "company_key": pd.Series(company).str.lower().to_numpy(),
            "title": rng.choice(["Data Scientist", "Product Manager", "Engineer", "Analyst"], n),
            "seniority": levels[rng.integers(0, len(levels), n)],
            "school": np.where(rng.random(n) < 0.3, "University of Toronto", ""),
            "grad_year": pd.array(rng.integers(1990, 2025, n), dtype="Int64"),
            "is_connection": (rng.random(n) < 0.6).astype(int),
            "is_alum": (rng.random(n) < 0.45).astype(int),
            "connected_on": "2024-01-01",
            "warmth": rng.random(n).round(3),
            "score": rng.random(n).round(4),
            "rank": pd.array(rng.permutation(n) + 1, dtype="Int64"),
        }
    )


def next_run(prev: pd.DataFrame, k: int, rng: np.random.Generator) -> pd.DataFrame:
    df = prev.copy()
    n = len(df)
    movers = rng.choice(n, n // 100, replace=False)
    df.loc[movers, "company"] = [f"Employer {x}" for x in rng.integers(0, 6_000, len(movers))]
    df.loc[movers, "company_key"] = df.loc[movers, "company"].str.lower()
    promoted = rng.choice(n, n // 200, replace=False)
    up = dict(itertools.pairwise(SENIORITY_LEVELS))
    df.loc[promoted, "seniority"] = df.loc[promoted, "seniority"].map(up)
    df = df.drop(index=rng.choice(n, 100, replace=False))
    new = first_run(150, rng).assign(
        prospect_id=[f"new-{k}-{i}" for i in range(150)], is_connection=1
    )
    df = pd.concat([df, new], ignore_index=True)
    jitter = df["score"].to_numpy() + rng.normal(0, 0.01, len(df))
    df["rank"] = pd.array(pd.Series(-jitter).rank(method="first").astype(int), dtype="Int64")
    return df


def marks(people: pd.DataFrame, day: date, rng: np.random.Generator) -> pd.DataFrame:
    picked = people["prospect_id"].iloc[:300].to_numpy()
    return pd.DataFrame(
        {
            "prospect_id": picked,
            "status": rng.choice(["Contacted", "Replied", "Scheduled", "Not now"], len(picked)),
            "contacted_on": [
                (day - timedelta(days=int(d))).isoformat()
                for d in rng.integers(0, 200, len(picked))
            ],
            "follow_up_on": None,
            "interested": rng.choice(["yes", "no", "maybe"], len(picked)),
            "notes_hash": "0123456789abcdef",
        }
    )


def median(times: list[float]) -> str:
    return f"{statistics.median(times):.2f} s (median of {len(times)})"


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=5, help="times to run the command")
    parser.add_argument("--keep", type=Path, help="copy the history built to this file")
    args = parser.parse_args()
    rng = np.random.default_rng(21)
    load_before = load_average()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "history.sqlite"
        conn = store.open_for_writing(db)
        people = first_run(args.people, rng)
        writes, compares, sizes = [], [], []
        start_day = date(2022, 1, 3)
        for k in range(args.runs):
            day = start_day + timedelta(days=30 * k)
            if k:
                people = next_run(people, k, rng)
            run = store.Run(
                run_at=datetime.combine(day, datetime.min.time()),
                run_date=day.isoformat(),
                version="bench",
                prospects=people,
                marks=marks(people, day, rng),
                inputs=pd.DataFrame(
                    [{"kind": "export", "name": "Connections.csv", "size": 1, "sha256": "x"}]
                ),
                targets=tuple(t.lower() for t in TARGETS),
            )
            t0 = time.perf_counter()
            # as record.prepare does: the last run (from its columnar snapshot), the rows that
            # may differ, then the comparison
            since, old, earlier = _last_run(conn)
            new = None
            if old is not None:
                marked = {m["prospect_id"] for m in earlier} | set(run.marks["prospect_id"])
                settings = History()
                old, new = may_differ(
                    old, run.prospects, marked, settings.rank_move, settings.rank_move_within
                )
            pending = compare_with(conn, run, since, old, earlier, History(), day, new=new)
            t1 = time.perf_counter()
            store.write_run(conn, run)
            t2 = time.perf_counter()
            compares.append(t1 - t0)
            writes.append(t2 - t1)
            sizes.append(db.stat().st_size)
        conn.close()
        found = len(pending.found)
        if args.keep:
            shutil.copyfile(db, args.keep)

        in_process = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            history.changes_text(history.changes_since(db, today=day))
            in_process.append(time.perf_counter() - t0)
        command, cpu = [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run(
                [sys.executable, "-m", "pipeline", "changes", "--history", str(db)],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            command.append(time.perf_counter() - t0)
            c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(c1.ru_utime - c0.ru_utime + c1.ru_stime - c0.ru_stime)
        startup = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import pipeline.cli"], cwd=ROOT, check=True)
            startup.append(time.perf_counter() - t0)
    load_after = load_average()
    per_run = np.diff([0, *sizes])
    mib = 1024 * 1024
    rows = [
        (f"history write of one run (one transaction), median of {args.runs}", median(writes)),
        ("history write, slowest run", f"{max(writes):.2f} s"),
        (f"history write of run {args.runs}", f"{writes[-1]:.2f} s"),
        ("comparison with the last run while a run prepares, median", median(compares)),
        (f"comparison with the last run, run {args.runs}", f"{compares[-1]:.2f} s"),
        (f"`changes_since` + its text after {args.runs} runs, in-process", median(in_process)),
        ("`prospects changes` as a command (fresh process), wall time", median(command)),
        ("`prospects changes` as a command, CPU time (user + system)", median(cpu)),
        ("of which Python start-up and `import pipeline.cli`", median(startup)),
        ("`prospects changes`, slowest run (wall time)", f"{max(command):.2f} s"),
        (f"file size after {args.runs} runs", f"{sizes[-1] / mib:,.1f} MiB"),
        ("file size per run (median growth)", f"{statistics.median(per_run[1:]) / mib:,.2f} MiB"),
        ("changes found between the last two runs", f"{found:,}"),
    ]
    command_line = " ".join([COMMAND, *sys.argv[1:]])
    table = "| measure | value |\n|---|---|\n" + "\n".join(f"| {a} | {b} |" for a, b in rows)
    record(
        "history",
        f"""## History: {args.runs} runs x {args.people:,} prospects

Command: `{command_line}` (run with `nice -n 5`), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC

Synthetic runs: each differs from the one before by 1% job changes, 0.5% promotions, 150 new
connections, 100 people gone and a reshuffled ranking; 300 people carry the user's marks. The
file is SQLite (standard library), one transaction per run, default rollback journal; each run
also keeps its prospects as one Arrow blob (`last_snapshot`, the last run's only), which the
next run's comparison reads instead of the rows.
Load average (1, 5, 15 min) before: {load_before}; after: {load_after}.
Targets: a run's history write <= 5 s; `prospects changes` <= 2 s, the whole command in a fresh
process (`python -m pipeline changes --history FILE`, medians of {args.repeat}). The command
imports neither pandas nor any stage: it reads the two runs' differing rows with sqlite3
(`reads.differing`, a join on the primary key) and compares them in plain Python.

{table}
""",
    )
    print(table)


if __name__ == "__main__":
    main()
