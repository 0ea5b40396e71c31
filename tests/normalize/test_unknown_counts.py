"""The run summary's counts of what normalize could not classify, from flags (not from
_school_status's texts): the same counts as the straightforward version kept here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.normalize import UNKNOWN, _school_status, _unknown_counts
from pipeline.text.arrow_text import STR

TEXTS = ["", " ", "\t", "\u3000", "MIT", " UW ", "Zoë", None, "placeholder", UNKNOWN, "Senior"]


def _old_counts(frame: pd.DataFrame) -> dict[str, int]:
    """_unknown_counts as it was: the school counts read from _school_status's texts."""
    titled = frame["title"].fillna("").astype(STR).str.strip() != ""
    schools = _school_status(frame)
    return {
        "titles": int(titled.sum()),
        "no_level": int((titled & (frame["seniority"] == UNKNOWN)).sum()),
        "no_family": int((titled & (frame["role_family"] == UNKNOWN)).sum()),
        "placeholders": int((frame["company_key_source"] == "placeholder").sum()),
        "schools": int((schools != "empty").sum()),
        "no_school": int((schools == "unknown (no key)").sum()),
    }


def _frame(seed: int, n: int = 2000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    pick = np.array(TEXTS, dtype=object)

    def column(dtype: str | None) -> object:
        values = rng.choice(pick, n)
        return pd.array(values, dtype=dtype) if dtype else values

    return pd.DataFrame(
        {
            "title": column(STR),
            "seniority": column(STR),
            "role_family": column(None),
            "company_key_source": column(STR),
            "school": column(None if seed % 2 else STR),  # object cells with None, or text
            "school_key": column(STR),
        }
    )


@pytest.mark.parametrize("seed", range(6))
def test_counts_equal_the_texts_version(seed: int) -> None:
    frame = _frame(seed)
    assert _unknown_counts(frame) == _old_counts(frame)


def test_empty_frame() -> None:
    frame = _frame(0, n=0)
    assert _unknown_counts(frame) == _old_counts(frame) == dict.fromkeys(_old_counts(frame), 0)
