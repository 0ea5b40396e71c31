"""Comparisons on codes made once per run (``levels.Rows``) and once per distinct pair of values
(``compare._distinct_levels``) give the levels the pair frames give, pair for pair."""

import importlib.util
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.link.block import RULES, blocking_columns, candidate_pairs
from pipeline.link.compare import COMPARISONS, compare, comparisons_for
from pipeline.link.em import random_pairs
from pipeline.link.levels import Rows, empty, pair_codes, same
from pipeline.normalize import normalize
from pipeline.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "linkage_generate_rows", ROOT / "fixtures" / "linkage" / "generate.py"
)
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

HOSTILE = ["", None, "ann", "Ann", "ann ", "ánn", "a\u00a0nn", "?", "lee", "li", "ann", None, ""]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    people = generate.people(generate.make(150, 900, seed=3))
    return blocking_columns(normalize(people, Settings(), date(2026, 11, 28)))


def _pairs(frame: pd.DataFrame) -> pd.DataFrame:
    candidates = candidate_pairs(frame, RULES, ("connections",)).pairs[["left", "right"]]
    randomly = random_pairs(frame, 4000, seed=1)
    return pd.concat([candidates, randomly], ignore_index=True)


def test_compare_equals_each_comparison_on_pair_frames(frame):
    pairs = _pairs(frame)
    comparisons = comparisons_for(list(frame.columns))
    assert {c.name for c in comparisons} == {c.name for c in COMPARISONS}
    got = compare(frame, pairs, comparisons)
    left, right = pairs["left"].to_numpy(), pairs["right"].to_numpy()
    reached = {}
    for c in comparisons:
        cols = list(dict.fromkeys([*c.columns, *(o for o in c.optional if o in frame.columns)]))
        a = frame[cols].iloc[left].reset_index(drop=True)
        b = frame[cols].iloc[right].reset_index(drop=True)
        expected = np.asarray(c.compute(a, b)).astype("int8")
        assert np.array_equal(got[c.name].to_numpy(), expected), c.name
        reached[c.name] = len(np.unique(expected))
    # the pairs reach several levels
    assert reached["name"] >= 6 and reached["job"] >= 4
    assert reached["program"] >= 4 and reached["city"] >= 3  # NULL among them
    assert sum(n >= 2 for n in reached.values()) >= 6
    # computed on the pairs of one record of each side only: NULL and
    # several levels among the others
    assert reached["career stage"] >= 4 and reached["seniority order"] >= 4


def test_a_shared_cache_gives_the_same_levels_as_a_fresh_one(frame):
    pairs = _pairs(frame)
    cache: dict = {}
    first = compare(frame, pairs.iloc[::2], COMPARISONS, cache)
    assert cache  # per-record work kept for the next call
    again = compare(frame, pairs.iloc[::2], COMPARISONS, cache)
    fresh = compare(frame, pairs.iloc[::2], COMPARISONS)
    pd.testing.assert_frame_equal(first, again)
    pd.testing.assert_frame_equal(first, fresh)


def test_scores_on_one_thread_are_those_on_every_core(frame, monkeypatch):
    """``similarity`` scores few pairs on one thread: the levels are those of the threads."""
    from pipeline.link import levels

    pairs = _pairs(frame)
    one = compare(frame, pairs, COMPARISONS)
    monkeypatch.setattr(levels, "PARALLEL_PAIRS", 0)
    pd.testing.assert_frame_equal(compare(frame, pairs, COMPARISONS), one)


def _hostile_rows() -> tuple[Rows, pd.DataFrame, pd.DataFrame]:
    x = pd.Series(HOSTILE, dtype="str")
    y = pd.Series(HOSTILE[::-1], dtype="str")
    a = pd.DataFrame({"k": x, "m": y})
    b = pd.DataFrame({"k": y, "m": x})
    return Rows.of_pairs(a, b), a, b


