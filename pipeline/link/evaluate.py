"""Evaluation: found pairs against the truth, with examples of each kind of error."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pipeline.text.arrow_text import STR

_KEYS = ("left", "right")


@dataclass(frozen=True)
class Evaluation:
    """Pair-level precision, recall and F1, and the pairs behind each kind of error."""

    true_positives: int
    false_positives: int
    false_negatives: int
    wrong: pd.DataFrame = field(repr=False)  # found, not in the truth
    missed: pd.DataFrame = field(repr=False)  # in the truth, not found

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        real = self.true_positives + self.false_negatives
        return self.true_positives / real if real else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def summary(self) -> str:
        return (
            f"precision {self.precision:.4f}, recall {self.recall:.4f}, F1 {self.f1:.4f} "
            f"({self.true_positives} right, {self.false_positives} wrong, "
            f"{self.false_negatives} missed)"
        )


def _canonical(pairs: pd.DataFrame) -> pd.DataFrame:
    """Pairs as unordered (left <= right) distinct rows of strings, other columns kept."""
    out = pairs.copy()
    a, b = out["left"].astype(STR), out["right"].astype(STR)
    out["left"], out["right"] = a.where(a <= b, b), b.where(a <= b, a)
    return out.drop_duplicates(list(_KEYS), ignore_index=True)


def evaluate(pairs: pd.DataFrame, truth: pd.DataFrame, examples: int = 10) -> Evaluation:
    """Compare found ``pairs`` with ``truth``; both have columns ``left`` and ``right`` (record
    ids or any keys; order within a pair does not matter). Extra columns of ``pairs`` (e.g.
    probability, levels) are kept in the examples of wrong links; extra columns of ``truth``
    (e.g. the kind of hard case) in the examples of missed ones.

    >>> found = pd.DataFrame({"left": ["a", "c"], "right": ["b", "d"]})
    >>> real = pd.DataFrame({"left": ["b", "e"], "right": ["a", "f"]})
    >>> e = evaluate(found, real)
    >>> e.precision, e.recall, e.wrong["left"].tolist(), e.missed["left"].tolist()
    (0.5, 0.5, ['c'], ['e'])
    """
    found, real = _canonical(pairs), _canonical(truth)
    both = found.merge(real[list(_KEYS)], on=list(_KEYS), how="left", indicator=True)
    hit = both["_merge"] == "both"
    missed = real.merge(found[list(_KEYS)], on=list(_KEYS), how="left", indicator=True)
    missed = missed[missed["_merge"] == "left_only"].drop(columns="_merge")
    return Evaluation(
        true_positives=int(hit.sum()),
        false_positives=int((~hit).sum()),
        false_negatives=len(missed),
        wrong=both[~hit].drop(columns="_merge").head(examples).reset_index(drop=True),
        missed=missed.head(examples).reset_index(drop=True),
    )
