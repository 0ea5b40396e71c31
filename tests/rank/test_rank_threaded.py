"""rank makes why and opener from the codes of the text columns they read, while a second
thread takes the other columns and makes those text columns from the codes
(rank._words_and_rest): Ranked must be what one take of the wide frame gave (that code is kept
here), threaded or not, and a failure of any take or of the sentences must reach the caller as
it did."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import pipeline.rank as rank_stage
from pipeline import schema, threads
from pipeline.normalize import normalize
from pipeline.rank import rank
from pipeline.rank.context import context
from pipeline.rank.score import diversified_order, excluded
from pipeline.rank.words import Memo, opener, why
from pipeline.settings import from_dict
from pipeline.text.arrow_text import take_rows

SETTINGS = from_dict(
    {
        "me": {"schools": ["University of Waterloo"], "grad_year": 2021, "major": "Statistics"},
        "targets": {
            "roles": ["data scientist"],
            "companies": ["Google", "Shopify"],
            "locations": ["Toronto"],
            "industries": ["software"],
        },
        "output": {"max_per_company": 3},
    }
)

FIRST = ["Ana", "Ben", "", "  Cy ", "Zoë", "=cmd", "Dé"]
LAST = ["Lopez", "Ng", "Ito", "", "O'Neil", "Smith, Jr."]
TITLES = ["Data Scientist", "Senior PM @ Shopify | ex-Google", "VP Sales", "", "Store Manager",
          "Sr. Data Scientist II", "Analyst, \"Risk\""]  # fmt: skip
COMPANIES = ["Google", "Shopify Inc.", "Alphabet", "RBC", "", "Acme Corp", "Loblaw"]
SCHOOLS = ["University of Waterloo", "", "UBC", "University of Toronto"]
DEGREES = ["BMath", "", "BASc", "MSc"]
PLACES = ["Toronto, ON", "", "Vancouver", "Toronto"]


def _prospects(n: int, today, seed: int = 3) -> pd.DataFrame:
    """``n`` prospects of a few distinct values each (some hostile), as normalize makes them."""
    from tests.conftest import _people

    rng = np.random.default_rng(seed)

    def pick(values: list[str]) -> list[str]:
        return [values[i] for i in rng.integers(0, len(values), n)]

    source = pick(["connections", "alumni", "connections"])
    rows = [
        {"first_name": f, "last_name": f"{last}{i % 97}", "title": t, "company": c,
         "school": s, "degree": d, "location": loc, "source": src,
         "grad_year": int(y) if src == "alumni" and y > 1990 else None,
         "linkedin_slug": f"p{i}" if i % 5 else ""}
        for i, (f, last, t, c, s, d, loc, src, y) in enumerate(zip(
            pick(FIRST), pick(LAST), pick(TITLES), pick(COMPANIES), pick(SCHOOLS),
            pick(DEGREES), pick(PLACES), source, rng.integers(1985, 2024, n), strict=True))
    ]  # fmt: skip
    p = normalize(_people(*rows), SETTINGS, today)
    p["prospect_id"] = [f"id{i}" for i in range(n)]
    p["is_connection"] = (p["source"] == "connections").to_numpy()
    p["is_alum"] = (p["source"] == "alumni").to_numpy()
    p["record_ids"] = p["record_id"]
    p["match_confidence"] = 1.0
    for column, every in (("title", 11), ("location", 7), ("company_clean", 13), ("degree", 5)):
        p.loc[p.index[::every], column] = None  # missing text (a null code, not "")
    return p


def _one_take(prospects: pd.DataFrame, ctx) -> pd.DataFrame:
    """Ranked as rank made it with one take of the wide frame (before the words' columns were
    taken apart from the others)."""
    p, shares = rank_stage._scored(prospects, ctx)
    reason = excluded(p, ctx.settings, ctx.my_employer_keys)
    low = (p["score"] < ctx.settings.output.min_score).to_numpy() & (reason == "").to_numpy()
    reason[low] = "below the minimum score"
    keep = np.flatnonzero((reason == "").to_numpy())
    order = diversified_order(
        p[["score", "prospect_id", "company_key"]].iloc[keep], ctx.settings.output.max_per_company
    )
    memo: Memo = {}
    kept = take_rows(p, keep[order], coded=memo)
    kept["rank"] = range(1, len(kept) + 1)
    kept["why"] = why(kept, shares.take(keep[order]), ctx.my_school, memo)
    kept["opener"] = opener(kept, ctx.my_school, ctx.i_am_student, memo)
    ordered = [*schema.RANKED, *(c for c in kept.columns if c not in schema.RANKED)]
    return kept.reindex(columns=ordered).reset_index(drop=True)


@pytest.fixture(scope="module")
def big(today=None):
    from tests.conftest import TODAY

    return _prospects(3000, TODAY), context(SETTINGS, None, None, TODAY)


@pytest.mark.parametrize("thread_rows", [0, 10**9])  # threaded, and not
def test_ranked_is_what_one_take_gave(big, monkeypatch, thread_rows: int) -> None:
    prospects, ctx = big
    monkeypatch.setattr(rank_stage, "THREAD_ROWS", thread_rows)
    ranked, _ = rank(prospects, ctx)
    expected = _one_take(prospects, ctx)
    pd.testing.assert_frame_equal(ranked, expected, check_exact=True)
    # the words say something: the columns the sentences read were all there
    assert ranked["why"].str.contains(" alum").any() and ranked["why"].str.contains(" in ").any()
    nameless = ranked["first_name"].str.strip() == ""
    assert nameless.any() and not ranked["opener"].str.startswith("Hi, ").any()  # full names


def test_small_input_takes_on_one_thread(today, monkeypatch) -> None:
    prospects = _prospects(40, today)
    ctx = context(SETTINGS, None, None, today)
    made: list[object] = []
    monkeypatch.setattr(threads, "ThreadPoolExecutor", lambda *a, **k: made.append(a))
    ranked, _ = rank(prospects, ctx)
    assert made == []
    pd.testing.assert_frame_equal(ranked, _one_take(prospects, ctx), check_exact=True)


def _failing_take(which: str):
    """take_rows, failing on the take of the columns the sentences do not read ("rest": they
    hold prospect_id, not full_name) or of those they read as they are ("words": full_name and
    the numbers); the take of all of ``p`` for the left-out holds both and goes through."""

    def take(frame, positions, coded=None, encoded=None):
        has = {"rest": "prospect_id", "words": "full_name"}
        other = {"rest": "full_name", "words": "prospect_id"}
        if has[which] in frame.columns and other[which] not in frame.columns:
            raise MemoryError(f"the {which} take")
        return take_rows(frame, positions, coded, encoded)

    return take


def _failing_texts(*_: object) -> None:
    raise MemoryError("the texts take")


def _broken(*_: object) -> None:
    raise ValueError("a bug in why")


@pytest.mark.parametrize("thread_rows", [0, 10**9])
@pytest.mark.parametrize("which", ["rest", "words", "texts"])
def test_a_failed_take_reaches_the_caller(big, monkeypatch, thread_rows, which) -> None:
    prospects, ctx = big
    monkeypatch.setattr(rank_stage, "THREAD_ROWS", thread_rows)
    if which == "texts":
        monkeypatch.setattr(rank_stage, "_texts", _failing_texts)
    else:
        monkeypatch.setattr(rank_stage, "take_rows", _failing_take(which))
    with pytest.raises(MemoryError, match=f"the {which} take"):
        rank(prospects, ctx)


@pytest.mark.parametrize("thread_rows", [0, 10**9])
def test_the_columns_takes_fail_first_whatever_the_sentences_raise(
    big, monkeypatch, thread_rows
) -> None:
    """One take did every column before why: a failure of a take is the one the caller sees,
    the other columns' before the text the sentences read."""
    prospects, ctx = big
    monkeypatch.setattr(rank_stage, "THREAD_ROWS", thread_rows)
    monkeypatch.setattr(rank_stage, "why", _broken)
    monkeypatch.setattr(rank_stage, "_texts", _failing_texts)
    monkeypatch.setattr(rank_stage, "take_rows", _failing_take("rest"))
    with pytest.raises(MemoryError, match="the rest take"):
        rank(prospects, ctx)
    monkeypatch.setattr(rank_stage, "take_rows", take_rows)
    with pytest.raises(MemoryError, match="the texts take"):
        rank(prospects, ctx)
    monkeypatch.undo()
    monkeypatch.setattr(rank_stage, "THREAD_ROWS", thread_rows)
    monkeypatch.setattr(rank_stage, "why", _broken)
    with pytest.raises(ValueError, match="a bug in why"):
        rank(prospects, ctx)


