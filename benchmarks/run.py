"""The benchmark suite: every stage and the whole run at three sizes, into benchmarks/results.md.

    python benchmarks/run.py [--sizes small real large] [--repeat N]     (make bench)
    python benchmarks/run.py --profile real [--stage link]                (cProfile one stage)

Sizes (see benchmarks/inputs.py): small = the bundled sample; real = 30,000 connections and a
200,000-row alumni .xlsx; large = 30,000 connections and a 1,000,000-row alumni .csv.

Each run is what ``prospects shortlist`` does (pipeline.run.shortlist, then pipeline.run.write)
in a fresh Python process, so caches are cold as they are for a user and the peak memory (max
RSS of that process) belongs to one size. Stage times come from the run's own progress marks:
ingest (reading every file, the user's profile and the settings' context), normalize, link,
rank, then export (the workbook). Figures are medians over the runs; imports are not counted
in the stages (the small size also times the command itself, process start to exit).
Candidate pairs are the distinct pairs link compared; precision and recall are pairs of
(connection, alumni record) put in one prospect, against the generated truth.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import inputs  # noqa: E402
from benchmarks.measure import STAGES, measure_once, profile_stage  # noqa: E402
from benchmarks.results_md import record  # noqa: E402

GIB = 1024**3
# (the command's seconds, or its multiple of the read-only floor; its peak bytes) per size.
TARGETS = {"small": (2.0, None), "real": (10.0, 2 * GIB), "large": (10.0, 6 * GIB)}
SECTION = {"small": "sample", "real": "bench-real", "large": "bench-large"}
TITLE = {
    "small": "Small: the bundled sample (1,787 rows)",
    "real": "Real: 30,000 connections (archive zip) + 200,000-row alumni .xlsx",
    "large": "Large: 30,000 connections (archive zip) + 1,000,000-row alumni .csv",
}


def machine() -> str:
    """CPU model, cores, memory and Python, from /proc where it exists."""
    cpu, mem = platform.machine(), ""
    try:
        info = Path("/proc/cpuinfo").read_text()
        cpu = next(
            line.split(":", 1)[1].strip() for line in info.splitlines() if "model name" in line
        )
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kib / 1024**2:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError, IndexError):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}, "
        f"CPython {platform.python_version()}"
    )


def child_run(size: str, out_dir: Path) -> dict:
    """One measured run in a fresh process; its JSON is the last line of its stdout."""
    cmd = [sys.executable, __file__, "--child", size, "--out", str(out_dir)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise SystemExit(f"benchmark run for {size} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# The command and the floor run as an installed program does: Python caches each module's
# bytecode on first import. A shell that sets PYTHONDONTWRITEBYTECODE (this project's sandboxes
# do) would make every run compile pandas, NumPy, SciPy ... from source again, seconds no user
# pays after the first run (benchmarks/febrl.py does the same).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
_WARMED: list[bool] = []


def timed(cmd: list[str]) -> tuple[float, int]:
    """(wall seconds, peak RSS bytes) of one command in its own process, start to exit."""
    start = time.perf_counter()
    child = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV
    )
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if status:
        raise SystemExit(f"{' '.join(cmd[:4])} failed:\n{child.stderr.read().decode()[-3000:]}")
    child.stderr.close()
    return seconds, usage.ru_maxrss * 1024  # KiB on Linux


def side_by_side(
    files: inputs.Files, out: Path, repeat: int, rerun: bool = False
) -> dict[str, list[tuple]]:
    """The command ``prospects shortlist`` and the read-only floor (benchmarks/floor.py) on the
    same files, alternating so that the shared machine's load falls on both alike. With
    ``rerun``, the command also runs again after each timed run, on its workbook (a user's
    usual run: their notes are read from it and carried over; the history holds runs before)."""
    from pipeline import run

    command = [sys.executable, "-m", "pipeline", "shortlist", str(files.export)]
    command += ["--alumni", str(files.alumni), "--config", str(run.SAMPLE_CONFIG)]
    floor = [sys.executable, str(ROOT / "benchmarks" / "floor.py"), str(files.export)]
    floor.append(str(files.alumni))
    runs: dict[str, list[tuple]] = {"command": [], "floor": []}
    if not _WARMED:  # once per invocation: both then find their modules' bytecode cached
        timed(floor)
        out.unlink(missing_ok=True)
        timed([*command, "--out", str(out), "--no-history"])
        _WARMED.append(True)
    for _ in range(repeat):
        runs["floor"].append(timed(floor))
        out.unlink(missing_ok=True)
        runs["command"].append(timed([*command, "--out", str(out)]))
        if rerun:
            runs.setdefault("rerun", []).append(timed([*command, "--out", str(out)]))
    out.unlink(missing_ok=True)
    for backup in out.parent.glob(f"{out.stem}.*.bak{out.suffix}"):  # a rerun's backups
        backup.unlink()
    return runs


def verdict(ok: bool) -> str:
    return "met" if ok else "**NOT MET**"


def report(size: str, runs: list[dict], side: dict[str, list[tuple]], cmd: str, load: str) -> str:
    """The markdown section of one size."""
    n = len(runs)
    med = {s: statistics.median(r["stages"][s] for r in runs) for s in (*STAGES, "whole run")}
    lo = {s: min(r["stages"][s] for r in runs) for s in med}
    hi = {s: max(r["stages"][s] for r in runs) for s in med}
    first = runs[0]
    peak = max(r["peak_bytes"] for r in runs)
    whole = med["whole run"]
    lines = [
        f"## {TITLE[size]}",
        "",
        f"Command: `{cmd}`, {date.today()}. Machine: {machine()}. Load average (1 min) before "
        f"and after: {load}; the machine is shared, so figures move by tens of percent.",
        "",
        f"Inputs: {first['rows']}; {first['files']}. {n} run(s), each a fresh process (cold "
        "caches); medians, with the fastest and slowest run.",
        "",
        "| stage | median (s) | min (s) | max (s) | share |",
        "|---|---:|---:|---:|---:|",
        *(
            f"| {s} | {med[s]:.3f} | {lo[s]:.3f} | {hi[s]:.3f} | {med[s] / whole:.0%} |"
            for s in (*STAGES, "whole run")
        ),
        "",
        f"- Peak memory (max RSS of the run's process, highest of the runs): "
        f"{peak / 1024**2:,.0f} MiB ({peak / GIB:.2f} GiB).",
        f"- Candidate pairs compared by link: {first['pairs']:,} (per blocking rule, before their "
        f"union: {'; '.join(f'{k} {v:,}' for k, v in first['per_rule'].items())}).",
        f"- Prospects: {first['prospects']:,}; ranked {first['ranked']:,}.",
        f"- Linkage, connection <-> alumni record in one prospect: precision "
        f"{first['cross']['precision']:.4f}, recall {first['cross']['recall']:.4f} "
        f"({first['cross']['tp']:,} right, {first['cross']['fp']:,} wrong, "
        f"{first['cross']['fn']:,} missed of {first['cross']['truth']:,} true links).",
        f"- Alumni duplicates in one prospect: precision {first['dups']['precision']:.4f}, "
        f"recall {first['dups']['recall']:.4f} ({first['dups']['truth']:,} true pairs).",
    ]
    limit, limit_b = TARGETS[size]
    slowest = max(STAGES, key=med.get)
    dominant = f"the slowest stage is {slowest} ({med[slowest] / whole:.0%} of the run)"
    cmd_s = statistics.median(s for s, _ in side["command"])
    floor_s = statistics.median(s for s, _ in side["floor"])
    cmd_peak = max(b for _, b in side["command"])
    ratio = cmd_s / floor_s
    lines.append(
        f"- The command `prospects shortlist` (python -m pipeline shortlist, process start to "
        f"exit, imports included) against the read-only floor (`benchmarks/floor.py`: the same "
        f"files read into DataFrames and nothing else), {len(side['command'])} runs each, "
        f"alternating, after one untimed run of each (bytecode cached, as an installed program "
        f"runs; without PYTHONDONTWRITEBYTECODE): command median {cmd_s:.2f} s (peak "
        f"{cmd_peak / GIB:.2f} GiB), floor median {floor_s:.2f} s; **{ratio:.1f} x the floor**."
    )
    if "rerun" in side:
        lines.append(
            f"- A rerun (the command again on the workbook it wrote: the previous workbook read "
            f"and the user's columns carried over, a backup kept), {len(side['rerun'])} runs: "
            f"median {statistics.median(s for s, _ in side['rerun']):.2f} s (not a target)."
        )
    if size == "small":
        met = verdict(cmd_s <= limit)
        lines += ["", f"Target: the command <= {limit:.0f} s: {cmd_s:.2f} s, {met}; {dominant}."]
    else:
        lines += [
            "",
            f"Targets: the command <= {limit:.0f} x the floor: {ratio:.1f} x, "
            f"{verdict(ratio <= limit)}; its peak memory <= {limit_b / GIB:.0f} GiB: "
            f"{cmd_peak / GIB:.2f} GiB, {verdict(cmd_peak <= limit_b)}; {dominant}.",
        ]
    return "\n".join(lines)


def suite(sizes: list[str], repeat: int | None, cmd: str) -> None:
    for size in sizes:
        spec = inputs.SIZES[size]
        made = inputs.files(spec)  # generated here, so no run's peak includes it
        if made.generated_s:
            print(f"{size}: generated the inputs in {made.generated_s:.0f} s", file=sys.stderr)
        out_dir = inputs.OUT / f"runs-{size}"
        out_dir.mkdir(parents=True, exist_ok=True)
        before = os.getloadavg()[0]
        runs = []
        for i in range(repeat or spec.repeat):
            runs.append(child_run(size, out_dir))
            print(f"{size} run {i + 1}: {runs[-1]['stages']}", file=sys.stderr)
        side = side_by_side(made, out_dir / "cli.xlsx", len(runs), rerun=size == "small")
        load = f"{before:.1f} / {os.getloadavg()[0]:.1f}"
        md = report(size, runs, side, cmd, load)
        record(SECTION[size], md)
        print(md + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=list(inputs.SIZES), choices=inputs.SIZES)
    parser.add_argument("--repeat", type=int, help="runs per size (default: 5, 3, 2)")
    parser.add_argument("--profile", choices=inputs.SIZES, help="cProfile one stage of a size")
    parser.add_argument("--stage", choices=STAGES, default="link")
    parser.add_argument("--child", choices=inputs.SIZES, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_once(args.child, args.out)))
    elif args.profile:
        cmd = f"python benchmarks/run.py --profile {args.profile} --stage {args.stage}"
        md = profile_stage(args.profile, args.stage, inputs.OUT / f"runs-{args.profile}", cmd)
        record(f"profile-{args.profile}-{args.stage}", md)
        print(md)
    else:
        sizes = [s for s in inputs.SIZES if s in args.sizes]  # always small, real, large
        repeat = f" --repeat {args.repeat}" if args.repeat else ""
        suite(sizes, args.repeat, f"python benchmarks/run.py --sizes {' '.join(sizes)}{repeat}")


if __name__ == "__main__":
    main()
