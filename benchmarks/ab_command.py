"""The whole `prospects shortlist` command on the bundled sample, run by two or more versions of
the code in turn: wall and CPU seconds (user + system) of each process, start to exit.

    python benchmarks/ab_command.py [--runs N] [--extra ARGS] DIR [DIR ...]

Each DIR holds a version of the repository (``git archive COMMIT | tar -x -C DIR``; the
worktree itself is one); the command runs there (``python -m pipeline`` finds the ``pipeline``
package of the current folder first), with this Python and its installed libraries, on the
sample in this checkout. Versions alternate run by run, after one untimed run each (bytecode
cached, as an installed program runs; without PYTHONDONTWRITEBYTECODE), so the shared machine's
load falls on all alike. Each version writes its own workbook, with its own run history beside
it in a temporary folder. Prints the medians and minima, and the load average before and after.
On a shared machine CPU seconds move less than wall seconds.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "pipeline" / "sample"
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def command(out: Path, extra: list[str]) -> list[str]:
    return [
        sys.executable, "-m", "pipeline", "shortlist",
        str(SAMPLE / "Basic_LinkedInDataExport_11-28-2026.zip"),
        "--alumni", str(SAMPLE / "alumni.xlsx"), "--config", str(SAMPLE / "shortlist.toml"),
        "--out", str(out), *extra,
    ]  # fmt: skip


def one(code: Path, out: Path, extra: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run of the command with the code in ``code``."""
    for old in out.parent.glob(f"{out.stem}*.xlsx"):  # the workbook and its backups
        old.unlink()
    start = os.times().elapsed
    child = subprocess.Popen(
        command(out, extra), cwd=code, env=ENV,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = os.times().elapsed - start
    assert child.stderr is not None
    if status:
        raise SystemExit(f"{code}: the command failed:\n{child.stderr.read().decode()[-2000:]}")
    child.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="+", type=Path, help="folders holding a version each")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per version")
    parser.add_argument("--extra", default="", help='more arguments, e.g. "--no-history"')
    args = parser.parse_args()
    extra = shlex.split(args.extra)
    with tempfile.TemporaryDirectory(prefix="ab-command-") as tmp:
        outs = {d: Path(tmp) / f"v{i}" / "shortlist.xlsx" for i, d in enumerate(args.dirs)}
        for d, out in outs.items():
            out.parent.mkdir()
            one(d, out, extra)  # untimed: bytecode cached
        before = os.getloadavg()[0]
        times: dict[Path, list[tuple[float, float]]] = {d: [] for d in args.dirs}
        for _ in range(args.runs):
            for d in args.dirs:
                times[d].append(one(d, outs[d], extra))
        after = os.getloadavg()[0]
    print(f"{args.runs} runs each, alternating; load average (1 min) {before:.1f} / {after:.1f}")
    for d, runs in times.items():
        wall, cpu = [w for w, _ in runs], [c for _, c in runs]
        print(
            f"{d!s:40s} wall median {statistics.median(wall):.3f} s (min {min(wall):.3f}), "
            f"CPU median {statistics.median(cpu):.3f} s (min {min(cpu):.3f})"
        )


if __name__ == "__main__":
    main()
