"""``soundexes`` (Arrow keeps the first word's letters, jellyfish once per distinct word) and
``blocking_columns``' last-name keys against ``soundex`` and ``last_families`` row by row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.link.block_keys import blocking_columns, last_families, soundex, soundexes

KEYS = [
    "rupert smith", "", " smith", "o'neil", "oneil", "éa", "zoë ng", "日本", "ab12c d",
    "a-b", "Upper", "smith", "smith", "lee", "x", "\u2003tab", "van der berg",
]  # fmt: skip


def test_soundexes_equal_soundex_per_key():
    keys = np.array(KEYS, dtype=object)
    assert soundexes(keys).tolist() == [soundex(k) for k in KEYS]


@pytest.mark.parametrize("keys", [[], [""], ["robert"], ["\ud800ab"]])
def test_soundexes_edge_cases(keys):
    # empty, one empty key, one key, a lone surrogate (no UTF-8: the per-key fallback)
    assert soundexes(np.array(keys, dtype=object)).tolist() == [soundex(k) for k in keys]


def test_blocking_columns_last_keys_per_row():
    last = pd.Series(KEYS, dtype="str")
    frame = pd.DataFrame(
        {
            "first_key": pd.Series(["ann"] * len(KEYS), dtype="str"),
            "last_key": last,
            "name_key": ("ann " + last).str.strip(),
        }
    )
    out = blocking_columns(frame)
    assert out["last_phonetic"].dtype == "str"
    assert out["last_phonetic"].tolist() == [soundex(k) for k in KEYS]
    assert out["last_family"].dtype == "str"
    assert out["last_family"].tolist() == last_families(last).tolist()
    assert out["last_family"].tolist()[KEYS.index("lee")] == "lee"
