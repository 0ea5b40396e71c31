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
from pipeline.link.token_letters import BUCKETS, character_classes, may_reach, token_letters
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


@pytest.mark.parametrize("arrow", [False, True])  # the texts also given as Arrow text
def test_counts_lengths_and_plainness_are_the_python_definitions(arrow):
    values = np.array(HOSTILE, dtype=object)
    letters = token_letters(values, pd.Series(values, dtype="str") if arrow else None)
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
    # near copies (a few letters more or fewer), each text's length at its D against its copy
    # times LIMIT, one less, or nine more: the pairs sit at the bound's edge
    changed = rng.integers(-1, 2, (20, BUCKETS)) * (rng.random((20, BUCKETS)) < 0.1)
    counts[20:] = np.clip(counts[:20] + changed, 0, 127)
    x, y = rng.integers(0, n, 3000), rng.integers(0, n, 3000)
    x[:n], y[:n] = np.arange(n), np.arange(n)  # each text against itself
    x[n : 2 * n], y[n : 2 * n] = np.arange(n), (np.arange(n) + 20) % n  # against a near copy
    plain = rng.random(n) < 0.9

    def only(a: int, b: int) -> int:
        pairs = zip(counts[a].tolist(), counts[b].tolist(), strict=True)
        return sum(max(p - q, 0) for p, q in pairs)

    edge = np.array([only(i, (i + 20) % n) * LIMIT for i in range(n)])
    for length in (rng.integers(0, 80, n), edge, np.maximum(edge - 1, 0), edge + LIMIT - 1):
        letters = TokenLetters(counts, length, plain)

        def oracle(a: int, b: int, length: np.ndarray) -> bool:
            fits = only(a, b) * LIMIT <= length[a] or only(b, a) * LIMIT <= length[b]
            return bool(fits or not (plain[a] and plain[b]))

        expected = [oracle(a, b, length) for a, b in zip(x.tolist(), y.tolist(), strict=True)]
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
    """``person._typo_on`` leaves out pairs whose lengths or letter classes rule a slip out: its
    answer is ``_one_typo`` on every pair, empties, one-letter names, lengths 8+ (two slips, in
    four letter classes), letters of one class (code point modulo 32: "a", "A", "!") and
    non-ASCII included."""
    from pipeline.link.levels import Rows

    names = [
        *HOSTILE, "jamie", "jajie", "jaime", "jam", "hoffmann", "hofmfann", "hoffman", "hofman",
        "abcdefgh", "badcefgh", "abcdefghi", None, "ß", "ss", "zoë", "zoe", "abxyefgh",
        "abxyefghi", "bacdefgxy", "ab", "Ab", "!b", "a!", "jamie!", "jAmie", "zz zz", "zzzzz",
        "hoffmannn", "hofman n", "ðøß", "ðøs", "ßøð",
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


@pytest.mark.parametrize("seed", range(4))
def test_character_classes_are_each_texts_length_and_classes(seed):
    """``character_classes`` against Python, text by text: random texts of ASCII, Latin-1,
    CJK, emoji and lone surrogates (one code point each to Python and rapidfuzz), empties."""
    rng = np.random.default_rng(seed)
    alphabet = ["a", "A", "!", " ", "z", "ß", "ð", "李", "😀", "\ud800", "\x1f", "\u3000"]
    sizes = rng.integers(0, 12, int(rng.integers(0, 60)))
    texts = ["".join(rng.choice(alphabet, int(size))) for size in sizes]
    length, classes = character_classes(np.array(texts, dtype=object))
    assert length.tolist() == [len(t) for t in texts]
    want = [sum({1 << (ord(c) % BUCKETS) for c in t}) for t in texts]
    assert classes.tolist() == want


@pytest.mark.parametrize("step", [1, 3, 8192])
@pytest.mark.parametrize("seed", range(3))
def test_counts_in_steps_and_repeated_words_are_the_python_definitions(seed, step, monkeypatch):
    """``token_letters`` on random texts of one to four words from a few (a word repeated side
    by side or apart, spaces doubled, empty texts), counted a few texts at a time, against
    ``_words_oracle``."""
    from pipeline.link import token_letters as module

    monkeypatch.setattr(module, "STEP", step)
    rng = np.random.default_rng(seed)
    words = ["ann", "lee", "zoë", "bo", "a" * 130, "ß"]
    texts = [
        rng.choice(["", " ", "  "]).join(rng.choice(words, int(rng.integers(1, 5))))
        if rng.random() < 0.9
        else ""
        for _ in range(50)
    ]
    letters = token_letters(np.array(texts, dtype=object))
    for i, text in enumerate(texts):
        counts, length, plain = _words_oracle(text)
        assert bool(letters.plain[i]) == plain, text
        assert letters.counts[i].tolist() == [min(c, 127) for c in counts], text
        if plain:
            assert letters.length[i] == length, text
