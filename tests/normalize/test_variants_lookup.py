"""variants_compatible, tested as integer lookups, answers as ``_compatible`` does pair by pair."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.normalize.names import _compatible, variants_compatible

POOL = [
    "bob|rob|robert", "robert|bob|rob", "r", "b", "", "ann|anna|annie", "anna|ann", "a",
    "al|albert|alfred", "x", "|bob", "bob|", "ro", "r|robert", "alfred|al|fred", "f",
]  # fmt: skip


def test_lookups_answer_as_the_pairwise_rule() -> None:
    rng = np.random.default_rng(7)
    a = pd.Series(rng.choice(POOL, 4000), dtype="str")
    b = pd.Series(rng.choice(POOL, 4000), dtype="str")
    a[::13] = None  # missing reads as empty: never compatible
    expected = [_compatible(x, y) for x, y in zip(a.fillna(""), b.fillna(""), strict=True)]
    found = variants_compatible(a, b)
    assert found.dtype == bool and found.tolist() == expected
    assert 0 < sum(expected) < len(expected)  # both answers occur


def test_an_initial_matches_a_variant_it_begins_only_from_the_initials_side() -> None:
    a = pd.Series(["r", "ro", "", "r"])
    b = pd.Series(["bob|rob|robert", "robert|bob|rob", "r", ""])
    assert variants_compatible(a, b).tolist() == [True, False, False, False]
    assert variants_compatible(b, a).tolist() == [True, False, False, False]
    assert variants_compatible(a.iloc[:0], b.iloc[:0]).tolist() == []
