"""Benchmark: read_alumni on a 200,000-row .xlsx and a 1,000,000-row CSV (targets: 15 s, 10 s).

Usage: python benchmarks/bench_ingest_alumni.py [--repeat 3] [--xlsx-rows 200000]
       [--csv-rows 1000000]

The synthetic lists (written to out/bench/, reused when already there) look like advancement
office exports: a title row above the header, ALL CAPS and mixed-case names, preferred names,
class years as "2019", "'96 MA, '02 PhD" and "T2019", LinkedIn URLs with tracking queries,
phone numbers, an extra column, a few duplicates and empty template rows. Names are drawn
independently from fixtures/sample/_names.py, so most (first, last) pairs are distinct.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import statistics
import sys
import time
from pathlib import Path
from random import Random

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "fixtures" / "sample"))

from _names import CITIES, EMPLOYERS, FIRST_NAMES, LAST_NAMES  # noqa: E402

from benchmarks.results_md import record  # noqa: E402
from pipeline.ingest.alumni import read_alumni  # noqa: E402

OUT = ROOT / "out" / "bench"
HEADER = [
    "Constituent ID", "Last Name", "First Name", "Preferred Name", "Pref Class Year",
    "Class Year", "Degree", "Major", "Current Employer", "Job Title", "City", "Country",
    "Email", "LinkedIn URL", "Phone", "Volunteer Interests",
]  # fmt: skip
TITLES = ("Data Scientist", "Software Engineer", "Product Manager", "Analyst", "Director")
MAJORS = ("Computer Science", "Economics; Statistics", "Mechanical Engineering", "Biology")


def rows(n: int, seed: int = 7):
    rng = Random(seed)
    for i in range(n):
        if i % 997 == 996:  # a pre-numbered template row
            yield [str(100000 + i)] + [""] * (len(HEADER) - 1)
            continue
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if rng.random() < 0.2:
            first, last = first.upper(), last.upper()
        if rng.random() < 0.3:
            first = f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}."  # middle initials
        year = rng.randint(1975, 2025)
        actual = rng.choice((str(year), f"'{year % 100:02d} BA, '{(year + 4) % 100:02d} MA"))
        company = rng.choice(EMPLOYERS)[1][0]
        city = rng.choice(CITIES)[1]
        slug = f"{first}-{last}-{i:x}".lower().replace(" ", "-").replace(".", "")
        url = f"https://www.linkedin.com/in/{slug}/?trk=x" if rng.random() < 0.6 else ""
        yield [
            str(100000 + i), last, first, "Sam" if rng.random() < 0.05 else "",
            rng.choice((str(year), f"{year}.0", f"T{year}", "")), actual,
            rng.choice(("BA", "BSc", "MBA", "PhD")), rng.choice(MAJORS), company,
            rng.choice(TITLES), city, "Canada", f"{slug}@example.com" if i % 3 else "",
            url, str(4165550000 + i % 9999), rng.choice(("Mentoring", "", "Speaker")),
        ]  # fmt: skip


def write_csv(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Alumni export"])
        writer.writerow(HEADER)
        writer.writerows(rows(n))


def write_xlsx(path: Path, n: int) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Alumni")
    ws.append(["University alumni export"])
    ws.append([])
    ws.append(HEADER)
    for row in rows(n):
        ws.append(row)
    wb.save(path)


def measure(path: Path, repeat: int) -> tuple[float, float, float, int]:
    """(first wall time, median wall time, median CPU time, people) over ``repeat`` runs.

    CPU time is reported too: the machine is shared, and CPU time moves less with its load.
    """
    walls, cpus, accepted = [], [], 0
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        got = read_alumni(path)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        accepted = len(got.people)
        del got
    return walls[0], statistics.median(walls), statistics.median(cpus), accepted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--xlsx-rows", type=int, default=200_000)
    parser.add_argument("--csv-rows", type=int, default=1_000_000)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    files = [
        (OUT / f"alumni_{args.xlsx_rows}.xlsx", args.xlsx_rows, write_xlsx, 15.0),
        (OUT / f"alumni_{args.csv_rows}.csv", args.csv_rows, write_csv, 10.0),
    ]
    lines = []
    for path, n, write, target in files:
        if not path.exists():
            start = time.perf_counter()
            write(path, n)
            print(f"wrote {path.name} in {time.perf_counter() - start:.1f} s")
        load = os.getloadavg()[0]
        first, median, cpu, accepted = measure(path, args.repeat)
        size = path.stat().st_size / 1e6
        verdict = "ok" if median < target else "OVER TARGET"
        print(
            f"{path.name}: first {first:.2f} s, median {median:.2f} s wall, {cpu:.2f} s CPU "
            f"({verdict}; load {load:.1f})"
        )
        lines.append(
            f"| {path.suffix[1:]} | {n:,} | {size:.0f} MB | {accepted:,} | {first:.2f} | "
            f"{median:.2f} | {cpu:.2f} | {load:.1f} | < {target:.0f} s, {verdict} |"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    record(
        "ingest-alumni",
        "## Ingest: large alumni lists (read_alumni)\n\n"
        f"Command: `python benchmarks/bench_ingest_alumni.py --repeat {args.repeat}`, "
        f"{time.strftime('%Y-%m-%d')}.\n\n"
        "| file | rows | size | people | first run (s) | median wall (s) | median CPU (s) | "
        "load before | target |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---|\n" + "\n".join(lines) + "\n\n"
        f"Peak memory (max RSS of the benchmark process): {peak:.0f} MiB. Load is the 1-minute "
        "load average on the 2-core machine when the file's runs began (other sessions share "
        "it), so wall times above CPU times are waiting, not work.\n\n"
        "Where the time goes (cProfile, 1M-row CSV): pandas' C parser reads the body once the "
        "header is found by content (about 1 s), then every column is factorized once and all "
        "cleaning, name parsing and the duplicate check work per distinct value on shared codes. "
        "The csv module is kept for what read_csv cannot number exactly (quoted newlines, lone "
        "CRs, rows longer than the first, wrapped rows). For the .xlsx, calamine's parse of the "
        "sheet XML (about 2 s) and turning its 3.2 M cells into text dominate.",
    )


if __name__ == "__main__":
    main()
