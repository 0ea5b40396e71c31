"""EM's pairs coded once (``Coded``): each comparison's levels as numpy, with what every EM
iteration needs of them made once, and the level shares EM's steps and u are made of."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from pipeline.link.levels import NULL, Comparison

SMOOTH = 0.5  # pseudo-count per level, so an unseen level is rare, never impossible


class Coded:
    """Each comparison's levels of EM's pairs as numpy, with what every iteration needs of
    them made once: which pairs are not NULL, their levels, and where each pair's log2(m/u)
    sits in a flattened table. Reading a frame's columns, masking NULL and clipping at every
    iteration of every session cost more than the arithmetic (EM 2.0 s CPU at 30,000 x
    200,000); the sums are the ones that did that, in the same order (the same floats:
    tests/link/test_em_coded.py holds the old functions and compares)."""

    def __init__(self, level: dict[str, np.ndarray], size: int) -> None:
        self.level, self.size = level, size
        self.seen = {name: lv != NULL for name, lv in level.items()}
        self.known = {name: lv[self.seen[name]] for name, lv in level.items()}
        self._at: dict[tuple[str, int, int], np.ndarray] = {}  # see log_ratio

    @classmethod
    def of(cls, levels: pd.DataFrame, comparisons: Sequence[Comparison]) -> Coded:
        """``levels`` needs a column per comparison (its level per pair, NULL where none)."""
        return cls({c.name: levels[c.name].to_numpy() for c in comparisons}, len(levels))

    def subset(self, mine: np.ndarray) -> Coded:
        """The pairs where the mask ``mine`` holds."""
        return Coded({name: lv[mine] for name, lv in self.level.items()}, int(mine.sum()))

    def log_ratio(
        self,
        comparisons: Sequence[Comparison],
        m: Mapping[str, np.ndarray],
        u: Mapping[str, np.ndarray],
        own: Sequence[Mapping[str, np.ndarray] | None] | None = None,
        codes: np.ndarray | None = None,
    ) -> np.ndarray:
        """Per pair, the sum over ``comparisons`` of log2(m/u) at its level (0 for NULL; a
        level past the last counts as the last). With ``own`` (per group code, its m or None
        for the pooled ``m``) and ``codes`` (each pair's group code), each pair is scored
        with its group's m. A pair's entry is taken from the (groups x levels) table
        flattened, with a 0.0 appended where NULL pairs point."""
        total = np.zeros(self.size)
        for c in comparisons:
            if own is None:
                table = np.log2(m[c.name] / u[c.name])[None, :]
            else:
                rows = [m[c.name] if g is None else g[c.name] for g in own]
                table = np.log2(np.stack(rows) / u[c.name])
            key = (c.name, table.shape[0], table.shape[1])
            # the table's shape is m's, and one EM run passes the same ``codes`` every time
            if key not in self._at:
                level, width = self.level[c.name], table.shape[1]
                group = 0 if own is None else np.asarray(codes, dtype="int64")
                at = group * width + np.clip(level, 0, width - 1)
                self._at[key] = np.where(level == NULL, table.size, at)
            total += np.append(table.ravel(), 0.0)[self._at[key]]
        return total

    def level_shares(
        self, comparisons: Sequence[Comparison], weights: np.ndarray
    ) -> dict[str, tuple[np.ndarray, float]]:
        """Per comparison, the ``weights``-weighted share of pairs at each level (NULL pairs left
        out, SMOOTH pseudo-counts), and the weight of the pairs that are not NULL."""
        out = {}
        for c in comparisons:
            seen = weights[self.seen[c.name]]
            counts = np.bincount(self.known[c.name], weights=seen, minlength=len(c.levels))
            smoothed = counts[: len(c.levels)] + SMOOTH
            out[c.name] = (smoothed / smoothed.sum(), seen.sum())
        return out

    def map_shares(
        self,
        comparisons: Sequence[Comparison],
        posterior: np.ndarray,
        prior: Mapping[str, np.ndarray],
        strength: float,
    ) -> dict[str, np.ndarray]:
        """MAP m-step: per comparison, the ``posterior``-weighted level shares, pulled towards
        ``prior`` as if by ``strength`` pseudo-matches at its shares."""
        return {
            name: (share * mass + strength * prior[name]) / (mass + strength)
            for name, (share, mass) in self.level_shares(comparisons, posterior).items()
        }
