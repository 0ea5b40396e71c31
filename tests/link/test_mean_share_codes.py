"""frequency._mean_share counted by codes equals the value_counts mapping it replaced, bit for
bit, on hostile values (missing, "", unicode, near-equal texts, ties, one value)."""

import numpy as np
import pandas as pd
import pytest

from pipeline.link.frequency import MEAN_SHARE, _mean_share, frequencies


def _mapped(frame: pd.DataFrame, column: str) -> float:
    """The former computation: each value's count by mapping the text to value_counts."""
    values = frame[column].fillna("").astype("str")
    values = values[values != ""]
    if values.empty:
        return 1.0
    counts = values.map(values.value_counts()).to_numpy(dtype=float)
    return float(((counts - 2).clip(0.5) / len(frame)).mean())


HOSTILE = [None, "", "ann", "Ann", "ann ", "ánn", "a\u00a0nn", "?", "李", "ann", None, "", "ann"]


@pytest.mark.parametrize(
    "values",
    [
        HOSTILE,
        [None, "", None],
        ["only"],
        ["x"] * 7 + ["y"] * 7,
        [f"v{i % 37}" for i in range(5000)] + [None] * 40,
    ],
)
def test_counts_by_code_equal_the_mapping(values):
    frame = pd.DataFrame({"k": pd.Series(values, dtype="str")})
    assert _mean_share(frame, "k") == _mapped(frame, "k")


def test_a_random_column_of_many_values():
    rng = np.random.default_rng(5)
    words = np.array(["wei", "zhang", "ana", "ödegård", "", "x y"], dtype=object)
    values = ["".join(rng.choice(words, 2)) for _ in range(20000)]
    frame = pd.DataFrame({"k": pd.Series(values, dtype="str")})
    assert _mean_share(frame, "k") == _mapped(frame, "k")


@pytest.mark.parametrize("values", [HOSTILE, [None, "", None], ["only"], []])
def test_the_codes_frequencies_made_give_the_same_share(values):
    """With the value codes ``frequencies`` keeps in ``tables``, the share is the one counted
    from the text, bit for bit, and it is kept for the next call."""
    frame = pd.DataFrame({"k": pd.Series(values, dtype="str"), "source_file": "a.csv"})
    tables: dict = {}
    frequencies(frame, "k", np.zeros(0, "int64"), np.zeros(0, "int64"), tables)
    assert "k" in tables
    assert _mean_share(frame, "k", tables) == _mapped(frame, "k")
    tables[MEAN_SHARE, "k"] = -1.0  # kept: not counted again
    assert _mean_share(frame, "k", tables) == -1.0
