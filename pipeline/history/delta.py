"""What a run changes against the run before, as the history of schema 4 stores it (see
``pipeline.history.store``): who is new or has other stable columns (everything but rank,
score and warmth), and who is gone. One comparison of two Arrow tables in prospect_id order
(``record.snapshot_table`` and the last run's snapshot); ``differ.may_differ`` reuses its
positions for the report.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.history.store import PROSPECT_COLUMNS, VOLATILE_COLUMNS

#: The stable columns (prospect_id first): a change in any of them writes the person's row.
STABLE = tuple(c for c in PROSPECT_COLUMNS if c not in VOLATILE_COLUMNS)


@dataclass(frozen=True)
class Delta:
    """``old``: the last run (PROSPECT_COLUMNS); ``at``: for each new row its row in ``old``
    (-1: new); ``changed``: per new row, new or other stable values; ``gone``: per old row,
    not in the new run."""

    old: pa.Table
    at: np.ndarray
    changed: np.ndarray
    gone: np.ndarray

    def copies(self) -> pa.Table:
        """The old rows of everyone changed or gone: their state before, which the history
        must hold as rows (written at the run before when it has none there)."""
        keep = self.gone.copy()
        keep[self.at[(self.at >= 0) & self.changed]] = True
        return self.old.filter(pa.array(keep))


def same_cells(a: pa.Array | pa.ChunkedArray, b: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Cell by cell: equal values, or missing on both sides (a missing and a present cell
    differ)."""
    equal = pc.fill_null(pc.equal(a, b), False)
    both = pc.and_(pc.is_null(a), pc.is_null(b))
    return pc.or_(equal, both).to_numpy(zero_copy_only=False)


def compare(old: pa.Table, new: pa.Table) -> Delta | None:
    """The Delta from ``old`` to ``new`` (both as ``snapshot.columnar`` makes them, each
    prospect_id once); None when their columns differ in name or type."""
    if old.schema != new.schema or list(new.column_names) != list(PROSPECT_COLUMNS):
        return None
    if in_same_order(old["prospect_id"], new["prospect_id"]):
        # A rerun on the same files: the same people in the same order, each row compared with
        # the row where it is (no lookup of a million ids, no column taken into another order).
        at = np.arange(len(new), dtype=np.int64)
        same = np.ones(len(new), dtype=bool)
        for column in STABLE[1:]:
            same &= same_cells(old[column], new[column])
        return Delta(old, at, ~same, np.zeros(len(old), dtype=bool))
    at = pc.index_in(new["prospect_id"], value_set=old["prospect_id"].combine_chunks())
    at = at.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    both = at >= 0
    changed = ~both
    if both.any():
        positions = pa.array(at[both])
        same = np.ones(int(both.sum()), dtype=bool)
        kept = pa.array(both)
        for column in STABLE[1:]:
            same &= same_cells(old[column].take(positions), new[column].filter(kept))
        changed[both] = ~same
    gone = np.ones(len(old), dtype=bool)
    gone[at[both]] = False
    return Delta(old, at, changed, gone)


def in_same_order(old: pa.ChunkedArray, new: pa.ChunkedArray) -> bool:
    """Whether two runs' prospect_ids are the same, row for row (none missing)."""
    if len(old) != len(new) or old.null_count or new.null_count:
        return False
    return len(new) == 0 or pc.all(pc.equal(old, new)).as_py() is True
