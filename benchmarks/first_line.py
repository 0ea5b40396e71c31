"""How soon a user sees something: `prospects --help`, the first line of `prospects shortlist`.

    python benchmarks/first_line.py [--repeat N] [--no-record]

Runs the installed command (.venv/bin/prospects, what ./prospects runs) as a user does, in a
fresh process each time:
- `prospects --help`: process start to exit (what `time prospects --help` shows);
- `prospects shortlist` on the bundled sample, with stdout and stderr piped (so progress comes
  as lines, the non-terminal style): process start to its first output line, and to exit.
Medians of N runs (with the fastest and slowest), and the 1-minute load average before and
after, go to the "first-line" section of benchmarks/results.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results_md import record  # noqa: E402

PROSPECTS = Path(sys.executable).parent / "prospects"
TARGETS = {"help": 0.5, "first line": 1.0}  # seconds, from issue 17


def time_help() -> float:
    start = time.perf_counter()
    subprocess.run([str(PROSPECTS), "--help"], capture_output=True, check=True)
    return time.perf_counter() - start


def time_shortlist(out_dir: Path) -> tuple[float, float, str]:
    """(seconds to the first line on stdout or stderr, seconds to exit, that line)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(PROSPECTS), "shortlist", "--out", str(out_dir / "shortlist.xlsx")],
        cwd=out_dir,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # The first line comes on stderr (progress); stdout carries the results at the end.
    first_line = proc.stderr.readline()
    first = time.perf_counter() - start
    proc.communicate()
    total = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"prospects shortlist failed with exit code {proc.returncode}")
    return first, total, first_line.strip()


def stats(values: list[float]) -> str:
    return (
        f"{statistics.median(values):.3f} | {min(values):.3f} | {max(values):.3f}"
        if values
        else "- | - | -"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-record", action="store_true", help="print only")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    time_help()  # one warm-up each: the first run after an install compiles .pyc files
    helps = [time_help() for _ in range(args.repeat)]
    with tempfile.TemporaryDirectory() as tmp:
        time_shortlist(Path(tmp))
        runs = [time_shortlist(Path(tmp)) for _ in range(args.repeat)]
    load_after = os.getloadavg()[0]
    firsts, totals = [r[0] for r in runs], [r[1] for r in runs]
    med_help, med_first = statistics.median(helps), statistics.median(firsts)
    verdict = {
        "help": "met" if med_help <= TARGETS["help"] else "NOT met",
        "first line": "met" if med_first <= TARGETS["first line"] else "NOT met",
    }
    ok = verdict["first line"]
    markdown = f"""## Feedback: `prospects --help` and the first line of `prospects shortlist`

Command: `.venv/bin/python benchmarks/first_line.py --repeat {args.repeat}`, {date.today()}.
Load average (1 min) before and after: {load_before:.1f} / {load_after:.1f} (2 cores, shared).
{args.repeat} runs each after one warm-up, each a fresh process of `{PROSPECTS.relative_to(ROOT)}`
(what `./prospects` runs); output piped, so progress comes as one line per stage.

| measure | median (s) | min (s) | max (s) | target |
|---|---:|---:|---:|---|
| `prospects --help`, start to exit | {stats(helps)} | <= 0.5 s, {verdict["help"]} |
| `prospects shortlist` (sample), start to first output line | {stats(firsts)} | <= 1 s, {ok} |
| `prospects shortlist` (sample), start to exit | {stats(totals)} | |

The first line is `{runs[0][2]}`: printed by the CLI before it imports pandas, scikit-learn
and the pipeline (importing those is the "Starting up" stage that follows).
"""
    print(markdown)
    if not args.no_record:
        record("first-line", markdown)


if __name__ == "__main__":
    main()
