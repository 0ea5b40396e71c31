"""One run of the pipeline on a benchmark size, instrumented: stage times, pairs, accuracy, peak.

``measure_once`` is what each fresh process of benchmarks/run.py does; ``profile_stage`` runs
cProfile over one stage only (switched on and off at the run's own progress marks).
"""

from __future__ import annotations

import cProfile
import itertools
import os
import pstats
import resource
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd

from benchmarks import inputs
from pipeline import run, settings
from pipeline.link import evaluate

STAGES = ("ingest", "normalize", "link", "rank", "export")
# The progress message with which pipeline.run.shortlist starts each stage after ingest.
MARKS = {"Normalizing": "normalize", "Linking": "link", "Ranking": "rank"}
TODAY = date(2026, 11, 28)


def _count_pairs(counted: list[int]) -> Callable[[], None]:
    """Count the distinct candidate pairs link compares, by wrapping candidate_pairs where
    pipeline.link looks it up; returns the undo."""
    import pipeline.link as link_mod

    original = link_mod.candidate_pairs

    def counting(*args, **kwargs):
        found = original(*args, **kwargs)
        counted.append(len(found.pairs))
        return found

    link_mod.candidate_pairs = counting
    return lambda: setattr(link_mod, "candidate_pairs", original)


def instrumented_run(size: str, out: Path, on_stage: Callable[[str], None] = lambda _s: None):
    """shortlist + write on ``size``'s inputs; returns (result, stage seconds, pairs counted).
    ``on_stage(name)`` is called as each stage starts, and with "" at the end."""
    files = inputs.files(inputs.SIZES[size])
    config = settings.load(run.SAMPLE_CONFIG)
    marks: list[tuple[str, float]] = []

    def progress(message: str) -> None:
        stage = next((s for m, s in MARKS.items() if message.startswith(m)), None)
        if stage:
            marks.append((stage, time.perf_counter()))
            on_stage(stage)

    counted: list[int] = []
    undo = _count_pairs(counted)
    out.unlink(missing_ok=True)  # else write keeps the old file as a backup beside it
    try:
        on_stage("ingest")
        start = time.perf_counter()
        result = run.shortlist(
            run.Inputs(files.export, (files.alumni,)), config, today=TODAY, progress=progress
        )
        marks.append(("export", time.perf_counter()))
        on_stage("export")
        run.write(result, out)
        end = time.perf_counter()
        on_stage("")
    finally:
        undo()
    bounds = [("ingest", start), *marks, ("", end)]
    seconds = {a: t2 - t1 for (a, t1), (_b, t2) in itertools.pairwise(bounds)}
    seconds["whole run"] = end - start
    return result, seconds, counted


def _clusters(result: run.Result) -> pd.DataFrame:
    """source, source_row and prospect number of every record. An alumni row that ingest set
    aside as an "exact duplicate of row N" (one file) is merged with row N: it joins N's
    prospect, as the Ingest report says it does."""
    p = result.linked.prospects
    ids = p["record_ids"].str.split("|").explode()
    who = pd.DataFrame({"record_id": ids.to_numpy(), "prospect": ids.index.to_numpy()})
    people = result.people[["record_id", "source", "source_row"]].astype({"record_id": "str"})
    found = people.merge(who, on="record_id")
    ledger = result.ingested.ledger
    same = ledger["reason"].astype("str").str.extract(r"^exact duplicate of row (\d+)$")[0]
    dups = pd.DataFrame({"source_row": ledger["source_row"], "of": pd.to_numeric(same)}).dropna()
    alumni = found[found["source"] == "alumni"][["source_row", "prospect"]]
    joined = dups.merge(alumni, left_on="of", right_on="source_row", suffixes=("", "_of"))
    extra = pd.DataFrame(
        {"source": "alumni", "source_row": joined["source_row"], "prospect": joined["prospect"]}
    )
    return pd.concat([found, extra], ignore_index=True)


