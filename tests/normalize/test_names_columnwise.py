"""names_frame takes its keys by codes and joins name_key once per distinct pair, and
alternate_name_keys cleans each distinct former name once (issue 18): the same output as the
per-pair Python code they replaced, on hostile names."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest.display_names import clean_display
from pipeline.normalize.names import (
    _FORMER_PREFIX,
    alternate_name_keys,
    first_name_variants,
    names_frame,
)
from pipeline.text.arrow_text import taken_series, text_series
from pipeline.text.names import fold_name, last_key


def _old_names_frame(first: pd.Series, last: pd.Series) -> pd.DataFrame:
    """names_frame as it was: a Python list per column over the distinct pairs."""
    f_codes, f_uniq = pd.factorize(first.fillna("").astype(str))
    l_codes, l_uniq = pd.factorize(last.fillna("").astype(str))
    width = max(len(l_uniq), 1)
    pairs, inverse = np.unique(f_codes.astype(np.int64) * width + l_codes, return_inverse=True)
    pairs = np.column_stack(np.divmod(pairs, width))
    f_keys = [fold_name(v) for v in f_uniq]
    l_keys = [last_key(v) for v in l_uniq]
    f_vars = ["|".join(first_name_variants(v)) for v in f_uniq]
    columns = {
        "name_key": [f"{f_keys[f]} {l_keys[g]}".strip() for f, g in pairs],
        "first_key": [f_keys[f] for f, _ in pairs],
        "last_key": [l_keys[g] for _, g in pairs],
        "first_name_variants": [f_vars[f] for f, _ in pairs],
    }
    return pd.DataFrame(
        {
            name: taken_series(np.asarray(values, dtype=object), inverse, first.index)
            for name, values in columns.items()
        },
        index=first.index,
    ).astype("str")


NAMES = [
    "",
    " ",
    ".",
    "-",
    "Bob",
    "bob",
    "J. Robert",
    "Mary Ann",
    "Natalie (Seonyeong)",
    "Zoë",
    "García-López",
    "van der Berg",
    "Doe Jr.",
    "O'Brien",
    "王小明",
    "ヒロシ",
    "Ｊａｎｅ",
    "\u00a0Ana\u00a0",
    " Lee ",
    "III",
    "x" * 300,
    "SMITH",  # one plain word: its key is its lower case, no cleaner runs
    "x",
]


@pytest.mark.parametrize("index", [None, [10, 3, 7, 3, 0, 1, 2, 8, 9, 4, 5, 6, 11]])
def test_the_frame_the_per_pair_lists_gave(index):
    first = pd.Series(["Bob", "", None, " x", "Zoë", "Bob", "J.", "  ", "王", "Bob", "a", "", "b"])
    last = pd.Series(
        ["Doe Jr.", "Smith", "", "y ", "", "Doe Jr.", "Lee", "", "小明", "", " ", "", "Jr."]
    )
    if index is not None:
        first.index = last.index = index
    new, old = names_frame(first, last), _old_names_frame(first, last)
    pd.testing.assert_frame_equal(new, old, check_exact=True)


def test_empty_and_all_missing():
    empty = pd.Series([], dtype="str")
    pd.testing.assert_frame_equal(names_frame(empty, empty), _old_names_frame(empty, empty))
    missing = pd.Series([None, None], dtype=object)
    pd.testing.assert_frame_equal(
        names_frame(missing, missing), _old_names_frame(missing, missing), check_exact=True
    )


@settings(max_examples=120, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.sampled_from(NAMES), st.text(max_size=10)),
            st.one_of(st.none(), st.sampled_from(NAMES), st.text(max_size=10)),
        ),
        max_size=40,
    )
)
def test_any_names(pairs):
    first = pd.Series([f for f, _ in pairs], dtype=object)
    last = pd.Series([s for _, s in pairs], dtype=object)
    new, old = names_frame(first, last), _old_names_frame(first, last)
    pd.testing.assert_frame_equal(new, old, check_exact=True)


def _old_alternates(first_key: str, variants: str, former: str) -> str:
    """_alternates as it was: every former name cleaned again for every person."""
    keys: list[str] = []
    for part in re.split(r"\s*[;,/|]\s*", former):
        words = fold_name(_FORMER_PREFIX.sub("", clean_display(part))).split()
        if not words:
            continue
        if len(words) > 1 and words[0] in variants.split("|"):
            words = words[1:]
        last = last_key(" ".join(words))
        key = f"{first_key} {last}".strip()
        if last and key not in keys:
            keys.append(key)
    return "|".join(keys)


def _old_alternate_name_keys(names: pd.DataFrame, former: pd.Series) -> pd.Series:
    former = pd.Series(former.to_numpy(), index=names.index).fillna("").astype("str")
    out = text_series("", names.index)
    has = (former.str.strip() != "").to_numpy()
    if not has.any():
        return out
    sub = names.loc[has, ["first_key", "first_name_variants"]]
    out.loc[has] = [
        _old_alternates(f, v, x)
        for f, v, x in zip(sub["first_key"], sub["first_name_variants"], former[has], strict=True)
    ]
    return out


FORMERS = [
    "",
    " ",
    None,
    "Smith",
    "née Smith",
    "Née: Smith",
    "formerly: Lee, Jr.",
    "maiden name Kim",
    "Jane Smith",
    "Jane Smith; Doe",
    "Bob Stone",  # "bob" is a variant of Robert: the whole former name
    "van der Berg",
    "Smith/Jones|Brown",
    ";;,",
    "Doe Jr.",
    "王",
    "Ｓｍｉｔｈ",
    "(she/her)",
    "KIM",  # one plain word: "first kim", no cleaner runs
    "nee",
    "\u3000",  # a space only to some definitions of one
    "\x1c",
    "\u200b",
]


@pytest.mark.parametrize("index", [None, list(range(100, 100 + len(FORMERS)))])
def test_alternate_keys_as_before(index):
    firsts = ["Jane", "Robert", "", "Jane", "J.", "Mary Ann"] * 4
    first = pd.Series(firsts[: len(FORMERS)])
    last = pd.Series(["Doe"] * len(FORMERS))
    former = pd.Series(FORMERS, dtype=object)
    if index is not None:
        first.index = last.index = former.index = index
    names = names_frame(first, last)
    new, old = alternate_name_keys(names, former), _old_alternate_name_keys(names, former)
    pd.testing.assert_series_equal(new, old, check_exact=True)
    assert new.iloc[4] == "j smith"  # "née Smith" for "J."
    assert new.iloc[9] == "jane smith|jane doe"  # "Jane Smith; Doe" for Jane


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Jane", "Robert", "Bob", "", "J. Robert"]),
            st.one_of(st.none(), st.sampled_from(FORMERS), st.text(max_size=12)),
        ),
        max_size=30,
    ),
    st.sampled_from([object, "str"]),  # as given, and as ingest's Arrow text
)
def test_any_former_names(rows, dtype):
    first = pd.Series([f for f, _ in rows], dtype=object)
    former = pd.Series([x for _, x in rows], dtype=dtype)
    names = names_frame(first, pd.Series(["Doe"] * len(rows), dtype=object))
    new, old = alternate_name_keys(names, former), _old_alternate_name_keys(names, former)
    pd.testing.assert_series_equal(new, old, check_exact=True)
