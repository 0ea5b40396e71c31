"""Ranking at scale: 200,000 synthetic prospects through rank(), with its parts timed apart.

    .tools/bin/uv run python benchmarks/bench_rank.py [--rows N] [--repeat R]

The prospects are the bundled sample's, repeated with new names, and a quarter of the titles and
a fifth of the employers made unique (real exports have tens of thousands of distinct titles),
so per-distinct-value work is not flattered. Median wall time of R runs; peak RSS of the process.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.results_md import record  # noqa: E402
from pipeline import run, settings  # noqa: E402
from pipeline.normalize.companies import company_keys  # noqa: E402
from pipeline.rank import rank, score_features  # noqa: E402
from pipeline.rank.intros import intro_paths  # noqa: E402
from pipeline.rank.words import opener, why  # noqa: E402

COMMAND = ".tools/bin/uv run python benchmarks/bench_rank.py"


def prospects(rows: int) -> tuple[pd.DataFrame, run.Result]:
    result = run.shortlist(run.Inputs.sample(), settings.load(run.SAMPLE_CONFIG))
    base = result.linked.prospects
    big = base.iloc[np.arange(rows) % len(base)].reset_index(drop=True)
    i = np.arange(rows)
    big["prospect_id"] = "p" + pd.Series(i).astype(str)
    big["full_name"] = big["full_name"] + " " + pd.Series(i // len(base)).astype(str)
    unique_title = i % 4 == 0
    big.loc[unique_title, "title_clean"] = (
        big.loc[unique_title, "title_clean"]
        + " team "
        + (pd.Series(i[unique_title] % 50_000).astype(str).to_numpy())
    )
    new_company = i % 5 == 0
    names = pd.Series("Startup " + pd.Series(i[new_company] % 30_000).astype(str).to_numpy())
    keys = company_keys(names)
    for column in ("company", "company_clean"):
        big.loc[new_company, column] = names.to_numpy()
    big.loc[new_company, "company_key"] = keys["company_key"].to_numpy()
    big.loc[new_company, "company_parent"] = ""
    return big, result


def median_time(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    big, result = prospects(args.rows)
    ctx = result.context
    t_intro, _ = median_time(lambda: intro_paths(big), args.repeat)
    t_feat, scored = median_time(lambda: score_features(big, ctx), args.repeat)
    scored["rank"] = np.arange(1, len(scored) + 1)
    t_why, _ = median_time(lambda: why(scored, my_school=ctx.my_school), args.repeat)
    t_open, _ = median_time(lambda: opener(scored, ctx.my_school, ctx.i_am_student), args.repeat)
    t_rank, (ranked, dropped) = median_time(lambda: rank(big, ctx), args.repeat)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    titles, employers = big["title_clean"].nunique(), big["company_key"].nunique()
    table = "\n".join(
        f"| {name} | {t:.2f} s |"
        for name, t in (
            ("intro paths", t_intro),
            ("features + score (incl. intro paths)", t_feat),
            ("why (all rows)", t_why),
            ("opener (all rows)", t_open),
            ("rank() end to end", t_rank),
        )
    )
    record(
        "rank-scale",
        f"""## Ranking at scale

Command: `{COMMAND}`

{len(big):,} prospects ({titles:,} distinct titles, {employers:,} distinct employers), the sample's
settings (3 target roles, 6 target employers); median of {args.repeat} runs; peak RSS of the
whole process {peak:,.0f} MiB. {len(ranked):,} ranked, {len(dropped):,} filtered.

| step | median |
|---|---|
{table}
""",
    )
    print(table)


if __name__ == "__main__":
    main()