def test_codes_test_equality_and_emptiness_as_the_text_does():
    rows, a, b = _hostile_rows()
    assert rows.same("k").tolist() == same(a["k"], b["k"]).tolist()
    assert rows.same("k", "m").tolist() == same(a["k"], b["m"]).tolist()
    assert rows.same("m", "k").tolist() == same(a["m"], b["k"]).tolist()
    assert not rows.same("k")[1]  # a missing value equals nothing, not even a missing one
    assert rows.empty("k", rows.left).tolist() == empty(a["k"]).tolist()
    assert rows.empty("k", rows.right).tolist() == empty(b["k"]).tolist()
    # once per run: asked again, and on a subset of the records (Rows.taken), the same answers
    assert rows.empty("k", rows.right).tolist() == empty(b["k"]).tolist()
    at = np.arange(len(rows.frame))[::-3]
    some = Rows(rows.frame.iloc[at], np.arange(len(at)), np.arange(len(at))[::-1], {})
    some.cache.update(rows.taken(at, changed=()))
    assert ("per record", "k", "empty") in some.cache
    given = rows.frame["k"].iloc[at].reset_index(drop=True)
    assert some.empty("k", some.right).tolist() == empty(given[::-1]).tolist()


@pytest.mark.parametrize("n", [0, 1, 40])
def test_same_with_no_missing_value_on_one_side_or_both(n):
    """A column that misses nothing skips the missing test: still the text's equality, with a
    missing value on the other side equal to nothing."""
    rng = np.random.default_rng(n)
    full = pd.Series(rng.choice(["ann", "", "Ann", "=1+1", "ánn"], n), dtype="str")
    holes = full.mask(pd.Series(rng.random(n) < 0.3))
    a = pd.DataFrame({"k": full, "m": holes})
    b = pd.DataFrame({"k": full.sample(frac=1, random_state=1).reset_index(drop=True), "m": holes})
    rows = Rows.of_pairs(a, b)
    for x, y in (("k", "k"), ("k", "m"), ("m", "k")):
        assert rows.same(x, y).tolist() == same(a[x], b[y]).tolist()


def test_distinct_pairs_are_the_pair_frames_distinct_pairs():
    rows, a, b = _hostile_rows()
    inverse, ux, uy = rows.distinct("k")
    expected_inverse, ex, ey = pair_codes(a["k"], b["k"])
    assert ux[inverse].tolist() == ex[expected_inverse].tolist()
    assert uy[inverse].tolist() == ey[expected_inverse].tolist()
    assert len(ux) == len(ex)  # each distinct pair once
    lengths = rows.on_distinct("k", lambda p, q: p.str.len() + q.str.len())
    assert lengths.tolist() == [
        len(p) + len(q) for p, q in zip(ex[expected_inverse], ey[expected_inverse], strict=True)
    ]


def _career_oracle(name: str, x: dict, y: dict) -> int:
    """The career comparisons' rules for one pair of records, in plain Python."""
    import math

    from rapidfuzz.fuzz import token_sort_ratio

    from pipeline.link.careers import SENIORITY_RANK

    def text(v) -> str:
        return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)

    def number(v) -> float:
        return math.nan if v is None else float(v)

    if name == "career stage":

        def side(r):
            source = text(r["career_years_source"])
            return 1 if source in ("grad_year", "history") else 2 if source == "title prior" else 0

        sa_, sb_ = side(x), side(y)
        if sa_ * sb_ != 2:
            return -1
        ya, yb = number(x["career_years"]), number(y["career_years"])
        da, db = number(x["career_years_sd"]), number(y["career_years_sd"])
        z = ((yb - ya) if sa_ == 1 else (ya - yb)) / math.sqrt(da**2 + db**2)
        if math.isnan(z):
            return -1
        if abs(z) <= 1:
            return 0
        if -2 <= z < 0:
            return 1
        if 0 < z <= 2:
            return 2
        return 3 if z < 0 else 4

    def rank(r):
        return SENIORITY_RANK.get(text(r["seniority"]), math.nan)

    def side(r):
        if math.isnan(rank(r)):
            return 0
        return 1 if text(r["source"]) == "connections" else 2

    sa_, sb_ = side(x), side(y)
    if sa_ * sb_ != 2:
        return -1
    if token_sort_ratio(text(x["title_clean"]), text(y["title_clean"])) / 100.0 >= 0.9:
        return -1  # the same title: the job comparison's
    gap = rank(x) - rank(y) if sa_ == 1 else rank(y) - rank(x)
    return 0 if gap == 1 else 1 if gap > 1 else 2 if gap == 0 else 3