def _old_scored(prospects: pd.DataFrame, ctx) -> tuple[pd.DataFrame, pd.DataFrame]:
    """rank._scored as it was on one thread: the level first, every feature on its frame."""
    from pipeline.normalize.levels import relevel
    from pipeline.normalize.titles import rules_from_settings
    from pipeline.rank.ahead import years_ahead
    from pipeline.rank.features import FEATURES
    from pipeline.rank.intros import intro_paths
    from pipeline.rank.score import active_weights, contributions, score_of

    p = relevel(
        prospects, rules_from_settings(ctx.settings.normalize.seniority_rules), today=ctx.today
    )
    p["intro_via"] = intro_paths(p, company_aliases=ctx.settings.normalize.company_aliases)
    ahead = years_ahead(p, ctx.my_career_years)
    for column in ahead.columns:
        p[column] = ahead[column]
    for name, signal in FEATURES.items():
        value, evidence = signal.compute(p, ctx)
        p[name] = pd.Series(value, index=p.index).astype(float).round(3)
        p[f"{name}_evidence"] = evidence
    shares = contributions(p, active_weights(ctx))
    p["score"] = score_of(shares)
    return p, shares


@pytest.mark.parametrize("threaded", [False, True])
def test_scored_beside_the_level_is_the_old_scoring(big, threaded: bool) -> None:
    """The features that do not read the level worked out on the prospects as they came, while
    the level is worked out again (on a second thread, or first), give the old frame."""
    prospects, ctx = big
    before = prospects.copy()
    with threads.beside(threaded=threaded) as start:
        levels = start(rank_stage._relevelled, prospects, ctx)
        p, shares = rank_stage._scored(prospects, ctx, levels)
    old_p, old_shares = _old_scored(prospects, ctx)
    pd.testing.assert_frame_equal(p, old_p, check_exact=True)
    pd.testing.assert_frame_equal(shares, old_shares, check_exact=True)
    pd.testing.assert_frame_equal(rank_stage._scored(prospects, ctx)[0], old_p, check_exact=True)
    pd.testing.assert_frame_equal(prospects, before, check_exact=True)  # untouched
    # the level was worked out again, and read: some people's level changed
    assert (p["seniority"] != prospects["seniority"]).any()