def _pairs_in_one(c: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    left, right = c[c["source"] == a], c[c["source"] == b]
    both = left.merge(right, on="prospect")
    if a == b:
        both = both[both["source_row_x"] < both["source_row_y"]]
    return pd.DataFrame({"left": both["source_row_x"], "right": both["source_row_y"]})


def _score(found: pd.DataFrame, truth: pd.DataFrame) -> dict:
    e = evaluate(found, truth)
    return {
        "precision": e.precision,
        "recall": e.recall,
        "tp": e.true_positives,
        "fp": e.false_positives,
        "fn": e.false_negatives,
        "truth": len(truth),
    }


def accuracy(result: run.Result, files: inputs.Files) -> tuple[dict, dict]:
    """(connection <-> alumni, alumni duplicates) precision and recall against the truth files,
    whose rows are the source_row numbers of the files written."""
    c = _clusters(result)
    truth = pd.read_csv(files.truth)
    cross = truth.rename(columns={"connections_row": "left", "alumni_row": "right"})
    dups = pd.read_csv(files.duplicates).rename(
        columns={"alumni_row_a": "left", "alumni_row_b": "right"}
    )
    return (
        _score(_pairs_in_one(c, "connections", "alumni"), cross[["left", "right"]]),
        _score(_pairs_in_one(c, "alumni", "alumni"), dups[["left", "right"]]),
    )


def measure_once(size: str, out_dir: Path) -> dict:
    """Run ``size`` once and return every figure of it (JSON-ready)."""
    result, seconds, counted = instrumented_run(size, out_dir / f"run-{os.getpid()}.xlsx")
    for made in out_dir.glob(f"run-{os.getpid()}.*"):  # the workbook and the CSVs beside it
        made.unlink(missing_ok=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    files = inputs.files(inputs.SIZES[size])
    cross, dups = accuracy(result, files)
    sources = result.people["source"].value_counts()
    shown = ", ".join(
        f"{p.relative_to(inputs.ROOT)} ({p.stat().st_size / 1e6:,.1f} MB)"
        for p in (files.export, files.alumni)
    )
    return {
        "stages": seconds,
        "peak_bytes": peak,
        "pairs": int(counted[-1]) if counted else int(sum(result.linked.per_rule.values())),
        "per_rule": {k: int(v) for k, v in result.linked.per_rule.items()},
        "prospects": len(result.linked.prospects),
        "ranked": len(result.ranked),
        "rows": ", ".join(f"{int(n):,} {s} records" for s, n in sources.items()),
        "files": shown,
        "cross": cross,
        "dups": dups,
    }


def profile_stage(size: str, stage: str, out_dir: Path, command: str, top: int = 15) -> str:
    """cProfile of one stage of one run: the functions with the most cumulative time."""
    profiler = cProfile.Profile()

    def on_stage(name: str) -> None:
        if name == stage:
            profiler.enable()
        else:
            profiler.disable()

    out_dir.mkdir(parents=True, exist_ok=True)
    _result, seconds, _ = instrumented_run(size, out_dir / "profile.xlsx", on_stage)
    stats = pstats.Stats(profiler).stats  # (file, line, name) -> (cc, nc, tt, ct, callers)
    rows = sorted(stats.items(), key=lambda kv: kv[1][3], reverse=True)
    table = [
        f"| `{_where(f, line, name)}` | {nc:,} | {tt:.2f} | {ct:.2f} |"
        for (f, line, name), (_cc, nc, tt, ct, _callers) in rows
        if not name.startswith("<") and "cProfile" not in f and "benchmarks" not in f
    ][:top]
    heavy = sorted(stats.items(), key=lambda kv: kv[1][2], reverse=True)[:5]
    own = ", ".join(f"`{_where(f, ln, n)}` {v[2]:.2f} s" for (f, ln, n), v in heavy)
    return "\n".join(
        [
            f"## Profile: the {stage} stage at size {size}",
            "",
            f"Command: `{command}`, {date.today()}. One run under cProfile (which slows "
            f"Python-heavy code more than numpy): {stage} took {seconds[stage]:.1f} s of "
            f"{seconds['whole run']:.1f} s. Top functions by cumulative time:",
            "",
            "| function | calls | own (s) | cumulative (s) |",
            "|---|---:|---:|---:|",
            *table,
            "",
            f"Most time spent in the function itself: {own}.",
        ]
    )


def _where(file: str, line: int, name: str) -> str:
    parts = Path(file).parts
    for anchor in ("pipeline", "site-packages"):
        if anchor in parts:
            parts = parts[parts.index(anchor) + (anchor == "site-packages") :]
            break
    return f"{'/'.join(parts[-3:])}:{line} {name}" if file != "~" else name
