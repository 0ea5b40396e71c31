"""``write_matches_csv`` settles text column-wise; the file must be the one the old way wrote
(safe_csv_text per distinct value, then pandas' CSV), whose code is kept here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.export.cells import safe_csv_text
from pipeline.export.matches import write_matches_csv


def _old_csv(pairs: pd.DataFrame, path: Path) -> None:
    frame = pairs.copy()
    for col in frame.columns:
        if frame[col].dtype == "str" or frame[col].dtype == object:
            codes, uniques = pd.factorize(frame[col], use_na_sentinel=False)
            safe = np.asarray([safe_csv_text(v) for v in uniques], dtype=object)
            frame[col] = safe[codes] if len(codes) else frame[col]
    frame.columns = [safe_csv_text(c) for c in frame.columns]
    frame.to_csv(path, index=False, encoding="utf-8")


HOSTILE = st.one_of(
    st.none(),
    st.text(max_size=8),
    st.sampled_from(["=1+1", " @SUM(A1)", "-5", "\t=x", 'a "b", c', "l\nf", "Zoë", "", "＝1"]),
)


@given(st.lists(st.tuples(HOSTILE, HOSTILE, st.floats(0, 1)), max_size=30))
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_matches_csv_is_the_per_value_csv(tmp_path: Path, rows: list[tuple]) -> None:
    pairs = pd.DataFrame(
        {
            "left_name": pd.array([a for a, _, _ in rows], dtype="str"),
            "job": pd.Series([b for _, b, _ in rows], dtype=object),
            "left_row": np.arange(len(rows), dtype=np.int64),
            "probability": [p for _, _, p in rows],
            "=weight": pd.Series([b for _, b, _ in rows], dtype="str"),
        }
    )
    mixed = pairs.assign(job=pd.Series([1.5, True, "=x", None][: len(rows)] + [None] * max(
        0, len(rows) - 4), dtype=object))  # fmt: skip
    for frame in (pairs, mixed):
        _old_csv(frame, tmp_path / "old.csv")
        write_matches_csv(frame, tmp_path / "new.csv")
        assert (tmp_path / "new.csv").read_bytes() == (tmp_path / "old.csv").read_bytes()
