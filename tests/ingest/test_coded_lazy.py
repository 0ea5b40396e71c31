"""Coded from Arrow text keeps its values as Arrow text until Python text is asked for; blank()
and clean_coded read that text. Oracles: the Python definitions, and clean_coded as it was."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from pipeline.ingest import clean
from pipeline.ingest.coded import WHITESPACE, Coded, _plain, clean_coded

# fmt: off
HOSTILE = [
    "", " ", "  ", "\t", "\x1c", "\x85", "\xa0", "\u3000 ", " \u2028", "a", " a", "a ", "a  b",
    "Zoë", "ZOË", "李", "a\u200bb", "\u200b", "NA", "x,y", "😀", "ｆｕｌｌ", "Brand™", "\x0b\x0c",
    "a\u00a0b", "\u2000\u200a", "e\u0301", "\ufeff", "é ",
]
# fmt: on


def _column(seed: int, n: int = 2000) -> pd.Series:
    rng = np.random.default_rng(seed)
    pool = HOSTILE + [f"v{k}" for k in range(int(rng.integers(1, 300)))]
    return pd.Series(pd.array(rng.choice(np.array(pool, dtype=object), n), dtype="str"))


def _old_clean_coded(col: Coded) -> Coded:
    """clean_coded as it was: every value made Python text, the Arrow text patched."""
    values = col.values
    plain = _plain(values, col.text)
    if plain.all():
        return col
    out = values.copy()
    other = np.flatnonzero(~plain)
    out[other] = clean.text(pd.Series(values[other], dtype=object)).to_numpy(dtype=object)
    text = None
    if col.text is not None:
        patch = pa.array(out[other], pa.large_string())
        text = pc.replace_with_mask(col.text, pa.array(~plain), patch)
    return Coded(col.codes, out, text)


def test_whitespace_is_every_character_python_calls_space() -> None:
    every = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
    assert every == WHITESPACE


def test_values_wait_until_asked_and_are_what_arrow_holds() -> None:
    coded = Coded.of(_column(0))
    assert coded.given is None and coded.size == len(coded.text)
    assert coded.values.tolist() == coded.text.to_pylist()
    assert all(type(v) is str for v in coded.values)


@pytest.mark.parametrize("seed", range(4))
def test_blank_is_empty_or_isspace(seed: int) -> None:
    coded = Coded.of(_column(seed))
    expected = [v == "" or v.isspace() for v in coded.text.to_pylist()]
    assert coded.blank().tolist() == expected  # Arrow's trim of WHITESPACE
    python = Coded(coded.codes, coded.values)  # the same values without their Arrow text
    assert python.blank().tolist() == expected


@pytest.mark.parametrize("seed", range(4))
def test_clean_coded_from_arrow_text_is_what_it_was(seed: int) -> None:
    column = _column(seed)
    new, old = clean_coded(Coded.of(column)), _old_clean_coded(Coded.of(column))
    np.testing.assert_array_equal(new.codes, old.codes)
    assert new.values.tolist() == old.values.tolist()
    assert new.text.equals(old.text)
    assert new.series().tolist() == old.series().tolist()
    without_text = clean_coded(Coded(old.codes, Coded.of(column).values))  # the object path
    assert without_text.values.tolist() == old.values.tolist()
