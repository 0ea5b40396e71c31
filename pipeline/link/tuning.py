"""Helpers for tuning the linker against labelled pairs (notebook 1.0-tune-matching).

Ground truth is given by rows people can see — (source, source_row) of each side — and mapped
onto the scored frame's positions; the precision/recall curve re-applies the one-to-one
constraint at every threshold, so it shows what a run at that threshold would link.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pipeline.link import Scored
from pipeline.link.cluster import one_to_one
from pipeline.link.evaluate import evaluate


def truth_positions(
    frame: pd.DataFrame, truth: pd.DataFrame, left: str = "connections", right: str = "alumni"
) -> pd.DataFrame:
    """Truth given as source rows (columns ``<left>_row``, ``<right>_row``) -> positions into
    ``frame`` (columns left, right). Rows that are not in ``frame`` (set aside at ingest) drop.

    ``frame`` needs source and source_row (e.g. ``Scored.frame``).
    """
    where = {}
    for side in (left, right):
        rows = frame.loc[frame["source"] == side, "source_row"]
        where[side] = pd.Series(rows.index.to_numpy(), index=rows.to_numpy())
        where[side] = where[side][~where[side].index.duplicated()]
    a = truth[f"{left}_row"].map(where[left])
    b = truth[f"{right}_row"].map(where[right])
    keep = a.notna() & b.notna()
    return pd.DataFrame({"left": a[keep].astype(int), "right": b[keep].astype(int)})


def threshold_curve(
    scored: Scored,
    truth: pd.DataFrame,
    thresholds: Sequence[float] = tuple(np.round(np.arange(0.05, 1.0, 0.05), 2)),
    unique_sources: Sequence[str] = ("connections",),
) -> pd.DataFrame:
    """Precision, recall and F1 of the links a run would make at each threshold.

    ``truth`` holds positions (columns left, right), e.g. from ``truth_positions``; only pairs
    between different sources are judged (duplicates within a file have truths of their own).
    """
    pairs = scored.pairs[["left", "right", "probability"]]
    src = scored.frame["source"].to_numpy()
    across = src[pairs["left"].to_numpy()] != src[pairs["right"].to_numpy()]
    pairs = pairs[across]
    rows = []
    for t in thresholds:  # a few dozen thresholds, each one vectorised pass over the pairs
        kept = one_to_one(pairs[pairs["probability"] >= t], scored.frame, tuple(unique_sources))
        e = evaluate(kept[["left", "right"]], truth)
        rows.append((float(t), e.precision, e.recall, e.f1, len(kept)))
    return pd.DataFrame(rows, columns=["threshold", "precision", "recall", "f1", "links"])


def borderline(scored: Scored, low: float, high: float) -> pd.DataFrame:
    """Pairs whose probability lies in [low, high): the ones a person should look at, side by
    side with each comparison's level and weight (see ``pipeline.link.explain``)."""
    from pipeline.link import explain

    p = scored.pairs["probability"].to_numpy()
    return explain(scored, (p >= low) & (p < high), names=True)
