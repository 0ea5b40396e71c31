"""Career-centre batch at scale: prepare 200,000 alumni, batch 2,000 students, and the cost of
one student at 200,000 vs 1,000,000 alumni.

    nice -n 5 .tools/bin/uv run python benchmarks/bench_batch.py [--students 2000] [--sample 100]

Inputs are generated once into out/bench/batch/: alumni lists by fixtures/linkage/generate.py
(invented people, duplicates included) as CSV, and a students table of invented students whose
targets are drawn from the alumni's employers and titles (1-3 companies, 1-2 roles, class of
2024-2028). Each step runs as the command a centre would type, in a child process; wall time
from outside, peak memory as the largest sum of RSS over the process and its children (Dask's
worker processes included), sampled every 0.2 s. Per-student time is each student's own time
(``Outcome.seconds``: candidates drawn, ranked, workbook written) with ``--workers 1``, over the
same ``--sample`` students against both databases; medians. Writes the section "batch" of
benchmarks/results.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.results_md import record  # noqa: E402

OUT = ROOT / "out" / "bench" / "batch"
PROSPECTS = [str(ROOT / ".venv" / "bin" / "prospects")]
COMMAND = "nice -n 5 .tools/bin/uv run python benchmarks/bench_batch.py"
SEED = 20261202
ROLES = ("data scientist", "machine learning engineer", "product manager", "software engineer",
         "data analyst", "consultant", "investment banking analyst", "research scientist",
         "financial analyst", "marketing manager")  # fmt: skip


def alumni_csv(n: int) -> Path:
    path = OUT / f"alumni-{n}.csv"
    if path.exists():
        return path
    sys.path.insert(0, str(ROOT / "fixtures" / "linkage"))
    import generate

    OUT.mkdir(parents=True, exist_ok=True)
    bench = generate.make(0, n, SEED)
    temp = path.with_suffix(".tmp")
    bench.alumni.to_csv(temp, index=False, lineterminator="\n")
    temp.rename(path)
    return path


def students_csv(n: int, alumni: Path) -> Path:
    path = OUT / f"students-{n}.csv"
    if path.exists():
        return path
    rng = np.random.default_rng(SEED)
    frame = pd.read_csv(alumni, dtype=str, keep_default_na=False, nrows=50_000)
    employer = next(c for c in frame.columns if "employer" in c.lower() or "company" in c.lower())
    companies = frame[employer][frame[employer] != ""].value_counts()
    odds = (companies / companies.sum()).to_numpy()
    firsts = ("Mia", "Noor", "Otto", "Pia", "Quinn", "Ravi", "Sana", "Tomas", "Uma", "Vik")
    lasts = ("Stone", "Vale", "Reyes", "Quill", "Marsh", "Okafor", "Lind", "Hale", "Brook")
    rows = []
    for i in range(n):
        picked = rng.choice(companies.index, rng.integers(1, 4), replace=False, p=odds)
        roles = rng.choice(ROLES, rng.integers(1, 3), replace=False)
        rows.append(
            {
                "Student ID": f"S{i:05d}",
                "Name": f"{firsts[i % len(firsts)]} {lasts[(i // 10) % len(lasts)]} {i}",
                "Email": f"student{i}@example.edu",
                "Program": "Systems Design Engineering",
                "Degree": "BASc",
                "Graduation Year": str(2024 + i % 5),
                "Target Roles": "; ".join(roles),
                "Target Companies": "; ".join(picked),
            }
        )
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def measured(cmd: list[str], timeout: float | None = None) -> tuple[float, float, str]:
    """(wall seconds, peak GiB of the process tree, last lines of output) of a command; past
    ``timeout`` seconds the command and its children are stopped (the output says so)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    root = psutil.Process(proc.pid)
    peak = 0
    lines: list[str] = []
    import threading

    def read() -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            lines.append(line.rstrip())

    reader = threading.Thread(target=read)
    reader.start()
    stopped = False
    while proc.poll() is None:
        if timeout is not None and time.perf_counter() - start > timeout:
            for p in reversed([root, *root.children(recursive=True)]):
                with contextlib.suppress(psutil.Error):
                    p.terminate()
            stopped = True
            proc.wait(60)
            break
        try:
            tree = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.2)
    reader.join()
    wall = time.perf_counter() - start
    if stopped:
        lines.append(f"(stopped after {wall:.0f} s: --batch-timeout)")
    elif proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n" + "\n".join(lines[-20:]))
    return wall, peak / 2**30, "\n".join(x for x in lines if "% of students" not in x)


