"""The name comparison's shortcuts give the levels the full work gives: the token-set bound
(``link.token_letters``) never rules out a pair rapidfuzz scores at 0.95 or more, and the name
levels equal those computed with every shortcut switched off, pair for pair, on hostile names."""

import importlib.util
import itertools
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rapidfuzz import process
from rapidfuzz.distance import OSA
from rapidfuzz.fuzz import token_set_ratio

from pipeline.link import person
from pipeline.link.block import RULES, blocking_columns, candidate_pairs
from pipeline.link.compare import COMPARISONS, compare
from pipeline.link.levels import similarity
from pipeline.link.token_letters import BUCKETS, may_reach, token_letters
from pipeline.normalize import normalize
from pipeline.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "linkage_generate_token_letters", ROOT / "fixtures" / "linkage" / "generate.py"
)
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

HOSTILE = [
    "", " ", "  ann  lee ", "ann lee", "lee ann", "ann ann lee", "lee lee", "ann", "lee",
    "maria santana", "maria santana acevedo", "santana acevedo maria", "santana maria acevedo",
    "maria guadalupe santana x", "maria guadalupe santana y", "maria guadalupe santana yy",
    "mariaguadalupe santanax q", "aaaaaaaaaaaaaaaaaaaaaaa b", "aaaaaaaaaaaaaaaaaaaaaaa cccccccc",
    "nguy?n thi", "nguyễn thi", "thi nguyễn", "jose garcia", "josé garcía", "garcía josé",
    "ann\tlee", "ann\u00a0lee", "lee\u3000ann", "ann\x1clee", "ann\u200blee", "ann\u2003lee",
    "ß straße", "strasse ß", "李 小龙", "小龙 李", "ann 😀 lee", "😀 ann lee", "a" * 40,
    "a" * 39 + "b", "abcdefghijklmnopqrstuvwxyzabcdef lee", "abcdefghijklmnopqrstuvwxyzabcdeg lee",
    "de la cruz ana", "ana de la cruz", "ana cruz", "anna lee", "ann leigh", "an lee", "ann le",
    "o'brien mary", "mary o'brien", "mary obrien", "k", "kim", "k kim", "kim k",
]  # fmt: skip


def _words_oracle(text: str) -> tuple[list[int], int, bool]:
    """Letters per class of the distinct words, their joined length, and whether plain, by
    Python: the definitions token_letters computes with Arrow."""
    plain = all(c == " " or (not c.isspace() and 0x21 <= ord(c) <= 0x167F) for c in text)
    plain &= not any(0x7F <= ord(c) <= 0xA0 for c in text)
    words = text.split(" ")
    words = [w for w in words if w]
    plain &= len(set(words)) == len(words)
    counts = [0] * BUCKETS
    for c in text:
        if c != " ":
            counts[ord(c) % BUCKETS] += 1
    return counts, len(" ".join(words)), plain


def test_counts_lengths_and_plainness_are_the_python_definitions():
    values = np.array(HOSTILE, dtype=object)
    letters = token_letters(values)
    for i, text in enumerate(HOSTILE):
        counts, length, plain = _words_oracle(text)
        assert bool(letters.plain[i]) == plain, text
        if plain:  # the counts and length are read only for plain texts
            assert letters.counts[i].tolist() == [min(c, 127) for c in counts], text
            assert letters.length[i] == length, text


@pytest.mark.parametrize("seed", range(4))
def test_may_reach_is_the_bound_counted_pair_by_pair(seed):
    """``may_reach`` against the bound written out per pair in Python: D of each side (its
    letters per class the other's cannot cover), times LIMIT, against its length; counts at
    the 127 cap, empty texts and a text against itself included."""
    from pipeline.link.token_letters import LIMIT, TokenLetters

    rng = np.random.default_rng(seed)
    n = 40
    counts = rng.integers(0, 4, (n, BUCKETS)).astype(np.int8)
    counts[rng.random((n, BUCKETS)) < 0.05] = 127  # capped classes
    counts[:3] = 0  # texts without letters
    length = rng.integers(0, 80, n)
    letters = TokenLetters(counts, length, rng.random(n) < 0.9)
    x, y = rng.integers(0, n, 3000), rng.integers(0, n, 3000)
    x[:n], y[:n] = np.arange(n), np.arange(n)  # each text against itself

    def oracle(a: int, b: int) -> bool:
        ca, cb = counts[a].tolist(), counts[b].tolist()
        only_a = sum(max(p - q, 0) for p, q in zip(ca, cb, strict=True))
        only_b = sum(max(q - p, 0) for p, q in zip(ca, cb, strict=True))
        plain = letters.plain[a] and letters.plain[b]
        return bool(only_a * LIMIT <= length[a] or only_b * LIMIT <= length[b] or not plain)

    expected = [oracle(a, b) for a, b in zip(x.tolist(), y.tolist(), strict=True)]
    assert may_reach(letters, x, y).tolist() == expected
    assert 0 < sum(expected) < len(expected)
    assert may_reach(letters, x[:0], y[:0]).tolist() == []


def test_no_pair_scored_at_095_or_more_is_ruled_out():
    values = np.array(HOSTILE, dtype=object)
    letters = token_letters(values)
    x, y = (np.array(v) for v in zip(*itertools.product(range(len(values)), repeat=2), strict=True))
    scores = process.cpdist(list(values[x]), list(values[y]), scorer=token_set_ratio)
    kept = may_reach(letters, x, y)
    high = scores >= 95
    assert high.sum() >= 60  # reorders, subsets, near copies: the bound is tested, not idle
    assert kept[high].all(), [
        (values[i], values[j]) for i, j in zip(x[high & ~kept], y[high & ~kept], strict=True)
    ]


