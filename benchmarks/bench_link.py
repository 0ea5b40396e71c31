"""Linkage accuracy and speed on the synthetic benchmark (fixtures/linkage/generate.py).

    python benchmarks/bench_link.py accuracy [--connections 3000 --alumni 20000 --seeds 8]
    python benchmarks/bench_link.py ceiling [--connections 3000 --alumni 20000 --seeds 8]
    python benchmarks/bench_link.py speed [--repeat 3]

accuracy: precision/recall/F1 of connections <-> alumni (pairs in one cluster) and of alumni
duplicates, on the generated benchmark (the committed seed, then seeds 1, 2, ...: one seed can
flatter a model) and on the bundled sample; records "link-accuracy".
ceiling: the best recall a model of the same comparison levels could reach at the targets'
precision, fitted with the true labels of another seed (see ``ceiling``); prints only.
speed: link() on 30,000 x 200,000 and deduplication of 1,000,000 alumni, each in a subprocess
whose max RSS is the peak memory; normalized frames are cached in out/bench/ (pickle);
records "link-speed". Normalize time is not counted.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "fixtures" / "linkage")]

import generate  # noqa: E402

from benchmarks.results_md import record  # noqa: E402
from pipeline.link import evaluate, explain, score  # noqa: E402
from pipeline.normalize import normalize  # noqa: E402
from pipeline.settings import Settings  # noqa: E402

CACHE = ROOT / "out" / "bench"
TODAY = date(2026, 11, 28)


def _version() -> str:
    """The generator's and normalize's source, as this process imported them: read at start,
    since a file edited while a run goes on would file the old code's tables under the new
    code's name."""
    digest = hashlib.sha1(Path(generate.__file__).read_bytes())
    for folder in ("normalize", "text", "data"):
        for source in sorted((ROOT / "pipeline" / folder).rglob("*")):
            if source.suffix in {".py", ".csv", ".txt", ".json"}:
                digest.update(source.read_bytes())
    return digest.hexdigest()[:8]


VERSION = _version()


def normalized(
    n_connections: int, n_alumni: int, seed: int = generate.SEED
) -> tuple[generate.Benchmark, pd.DataFrame]:
    """The benchmark and its normalized People, cached by size, seed and the version of the
    generator and of the code that normalizes (a cache kept across a normalize change would
    score some seeds on stale columns)."""
    version = VERSION
    path = CACHE / f"linkage-{version}-{seed}-{n_connections}x{n_alumni}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    bench = generate.make(n_connections, n_alumni, seed)
    frame = normalize(generate.people(bench), Settings(), TODAY)
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps((bench, frame)))
    return bench, frame


def cluster_pairs(scored, left_source: str, right_source: str) -> pd.DataFrame:
    """Every (left, right) pair of record ids that ended in one cluster."""
    f = scored.frame
    c = pd.DataFrame({"id": f["record_id"], "lab": scored.labels, "src": f["source"]})
    pairs = c[c["src"] == left_source].merge(c[c["src"] == right_source], on="lab")
    if left_source == right_source:
        pairs = pairs[pairs["id_x"] < pairs["id_y"]]
    return pd.DataFrame({"left": pairs["id_x"], "right": pairs["id_y"]})


