"""Benchmark: read a 30,000-row Connections.csv (LinkedIn's maximum), alone and in its archive.

Usage: python benchmarks/bench_ingest_linkedin.py [--rows 30000] [--repeat 5]

The file (written to out/bench/, regenerated every run: it is small) is in today's format:
the Notes preamble, header on line 4, newest first, ~8% credentials after a comma, pronouns,
emoji and flags, a few "math bold" and ALL CAPS names, zero-width marks, percent-encoded URLs,
3% e-mails, placeholders, 0.5% ghost rows. Names are drawn independently from
fixtures/sample/_names.py. Each run is a fresh Python process, so the caches that make a second
read in the same process faster are cold, as they are for a user: the figure is a user's wait
(imports excluded). Target: median under 2 s for read_connections.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path
from random import Random

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "fixtures" / "sample"))

from _names import CREDENTIALS, EMOJIS, EMPLOYERS, FIRST_NAMES, LAST_NAMES, TITLES  # noqa: E402

from benchmarks.inputs import NOTE  # noqa: E402
from benchmarks.results_md import record  # noqa: E402

OUT = ROOT / "out" / "bench"
TARGET_S = 2.0
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
PLACEHOLDERS = ("Freelance", "Self-employed", "Confidential", "Stealth Startup", "Retired", "-")
BOLD = {c: chr(0x1D400 + i) for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")} | {
    c: chr(0x1D41A + i) for i, c in enumerate("abcdefghijklmnopqrstuvwxyz")
}


def quote(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\n') else cell


def connections_csv(n: int, seed: int = 11) -> bytes:
    rng = Random(seed)
    titles = [t for group in TITLES.values() for t in group]
    day = date(2026, 11, 27)
    lines = ["Notes:", NOTE, "", HEADER]
    for i in range(n):
        day -= timedelta(days=rng.random() < 0.05)
        when = day.strftime("%d %b %Y")
        if rng.random() < 0.005:
            lines.append(f",,,,,,{when}")
            continue
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        slug = f"{first}-{last}-{i:x}".lower().replace(" ", "-")
        r = rng.random()
        if r < 0.078:
            last = f"{last}, {rng.choice(CREDENTIALS)}"
        elif r < 0.09:
            first = f"{first} ({rng.choice(('She/Her', 'He/Him', 'They/Them'))})"
        elif r < 0.11:
            last = f"{last} {rng.choice(EMOJIS)}"
        elif r < 0.115:
            first = "".join(BOLD.get(c, c) for c in first)
        elif r < 0.13:
            first, last = first.upper(), last.upper()
        elif r < 0.135:
            first = f"{first}\u200b"
        if rng.random() < 0.02:
            slug = slug.replace("a", "%C3%A1", 1)  # percent-encoded, as LinkedIn writes it
        company = rng.choice(EMPLOYERS)[1][0] if rng.random() > 0.03 else rng.choice(PLACEHOLDERS)
        mail = f"{slug}@example.com" if rng.random() < 0.03 else ""
        url = f"https://www.linkedin.com/in/{slug}"
        row = [first, last, url, mail, company, rng.choice(titles), when]
        lines.append(",".join(map(quote, row)))
    return "\n".join(lines).encode("utf-8")  # LinkedIn writes no trailing newline


def one_run(kind: str, path: Path) -> None:
    """Child process: time one read with cold caches, print JSON on stdout."""
    from pipeline.ingest.linkedin import read_connections, read_export

    start = time.perf_counter()
    if kind == "csv":
        got = read_connections(path.read_bytes(), path.name)
    else:
        got, _export = read_export(path, max_bytes=500_000_000)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = got.reports[0]
    print(json.dumps({"s": seconds, "mb": peak_mb, "read": report.read, "ok": report.accepted}))


def measure(kind: str, path: Path, repeat: int) -> tuple[list[float], float, dict]:
    runs = []
    for _ in range(repeat):
        cmd = [sys.executable, __file__, "--child", kind, str(path)]
        runs.append(json.loads(subprocess.run(cmd, check=True, capture_output=True).stdout))
    return [r["s"] for r in runs], max(r["mb"] for r in runs), runs[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        one_run(args.child[0], Path(args.child[1]))
        return
    OUT.mkdir(parents=True, exist_ok=True)
    csv_path = OUT / "Connections.csv"
    csv_path.write_bytes(connections_csv(args.rows))
    zip_path = OUT / "Basic_LinkedInDataExport_11-28-2026.zip"
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(csv_path, "Connections.csv")
        archive.writestr("Profile.csv", "First Name,Last Name,Headline\nAvery,Chen,Student\n")
    rows = []
    for label, kind, path in (
        ("read_connections (Connections.csv)", "csv", csv_path),
        ("read_export (the archive zip)", "zip", zip_path),
    ):
        times, peak, last = measure(kind, path, args.repeat)
        median = statistics.median(times)
        verdict = "ok" if median < TARGET_S else "OVER TARGET"
        print(f"{label}: median {median:.2f} s, min {min(times):.2f} s, peak {peak:.0f} MB")
        rows.append(
            f"| {label} | {median:.2f} | {min(times):.2f} | {max(times):.2f} | {peak:.0f} | "
            f"{last['read']:,} read, {last['ok']:,} accepted | {verdict} |"
        )
    size = csv_path.stat().st_size / 1e6
    markdown = "\n".join(
        [
            "## Ingest: LinkedIn Connections.csv at LinkedIn's maximum",
            "",
            f"Command: `python benchmarks/bench_ingest_linkedin.py --rows {args.rows} "
            f"--repeat {args.repeat}`, {date.today().isoformat()}. A {args.rows:,}-row export in "
            f"today's format ({size:.1f} MB: preamble, ~8% credentials, pronouns, emoji, math "
            "bold, ALL CAPS, ghost rows). Each run is a fresh process (cold caches, imports not "
            f"counted); target: median under {TARGET_S:.0f} s. Load average during the run: "
            f"{os.getloadavg()[0]:.1f} (other work shares the machine).",
            "",
            "| what | median s | min s | max s | peak RSS MB | rows | verdict |",
            "|---|---:|---:|---:|---:|---|---|",
            *rows,
        ]
    )
    record("ingest-linkedin", markdown)


if __name__ == "__main__":
    main()
