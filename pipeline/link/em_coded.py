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
        self._at: dict[tuple[str, int, int], np.ndarray] = {}  # see log_ratio
        self._bins: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}  # see _binned

    def _binned(self, name: str, width: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Comparison ``name``'s levels as bins for ``np.bincount``, NULL in a bin past every
        level (so the first ``width`` bins sum the pairs that are not NULL), and the positions
        of those pairs (None when no pair is NULL). One bincount over all pairs adds each bin's
        weights in the pairs' order, as one over the pairs that are not NULL did: the same
        floats, without taking those pairs out at every iteration."""
        if name not in self._bins:
            level, seen = self.level[name], self.seen[name]
            past = max(width, int(level.max(initial=-1)) + 1)
            bins = np.where(seen, level, past).astype(np.intp)
            self._bins[name] = bins, None if seen.all() else np.flatnonzero(seen)
        return self._bins[name]

    @classmethod
    def of(cls, levels: pd.DataFrame, comparisons: Sequence[Comparison]) -> Coded:
        """``levels`` needs a column per comparison (its level per pair, NULL where none)."""
        return cls({c.name: levels[c.name].to_numpy() for c in comparisons}, len(levels))

    def subset(self, mine: np.ndarray) -> Coded:
        """The pairs where the mask ``mine`` holds (or at the positions ``mine``)."""
        size = int(mine.sum()) if mine.dtype == bool else len(mine)
        return Coded({name: lv[mine] for name, lv in self.level.items()}, size)

    def patterns(self, group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each pair's combination of its ``group`` code (int) and its levels, as a code, and
        a pair of each combination. A pair's EM posterior depends on nothing else, so EM
        scores a few thousand combinations instead of millions of pairs (the same floats:
        each combination's sum is the one its pairs had)."""
        code = np.asarray(group, dtype=np.int64)
        if not self.size:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        width = int(code.max()) + 1
        for level in self.level.values():
            low = int(level.min())
            span = int(level.max()) - low + 1
            if width * span >= 1 << 62:  # numbered again, so the code cannot overflow
                code, width = _numbered(code)
            code, width = code * span + (level.astype(np.int64) - low), width * span
        pattern, count = _numbered(code)
        first = np.zeros(count, dtype=np.int64)
        first[pattern[::-1]] = np.arange(len(pattern) - 1, -1, -1)  # its first pair
        return pattern, first

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
            bins, at = self._binned(c.name, len(c.levels))
            counts = np.bincount(bins, weights=weights, minlength=len(c.levels))
            smoothed = counts[: len(c.levels)] + SMOOTH
            # the pairs that are not NULL summed as a copy of them was (pairwise, in order)
            mass = weights.sum() if at is None else weights.take(at).sum()
            out[c.name] = (smoothed / smoothed.sum(), mass)
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


def _numbered(code: np.ndarray) -> tuple[np.ndarray, int]:
    """``code`` as 0, 1, ... in order of first appearance (hashed, not sorted), and how many."""
    numbered, uniques = pd.factorize(code)
    return numbered.astype(np.int64), len(uniques)