def accuracy(n_connections: int, n_alumni: int, seeds: int) -> str:
    rows, missed = [], {}
    for seed in [generate.SEED, *range(1, seeds)]:
        bench, frame = normalized(n_connections, n_alumni, seed)
        start = time.perf_counter()
        scored = score(frame, Settings())
        took = time.perf_counter() - start
        truth = pd.DataFrame(
            {
                "left": "connections:" + bench.truth["connections_row"].astype(str),
                "right": "alumni:" + bench.truth["alumni_row"].astype(str),
                "kind": bench.truth["kind"],
            }
        )
        cross = evaluate(cluster_pairs(scored, "connections", "alumni"), truth, examples=10**6)
        dups = pd.DataFrame(
            {
                "left": "alumni:" + bench.duplicates["alumni_row_a"].astype(str),
                "right": "alumni:" + bench.duplicates["alumni_row_b"].astype(str),
            }
        )
        within = evaluate(cluster_pairs(scored, "alumni", "alumni"), dups)
        if seed == generate.SEED:
            missed = cross.missed["kind"].value_counts().to_dict()
        rows.append((seed, cross, within, len(scored.pairs), took))
    lines = [
        f"| {seed} | {c.precision:.4f} | {c.recall:.4f} | {c.f1:.4f} | {c.false_positives} "
        f"| {c.false_negatives} | {w.precision:.4f} | {w.recall:.4f} | {pairs:,} | {took:.1f} |"
        for seed, c, w, pairs, took in rows
    ]
    worst_p = min(c.precision for _, c, *_ in rows)
    worst_r = min(c.recall for _, c, *_ in rows)
    return "\n".join(
        [
            f"Benchmark {n_connections:,} connections x {n_alumni:,} alumni, one row per seed "
            f"(the committed seed {generate.SEED} first):\n",
            "| seed | precision | recall | F1 | wrong | missed | duplicates precision "
            "| duplicates recall | candidate pairs | score (s) |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            *lines,
            f"\nLowest over the {len(rows)} seeds: precision {worst_p:.4f}, recall {worst_r:.4f} "
            "(issue 15's targets: precision >= 0.995 and recall >= 0.97 on every seed).",
            f"\nMissed links by kind (committed seed): {missed}\n",
            "Bundled sample (pipeline/sample, its truth.csv and alumni_duplicates.csv):\n",
            "| pairs | precision | recall | F1 | candidate pairs |",
            "|---|---:|---:|---:|---:|",
            sample(),
        ]
    )


def _labelled(seed: int, n_connections: int, n_alumni: int):
    """The seed's scoring and, per candidate pair, whether it is a true link (connection-alum
    or alumni duplicate) and which group it is in ("cross" or "within" the alumni list); the
    true totals per group, and per record the person it is when the list's true duplicates are
    joined (``link_ceiling.alumni_people``)."""
    from benchmarks.link_ceiling import alumni_people

    bench, frame = normalized(n_connections, n_alumni, seed)
    scored = score(frame, Settings())
    ids = scored.frame["record_id"].astype("str").to_numpy(dtype=object)
    left, right = (ids[scored.pairs[side].to_numpy()] for side in ("left", "right"))
    true = {
        *zip("connections:" + bench.truth["connections_row"].astype(str),
             "alumni:" + bench.truth["alumni_row"].astype(str), strict=True),
        *zip("alumni:" + bench.duplicates["alumni_row_a"].astype(str),
             "alumni:" + bench.duplicates["alumni_row_b"].astype(str), strict=True),
    }  # fmt: skip
    y = np.array([(a, b) in true or (b, a) in true for a, b in zip(left, right, strict=True)])
    src = scored.frame["source"].to_numpy(dtype=object)
    group = np.where(src[scored.pairs["left"]] == src[scored.pairs["right"]], "within", "cross")
    totals = {"cross": len(bench.truth), "within": len(bench.duplicates)}
    at = pd.Series(np.arange(len(ids)), ids)
    a, b = (
        at.reindex("alumni:" + bench.duplicates[side].astype(str)).to_numpy()
        for side in ("alumni_row_a", "alumni_row_b")
    )
    both = ~(np.isnan(a) | np.isnan(b))
    person = alumni_people(len(ids), a[both].astype(int), b[both].astype(int))
    return scored, y, group, totals, person


