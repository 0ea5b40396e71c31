"""The records' files and unique-source flags are worked out once per run (``block.once_per_run``,
kept in the run's cache): what the cache hands out equals what is made afresh, is made once
per key, and cannot be changed by a step that reads it."""

import numpy as np
import pandas as pd
import pytest

from pipeline.link import block
from pipeline.link.block import file_codes, once_per_run, unique_records
from pipeline.link.em import blinded


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": ["connections", "alumni", None, "alumni", "connections", "alumni"],
            "source_file": [
                "Connections.csv",
                "a.csv",
                "b.xlsx",
                None,
                "Connections.csv",
                "b.xlsx",
            ],
        },
        dtype="str",
    )


@pytest.mark.parametrize("unique", [("connections",), ("b",), ("connections", "A.CSV"), ()])
def test_kept_answers_equal_fresh_ones_per_key(unique):
    frame, cache = _frame(), {}
    for _ in range(2):
        kept = unique_records(frame, unique, cache)
        np.testing.assert_array_equal(kept, unique_records(frame, unique))
        codes = file_codes(frame, cache)
        np.testing.assert_array_equal(codes, file_codes(frame))
        assert codes.dtype == file_codes(frame).dtype
    other = ("alumni",)  # another list of unique sources is another answer, not the kept one
    np.testing.assert_array_equal(unique_records(frame, other, cache), unique_records(frame, other))


def test_made_once_and_read_only(monkeypatch):
    calls = []

    def make(n):
        calls.append(n)
        return np.zeros(n, dtype=bool)

    cache: dict = {}
    first = once_per_run(cache, ("k",), make, 3)
    assert once_per_run(cache, ("k",), make, 3) is first and calls == [3]
    with pytest.raises(ValueError):
        first[0] = True
    assert once_per_run(None, ("k",), make, 3) is not first and calls == [3, 3]
    # unique_records' answer in a run's cache cannot be changed by a step that reads it
    kept = unique_records(_frame(), ("connections",), cache)
    with pytest.raises(ValueError):
        kept |= True
    monkeypatch.setattr(block, "_file_codes", lambda frame: pytest.fail("made again"))
    cache[("file codes",)] = np.zeros(6, np.int8)
    assert file_codes(_frame(), cache) is cache[("file codes",)]


def test_blinded_reads_the_runs_codes_as_it_read_the_columns():
    """A hidden column's carriers counted from the run's codes: missing and "" carry none."""
    from pipeline.link.compare import comparisons_for

    frame = pd.DataFrame(
        {
            "source_file": ["c.csv", "c.csv", "a.csv", "a.csv", "a.csv", "a.csv"],
            "linkedin_slug": ["ann-lee", "bo-wu", None, "", "ann-lee", "bo-wu"],
            "name_key": ["ann lee", "bo wu", "ann lee", "bo wu", "anne lee", "bob wu"],
            "first_key": ["ann", "bo", "ann", "bo", "anne", "bob"],
            "last_key": ["lee", "wu", "lee", "wu", "lee", "wu"],
        },
        dtype="str",
    )
    comparisons = comparisons_for(list(frame.columns), {})
    from pipeline.link.compare import compare

    pairs = pd.DataFrame({"left": [0, 1, 0, 1], "right": [4, 5, 2, 3]})
    levels = compare(frame, pairs, comparisons)
    cache: dict = {}
    compare(frame, pairs, comparisons, cache)
    pd.testing.assert_frame_equal(
        blinded(frame, levels, comparisons, "linkedin_slug", cache),
        blinded(frame, levels, comparisons, "linkedin_slug"),
    )