def per_student(out: Path) -> tuple[list[float], list[int]]:
    seconds, candidates = [], []
    for record_path in sorted((out / ".done").glob("*.json")):
        outcome = json.loads(record_path.read_text(encoding="utf-8"))["outcome"]
        seconds.append(outcome["seconds"])
        candidates.append(outcome["candidates"])
    return seconds, candidates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--alumni", type=int, default=200_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--students", type=int, default=2_000)
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--batch-timeout", type=float, default=None)
    args = parser.parse_args()
    load_before = os.getloadavg()
    small, large = alumni_csv(args.alumni), alumni_csv(args.large)
    students = students_csv(args.students, small)
    sample = OUT / f"students-sample-{args.sample}.csv"
    pd.read_csv(students, dtype=str).head(args.sample).to_csv(sample, index=False)
    figures: dict[str, tuple] = {}
    datasets = {}
    for n, csv in ((args.alumni, small), (args.large, large)):
        ds = OUT / f"alumni-{n}.parquet"
        shutil.rmtree(ds, ignore_errors=True)
        figures[f"prepare {n}"] = measured([*PROSPECTS, "prepare", str(csv), "--out", str(ds)])
        print(f"prepare {n}: {figures[f'prepare {n}'][0]:.1f} s, "
              f"{figures[f'prepare {n}'][1]:.2f} GiB", flush=True)  # fmt: skip
        datasets[n] = ds
    per = {}
    for n, ds in datasets.items():
        o = OUT / f"sample-{n}"
        shutil.rmtree(o, ignore_errors=True)
        measured([*PROSPECTS, "batch", str(sample), "--alumni", str(ds), "--out", str(o),
                  "--workers", "1"])  # fmt: skip
        per[n] = per_student(o)
        print(f"per student at {n}: {len(per[n][0])} done, median "
              f"{statistics.median(per[n][0] or [float('nan')]):.3f} s", flush=True)  # fmt: skip
    out = OUT / "students"
    shutil.rmtree(out, ignore_errors=True)
    figures["batch"] = measured(
        [*PROSPECTS, "batch", str(students), "--alumni", str(datasets[args.alumni]),
         "--out", str(out)], timeout=args.batch_timeout,
    )  # fmt: skip
    done = per_student(out)[0]
    figures["batch done"] = (len(done),)
    load_after = os.getloadavg()
    report(args, figures, per, load_before, load_after)


def report(args, figures, per, before, after) -> None:
    p_small, p_large = figures[f"prepare {args.alumni}"], figures[f"prepare {args.large}"]
    b = figures["batch"]
    med = {n: statistics.median(s) for n, (s, _) in per.items()}
    cand = {n: statistics.median(c) for n, (_, c) in per.items()}
    ratio = med[args.large] / med[args.alumni]
    ok = lambda good: "meets" if good else "MISSES"  # noqa: E731
    rows = "\n".join(
        [
            f"| `prospects prepare` {args.alumni:,} alumni (CSV) | {p_small[0]:.1f} s "
            f"| {p_small[1]:.2f} GiB | ≤ 60 s: {ok(p_small[0] <= 60)} |",
            f"| `prospects batch` {args.students:,} students, default engine (2 worker "
            f"processes) | {b[0]:.1f} s | {b[1]:.2f} GiB | ≤ 600 s, ≤ 6 GiB: "
            f"{ok(b[0] <= 600 and b[1] <= 6)} |",
            f"| `prospects prepare` {args.large:,} alumni (CSV) | {p_large[0]:.1f} s "
            f"| {p_large[1]:.2f} GiB | (for the per-student comparison) |",
        ]
    )
    text = f"""## Career-centre batch: {args.students:,} students × {args.alumni:,} alumni

Command: `{COMMAND} --students {args.students} --sample {args.sample}` (inputs generated by
the script; every step a `prospects` command in a child process; peak memory = largest sum of
RSS over the command and its Dask worker processes). Load average (1 min) before / after:
{before[0]:.1f} / {after[0]:.1f} (5 min: {before[1]:.1f} / {after[1]:.1f}); the machine is
shared, so these are single runs under that load.

| step | wall | peak memory | target |
|---|---:|---:|---|
{rows}

Per student (`--workers 1`, the same {args.sample} students, median of each student's own time:
candidates drawn, ranked, workbook written):

| alumni in the database | median s per student | median candidates |
|---:|---:|---:|
| {args.alumni:,} | {med[args.alumni]:.3f} | {cand[args.alumni]:,.0f} |
| {args.large:,} | {med[args.large]:.3f} | {cand[args.large]:,.0f} |

Ratio 1,000,000 / 200,000: **{ratio:.2f} ×** (target ≤ 2 ×: {ok(ratio <= 2)}). Candidates are
capped at 1,000 per student, so the cost follows the candidates, not the database.

Students whose workbook was complete when the batch ended: {figures["batch done"][0]:,} of
{args.students:,}. Batch output (counts only):

```
{b[2].strip()}
```
"""
    record("batch", text)
    print(text)


if __name__ == "__main__":
    main()