def ceiling(n_connections: int, n_alumni: int, seeds: int) -> str:
    """How far the evidence goes: a logistic regression over the same comparison levels (and
    the name's term-frequency weight), fitted on one seed's candidate pairs WITH their true
    labels, ranks the next seed's candidate pairs; the best recall any threshold reaches at the
    targets' precision is what a perfectly tuned model of these levels could do (pair by pair,
    before one-to-one and clustering). Our own pair probabilities are ranked the same way."""
    import dataclasses

    from pipeline.link.classify import fit_logistic, logistic_contributions

    order = [generate.SEED, *range(1, seeds)]
    data = {s: _labelled(s, n_connections, n_alumni) for s in order}
    targets = {"cross": 0.995, "within": 0.99}
    rows = []
    for i, seed in enumerate(order):
        train = data[order[(i + 1) % len(order)]]
        scored, y, group, totals, _ = data[seed]
        cells = [str(seed)]
        for g, precision in targets.items():
            t_scored, t_y, t_group, *_ = train
            at = t_group == g
            fitted, names = fit_logistic(
                t_scored.pairs[at], t_y[at], t_scored.comparisons, t_scored.contributions[at]
            )
            here = group == g
            model = dataclasses.replace(scored.model, logistic=fitted, columns=names)
            parts, intercept = logistic_contributions(
                scored.pairs[here], model, scored.contributions[here]
            )
            best = parts.sum(axis=1).to_numpy() + intercept
            ours = scored.pairs["probability"].to_numpy()[here]
            for ranking in (best, ours):
                hits = np.cumsum(y[here][np.argsort(-ranking, kind="stable")])
                ok = hits / np.arange(1, len(hits) + 1) >= precision
                cells.append(f"{(hits[ok].max() if ok.any() else 0) / totals[g]:.4f}")
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(
        [
            "| seed | connections-alumni: best recall at P >= 0.995 (labelled fit) | ours, "
            "same ranking rule | duplicates: best recall at P >= 0.99 (labelled fit) | ours |",
            "|---|---:|---:|---:|---:|",
            *rows,
        ]
    )


def errors(seed: int, n_connections: int, n_alumni: int) -> str:
    """Every wrong link (connection-alum pairs in one cluster that the truth does not hold),
    every wrong duplicate pair and every missed one of one seed: both records' names, class
    year, employer, title, address and URL, the pair's probability and levels, and, for a wrong
    link, the records the truth links its connection to (if any). For reading, not recorded."""
    bench, frame = normalized(n_connections, n_alumni, seed)
    scored = score(frame, Settings())
    f = scored.frame.set_index("record_id")
    truth_pairs = set(
        zip("connections:" + bench.truth["connections_row"].astype(str),
            "alumni:" + bench.truth["alumni_row"].astype(str), strict=True)
    )  # fmt: skip
    truth: dict[str, list[str]] = {}
    for c, a in sorted(truth_pairs):
        truth.setdefault(c, []).append(a)
    namesake_rows = {f"alumni:{r}" for r in _namesake_rows(bench)}
    dups = {
        frozenset(p)
        for p in zip("alumni:" + bench.duplicates["alumni_row_a"].astype(str),
                     "alumni:" + bench.duplicates["alumni_row_b"].astype(str), strict=True)
    }  # fmt: skip
    table = explain(scored, names=False)
    table["left"] = (
        table["left_file"].str.split(".").str[0].replace({"Connections": "connections"})
        + ":"
        + table["left_row"].astype(str)
    )
    table["right"] = (
        table["right_file"].str.split(".").str[0].replace({"Connections": "connections"})
        + ":"
        + table["right_row"].astype(str)
    )
    level_cols = [c.name for c in scored.comparisons]
    by_pair = table.set_index(["left", "right"])

    def who(record: str) -> str:
        r = f.loc[record]
        year = "" if pd.isna(r["grad_year"]) else f" '{int(r['grad_year']) % 100:02d}"
        return (
            f"{record} {r['full_name']}{year} | {r['company']} | {r['title']} "
            f"[{r.get('seniority_alone', '')}] | {r['email']} | {r['linkedin_slug']}"
        )

    def levels(a: str, b: str) -> str:
        key = (a, b) if (a, b) in by_pair.index else (b, a)
        if key not in by_pair.index:
            return "(not a candidate pair)"
        row = by_pair.loc[key]
        shown = [f"{c}: {row[c]} ({row[c + ' weight']:+.1f})" for c in level_cols if row[c]]
        return f"p={row['probability']:.3f}; " + "; ".join(shown)

    lines = []
    cross = cluster_pairs(scored, "connections", "alumni")
    wrong = cross[
        [(a, b) not in truth_pairs for a, b in zip(cross["left"], cross["right"], strict=True)]
    ]
    lines.append(f"Seed {seed}: {len(wrong)} wrong links")
    for a, b in zip(wrong["left"], wrong["right"], strict=True):
        kind = "namesake row" if b in namesake_rows else "other alum"
        lines += [f"- {kind}", f"    {who(a)}", f"    {who(b)}", f"    {levels(a, b)}"]
        for t in truth.get(a, []):
            lines += [f"    true: {who(t)}", f"    true: {levels(a, t)}"]
    within = cluster_pairs(scored, "alumni", "alumni")
    bad = within[[frozenset(p) not in dups for p in zip(within["left"], within["right"],
                                                         strict=True)]]  # fmt: skip
    lines.append(f"Seed {seed}: {len(bad)} wrong duplicate pairs")
    for a, b in zip(bad["left"], bad["right"], strict=True):
        lines += ["-", f"    {who(a)}", f"    {who(b)}", f"    {levels(a, b)}"]
    found = {frozenset(p) for p in zip(within["left"], within["right"], strict=True)}
    missed = [sorted(p) for p in dups if p not in found]
    lines.append(f"Seed {seed}: {len(missed)} missed duplicate pairs")
    for a, b in sorted(missed):
        lines += ["-", f"    {who(a)}", f"    {who(b)}", f"    {levels(a, b)}"]
    return "\n".join(lines)


