"""Evidence phrased once per distinct combination, and the score order sorted in Arrow, must
give what the row-by-row (and pandas) way gave: that code is kept here and compared."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.rank import words
from pipeline.rank.context import Context
from pipeline.rank.features import STAGE_SOURCE, WARMTH, school_fit, stage_fit, warmth
from pipeline.rank.intros import intro_paths
from pipeline.rank.score import diversified_order, id_places
from pipeline.settings import from_dict
from pipeline.text import arrow_text
from pipeline.text.arrow_text import take_rows

CTX = Context(from_dict({}), my_school="UBC", my_programs=("Statistics", "BSc"))


def _text(series: pd.Series) -> pd.Series:
    return series.astype("object").where(series.notna(), "").astype("str")


def _old_stage_evidence(p: pd.DataFrame) -> list[str]:
    ahead = p["years_ahead"].to_numpy(dtype=float)
    n = pd.Series(np.round(ahead), index=p.index).abs().astype("Int64").astype("str")
    side = np.where(ahead < 0, " years behind", " years ahead")
    source = _text(p["career_years_source"]).map(STAGE_SOURCE).fillna("estimate")
    evidence = np.where(
        np.isnan(ahead), "stage unknown", "about " + n + side + " (from " + source + ")"
    )
    leader = p["seniority"].isin(["Director", "VP", "CXO", "Partner", "Owner"]).to_numpy()
    seniority = _text(p["seniority"])
    return np.where(leader, evidence + "; senior leader (" + seniority + ")", evidence).tolist()


def _old_school_evidence(p: pd.DataFrame, shared: np.ndarray, same: np.ndarray) -> list[str]:
    school = _text(p["school"])
    school = school.where(school != "", "UBC")
    evidence = np.where(shared, "alum of " + school, "")
    program = _text(p["major"]).where(_text(p["major"]) != "", _text(p["degree"]))
    return np.where(shared & same, evidence + ", same program (" + program + ")", evidence).tolist()


def _per_unique(values: object, fn) -> np.ndarray:
    codes, uniq = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    return np.array([*(fn(str(u)) for u in uniq), fn("")], dtype=object)[codes]


def _join(parts: list[np.ndarray], sep: str) -> np.ndarray:
    return np.array([sep.join(filter(None, row)) for row in zip(*parts, strict=True)], object)


def _old_school_part(r: pd.DataFrame) -> list[str]:
    school = words._text(r, "school")
    school = np.where(school != "", school, "UBC")
    years = words._num(r, "grad_year")
    year = _per_unique(
        np.where(np.isnan(years), -1, years), lambda y: "" if y == "-1.0" else y[:-2]
    )
    detail = _join([words._text(r, "degree"), year], " ")
    part = school + " alum" + np.where(detail != "", " (" + detail + ")", "")
    return np.where(words._num(r, "school_fit") > 0, part, "").tolist()


TEXT = st.one_of(st.none(), st.sampled_from(["", "UBC", "Waterloo", "Statistics", "BSc", "=x"]))
LEVEL = st.sampled_from(["Director", "VP", "Senior", "Entry", "", None])
SOURCE = st.sampled_from(["grad_year", "history", "title prior", "", None])
YEARS = st.one_of(st.none(), st.floats(-30, 40), st.sampled_from([0.4, -0.4, -0.5, 2.5, 10.0]))
ROW = st.tuples(TEXT, TEXT, TEXT, LEVEL, SOURCE, YEARS, st.booleans(), st.booleans(),
                st.sampled_from([2019.0, 2021.0, np.nan, -1.0]))  # fmt: skip


def _frame(rows: list[tuple]) -> pd.DataFrame:
    names = ["school", "major", "degree", "seniority", "career_years_source", "years_ahead",
             "is_alum", "is_connection", "grad_year"]  # fmt: skip
    frame = pd.DataFrame(rows, columns=names)
    for column in names[:5]:
        frame[column] = frame[column].astype("str")
    frame["years_ahead"] = frame["years_ahead"].astype(float)
    frame["career_years_sd"] = 2.0
    frame["school_key"] = ""
    frame["intro_via"] = pd.Series(["", "Al Li (Acme)"] * len(rows), dtype="str")[: len(rows)]
    return frame


@given(st.lists(ROW, max_size=40))
@settings(max_examples=150, deadline=None)
def test_evidence_per_combination_is_the_row_by_row_evidence(rows: list[tuple]) -> None:
    p = _frame(rows)
    value, evidence = stage_fit(p, CTX)
    assert evidence.tolist() == _old_stage_evidence(p)
    assert evidence.dtype == "str" and evidence.index.equals(p.index)
    value, evidence = school_fit(p, CTX)
    shared = p["is_alum"].to_numpy(bool)
    same = (value > 0.8 + 1e-9) & shared
    assert evidence.tolist() == _old_school_evidence(p, shared, same)
    value, evidence = warmth(p, CTX)
    conn, alum = p["is_connection"].to_numpy(bool), p["is_alum"].to_numpy(bool)
    intro = (p["intro_via"] != "").to_numpy()
    kind = np.select([conn, alum & intro, alum, intro], list(WARMTH)[:4], "cold")
    assert value.tolist() == [WARMTH[k] for k in kind]
    said = {
        "connection": "1st-degree connection",
        "alum+intro": "fellow alum, intro possible",
        "alum": "fellow alum",
        "intro": "intro possible",
        "cold": "no connection yet",
    }
    assert evidence.tolist() == [said[k] for k in kind]
    r = p.assign(school_fit=np.where(shared, 0.8, 0.0))
    codes, phrases = words._school_coded(r, "UBC")
    assert phrases[codes].tolist() == _old_school_part(r)


@given(
    st.lists(
        st.tuples(
            st.sampled_from([0.5, 0.25, 0.0, -0.0, np.nan]),
            st.text(max_size=3),
            st.sampled_from(["a", "b", ""]),
        ),
        max_size=40,
        unique_by=lambda row: row[1],
    )
)
@settings(max_examples=150, deadline=None)
def test_score_order_is_pandas_stable_sort(rows: list[tuple]) -> None:
    frame = pd.DataFrame(rows, columns=["score", "prospect_id", "company_key"])
    frame["prospect_id"] = frame["prospect_id"].astype("str")
    expected = frame.sort_values(["score", "prospect_id"], ascending=[False, True], kind="stable")
    assert diversified_order(frame, 0).tolist() == expected.index.tolist()


def test_intro_paths_looked_up_per_employer_keep_the_rows_index_and_blanks() -> None:
    p = pd.DataFrame(
        {
            "prospect_id": ["a", "b", "c", "d", "e"],
            "full_name": ["Al Li", "Bo Wu", "Cy Ng", "Di Ho", "Ed Oh"],
            "company": ["Acme", "Acme", None, "Zeta", "Acme"],
            "company_key": ["acme", "acme", None, "zeta", "acme"],
            "is_connection": [True, False, False, False, False],
            "is_alum": [False] * 5,
            "career_years": [3.0] * 5,
        },
        index=[10, 11, 12, 13, 14],
    ).astype({"company_key": "str"})
    out = intro_paths(p)
    assert out.tolist() == ["", "Al Li (Acme)", "", "", "Al Li (Acme)"]
    assert out.index.tolist() == [10, 11, 12, 13, 14]
    assert out.dtype == "str" and out.name == "company_key"


def _old_introducers(prospects: pd.DataFrame, company_aliases=None) -> pd.DataFrame:
    """introducers as it was: the whole frame filtered, every column made text via objects."""
    from pipeline.normalize.companies import company_keys

    conn = prospects[prospects["is_connection"].astype(bool)]
    name = _text(conn["full_name"])
    current = pd.DataFrame(
        {
            "company_key": _text(conn["company_key"]),
            "prospect_id": conn["prospect_id"],
            "label": name + " (" + _text(conn.get("company_clean", conn["company"])) + ")",
            "current": True,
        }
    )
    past_names = _text(conn["past_companies"]) if "past_companies" in conn else name.iloc[:0]
    exploded = past_names.str.split("|").explode().str.strip()
    exploded = exploded[exploded.fillna("") != ""].astype("str")
    keys = company_keys(exploded, company_aliases or {})["company_key"]
    past = pd.DataFrame(
        {
            "company_key": keys,
            "prospect_id": conn.loc[exploded.index, "prospect_id"],
            "label": name.loc[exploded.index] + " (formerly " + exploded + ")",
            "current": False,
        }
    )
    ties = pd.concat([current, past], ignore_index=True)
    ties = ties[ties["company_key"] != ""]
    about = conn.set_index("prospect_id")[["is_alum", "career_years"]]
    ties = ties.join(about, on="prospect_id")
    return ties.drop_duplicates(["company_key", "prospect_id"]).reset_index(drop=True)


@pytest.mark.parametrize("text", ["str", "object"])
@pytest.mark.parametrize("drop", [(), ("company_clean",), ("past_companies",)])
def test_introducers_as_from_the_whole_frame(text: str, drop: tuple[str, ...]) -> None:
    from pipeline.rank.intros import introducers

    p = pd.DataFrame(
        {
            "prospect_id": ["a", "b", "c", "d", "e", "f"],
            "full_name": ["Al Li", None, "Zoë Ng", "Di Ho", "東京 太郎", "Al Li"],
            "company": ["Acme", "Acme", None, "Zeta", "", "Acme"],
            "company_clean": ["Acme", "Acme", None, "Zeta", "", "Acme"],
            "company_key": ["acme", "acme", None, "zeta", "", "acme"],
            "past_companies": ["Google|IBM", "", None, "Acme Corp| ", "RBC", "Google"],
            "is_connection": [True, True, False, True, True, True],
            "is_alum": [False, True, False, True, False, False],
            "career_years": [3.0, np.nan, 1.0, 7.5, 2.0, 3.0],
            "other": ["x"] * 6,  # a column introducers never reads
        },
        index=[10, 11, 12, 13, 14, 15],
    ).drop(columns=list(drop))
    texts = [c for c in p.columns if c not in ("is_connection", "is_alum", "career_years")]
    p = p.astype({c: text for c in texts})
    got = introducers(p, {"Acme Corp": "acme"})
    pd.testing.assert_frame_equal(got, _old_introducers(p, {"Acme Corp": "acme"}), check_exact=True)


def _wide(texts: list[str | None], rows: int) -> pd.DataFrame:
    """A frame of every kind of column the Ranked frame has, ``rows`` long, from ``texts``."""
    n = len(texts)
    pick = [texts[i % n] if n else None for i in range(rows)]
    frame = pd.DataFrame(
        {
            "few": pd.array(pick, dtype="str"),  # repeats: taken through dictionary codes
            "many": pd.array([f"{t}-{i}" for i, t in enumerate(pick)], dtype="str"),
            "obj": pd.Series(pick, dtype=object, index=np.arange(rows) * 10 + 7),
            "num": np.arange(rows, dtype=float) / 3,
            "int": pd.array([None if i % 5 == 0 else i for i in range(rows)], dtype="Int64"),
            "flag": np.arange(rows) % 2 == 0,
            "when": pd.to_datetime(["2024-01-02"] * rows).astype("datetime64[s]"),
        },
        index=np.arange(rows) * 10 + 7,
    )
    frame.columns = ["few", "many", "obj", "num", "int", "flag", "num"]  # a repeated name too
    return frame


TEXTS = st.lists(st.one_of(st.none(), st.text(max_size=4), st.sampled_from(["Zürich", "東京", ""])),
                 min_size=1, max_size=6)  # fmt: skip


@given(TEXTS, st.integers(0, 30), st.randoms(use_true_random=False))
@settings(max_examples=100, deadline=None)
def test_take_rows_is_frame_take(texts: list[str | None], rows: int, rng) -> None:
    frame = _wide(texts, rows)
    positions = np.array([rng.randrange(rows) for _ in range(rng.randrange(2 * rows + 1))]
                         if rows else [], dtype=np.intp)  # fmt: skip
    taken = take_rows(frame, positions)
    pd.testing.assert_frame_equal(taken, frame.take(positions), check_exact=True)
    with pytest.MonkeyPatch.context() as patch:  # column by column, as from _SAMPLE rows up
        patch.setattr(arrow_text, "_SAMPLE", 1)
        taken = take_rows(frame, positions)
    pd.testing.assert_frame_equal(taken, frame.take(positions), check_exact=True)


def test_take_rows_through_codes_is_frame_take(monkeypatch) -> None:
    """Enough rows that columns of few distinct values go through their dictionary codes (in a
    shuffled order), and in order (Arrow's take), with nulls, non-ASCII and empty text."""
    monkeypatch.setattr(arrow_text, "_SAMPLE", 40)
    used = []
    real = arrow_text.pc.dictionary_encode
    monkeypatch.setattr(arrow_text.pc, "dictionary_encode", lambda a: used.append(1) or real(a))
    frame = _wide([None, "Zürich", "", "東京 Ltd", "a"], 500)
    shuffled = np.random.default_rng(1).permutation(500)[:400]
    for positions in (shuffled, np.sort(shuffled), np.arange(500), np.array([], dtype=int)):
        taken = take_rows(frame, positions)
        pd.testing.assert_frame_equal(taken, frame.take(positions), check_exact=True)
    assert len(used) == 1  # the one shuffled take of the one column of few distinct values
    coded: dict = {}
    taken = take_rows(frame, shuffled, coded=coded)
    assert list(coded) == ["few"]  # the columns taken through their codes, and only those
    codes, dictionary = coded["few"]
    assert (
        dictionary.take(codes).to_pylist()
        == taken["few"].astype(object).where(taken["few"].notna(), None).tolist()
    )
    empty = frame.iloc[:0]
    pd.testing.assert_frame_equal(take_rows(empty, []), empty.take([]), check_exact=True)


def _old_diversified_order(ranked: pd.DataFrame, max_per_company: int) -> np.ndarray:
    small = ranked[["score", "prospect_id", "company_key"]].reset_index(drop=True)
    ordered = small.sort_values(["score", "prospect_id"], ascending=[False, True], kind="stable")
    if max_per_company <= 0:
        return ordered.index.to_numpy()
    nth = ordered.groupby("company_key").cumcount().to_numpy()
    over = (nth >= max_per_company) & (ordered["company_key"] != "").to_numpy()
    rounds = np.where(over, nth // max_per_company, 0)
    return ordered.index.to_numpy()[np.argsort(rounds, kind="stable")]


@given(
    st.lists(
        st.tuples(
            st.sampled_from([0.5, 0.25, 0.0, np.nan]),
            st.text(max_size=3),
            st.sampled_from(["a", "b", "", "é", None]),
        ),
        max_size=40,
        unique_by=lambda row: row[1],
    ),
    st.integers(0, 3),
)
@settings(max_examples=150, deadline=None)
def test_diversified_order_is_the_old_text_grouping(rows: list[tuple], cap: int) -> None:
    frame = pd.DataFrame(rows, columns=["score", "prospect_id", "company_key"], dtype=object)
    frame = frame.astype({"score": float, "prospect_id": "str", "company_key": "str"})
    frame.index = frame.index * 2 + 5
    assert diversified_order(frame, cap).tolist() == _old_diversified_order(frame, cap).tolist()


@given(
    st.lists(
        st.tuples(
            st.sampled_from([0.5, 0.25, 0.0, -0.0, np.nan]),
            st.one_of(
                st.none(), st.sampled_from(["b", "a", "é", "", "ab", "B"]), st.text(max_size=3)
            ),
            st.sampled_from(["a", "b", "", None]),
        ),
        max_size=60,
    ),
    st.integers(0, 3),
    st.randoms(use_true_random=False),
)
@settings(max_examples=200, deadline=None)
def test_ordered_by_id_places_is_ordered_by_the_ids(rows: list[tuple], cap: int, rng) -> None:
    """The IDs' places (made over every prospect, then taken for the kept rows, as rank does)
    sort as the text IDs do: equal IDs (repeated, missing) in their rows' order."""
    whole = pd.DataFrame(rows, columns=["score", "prospect_id", "company_key"], dtype=object)
    whole = whole.astype({"score": float, "prospect_id": "str", "company_key": "str"})
    keep = np.sort(rng.sample(range(len(whole)), rng.randrange(len(whole) + 1))).astype(np.intp)
    places = id_places(whole["prospect_id"])
    frame = whole.iloc[keep]
    expected = diversified_order(frame, cap).tolist()
    assert diversified_order(frame, cap, places[keep]).tolist() == expected
    ids = whole["prospect_id"].tolist()
    by_text = sorted(
        range(len(ids)), key=lambda i: (isinstance(ids[i], float), str(ids[i]).encode())
    )
    assert np.argsort(places).tolist() == by_text  # stable: equal IDs keep their order


def test_id_places_of_ids_that_are_not_text() -> None:
    assert id_places(pd.Series([3, 1, 2])) is None  # rank then sorts the IDs as they are


def test_take_rows_through_codes_made_beforehand_is_frame_take(monkeypatch) -> None:
    """encoded_columns made before the take (as rank makes them on its second thread) take the
    same rows: the few-valued column through its codes, a column named in ``always`` too."""
    monkeypatch.setattr(arrow_text, "_SAMPLE", 40)
    frame = _wide([None, "Zürich", "", "東京 Ltd", "a"], 500)
    shuffled = np.random.default_rng(2).permutation(500)[:400]
    text = [frame.columns[i] for i in (0, 1)]  # few, many (obj is object: not Arrow text)
    for always in (frozenset(), frozenset({"many"})):
        encoded = arrow_text.encoded_columns(frame, text, always)
        assert sorted(k for k, v in encoded.items() if v is not None) == sorted({"few"} | always)
        for positions in (shuffled, np.sort(shuffled), np.array([], dtype=int)):
            coded: dict = {}
            taken = take_rows(frame, positions, coded, encoded)
            pd.testing.assert_frame_equal(taken, frame.take(positions), check_exact=True)
        assert list(coded) == []  # the last take (no rows) takes nothing through codes
        take_rows(frame, shuffled, coded, encoded)
        assert sorted(coded) == sorted({"few"} | always)
        codes, dictionary = arrow_text.codes_at(encoded["few"], arrow_text.pa.array(shuffled))
        assert dictionary.take(codes).to_pylist() == [
            None if v is None or v != v else v for v in frame["few"].take(shuffled).tolist()
        ]