def test_features_not_reading_the_level_do_not_read_it(big) -> None:
    """A feature not marked reads_level gives the same without the level's columns (rank works
    it out before the level is known); red when a feature reading it is not marked."""
    from pipeline.normalize.levels import LEVEL_COLUMNS
    from pipeline.rank.features import FEATURES

    prospects, ctx = big
    p = rank_stage.score_features(prospects, ctx)
    without = p.drop(columns=list(LEVEL_COLUMNS))
    assert any(s.reads_level for s in FEATURES.values())
    for signal in FEATURES.values():
        if signal.reads_level:
            continue
        value, evidence = signal.compute(p, ctx)
        value_without, evidence_without = signal.compute(without, ctx)
        np.testing.assert_array_equal(value, value_without)
        pd.testing.assert_series_equal(evidence, evidence_without, check_exact=True)


def test_scoring_writes_only_the_columns_it_names(big) -> None:
    """The columns _scored does not name in _written are the prospects' own, as they came: rank
    makes their codes before scoring ends."""
    prospects, ctx = big
    written = rank_stage._written()
    made = prospects.assign(intro_via="x", years_ahead=1.0, score=0.5, seniority="Senior")
    for given in (prospects, made):  # prospects that already hold some of those columns too
        p = rank_stage.score_features(given, ctx)
        assert set(p.columns) - set(given.columns) <= written
        for column in given.columns:
            if column not in written:
                pd.testing.assert_series_equal(p[column], given[column], check_exact=True)
    assert not (p["intro_via"] == "x").all() and (p["score"] != 0.5).any()


@pytest.mark.parametrize("thread_rows", [0, 10**9])
def test_a_failed_level_reaches_the_caller(big, monkeypatch, thread_rows: int) -> None:
    prospects, ctx = big
    monkeypatch.setattr(rank_stage, "THREAD_ROWS", thread_rows)

    def broken(*_: object, **__: object) -> None:
        raise MemoryError("the level")

    monkeypatch.setattr(rank_stage, "relevel", broken)
    monkeypatch.setattr(rank_stage, "intro_paths", _broken)  # later, on this thread
    with pytest.raises(MemoryError, match="the level"):
        rank(prospects, ctx)
