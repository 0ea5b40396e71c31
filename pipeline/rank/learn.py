"""Learn weights from the user's own answers: the Interested column of a reviewed workbook.

Pointwise and deliberately modest: a non-negative least-squares fit of the answers (yes 2,
maybe 1, no 0) on the feature values, shrunk toward the current weights (ridge toward w0, solved
by scikit-learn's non-negative LinearRegression on data augmented with sqrt(lambda) * I rows).
The new weights are accepted only when they order held-out answers better than the current ones
(cross-validated NDCG); otherwise the current weights stay.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold

from pipeline import settings as settings_mod
from pipeline.errors import InputError
from pipeline.rank.evaluate import ndcg_at
from pipeline.settings import Settings

MIN_EACH = 3  # answers needed on each side: some yes, some no or maybe
MIN_GAIN = 0.005  # cross-validated NDCG must improve by at least this to change anything


class TooFewLabels(InputError):
    """Not enough answers in the Interested column to learn from."""


@dataclass(frozen=True)
class Learned:
    old: dict[str, float]
    new: dict[str, float]  # equal to old when not accepted
    fitted: dict[str, float]  # what the fit proposed, accepted or not
    ndcg_old: float
    ndcg_new: float
    accepted: bool
    labels: int
    folds: int
    used: tuple[str, ...] = ()  # the features fitted; the others keep their weight

    def summary(self, *, verbose: bool = False) -> str:
        """The table ``prospects learn`` prints: old and new weight of each feature, and how well
        each set orders the answers it was not fitted to ("agreement"; NDCG under ``verbose``).
        """
        lines = [f"{'feature':<14}{'current':>8}{'learned':>9}"]
        lines += [
            f"{k:<14}{self.old[k]:>8.2f}{self.fitted[k]:>9.2f}"
            + ("" if k in self.used else "   (kept: not used in this workbook)")
            for k in self.old
        ]
        if verbose:
            lines.append(
                f"{'NDCG':<14}{self.ndcg_old:>8.3f}{self.ndcg_new:>9.3f}"
                f"   ({self.folds}-fold cross-validation on {self.labels} answers)"
            )
        else:
            lines.append(
                f"{'agreement':<14}{self.ndcg_old:>8.3f}{self.ndcg_new:>9.3f}"
                f"   (1 = your yes answers first; tested {self.folds} times on answers held "
                f"back, of {self.labels})"
            )
        verdict = (
            "The learned weights order your answers better: accepted."
            if self.accepted
            else "The learned weights do not order your answers better: keeping the current ones."
        )
        return "\n".join([*lines, "", verdict])


def _impute(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Unknown features (NaN) take the row's score from its known ones: in a weighted mean that is
    exactly "left out", so the linear fit sees what the ranking sees."""
    known = ~np.isnan(x)
    total = (known * w).sum(axis=1)
    row = (np.nan_to_num(x) * w).sum(axis=1) / np.where(total > 0, total, 1.0)
    return np.where(known, x, row[:, None])


def fit_weights(x: np.ndarray, y: np.ndarray, w0: np.ndarray, shrinkage: float) -> np.ndarray:
    """Non-negative weights minimising ||Xc w - yc||^2 + lambda ||w - c w0||^2 (centred data; c
    puts w0 on the answers' scale), rescaled to the total of w0.

    >>> x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
    >>> fit_weights(x, np.array([2.0, 0.0, 2.0, 0.0]), np.array([0.5, 0.5]), 0.0).round(2).tolist()
    [1.0, 0.0]
    """
    xc, yc = x - x.mean(axis=0), y - y.mean()
    base = xc @ w0
    c = float(base @ yc / (base @ base)) if base @ base > 0 else 0.0
    c = max(c, 0.0)
    lam = shrinkage * float((xc**2).sum()) / max(x.shape[1], 1)
    eye = np.sqrt(lam) * np.eye(x.shape[1])
    model = LinearRegression(positive=True, fit_intercept=False)
    model.fit(np.vstack([xc, eye]), np.concatenate([yc, np.sqrt(lam) * c * w0]))
    w = np.clip(model.coef_, 0, None)
    return w * (w0.sum() / w.sum()) if w.sum() > 0 else w0.copy()


