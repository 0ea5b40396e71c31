"""coded_columns: a long frame's columns encoded by two threads, the same Coded as one by one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.ingest import coded as coded_mod
from pipeline.ingest.coded import Coded, coded_columns

HOSTILE = ["", " ", "Zoë", "ZOË", "李", "a\u200bb", "NA", "None", "x,y", "\t", "😀", "a"]


def _frame(seed: int, n: int = 3000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    columns: dict[str, object] = {}
    for i in range(7):
        pool = HOSTILE + [f"v{k}" for k in range(int(rng.integers(1, 2000)))]
        values = rng.choice(np.array(pool, dtype=object), n)
        if i % 3 == 0:
            columns[f"c{i}"] = pd.array(values, dtype="str")  # Arrow text, as the CSV reader
        elif i % 3 == 1:
            values[rng.random(n) < 0.1] = None  # object cells with gaps, as a sheet gives
            columns[f"c{i}"] = values
        else:
            columns[f"c{i}"] = pd.array(np.where(rng.random(n) < 0.1, None, values), dtype="str")
    return pd.DataFrame(columns)


def _same(a: Coded, b: Coded) -> None:
    np.testing.assert_array_equal(a.codes, b.codes)
    assert a.values.tolist() == b.values.tolist()
    assert (a.text is None) == (b.text is None)
    if a.text is not None:
        assert a.text.equals(b.text)


@pytest.mark.parametrize("seed", range(4))
def test_threaded_equals_one_by_one(seed: int, monkeypatch) -> None:
    frame = _frame(seed)
    monkeypatch.setattr(coded_mod, "THREADED_ROWS", 1)
    threaded = coded_columns(frame)
    monkeypatch.setattr(coded_mod, "THREADED_ROWS", 1 << 62)
    serial = coded_columns(frame)
    assert list(threaded) == list(serial) == list(frame.columns)
    for name in frame.columns:
        _same(threaded[name], serial[name])
        _same(serial[name], Coded.of(frame[name]))  # as alumni_from_table made them before


def test_an_error_in_a_thread_reaches_the_caller(monkeypatch) -> None:
    frame = _frame(0)
    real = Coded.of

    def failing(column: pd.Series) -> Coded:
        if column.name == "c3":
            raise RuntimeError("encoding failed")
        return real(column)

    monkeypatch.setattr(coded_mod, "THREADED_ROWS", 1)
    monkeypatch.setattr(Coded, "of", staticmethod(failing))
    with pytest.raises(RuntimeError, match="encoding failed"):
        coded_columns(frame)
