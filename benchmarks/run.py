"""Benchmarks: median wall time per stage and peak memory, written to benchmarks/results.md.

Usage: python benchmarks/run.py [--repeat N]    (make bench)

Each stage is timed on its own input (so a slow stage is visible), over several runs, and the
median is reported: the machine is shared and noisy. Peak memory is the process's maximum
resident set size. Larger synthetic sizes are added by the benchmark issue.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results_md import record  # noqa: E402
from pipeline import run, settings  # noqa: E402
from pipeline.ingest import ledger  # noqa: E402
from pipeline.ingest.alumni import read_alumni  # noqa: E402
from pipeline.ingest.linkedin import read_export  # noqa: E402
from pipeline.link import link  # noqa: E402
from pipeline.normalize import normalize  # noqa: E402
from pipeline.rank import rank  # noqa: E402
from pipeline.rank.features import context  # noqa: E402

TODAY = date(2026, 11, 28)


def timed(fn, repeat: int):
    """(first run's seconds, median seconds, result): normalize caches per unique value, so the
    first run is the one a user waits for and the median shows the warm cost."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return (times[0], statistics.median(times)), result


def sample(repeat: int, out_dir: Path) -> list[tuple[str, tuple[float, float], str]]:
    s = settings.load(run.SAMPLE_CONFIG)
    inputs = run.Inputs.sample()
    rows: list[tuple[str, tuple[float, float], str]] = []

    def ingest():
        conn, _export = read_export(inputs.export, max_bytes=500_000_000)
        alumni = read_alumni(run.SAMPLE_ALUMNI, default_school="University of Waterloo")
        return ledger.combine([conn, alumni])

    t, ingested = timed(ingest, repeat)
    rows.append(("ingest", t, f"{len(ingested.people):,} people"))
    t, people = timed(lambda: normalize(ingested.people, s, TODAY), repeat)
    rows.append(("normalize", t, f"{len(people):,} rows"))
    t, linked = timed(lambda: link(people, s), repeat)
    pairs = sum(linked.per_rule.values())
    rows.append(("link", t, f"{len(linked.matches):,} candidate pairs ({pairs:,} before union)"))
    ctx = context(s, None, None, TODAY)
    t, (ranked, _) = timed(lambda: rank(linked.prospects, ctx), repeat)
    rows.append(("rank", t, f"{len(ranked):,} ranked"))
    result = run.shortlist(inputs, s, today=TODAY)
    t, _ = timed(lambda: run.write(result, out_dir / "bench.xlsx"), repeat)
    rows.append(("export", t, "workbook"))
    whole = lambda: run.write(run.shortlist(inputs, s, today=TODAY), out_dir / "b.xlsx")  # noqa: E731
    t, _ = timed(whole, repeat)
    rows.append(("whole run", t, "ingest to workbook"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    out_dir = ROOT / "out" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = sample(args.repeat, out_dir)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table = pd.DataFrame(
        [(stage, first, median, size) for stage, (first, median), size in rows],
        columns=["stage", "first", "median", "size"],
    )
    lines = [
        "## Small: the bundled sample, stage by stage",
        "",
        f"Command: `make bench` (`python benchmarks/run.py --repeat {args.repeat}`), "
        f"{date.today()}.",
        "",
        "| stage | first run (s) | median (s) | size |",
        "|---|---:|---:|---|",
        *(f"| {r.stage} | {r.first:.3f} | {r.median:.3f} | {r.size} |" for r in table.itertuples()),
        "",
        f"Peak memory (max RSS of the benchmark process): {peak_mib:,.0f} MiB.",
    ]
    record("sample", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
