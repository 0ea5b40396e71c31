"""Benchmark: writing the workbook (a 2,000-row Shortlist, 30,000 candidates), and carrying the
user's edits over from it on a rerun.

Usage: python benchmarks/bench_export.py [--rows 30000] [--top 2000] [--repeat 5]

The frames are synthetic (invented names, deterministic), built in memory; the workbooks go to
out/bench/ (gitignored). Reported: median wall time over ``--repeat`` runs, the file size, and
the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results_md import record  # noqa: E402
from pipeline import schema  # noqa: E402
from pipeline.export.workbook import write_workbook  # noqa: E402
from pipeline.ingest.previous import read_previous  # noqa: E402

OUT = ROOT / "out" / "bench"
TODAY = date(2026, 11, 28)
FIRST = ["Ada", "Bo", "Cy", "Di", "Ed", "Fay", "Gus", "Hana", "Ivo", "Juno", "Kai", "Lea"]
LAST = ["Park", "Lind", "Moss", "Vale", "Rune", "Quill", "Hale", "Sato", "Okafor", "Novak"]
COMPANIES = [f"Company {i}" for i in range(400)]
TITLES = ["Data Scientist", "Senior Data Scientist", "Product Manager", "ML Engineer", "Director"]


def ranked_frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({c: [""] * n for c in schema.RANKED})
    first = rng.choice(FIRST, n)
    last = rng.choice(LAST, n)
    df["first_name"], df["last_name"] = first, last
    df["full_name"] = [f"{f} {la} {i}" for i, (f, la) in enumerate(zip(first, last, strict=True))]
    df["prospect_id"] = [f"person-{i}" for i in range(n)]
    df["linkedin_slug"] = np.where(rng.random(n) < 0.7, df["prospect_id"], "")
    df["company"] = rng.choice(COMPANIES, n)
    df["company_key"] = df["company"].str.lower()
    df["title"] = rng.choice(TITLES, n)
    df["seniority"] = rng.choice(["Entry", "Senior", "Manager", "Director"], n)
    df["school"] = "University of Waterloo"
    df["grad_year"] = pd.array(rng.integers(2005, 2024, n), dtype="Int64")
    df["is_connection"] = rng.random(n) < 0.4
    df["is_alum"] = rng.random(n) < 0.5
    df["record_ids"] = [f"connections:{i}" for i in range(n)]
    df["years_ahead"] = rng.normal(5, 3, n).round(1)
    for feature in schema.FEATURES:
        df[feature] = rng.random(n).round(3)
    df["score"] = np.sort(rng.random(n))[::-1].round(4)
    df["rank"] = np.arange(1, n + 1)
    df["why"] = "Waterloo alum (BASc 2019), " + df["title"] + " at " + df["company"] + "."
    df["intro_via"] = np.where(df["is_connection"], "", "Ada Park 1 (" + df["company"] + ")")
    df["opener"] = "Hi, as a Waterloo student reaching out to a fellow alum, I'd value 15 minutes."
    return df


def timed(fn, repeat: int) -> tuple[tuple[float, float], object]:
    """((median wall seconds, median CPU seconds), last result): the machine is shared, so CPU
    time says what the code costs and wall time what a user waited."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return (statistics.median(walls), statistics.median(cpus)), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--top", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    ranked = ranked_frame(args.rows)
    path = OUT / "export.xlsx"
    for old in OUT.glob("export*.xlsx"):
        old.unlink()

    said: list[str] = []

    def write(previous=None, out: Path = path) -> Path:
        said.clear()
        return write_workbook(
            out, ranked, top_n=args.top, today=TODAY, previous=previous, messages=said
        )

    load = os.getloadavg()
    first, _ = timed(write, args.repeat)
    size = path.stat().st_size / 1e6
    read, previous = timed(lambda: read_previous(path), args.repeat)
    # The rerun goes to another file: replacing the one read would (rightly) be refused the
    # second time, since it changed after it was read.
    rerun, _ = timed(lambda: write(previous, OUT / "export-rerun.xlsx"), args.repeat)
    for old in OUT.glob("export*.bak.xlsx"):
        old.unlink()
    note = " ".join(line for line in said if line.startswith("All candidates"))
    after = os.getloadavg()[0]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    command = "python benchmarks/bench_export.py" + (
        f" --rows {args.rows} --top {args.top} --repeat {args.repeat}"
        if (args.rows, args.top, args.repeat) != (30_000, 2_000, 5)
        else ""
    )
    markdown = f"""## Export: the workbook

`{command}` — synthetic Ranked frame of {args.rows:,} people; Shortlist of the top
{args.top:,}; median of {args.repeat} runs; written with XlsxWriter (streamed sheets in
constant_memory mode). Load average (1 min) before and after: {load[0]:.1f} / {after:.1f}
(2 shared cores). {note}

| step | median wall | median CPU | notes |
|---|---:|---:|---|
| write the workbook | {first[0]:.2f} s | {first[1]:.2f} s | {size:.1f} MB, 9 sheets |
| read it back (`read_previous`) | {read[0]:.2f} s | {read[1]:.2f} s | 4 sheets + yours |
| rerun: carry over and write | {rerun[0]:.2f} s | {rerun[1]:.2f} s | Shortlist rows found by ID |

Peak resident memory of the whole script: {peak:,.0f} MB. Target: under 10 s to write.
"""
    print(markdown)
    record("export", markdown)


if __name__ == "__main__":
    main()
