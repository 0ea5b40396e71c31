"""``rank.words`` reads text columns where Arrow keeps them and phrases the career stage once
per distinct key; both must give what the row-by-row way gave (its code is kept here)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.rank import words
from pipeline.rank.features import SENIOR_LEADERS


def _per_unique(values: object, fn) -> np.ndarray:
    codes, uniq = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    return np.array([*(fn(str(u)) for u in uniq), fn("")], dtype=object)[codes]


def _old_text(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame:
        return np.full(len(frame), "", dtype=object)
    return _per_unique(frame[column].to_numpy(dtype=object), str.strip)


def _old_stage_part(r: pd.DataFrame) -> np.ndarray:
    ahead = words._num(r, "years_ahead")
    seniority = _old_text(r, "seniority")
    leader = np.isin(seniority, SENIOR_LEADERS) & (np.isnan(ahead) | (ahead > 10))
    n = np.round(np.nan_to_num(ahead)).astype(np.int64)
    key = np.where(
        leader, "L" + seniority.astype(str), np.where(np.isnan(ahead), "", n.astype(str))
    )
    return _per_unique(key, words._stage_words)


LEVELS = st.sampled_from([*SENIOR_LEADERS, "Senior", "Junior", "", " VP ", "Unknown", None])
YEARS = st.one_of(st.none(), st.floats(-40, 60), st.sampled_from([10.0, 10.5, -0.5, 0.49]))


@given(st.lists(st.tuples(LEVELS, YEARS), max_size=40))
@settings(max_examples=200, deadline=None)
def test_stage_part_is_the_row_by_row_phrase(rows: list[tuple[str | None, float | None]]) -> None:
    frame = pd.DataFrame(
        {
            "seniority": pd.Series([s for s, _ in rows], dtype="str"),
            "years_ahead": pd.Series([y for _, y in rows], dtype="float64"),
        }
    )
    codes, phrases = words._stage_coded(frame)
    assert phrases[codes].tolist() == _old_stage_part(frame).tolist()


@given(st.lists(st.one_of(st.none(), st.text(max_size=6), st.just("  a  ")), max_size=30))
@settings(max_examples=100, deadline=None)
def test_text_of_an_arrow_column_is_the_row_by_row_text(values: list[str | None]) -> None:
    for dtype in ("str", object):
        frame = pd.DataFrame({"t": pd.Series(values, dtype=dtype)})
        assert words._text(frame, "t").tolist() == _old_text(frame, "t").tolist()
    assert words._text(pd.DataFrame({"t": []}), "missing").tolist() == []


def _s(value: object) -> str:
    return "" if value is None or value is pd.NA or value != value else str(value).strip()


def _why_row(row: dict, strength: dict, my_school: str, with_location: bool) -> str:
    """The sentence of one prospect, the way a loop over rows writes it."""
    school = ""
    if row["school_fit"] > 0:
        y = row["grad_year"]
        year = "" if pd.isna(y) or y == -1 else str(float(y))[:-2]
        detail = " ".join(filter(None, (_s(row["degree"]), year)))
        name = _s(row["school"]) or my_school or "your school"
        school = name + " alum" + (f" ({detail})" if detail else "")
    t = _s(row["title"])
    title = words.split_headline(t)[0] or t
    company = _s(row["company_clean"]) or _s(row["company"])
    job = f"{title} at {company}" if title and company else title or (
        f"works at {company}" if company else "")  # fmt: skip
    ahead, level = row["years_ahead"], _s(row["seniority"])
    if level in SENIOR_LEADERS and (np.isnan(ahead) or ahead > 10):
        stage = words._stage_words("L" + level)
    else:
        stage = "" if np.isnan(ahead) else words._stage_words(str(int(np.round(ahead))))
    parts = [school, job, stage]
    power = [strength["school_fit"], strength["role_fit"] + strength["company_fit"] + 1e-6,
             strength["stage_fit"]]  # fmt: skip
    if with_location:
        parts.append("in " + _s(row["location"]) if strength["location_fit"] > 0 else "")
        power.append(strength["location_fit"])
    order = sorted(range(len(parts)), key=lambda i: -power[i])  # stable, as argsort's
    sentence = ", ".join(parts[i] for i in order if parts[i])
    via = _s(row["intro_via"]).split(" (", 1)[0]
    if row["is_connection"]:
        reach = "1st-degree connection"
    elif via:
        reach = "intro possible via " + via
    else:
        reach = "fellow alum, not yet connected" if row["is_alum"] else "no connection yet"
    return f"{sentence}; {reach}" if sentence else reach.capitalize()


def _opener_row(row: dict, my_school: str, me: str) -> str:
    first = _s(row["first_name"]) or _s(row["full_name"])
    school = words._short(_s(row["school"]) or my_school)
    intro = words._intro_words(_s(row["intro_via"]))
    if row["school_fit"] > 0 and school:
        tie = f"as a {school} {me} reaching out to a fellow alum, "
    else:
        tie = intro or ("since we're connected here, " if row["is_connection"] else "")
    t = _s(row["title"])
    title = words.split_headline(t)[0] or t
    company = _s(row["company_clean"]) or _s(row["company"])
    topic = words._topic(f"{title}\x1f{company}")
    line = f"Hi {first}, {tie}{words.ASK}{topic}." if first else f"Hi, {tie}{words.ASK}{topic}."
    if len(line) > words.MAX_OPENER:
        line = line[: words.MAX_OPENER - 1].rsplit(" ", 1)[0] + "…"
    return line


NAME = st.one_of(st.none(), st.sampled_from(["", " ", "Zoë", "東京", "Ann", " Bo "]))
LONG = "Vice President of Extremely Long Titles " * 6
PERSON_FIELDS = {
    "first_name": NAME,
    "full_name": NAME,
    "title": st.one_of(NAME, st.sampled_from(["PM @ Shopify | ex-Google", LONG])),
    "company": NAME,
    "company_clean": st.one_of(NAME, st.just("Shopify")),
    "school": st.one_of(NAME, st.sampled_from(["University of Toronto", "McGill University"])),
    "degree": NAME,
    "grad_year": st.sampled_from([2019, None, -1]),
    "seniority": LEVELS,
    "years_ahead": YEARS,
    "location": NAME,
    "intro_via": st.sampled_from(["", None, "Al Li (Acme)", "Bo (formerly X); Cy (Y)", "x"]),
    "is_connection": st.booleans(),
    "is_alum": st.booleans(),
    "school_fit": st.sampled_from([0.0, 0.8, np.nan]),
}
PERSON = st.fixed_dictionaries(PERSON_FIELDS)
FEATURES = ("school_fit", "role_fit", "company_fit", "stage_fit", "location_fit")
STRENGTH = st.fixed_dictionaries({k: st.sampled_from([0.0, 0.1, 0.3, np.nan]) for k in FEATURES})


@given(st.lists(st.tuples(PERSON, STRENGTH), max_size=25), st.sampled_from(["", "UBC"]))
@settings(max_examples=200, deadline=None)
def test_why_and_opener_are_the_row_by_row_texts(rows: list[tuple], my_school: str) -> None:
    people = pd.DataFrame([p for p, _ in rows], columns=list(PERSON_FIELDS), index=[
        3 * i + 1 for i in range(len(rows))])  # fmt: skip
    for column in ("first_name", "full_name", "title", "company", "company_clean", "school",
                   "degree", "seniority", "location", "intro_via"):  # fmt: skip
        people[column] = people[column].astype("str")
    people["grad_year"] = people["grad_year"].astype("Int64")
    people["years_ahead"] = people["years_ahead"].astype(float)
    strengths = pd.DataFrame([s for _, s in rows], columns=list(FEATURES),
                             index=people.index).astype(float)  # fmt: skip
    said = words.why(people, strengths, my_school)
    located = bool((strengths["location_fit"].fillna(0) > 0).any())
    records = people.to_dict("records")
    cleaned = strengths.fillna(0).to_dict("records")
    assert said.tolist() == [
        _why_row(r, s, my_school, located) for r, s in zip(records, cleaned, strict=True)
    ]
    assert said.dtype == "str" and said.index.equals(people.index)
    lines = words.opener(people, my_school, i_am_student=False)
    assert lines.tolist() == [_opener_row(r, my_school, "alum") for r in records]
    assert lines.dtype == "str" and lines.index.equals(people.index)
    # The same sentences from a memo shared by both, seeded as take_rows seeds it (some columns
    # as Arrow codes and dictionary, the others factorized on first use).
    memo: words.Memo = {}
    for column in ("title", "company", "school", "intro_via", "first_name"):
        coded = pa.array(people[column].array).dictionary_encode()
        memo[column] = (coded.indices, coded.dictionary)
    assert words.why(people, strengths, my_school, memo).tolist() == said.tolist()
    assert words.opener(people, my_school, False, memo).tolist() == lines.tolist()