def test_career_comparisons_on_every_pair_of_hostile_records():
    """Every pair of records with hostile sources, seniorities and career years, both ways
    round: compare's levels (each record's side and numbers read once per run, ``Rows``) are
    the rules applied pair by pair in Python; NULL wherever a pair is not one record of each
    side."""
    sources = ["connections", "alumni", None, ""]
    years = [("grad_year", 3.0, 1.0), ("history", 30.0, 2.0), ("title prior", 12.0, 4.0),
             ("title prior", 4.0, 4.0), ("title prior", 5.0, 1.0), ("title prior", None, None),
             (None, 5.0, 1.0), ("", 1.0, 1.0)]  # fmt: skip
    ranks = ["VP", "Entry", None, "Owner", "Senior"]
    rows = [
        (s, y, r, title)
        for s in sources
        for y in years
        for r in ranks
        for title in ("data analyst", "vp data", None)
    ]
    frame = pd.DataFrame(
        {
            "source": pd.Series([r[0] for r in rows], dtype="str"),
            "career_years_source": pd.Series([r[1][0] for r in rows], dtype="str"),
            "career_years": [r[1][1] for r in rows],
            "career_years_sd": [r[1][2] for r in rows],
            "seniority": pd.Series([r[2] for r in rows], dtype="str"),
            "title_clean": pd.Series([r[3] for r in rows], dtype="str"),
        }
    )
    left, right = np.meshgrid(np.arange(len(frame)), np.arange(len(frame)))
    pairs = pd.DataFrame({"left": left.ravel(), "right": right.ravel()})
    careers = [c for c in COMPARISONS if c.name in ("career stage", "seniority order")]
    got = compare(frame, pairs, careers)
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    for c in careers:
        expected = np.array(
            [_career_oracle(c.name, records[i], records[j])
             for i, j in zip(pairs["left"], pairs["right"], strict=True)],
            dtype="int8",
        )  # fmt: skip
        assert np.array_equal(got[c.name].to_numpy(), expected), c.name
        assert 0.05 < (expected != -1).mean() < 0.5 and len(np.unique(expected)) >= 4, c.name


@pytest.mark.parametrize("seed", range(3))
def test_former_name_condition_is_the_rule_pair_by_pair(seed):
    """The name comparison's "former" condition (tested only where a record has a former
    name) against the rule written per pair: one record's former name is the other's last
    name or former name; missing and "" are no name."""
    from pipeline.link.person import name_conditions

    rng = np.random.default_rng(seed)
    pool = ["lee", "kim", "", None, "ann", "Lee"]
    n = 30
    frame = pd.DataFrame(
        {
            column: pd.Series(rng.choice(np.array(pool, dtype=object), n), dtype="str")
            for column in ("last_key", "former_key")
        }
    )
    frame["first_key"] = frame["first_name_variants"] = "ann"
    frame["name_key"] = "ann " + frame["last_key"].fillna("")
    frame["email"] = frame["linkedin_slug"] = ""
    left, right = (a.ravel() for a in np.meshgrid(np.arange(n), np.arange(n)))
    got = name_conditions(None, None, Rows(frame, left, right, {}))["former"]

    def name(v) -> bool:
        return isinstance(v, str) and v != ""

    last, former = frame["last_key"].tolist(), frame["former_key"].tolist()
    expected = [
        (name(former[i]) and former[i] == last[j])
        or (name(former[j]) and last[i] == former[j])
        or (name(former[i]) and former[i] == former[j])
        for i, j in zip(left.tolist(), right.tolist(), strict=True)
    ]
    assert got.tolist() == expected
    assert 0 < sum(expected) < len(expected)
