"""Ranking quality on the labelled persona fixture (fixtures/ranking/): NDCG@10 and precision@10
of the ranking and of three baselines, written to benchmarks/results.md (section rank-eval).

    .tools/bin/uv run python benchmarks/eval_rank.py
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.results_md import record  # noqa: E402
from pipeline import run, settings  # noqa: E402
from pipeline.rank import evaluate  # noqa: E402
from pipeline.rank.evaluate import labels_by_name  # noqa: E402

FIXTURE = ROOT / "fixtures" / "ranking"
TODAY = date(2026, 11, 28)
COMMAND = ".tools/bin/uv run python benchmarks/eval_rank.py"


def fixture_result(config: Path | None = None) -> run.Result:
    """The whole pipeline on the persona's Connections.csv and alumni.csv."""
    inputs = run.Inputs(FIXTURE / "Connections.csv", (FIXTURE / "alumni.csv",))
    return run.shortlist(inputs, settings.load(config or FIXTURE / "settings.toml"), today=TODAY)


def labels_by_id(result: run.Result) -> pd.DataFrame:
    """labels.csv (by name) joined to the prospect_id each person got: prospect_id, relevance."""
    labels = pd.read_csv(FIXTURE / "labels.csv", dtype={"name": str})
    everyone = pd.concat([result.ranked, result.filtered], ignore_index=True)
    return labels_by_name(labels, everyone)


def main() -> pd.DataFrame:
    result = fixture_result()
    labels = labels_by_id(result)
    pool = pd.concat([result.ranked, result.filtered], ignore_index=True)
    table = evaluate(result.ranked, labels, pool=pool)
    whole = evaluate(result.ranked, labels, pool=pool, k=len(pool))
    table["ndcg_whole_list"] = whole[f"ndcg_at_{len(pool)}"]
    rows = "\n".join(
        f"| {m} | {n:.3f} | {p:.2f} | {w:.3f} |"
        for m, n, p, w in table[
            ["method", "ndcg_at_10", "precision_at_10", "ndcg_whole_list"]
        ].itertuples(index=False)
    )
    grades = labels["relevance"].value_counts().sort_index()
    record(
        "rank-eval",
        f"""## Ranking quality on the labelled persona (fixtures/ranking/)

Command: `{COMMAND}`

{len(labels)} candidates ({", ".join(f"{n} graded {g}" for g, n in grades.items())}), graded
0-3 from the generator's latent facts by the written rules in `fixtures/ranking/README.md`.
Precision counts grades 2-3 as relevant; random order is the mean of 200 shuffles; the baselines
see everyone, including the people the settings filter out. The whole-list NDCG also counts
the order below the top 10 (filtered people last for the ranking).

| method | NDCG@10 | precision@10 | NDCG, whole list |
|---|---|---|---|
{rows}
""",
    )
    print(table.to_string(index=False))
    return table


if __name__ == "__main__":
    main()