def test_most_unlike_names_are_ruled_out():
    rng = np.random.default_rng(7)
    letters_ = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    names = np.array(
        [
            " ".join("".join(rng.choice(letters_, rng.integers(3, 9))) for _ in range(2))
            for _ in range(300)
        ],
        dtype=object,
    )
    letters = token_letters(names)
    x, y = (np.array(v) for v in zip(*itertools.combinations(range(len(names)), 2), strict=True))
    kept = may_reach(letters, x, y)
    scores = process.cpdist(list(names[x]), list(names[y]), scorer=token_set_ratio)
    assert kept[scores >= 95].all()
    assert kept.mean() < 0.05  # random names: almost every pair is ruled out unscored


def test_a_lone_surrogate_rules_nothing_out():
    values = np.array(["ann lee", "ann\ud800 lee", "bo wu"], dtype=object)
    letters = token_letters(values)
    assert not letters.plain.any()
    assert may_reach(letters, np.array([0, 0, 2]), np.array([1, 2, 1])).all()
    empty = token_letters(np.zeros(0, dtype=object))
    assert may_reach(empty, np.zeros(0, int), np.zeros(0, int)).tolist() == []


def test_scoring_distinct_pairs_as_they_come_equals_finding_them_again():
    x = pd.Series(["ann", None, "ann", "", "ánn", "lee ann", "ann"], dtype="str")
    y = pd.Series(["anne", "ann", "anne", None, "ann", "ann lee", "bo"], dtype="str")
    for scorer in (token_set_ratio, OSA.distance):
        assert similarity(x, y, scorer, distinct=True).tolist() == similarity(x, y, scorer).tolist()
    none = pd.Series([], dtype="str")
    assert similarity(none, none, token_set_ratio, distinct=True).tolist() == []


@pytest.fixture(scope="module")
def hostile_frame() -> pd.DataFrame:
    people = generate.people(generate.make(60, 300, seed=11))
    frame = blocking_columns(normalize(people, Settings(), date(2026, 11, 28)))
    # hostile names over some records' keys: reorders, compounds, initials, repeats, unicode
    n = len(HOSTILE)
    frame.loc[: n - 1, "name_key"] = HOSTILE
    frame.loc[: n - 1, "last_key"] = [t.split(" ")[-1] if t.strip() else "" for t in HOSTILE]
    frame.loc[: n - 1, "first_key"] = [t.split(" ")[0] for t in HOSTILE]
    # one first name, compound last names against their parts and initials
    lasts = ["santana acevedo", "s", "santana", "acevedo", "de la cruz", "cruz", "", "k", "kim"]
    lasts = (lasts * (n // len(lasts) + 1))[:n]
    block = slice(n, 2 * n - 1)
    frame.loc[block, "last_key"] = lasts
    frame.loc[block, "first_key"] = "maria"
    frame.loc[block, "first_name_variants"] = "maria|mary"
    frame.loc[block, "name_key"] = [f"maria {last}".strip() for last in lasts]
    return frame


def _all_pairs(frame: pd.DataFrame, size: int) -> pd.DataFrame:
    left, right = np.triu_indices(size, 1)
    candidates = candidate_pairs(frame, RULES, ("connections",)).pairs
    pairs = pd.DataFrame({"left": left, "right": right}).astype("int64")
    return pd.concat([pairs, candidates[["left", "right"]]], ignore_index=True)


def test_name_levels_equal_those_without_the_shortcuts(hostile_frame, monkeypatch):
    pairs = _all_pairs(hostile_frame, 3 * len(HOSTILE))
    name = [c for c in COMPARISONS if c.name == "name"]
    fast = compare(hostile_frame, pairs, name)["name"].to_numpy()
    # every pair scored, every last name tested as _part_of and _initial_of test it
    monkeypatch.setattr(person, "_may_reorder", lambda rows, mask: mask)
    monkeypatch.setattr(person, "_has_space", lambda v: pd.Series(True, index=v.index))
    monkeypatch.setattr(person, "_one_letter", lambda v: pd.Series(True, index=v.index))
    full = compare(hostile_frame, pairs, name)["name"].to_numpy()
    assert np.array_equal(fast, full)
    labels = dict(enumerate(person.NAME_LEVELS))
    reached = {labels.get(level, "NULL") for level in np.unique(full)}
    assert {"same words, other order", "part of a compound last name"} <= reached
    assert {"last name an initial", "exact", "different"} <= reached


def test_typo_on_scores_only_pairs_a_slip_apart_and_agrees_with_scoring_all():
    """``person._typo_on`` leaves out pairs whose lengths rule a slip out: its answer is
    ``_one_typo`` on every pair, empties, one-letter names, lengths 8+ (two slips) and
    non-ASCII included."""
    from pipeline.link.levels import Rows

    names = [
        *HOSTILE, "jamie", "jajie", "jaime", "jam", "hoffmann", "hofmfann", "hoffman", "hofman",
        "abcdefgh", "badcefgh", "abcdefghi", None, "ß", "ss", "zoë", "zoe",
    ]  # fmt: skip
    values = pd.Series(names, dtype="str")
    n = len(values)
    left, right = (a.ravel() for a in np.meshgrid(np.arange(n), np.arange(n)))
    frame = pd.DataFrame({"first_key": values})
    rows = Rows(frame, left, right, {})
    rng = np.random.default_rng(0)
    for mask in (np.ones(len(left), bool), rng.random(len(left)) < 0.5, np.zeros(len(left), bool)):
        expected = person._on(rows, mask, "first_key", person._one_typo) > 0
        got = person._typo_on(rows, mask, "first_key")
        assert np.array_equal(got, expected)
    assert person._typo_on(rows, np.ones(len(left), bool), "first_key").sum() > 10