def _namesake_rows(bench: generate.Benchmark) -> set[int]:
    """Alumni rows that are a connection-only person's namesake (another person)."""
    linked = set(bench.truth["connections_row"])
    c = bench.connections.assign(row=range(1, len(bench.connections) + 1))
    names = set(zip(c.loc[~c["row"].isin(linked), "First Name"],
                    c.loc[~c["row"].isin(linked), "Last Name"], strict=True))  # fmt: skip
    a = bench.alumni.assign(row=range(1, len(bench.alumni) + 1))
    return {
        r for r, fi, la in zip(a["row"], a["First Name"], a["Last Name"], strict=True)
        if (fi, la) in names
    }  # fmt: skip


def sample() -> str:
    """The bundled sample (pipeline/sample): its truth.csv and alumni_duplicates.csv. Rows
    ingest dropped as exact duplicates stand for the row they repeat."""
    import re

    from pipeline.run import SAMPLE, SAMPLE_CONFIG, Inputs, shortlist
    from pipeline.settings import load

    settings = load(SAMPLE_CONFIG)
    result = shortlist(Inputs.sample(), settings, today=TODAY)
    scored = score(result.people, settings)
    f = scored.frame
    ids = dict(zip(zip(f["source"], f["source_row"], strict=True), f["record_id"], strict=True))
    same = {
        int(r.source_row): int(re.search(r"row (\d+)", r.reason).group(1))
        for r in result.ingested.ledger.itertuples()
        if "exact duplicate" in r.reason
    }
    t = pd.read_csv(SAMPLE / "truth.csv")
    truth = pd.DataFrame(
        {
            "left": [ids["connections", r] for r in t["connections_row"]],
            "right": [ids["alumni", same.get(r, r)] for r in t["alumni_row"]],
        }
    )
    d = pd.read_csv(SAMPLE / "alumni_duplicates.csv")
    a = [ids["alumni", same.get(r, r)] for r in d["alumni_row_a"]]
    b = [ids["alumni", same.get(r, r)] for r in d["alumni_row_b"]]
    dups = pd.DataFrame({"left": a, "right": b})
    dropped = int((dups["left"] == dups["right"]).sum())
    cross = evaluate(cluster_pairs(scored, "connections", "alumni"), truth)
    within = evaluate(
        cluster_pairs(scored, "alumni", "alumni"), dups[dups["left"] != dups["right"]]
    )
    return "\n".join(
        [
            f"| connections <-> alumni | {cross.precision:.4f} | {cross.recall:.4f} "
            f"| {cross.f1:.4f} | {len(scored.pairs):,} |",
            f"| alumni duplicates ({dropped} exact ones dropped by ingest, not counted) "
            f"| {within.precision:.4f} | {within.recall:.4f} | {within.f1:.4f} | |",
        ]
    )


