"""ledger.combine fills an extra column's missing cells chunk by chunk (_no_missing): the same
Series as the old fillna("").astype(STR), and a chunk with no gap is not copied."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from pipeline.ingest.ledger import _no_missing
from pipeline.text.arrow_text import STR

VALUES = ["", " ", "a", "Zoë", "李", "NA", "None", "nan", "\u200b"]


def _old(values: pd.Series) -> pd.Series:
    return (values.fillna("") if values.hasnans else values).astype(STR)


def _columns(seed: int):
    rng = np.random.default_rng(seed)
    chunks = []
    for _ in range(3):
        n = int(rng.integers(0, 50))
        cells = [
            None if rng.random() < 0.3 else VALUES[rng.integers(len(VALUES))] for _ in range(n)
        ]
        chunks.append(pa.array(cells, pa.large_string()))
    chunked = pa.chunked_array(chunks, pa.large_string())
    index = pd.RangeIndex(5, 5 + len(chunked))
    yield pd.Series(pd.array(chunked, dtype=STR), index=index, name="x")  # Arrow, gaps
    yield pd.Series(pd.array(pc_filled(chunked), dtype=STR), index=index, name="x")  # no gap
    objects = np.array(chunked.to_pylist(), dtype=object)
    objects[::7] = np.nan
    yield pd.Series(objects, index=index, name="x")  # object cells, None and NaN
    yield pd.Series(pd.array(chunked.to_pylist(), dtype="string[python]"), index=index)


def pc_filled(chunked):
    import pyarrow.compute as pc

    return pc.fill_null(chunked, "")


@pytest.mark.parametrize("seed", range(8))
def test_no_missing_is_the_old_fillna(seed):
    for values in _columns(seed):
        pd.testing.assert_series_equal(_no_missing(values), _old(values), check_exact=True)


def test_a_chunk_with_no_gap_is_not_copied():
    whole = pa.array(["a", "b", "c"], pa.large_string())
    chunked = pa.chunked_array([pa.array([None], pa.large_string()), whole])
    values = pd.Series(pd.array(chunked, dtype=STR))
    kept = pa.array(_no_missing(values).array).chunk(1)
    assert kept.buffers()[2].address == whole.buffers()[2].address
    assert _no_missing(values).tolist() == ["", "a", "b", "c"]