def _cv_ndcg(x: np.ndarray, y: np.ndarray, w0: np.ndarray, shrinkage: float, folds: int):
    old: list[float] = []
    new: list[float] = []
    for train, test in KFold(folds, shuffle=True, random_state=0).split(x):
        w = fit_weights(x[train], y[train], w0, shrinkage)
        for weights, out in ((w0, old), (w, new)):
            order = np.argsort(-(x[test] @ weights), kind="stable")
            out.append(ndcg_at(y[test][order], y[test], k=len(test)))
    return float(np.mean(old)), float(np.mean(new))


def learn(reviewed: pd.DataFrame, settings: Settings) -> Learned:
    """Fit weights to the answers in ``reviewed`` (from ingest.reviewed.read_reviewed: grade and
    one column per feature). Features absent from the workbook, constant, or weighted 0 keep their
    current weight. Raises TooFewLabels, saying how many more answers are needed.
    """
    old = {k: float(v) for k, v in vars(settings.weights).items()}
    features = [k for k in old if k in reviewed]
    # An answer only teaches something next to feature values (an Archived row has none).
    answered = reviewed[reviewed["grade"].notna() & reviewed[features].notna().any(axis=1)]
    n, need = len(answered), settings.learn.min_labels
    if n < need:
        raise TooFewLabels(
            f"Only {n} people have an answer in the Interested column; answer {need - n} more "
            "(yes, maybe or no) in the workbook and run learn again."
        )
    y = answered["grade"].to_numpy(dtype=float)
    high, low = int((y == y.max()).sum()), int((y < y.max()).sum())
    if y.min() == y.max() or min(high, low) < MIN_EACH:
        raise TooFewLabels(
            f"Your {n} answers need at least {MIN_EACH} people you would ask and {MIN_EACH} you "
            "would rather not (or maybe); mark a few more of the other kind and run learn again."
        )
    names = [
        k for k in old
        if k in answered and old[k] > 0 and answered[k].notna().any()
        and answered[k].nunique(dropna=True) > 1
    ]  # fmt: skip
    w0 = np.array([old[k] for k in names])
    x = _impute(answered[names].to_numpy(dtype=float), w0)
    folds = int(min(5, max(2, min(high, low))))
    ndcg_old, ndcg_new = _cv_ndcg(x, y, w0, settings.learn.shrinkage, folds)
    fitted = dict(old)
    learned = fit_weights(x, y, w0, settings.learn.shrinkage)
    fitted.update({k: round(float(v), 3) for k, v in zip(names, learned, strict=True)})
    accepted = ndcg_new >= ndcg_old + MIN_GAIN
    return Learned(
        old,
        fitted if accepted else dict(old),
        fitted,
        ndcg_old,
        ndcg_new,
        accepted,
        n,
        folds,
        tuple(names),
    )


def with_weights(toml_text: str, weights: dict[str, float]) -> str:
    """The settings text with the weights in ``weights`` changed and nothing else: every
    comment, blank line and other setting stays as the user wrote it (``settings.update_toml``).

    >>> text = "[me]\\nname = 'A'\\n[weights]\\nwarmth = 0.5  # hi\\n"
    >>> print(with_weights(text, {"warmth": 0.2}))
    [me]
    name = 'A'
    [weights]
    warmth = 0.2  # hi
    <BLANKLINE>
    """
    base = settings_mod.from_dict(tomllib.loads(toml_text)) if toml_text.strip() else Settings()
    new = dataclasses.replace(base, weights=dataclasses.replace(base.weights, **weights))
    return settings_mod.update_toml(toml_text, new)
