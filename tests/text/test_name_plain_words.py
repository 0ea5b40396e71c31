"""text.names.plain_words: one word of ASCII letters, the names every cleaner leaves alone."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.text.arrow_text import object_array
from pipeline.text.names import _fold_word, fold_name, last_key, plain_words

EDGES = ["", "Ann", "ann", "ANN", "A", "Ann Lee", " Ann", "Ann ", "O'Brien", "Lee-Ann", "Zoë"]
EDGES += ["Ann1", "İ", "ı", "Ｊａｎｅ", "ǅ", "ß", "K", "Ann\n", "\t", "Ann", "Ann"]


def _oracle(value: str) -> bool:
    return re.fullmatch(r"[A-Za-z]+", value) is not None


def test_edges_and_empty():
    assert plain_words(object_array([])).tolist() == []
    assert plain_words(object_array(EDGES)).tolist() == [_oracle(v) for v in EDGES]
    assert plain_words(object_array(["Ann"])).tolist() == [True]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(EDGES), st.text(max_size=6)), max_size=20))
def test_any_text(values):
    flags = plain_words(object_array(values))
    assert flags.tolist() == [_oracle(v) for v in values]
    for value in (v for v, plain in zip(values, flags, strict=True) if plain):
        # what the callers rely on: the key of a plain word is its lower case
        assert fold_name(value) == last_key(value) == value.lower()


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(st.sampled_from([*EDGES, "l.b.", "k.c.", "abby", "Mary Ann"]), st.text(max_size=6))
)
def test_fold_word_is_fold_name(value):
    # nicknamer folds the nicknames package's table with it: a plain word skips fold_name's work
    assert _fold_word(value) == fold_name(value)


def test_nicknamer_table_is_folded_by_fold_name():
    import csv

    from nicknames import NickNamer

    from pipeline.text.names import _DATA, nicknamer

    lookup: dict[str, set[str]] = {}
    for canonical, nicks in NickNamer.default_lookup().items():
        lookup.setdefault(fold_name(canonical), set()).update(fold_name(n) for n in nicks)
    with (_DATA / "extra_nicknames.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            lookup.setdefault(fold_name(row["canonical"]), set()).add(fold_name(row["nickname"]))
    expected = NickNamer(nickname_lookup=lookup)
    assert nicknamer().nickname_lookup == expected.nickname_lookup
    assert nicknamer().canonical_lookup == expected.canonical_lookup
