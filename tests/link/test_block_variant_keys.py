"""An Equal rule's keys with a "|"-joined column (``block_rules._variant_keys``: every record's
values split once per run, shared by the rules) are the entries ``_keys`` made per rule: the
same keys, positions and sides, in the same order."""

import random

import numpy as np
import pandas as pd
import pytest

from pipeline.link import block_rules
from pipeline.link.block import RULES, candidate_pairs
from pipeline.text.arrow_text import STR

WORDS = ["ann", "anna", "bo", "", "é", "x\x1fy", "li", "ANN", " ann"]


def _frame(rng: random.Random, n: int, hostile: bool) -> pd.DataFrame:
    pool = WORDS if hostile else [w for w in WORDS if "\x1f" not in w]

    def variants() -> str | None:
        if rng.random() < 0.1:
            return None
        return "|".join(rng.choice(pool) for _ in range(rng.randint(1, 4)))

    def key() -> str | None:
        return None if rng.random() < 0.1 else rng.choice(pool[:6])

    return pd.DataFrame(
        {
            "last_key": pd.Series([key() for _ in range(n)], dtype=STR),
            "former_key": pd.Series([key() for _ in range(n)], dtype=STR),
            "first_name_variants": pd.Series([variants() for _ in range(n)], dtype=STR),
        }
    )


def _per_rule(frame, columns, also, texts, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(block_rules, "_variant_keys", lambda *args: None)
        return block_rules._keys(
            frame, columns, "first_name_variants", also, {}, dense=False, texts=texts
        )


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("also", [(), ("former_key",)])
def test_shared_split_gives_the_entries_made_per_rule(seed, also, monkeypatch):
    rng = random.Random(seed)
    hostile = seed >= 9  # a "\x1f" in a value: _keys combines the text itself
    frame = _frame(rng, (0, 1, 2, 7, 60, 300)[seed % 6], hostile)
    for texts in (None, {}):
        cache: dict = {}
        args = (frame, ("last_key",), "first_name_variants", also, cache)
        got = block_rules._keys(*args, dense=False, texts=texts)
        if not hostile and len(frame):  # the shared split was read
            assert ("pieces", "first_name_variants") in cache
        want = _per_rule(frame, ("last_key",), also, None if texts is None else {}, monkeypatch)
        for mine, theirs in zip(got, want, strict=True):
            assert mine.dtype == theirs.dtype
            np.testing.assert_array_equal(mine, theirs)


def test_pieces_are_each_records_parts_in_order():
    values = np.array([1, -1, 0, 1])  # per record: a distinct value's code, -1 none
    lengths = np.array([2, 3])  # value 0 has 2 parts, value 1 three
    variant = np.array([5, -1, 7, 7, 6])  # value 0: 5, ""; value 1: 7, 7, 6
    record, code = block_rules._pieces(values, lengths, variant, 4)
    assert record.tolist() == [0, 0, 0, 2, 3, 3, 3]
    assert code.tolist() == [7, 7, 6, 5, 7, 7, 6]


def test_candidates_with_the_shared_split_equal_those_without(monkeypatch):
    from tests.link.generated import blocking_frame

    frame = blocking_frame(120, 700, seed=5)
    got = candidate_pairs(frame, RULES, ("connections",), {})
    monkeypatch.setattr(block_rules, "_variant_keys", lambda *args: None)
    want = candidate_pairs(frame, RULES, ("connections",), {})
    pd.testing.assert_frame_equal(got.pairs, want.pairs)
    assert got.per_rule == want.per_rule and got.skipped_keys == want.skipped_keys
