"""make bench-check: fail when a stage on the sample is more than twice as slow as committed.

    python benchmarks/check.py [--repeat 5] [--factor 2] [--slack 0.05]

Measures the small size (the bundled sample) as ``make bench`` does, each run in a fresh process,
and compares each stage's median with the "median (s)" column of the committed "sample" section
of benchmarks/results.md, which it does not rewrite. A stage fails when it is more than
``factor`` times its committed median *and* more than ``slack`` seconds slower: stages of a few
hundredths of a second double on a busy machine without anything having changed. Exit 1 on a
failure, 0 otherwise. Not part of ``make test``: timings on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import inputs  # noqa: E402
from benchmarks.measure import STAGES  # noqa: E402
from benchmarks.results_md import RESULTS  # noqa: E402
from benchmarks.run import child_run  # noqa: E402


def committed(path: Path = RESULTS, section: str = "sample") -> dict[str, float]:
    """Each stage's median seconds in ``section`` of results.md (its first table with a
    "median (s)" column).

    >>> # committed()  ->  {"ingest": 0.094, "normalize": 0.091, ..., "whole run": 1.714}
    """
    text = path.read_text(encoding="utf-8")
    found = re.search(rf"<!-- section: {section} -->(.*?)<!-- end: {section} -->", text, re.S)
    if not found:
        raise SystemExit(f"{path.name} has no '{section}' section: run make bench first.")
    column, medians = None, {}
    for line in found.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if column is None and "median (s)" in cells:
            column = cells.index("median (s)")
        elif column is not None and cells[0] in (*STAGES, "whole run"):
            medians[cells[0]] = float(cells[column])
    if not medians:
        raise SystemExit(f"The '{section}' section of {path.name} has no stage table.")
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--factor", type=float, default=2.0)
    parser.add_argument("--slack", type=float, default=0.05, help="seconds always allowed")
    parser.add_argument("--results", type=Path, default=RESULTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    before = committed(args.results)
    out_dir = inputs.OUT / "runs-small"
    out_dir.mkdir(parents=True, exist_ok=True)
    runs = [child_run("small", out_dir) for _ in range(args.repeat)]
    failed = 0
    print(f"{'stage':<10} {'committed':>10} {'now':>8} {'ratio':>6}")
    for stage, then in before.items():
        now = statistics.median(r["stages"][stage] for r in runs)
        slow = now > args.factor * then and now - then > args.slack
        failed += slow
        flag = "  SLOWER" if slow else ""
        print(f"{stage:<10} {then:>10.3f} {now:>8.3f} {now / then:>6.2f}{flag}")
    if failed:
        print(
            f"{failed} stage(s) more than {args.factor:g}x slower than in benchmarks/results.md "
            "(medians of fresh processes on the sample).",
            file=sys.stderr,
        )
        sys.exit(1)
    print(f"Every stage within {args.factor:g}x of benchmarks/results.md.")


if __name__ == "__main__":
    main()
