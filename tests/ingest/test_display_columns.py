"""display_names.full_names and text_column: Arrow-made columns equal to the row-by-row rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest.credentials import join_credentials, split_credentials
from pipeline.ingest.display_names import (
    clean_display,
    clean_names_frame,
    display_case,
    display_values,
    full_names,
    text_column,
)
from pipeline.text.arrow_text import object_array

NAMES = ["Ann", "", " Bo", "Lee ", "王", "Mary Jo", "\u3000Yu", "é"]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(NAMES) - 1), st.integers(0, len(NAMES) - 1), st.booleans()),
        max_size=30,
    )
)
def test_full_names_as_each_row_gives_it(rows):
    values = object_array(NAMES)
    f = np.array([r[0] for r in rows], dtype=np.intp)
    g = np.array([r[1] for r in rows], dtype=np.intp)
    glued = np.array([r[2] for r in rows], dtype=bool)
    out = full_names((values, f), (values, g), glued)
    expected = [NAMES[b] + NAMES[a] if c else f"{NAMES[a]} {NAMES[b]}".strip() for a, b, c in rows]
    assert list(out) == expected
    assert str(out.dtype) == "str"
    assert list(full_names((values, f), (values, g))) == [
        f"{NAMES[a]} {NAMES[b]}".strip() for a, b, _ in rows
    ]


def test_text_column_takes_then_patches():
    out = text_column(object_array(["a", "b"]), np.array([1, 1, 0]), np.array([0]), ["z"])
    assert list(out) == ["z", "b", "a"]
    assert pd.Series(out).equals(pd.Series(["z", "b", "a"], dtype="str"))


FIRSTS = ["JANE", "jane", "Jane, PhD", "TJ", "", "MARY-KATE", "Ann (she/her)", "DR, MBA"]
LASTS = ["DOE", "doe", "Doe, MBA", "", "van der BERG", "O'BRIEN, CPA", "Lee"]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(FIRSTS), st.sampled_from(LASTS)), max_size=25))
def test_clean_names_frame_full_name_and_credentials_per_row(pairs):
    first = pd.Series([a for a, _ in pairs], dtype="str", index=np.arange(len(pairs)) * 3)
    last = pd.Series([b for _, b in pairs], dtype="str", index=first.index)
    out = clean_names_frame(first, last)
    assert out.index.equals(first.index)
    assert all(str(out[c].dtype) == "str" for c in out.columns)
    for (a, b), row in zip(pairs, out.itertuples(index=False), strict=True):
        assert row.full_name == f"{row.first_name} {row.last_name}".strip()
        fc, lc = (split_credentials(clean_display(v))[1] for v in (a, b))
        both = f"{fc}, {lc}" if fc and lc else fc or lc
        assert row.credentials == join_credentials(both)


# One plain word ("JANE", "Mba") skips the cleaner; the rest goes through it, as every row did.
CASED = ["JANE", "jane", "Jane", "TJ", "MA", "Mba", "LEE", "X", "MCDONALD", "VAN DER BERG"]
CASED += ["Zoë", "ZOË", "O'BRIEN", "Doe, MBA", "", "Ann (she/her)", "mary-kate", "Ｊａｎｅ"]


def _one_row(a: str, b: str) -> tuple[str, str, str]:
    """(first, last, credentials) of one row by the rule clean_names_frame states."""
    (fn, fc), (ln, lc) = (split_credentials(clean_display(v)) for v in (a, b))
    whole = f"{fn} {ln}"
    uniform = whole.isupper() or whole.islower()

    def own(v: str) -> bool:
        return v.islower() or (v.isupper() and sum(map(str.isalpha, v)) > 3)

    first = display_case(fn, particles=False) if uniform or own(fn) else fn
    last = display_case(ln) if uniform or own(ln) else ln
    return first, last, join_credentials(f"{fc}, {lc}" if fc and lc else fc or lc)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(CASED), st.sampled_from(CASED)), max_size=25))
def test_clean_names_frame_names_per_row(pairs):
    first = pd.Series([a for a, _ in pairs], dtype="str")
    last = pd.Series([b for _, b in pairs], dtype="str")
    out = clean_names_frame(first, last)
    got = list(zip(out["first_name"], out["last_name"], out["credentials"], strict=True))
    assert got == [_one_row(a, b) for a, b in pairs]
    kept = clean_names_frame(first, last, fix_case=False)
    assert list(kept["last_name"]) == [split_credentials(clean_display(b))[0] for _, b in pairs]


@pytest.mark.parametrize("particles", [True, False])
def test_display_values_per_value(particles):
    values = [*CASED, "VAN ANH", "DOE 🇨🇦", "smith", "Smith", "SMITH", "Lee"]
    out = display_values(object_array(values), particles=particles)
    assert out.tolist() == [display_case(clean_display(v), particles=particles) for v in values]
    assert display_values(object_array([])).tolist() == []
