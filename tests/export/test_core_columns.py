"""The candidate columns made column-wise for a million people (``workbook.core_frame``'s
LinkedIn, Name and Warmth, ``workbook._all_candidates_rows``) are what a row-by-row rule gives:
duplicates, empty and missing values, non-ASCII text, one row and none."""

from __future__ import annotations

from urllib.parse import quote

import numpy as np
import pandas as pd
import pytest

from pipeline import schema
from pipeline.export.cells import safe_link
from pipeline.export.workbook import (
    PER_EMPLOYER,
    _all_candidates_rows,
    _links,
    _school_years,
    _text,
    added_by_hand,
    core_frame,
    ordered,
)

SLUGS = ["", "Ab-C_1", "josé-vale", "javascript:alert(1)", "x" * 101, "a/b", "ab-c_1", "ÅSA", " "]


@pytest.mark.parametrize("n", [0, 1, 7, 40])
def test_links_are_safe_link_of_each_slug(n: int) -> None:
    rng = np.random.default_rng(n)
    slugs = pd.Series(rng.choice(SLUGS, n) if n else [], dtype="str")
    want = [safe_link("https://www.linkedin.com/in/" + quote(s, safe="")) for s in slugs]
    got = _links(slugs)
    assert got.tolist() == want
    assert got.dtype == object and all(v is None or isinstance(v, str) for v in got)


def _ranked(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame({c: [None] * len(rows) for c in schema.RANKED})
    for c in rows[0] if rows else ():
        frame[c] = [r[c] for r in rows]
    return frame


def test_name_and_warmth_are_the_row_by_row_rule() -> None:
    rng = np.random.default_rng(3)
    names = ["Ada Park", "", None, "  ", "Ngọc Lê"]
    rows = [
        {
            "rank": i + 1,
            "full_name": names[rng.integers(len(names))],
            "first_name": ["Bo", None, "", "Zoë"][rng.integers(4)],
            "last_name": ["Li", None, " Wu "][rng.integers(3)],
            "is_connection": [True, False, None][rng.integers(3)],
            "is_alum": [True, False, None][rng.integers(3)],
            "record_ids": ["manual:1", "alumni:2", None][rng.integers(3)],
            "intro_via": ["", None, "Bo Li (Acme)"][rng.integers(3)],
        }
        for i in range(60)
    ]
    core = core_frame(_ranked(rows))

    def text(v: object) -> str:
        return v.strip() if isinstance(v, str) else ""

    for r, name, warmth in zip(rows, core["Name"], core["Warmth"], strict=True):
        full = text(r["full_name"])
        assert name == (full or f"{text(r['first_name'])} {text(r['last_name'])}".strip())
        assert warmth == (
            "1st-degree connection" if r["is_connection"] is True
            else "Alum" if r["is_alum"] is True
            else "Added by you" if "manual:" in text(r["record_ids"])
            else "Intro possible" if text(r["intro_via"])
            else "Cold"
        )  # fmt: skip


@pytest.mark.parametrize("n", [0, 1, 25, 200, 3000])
@pytest.mark.parametrize("late", [0, 500])
@pytest.mark.parametrize("keys", [["acme", "", None, "zeta", "éclair", " "], ["acme", "zeta"]])
def test_all_candidates_rows_are_the_best_per_employer(n: int, late: int, keys: list) -> None:
    """(Two employers: 20 rows kept of 3,000, so every row is looked at; ``late``: the first
    rows all at one employer, so the limit is reached far down.)"""
    rng = np.random.default_rng(n)
    chosen = rng.choice(keys, n) if n else np.array([], dtype=object)
    chosen[:late] = "first"
    if late:
        chosen[late:] = rng.choice([f"e{i}" for i in range(40)], max(n - late, 0))
    ranked = pd.DataFrame(
        {
            "company_key": pd.Series(chosen, dtype="str"),
            "company": pd.Series(rng.choice(["Acme", "", "Zeta"], n) if n else [], dtype="str"),
        }
    )
    limit = 30
    got = _all_candidates_rows(ranked, limit).tolist()
    if n <= limit:
        assert got == [True] * n
        return
    seen: dict[str, int] = {}
    want, kept = [], 0
    for key, company in zip(ranked["company_key"], ranked["company"], strict=True):
        k = key.strip() if isinstance(key, str) else ""
        k = k or (company.strip() if isinstance(company, str) else "")
        seen[k] = seen.get(k, 0) + 1
        keep = seen[k] <= PER_EMPLOYER and kept < limit
        kept += keep
        want.append(keep)
    assert got == want


@pytest.mark.parametrize("dtype", ["str", object])
def test_school_and_year_are_the_whole_column_rule(dtype: object) -> None:
    """``_school_years`` (once per distinct pair) gives what the whole-column steps gave."""
    rng = np.random.default_rng(5)
    schools = ["UBC", " UBC ", "", None, "École Polytechnique", "  "]
    years = [2019, None, 2019.0, -1, "2021", np.nan]
    n = 80
    frame = pd.DataFrame(
        {
            "school": pd.Series([schools[i] for i in rng.integers(len(schools), size=n)],
                                dtype=dtype),
            "grad_year": pd.Series([years[i] for i in rng.integers(len(years), size=n)],
                                   dtype=object),
        },
        index=np.arange(n) * 3 + 2,
    )  # fmt: skip
    for grad in (frame["grad_year"], pd.to_numeric(frame["grad_year"]).astype("Int64")):
        f = frame.assign(grad_year=grad)
        year = pd.to_numeric(f["grad_year"], errors="coerce").astype("Int64").astype("string")
        want = (_text(f["school"]) + " " + year.fillna("")).str.strip()
        pd.testing.assert_series_equal(_school_years(f), want, check_exact=True)


RECORD_IDS = ["manual:1", " manual:2 ", "alumni:2", "alumni:3;manual:4", "MANUAL:5", "manual", "",
              " ", None, "\u3000manual:6\u3000"]  # fmt: skip


@pytest.mark.parametrize("dtype", ["str", object])
def test_added_by_hand_is_the_stripped_text_rule(dtype: object) -> None:
    rng = np.random.default_rng(11)
    ids = pd.Series(rng.choice(np.array(RECORD_IDS, dtype=object), 300), dtype=dtype)
    ids.index = np.arange(300) * 2 + 1
    want = _text(ids).str.contains("manual:", regex=False)
    pd.testing.assert_series_equal(added_by_hand(ids), want)


@pytest.mark.parametrize("seed", range(12))
def test_ordered_is_the_stable_sort_by_rank(seed: int) -> None:
    """In order or not, with ties and missing ranks anywhere: what the stable sort gives."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 30))
    ranks = np.sort(rng.integers(1, 10, n)).astype(float) if seed % 2 else rng.integers(1, 10, n)
    ranks = ranks.astype(float)
    if seed % 4 != 2:  # (2: none missing, not in order)
        ranks[rng.random(n) < 0.2] = np.nan
    if seed % 4 == 1:  # in order, missing ones last
        ranks = np.concatenate([np.sort(ranks[~np.isnan(ranks)]), ranks[np.isnan(ranks)]])
    frame = pd.DataFrame({"rank": pd.array(ranks, dtype="Float64").fillna(pd.NA) if seed % 3
                          else ranks, "x": np.arange(n)}, index=np.arange(n) * 3)  # fmt: skip
    for c in (c for c in schema.RANKED if c not in frame):
        frame[c] = None
    want = frame.sort_values("rank", kind="stable", na_position="last").reset_index(drop=True)
    pd.testing.assert_frame_equal(ordered(frame), want)