def speed_child(kind: str) -> None:
    """Run in a subprocess: time score() once on the cached frame, print seconds."""
    n_conn, n_alumni = (30_000, 200_000) if kind == "link" else (0, 1_000_000)
    _, frame = normalized(n_conn, n_alumni)
    start = time.perf_counter()
    scored = score(frame, Settings())
    print(f"{time.perf_counter() - start:.2f} {len(scored.pairs)}")


def speed(repeat: int) -> str:
    rows = []
    for kind, label in (("link", "30,000 x 200,000 linked"), ("dedupe", "1,000,000 deduplicated")):
        times, pairs = [], ""
        for _ in range(repeat):
            out = subprocess.run(
                [sys.executable, __file__, "_child", kind], capture_output=True, text=True
            )
            if out.returncode:
                raise RuntimeError(out.stderr[-2000:])
            seconds, pairs = out.stdout.split()
            times.append(float(seconds))
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2
        median = sorted(times)[len(times) // 2]
        rows.append(f"| {label} | {median:.1f} | {int(pairs):,} | {rss:.2f} |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["accuracy", "ceiling", "errors", "speed", "_child"])
    parser.add_argument("kind", nargs="?")
    parser.add_argument("--connections", type=int, default=3000)
    parser.add_argument("--alumni", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seeds", type=int, default=8, help="accuracy: how many seeds")
    parser.add_argument("--no-record", action="store_true", help="print, leave results.md")
    parser.add_argument(
        "--flexible", action="store_true",
        help="ceiling: boosted trees over the levels and more (benchmarks/link_ceiling.py)",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=generate.SEED, help="errors: which seed")
    args = parser.parse_args()
    if args.what == "_child":
        speed_child(args.kind)
        return
    if args.what == "ceiling":
        if args.flexible:
            from benchmarks.link_ceiling import flexible

            order = [generate.SEED, *range(1, args.seeds)]
            data = {s: _labelled(s, args.connections, args.alumni) for s in order}
            for part in flexible(data, order):
                print(part, end="\n\n")
            return
        print(ceiling(args.connections, args.alumni, args.seeds))
        return
    if args.what == "errors":
        print(errors(args.seed, args.connections, args.alumni))
        return
    if args.what == "accuracy":
        table = accuracy(args.connections, args.alumni, args.seeds)
        md = (
            "## Linkage accuracy (synthetic benchmark)\n\n"
            f"Command: `python benchmarks/bench_link.py accuracy --connections "
            f"{args.connections} --alumni {args.alumni} --seeds {args.seeds}`, {date.today()}; "
            f"default settings (`[match] threshold = {Settings().match.threshold}`).\n\n"
            "Generator (fixtures/linkage/generate.py): first and last names drawn from a "
            "common-name list (Zipf 0.6; 60% of first names, 30% of last names) plus a long tail "
            "of invented names (Zipf 0.5, each rare); careers follow the class year as in the "
            "bundled sample, an outdated job in the alumni list is an earlier one (a level "
            "below); namesakes (3% of connections get an alum with their exact name: another "
            "person, with their own year, career, email and profile) drawn with replacement in "
            "proportion to how common the full name is; an e-mail address belongs to one person "
            "(first.last and a number, moved on where two people of one name drew the same "
            "one). The alumni list carries degree, program, class year (a second degree as "
            "\"'96 BMath, '02 PhD\") and city, drawn per person, so a person's rows agree but "
            "for a real export's drift (a duplicate row may hold another city or the later "
            "degree alone; any row may leave a field blank); LinkedIn's table has none of "
            "them. Precision and recall count "
            "connection-alum pairs that end in one prospect.\n\n" + table
        )
        if not args.no_record:
            record("link-accuracy", md)
    else:
        md = (
            "## Linkage speed\n\n"
            f"Command: `python benchmarks/bench_link.py speed --repeat {args.repeat}`, "
            f"{date.today()}; link() scoring on normalized frames (normalize not counted).\n\n"
            "| run | median (s) | candidate pairs | peak RSS (GiB) |\n|---|---:|---:|---:|\n"
            + speed(args.repeat)
        )
        record("link-speed", md)
    print(md)


if __name__ == "__main__":
    main()
