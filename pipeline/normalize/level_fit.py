"""Fitting ``pipeline/data/level_model.csv`` on labelled people (``benchmarks/eval_levels.py
--fit`` on the generator of ``fixtures/levels/``): the tables ``levels`` reads at run time."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.normalize.level_model import EDGES, LEVELS
from pipeline.normalize.workplace import KIND_ROWS

__all__ = ["fit"]


def fit(
    labelled: pd.DataFrame, smoothing: float = 1.0, kind_smoothing: float = 20.0
) -> pd.DataFrame:
    """The level_model.csv table fitted on labelled people.

    ``labelled`` has ``evidence`` (EVIDENCE), ``title_level`` (the title's own level),
    ``level`` (the true level) and ``years`` (years since the first degree, NaN when unknown),
    and may have ``kind`` (the employer kind: KIND_ROWS, "" when no employer is known).
    Each (evidence class, years bucket) row holds the level shares of its people, smoothed
    towards the class's shares over all years (``smoothing`` people's worth), so a bucket with
    few people still gives a sensible answer; the last row of each class (empty years) is the
    class's shares, used when the years are unknown. "unclassified" titles are fitted with
    "none" (their words say nothing). The 'strong' row holds, in its Entry column, the share of
    strong titles whose own level was right.

    People without a title also get rows per employer kind (``employer_kind``; empty = any
    employer): each bucket's shares among that kind's people, smoothed towards the bucket's
    shares over every employer (``kind_smoothing`` people's worth), so a kind seen rarely in a
    bucket falls back on the years.
    """
    strong = labelled[labelled["evidence"] == "strong"]
    right = float((strong["title_level"] == strong["level"]).mean()) if len(strong) else 0.97
    rows: list[dict[str, object]] = [
        {"evidence": "strong", "years_from": "", "years_to": "", "Entry": round(right, 3)}
    ]
    evidence = labelled["evidence"].replace({"unclassified": "none"})
    kinds = labelled["kind"] if "kind" in labelled else pd.Series("", index=labelled.index)

    def shares_by_bucket(part: pd.DataFrame, prior: np.ndarray, weight: float) -> np.ndarray:
        bucket = pd.cut(part["years"], list(EDGES), right=False, labels=False)
        out = np.zeros((len(EDGES) - 1, len(LEVELS)))
        for i in range(len(EDGES) - 1):
            counts = part.loc[bucket == i, "level"].value_counts().reindex(list(LEVELS)).fillna(0)
            row_prior = prior[i] if prior.ndim == 2 else prior
            total = counts.sum() + weight
            out[i] = (counts.to_numpy() + weight * row_prior) / total if total else row_prior
        return out

    def emit(cls: str, kind: str, by_bucket: np.ndarray, overall: np.ndarray) -> None:
        for i in range(len(EDGES) - 1):
            row: dict[str, object] = {"evidence": cls, "employer_kind": kind}
            row |= {"years_from": EDGES[i], "years_to": EDGES[i + 1]}
            row |= {lv: round(float(v), 4) for lv, v in zip(LEVELS, by_bucket[i], strict=True)}
            rows.append(row)
        last: dict[str, object] = {"evidence": cls, "employer_kind": kind}
        last |= {"years_from": "", "years_to": ""}
        last |= {lv: round(float(v), 4) for lv, v in zip(LEVELS, overall, strict=True)}
        rows.append(last)

    def level_shares(part: pd.DataFrame) -> np.ndarray:
        counts = part["level"].value_counts(normalize=True).reindex(list(LEVELS)).fillna(0.0)
        return counts.to_numpy()

    for cls in ("plain", "ic manager", "none"):
        part = labelled[evidence == cls]
        overall = level_shares(part)
        by_bucket = shares_by_bucket(part, overall, smoothing)
        emit(cls, "", by_bucket, overall)
        if cls != "none":
            continue
        for kind in KIND_ROWS:
            of_kind = part[kinds[evidence == cls] == kind]
            if len(of_kind) == 0:
                continue
            n = len(of_kind)
            kind_overall = (level_shares(of_kind) * n + kind_smoothing * overall) / (
                n + kind_smoothing
            )
            emit(cls, kind, shares_by_bucket(of_kind, by_bucket, kind_smoothing), kind_overall)
    columns = ["evidence", "employer_kind", "years_from", "years_to", *LEVELS]
    table = pd.DataFrame(rows, columns=columns).fillna({"employer_kind": ""})
    for col in ("years_from", "years_to"):
        table[col] = table[col].map(lambda v: "" if v == "" else f"{v:g}")
    return table
