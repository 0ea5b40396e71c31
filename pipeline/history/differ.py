"""Which of this run's rows may differ from the last run's (``may_differ``): compared column by
column in Arrow and numpy, so ``changes.diff`` reads the few rows that can hold a change, not
everyone's. Split from ``record``, which builds the run's entry and calls it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.history import changes as changes_mod


def _per_value(values: pd.Series, fn: Callable[[object], object]) -> np.ndarray:
    """``fn`` of each cell, worked out once per distinct value (missing cells: ``fn(None)``)."""
    codes, distinct = pd.factorize(values.astype(object), use_na_sentinel=True)
    out = np.array([fn(v) for v in distinct] + [fn(None)], dtype=object)
    return out[codes]  # code -1 (missing) takes the last


def _is_text(values: pd.Series) -> bool:
    dtype = values.dtype
    if isinstance(dtype, pd.ArrowDtype):
        return pa.types.is_string(dtype.pyarrow_dtype) or pa.types.is_large_string(
            dtype.pyarrow_dtype
        )
    return isinstance(dtype, pd.StringDtype)


def _texts(values: pd.Series) -> pa.Array | np.ndarray:
    """``changes.text`` of each cell: a text column in one pass of Arrow's kernels (an Arrow
    array: "" for a missing cell, stripped); any other column once per distinct value."""
    if _is_text(values):
        return pc.utf8_trim_whitespace(pc.fill_null(pa.array(values.array), ""))
    return _per_value(values, changes_mod.text)


def _equal(a: pa.Array | np.ndarray, b: pa.Array | np.ndarray) -> np.ndarray:
    """Cell by cell ``a == b`` of two ``_texts`` (no missing cells in either)."""
    if isinstance(a, pa.Array) and isinstance(b, pa.Array):
        if a.type != b.type:  # pandas' text is large_string, a snapshot's string
            a, b = a.cast(pa.large_string()), b.cast(pa.large_string())
        return pc.equal(a, b).to_numpy(zero_copy_only=False)
    a, b = (v.to_numpy(zero_copy_only=False) if isinstance(v, pa.Array) else v for v in (a, b))
    return np.asarray(a == b, dtype=bool)


def _flags(values: pd.Series) -> np.ndarray:
    """True where a cell is there and true (``changes._flag``): numbers compared with 0 at
    once; other columns once per distinct value."""
    if values.dtype.kind in "biuf":
        return (values.fillna(0) != 0).to_numpy(dtype=bool)
    return _per_value(values, lambda v: not changes_mod.missing(v) and bool(v)).astype(bool)


def _numbers(values: pd.Series) -> np.ndarray:
    """``changes.number`` of each cell as floats (NaN for None): numbers as they are, text and
    missing cells NaN."""
    if values.dtype.kind in "biuf":
        return values.to_numpy(dtype=float, na_value=np.nan)
    cells = values.to_numpy(dtype=object)
    text = np.fromiter((isinstance(v, str) for v in cells), bool, len(cells))
    cells = np.where(text, None, cells)
    return pd.to_numeric(pd.Series(cells, dtype=object), errors="coerce").to_numpy(dtype=float)


def _stored_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a frame from ``_last_run`` as ``reads.rows`` gives them (None for a missing
    cell; int, float and str otherwise), whichever way it was read."""
    if all(isinstance(t, pd.ArrowDtype) for t in frame.dtypes):
        return pa.Table.from_pandas(frame, preserve_index=False).to_pylist()
    return changes_mod.records(frame)


def may_differ(
    old: pd.DataFrame,
    new: pd.DataFrame,
    keep: set[str],
    rank_move: int,
    within: int = 0,
    *,
    at: np.ndarray | None = None,
    changed: np.ndarray | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows of ``old`` and ``new`` (store.PROSPECT_COLUMNS) that ``changes.diff`` can report
    on, as its rows (dicts; ``old``'s as SQLite gives them); and those whose prospect_id is in
    ``keep`` (the marked people, whom the report shows). ``diff`` of these is ``diff`` of the
    whole runs: a person on both sides with the same company key, title, level, flags and a
    rank within ``rank_move`` (or outside the top ``within`` on both sides, when ``within`` >
    0) has no event, and everyone on one side only (whom relinking joins) is kept. At 200,000
    people that is the few who changed, where the whole runs took seconds of Python.
    """
    ids = pa.array(new["prospect_id"].astype(str).array)
    old_ids = pa.array(old["prospect_id"].astype(str).array)
    # prospect_id is the key of a run's rows: unique on each side (``at``: these positions,
    # from delta.compare, when the run has worked them out already; ``changed``: its flags)
    if at is None:
        at = pc.index_in(ids, value_set=old_ids).fill_null(-1).to_numpy(zero_copy_only=False)
    on_both = at >= 0
    o_pos = at[on_both]
    differs = np.ones(len(new), dtype=bool)  # one side only: kept
    same = np.ones(int(on_both.sum()), dtype=bool)
    # Stable columns equal cell for cell (``changed`` False) are equal as diff reads them too:
    # only the others are compared here (at large, ~1% of the people instead of all).
    check = np.ones(len(o_pos), dtype=bool) if changed is None else changed[on_both]
    o_check, n_check = o_pos[check], np.flatnonzero(on_both)[check]
    alike = np.ones(len(o_check), dtype=bool)
    for column in ("company_key", "title", "seniority"):
        alike &= _equal(_texts(old[column].iloc[o_check]), _texts(new[column].iloc[n_check]))
    for column in ("is_connection", "is_alum"):
        alike &= _flags(old[column].iloc[o_check]) == _flags(new[column].iloc[n_check])
    same[check] = alike
    if rank_move > 0:
        r0, r1 = _numbers(old["rank"].iloc[o_pos]), _numbers(new["rank"][on_both])
        moved = np.abs(r1 - r0) > rank_move  # NaN (no rank on a side): no move
        if within > 0:
            moved &= (r0 <= within) | (r1 <= within)
        same &= ~moved
    differs[on_both] = ~same
    marked = pa.array(sorted(keep), type=pa.string())
    differs |= pc.is_in(ids, value_set=marked).to_numpy(zero_copy_only=False)
    old_kept = np.ones(len(old), dtype=bool)
    old_kept[o_pos[same]] = False
    old_kept |= pc.is_in(old_ids, value_set=marked).to_numpy(zero_copy_only=False)
    return _by_id(_stored_rows(old[old_kept])), _by_id(_stored_rows(new[differs]))


def _by_id(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows in prospect_id order (Python compares text by code point: the order of UTF-8 bytes,
    SQLite's BINARY collation), as the history's readers hand them to ``changes.diff``."""
    return sorted(found, key=lambda r: str(r["prospect_id"]))
