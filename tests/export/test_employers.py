"""The Employers sheet (``overview.employers``) counts per employer what a row-by-row count
gives, and its planning sheets read only the columns they need (``intro_paths``)."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from pipeline.export.overview import STAGES, employers, intro_paths

COLUMNS = ["company_key", "company", "seniority", "is_alum", "is_connection", "full_name", "rank"]


def _oracle(rows: list[dict]) -> list[tuple]:
    """One tuple per employer, row by row, in the LAMP order (no targets: Alumni, then
    Prospects, most first; then the employer's name; then the key)."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        key = row["company_key"]
        if isinstance(key, str) and key.strip():
            groups.setdefault(key, []).append(row)
    out = []
    for key in sorted(groups):
        people = groups[key]
        names = Counter(p["company"] for p in people)
        employer = min(names, key=lambda name: (-names[name], name))
        stage = Counter(
            next((s for s, levels in STAGES.items() if p["seniority"] in levels), "Unknown")
            for p in people
        )
        by_rank = sorted(people, key=lambda p: p["rank"])
        best = next((p["full_name"] for p in by_rank if p["full_name"] is not None), None)
        alumni = sum(p["is_alum"] is True for p in people)
        out.append(
            (employer, alumni, sum(p["is_connection"] is True for p in people), len(people),
             *(stage[s] for s in [*STAGES, "Unknown"]), best, by_rank[0]["rank"])
        )  # fmt: skip
    return sorted(out, key=lambda t: (-t[1], -t[3], t[0]))  # stable: keys stay in order


def _ranked(rows: list[list[object]]) -> pd.DataFrame:
    text = {c: "str" for c in ("company_key", "company", "seniority", "full_name")}
    return pd.DataFrame(rows, columns=COLUMNS).astype(text)


def _rows(frame: pd.DataFrame) -> list[tuple]:
    order = ["Employer", "Alumni", "Connections", "Prospects", *STAGES, "Unknown",
             "Best contact", "Their rank"]  # fmt: skip
    return [tuple(None if v is None or (isinstance(v, float) and math.isnan(v)) else v
                  for v in row) for row in frame[order].itertuples(index=False)]  # fmt: skip


@pytest.mark.parametrize("seed", range(8))
def test_employers_counts_what_a_row_by_row_count_gives(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 60))
    keys = ["acme", "zeta", "éclair", "", "  ", None, "b"]
    levels = ["Entry", "Senior", "Director", "Owner", "Unpaid", None, "Other"]
    rows = [
        {
            "company_key": keys[rng.integers(len(keys))],
            "company": ["Acme", "ACME", "Zéta", "b"][rng.integers(4)],
            "seniority": levels[rng.integers(len(levels))],
            "is_alum": bool(rng.integers(2)),
            "is_connection": bool(rng.integers(2)),
            "full_name": [None, "Ada Park", "Ngọc Lê", "=1+1"][rng.integers(4)],
            "rank": int(rng.integers(1, 20)),  # duplicates: the first in order wins
            "other": "not read",
        }
        for _ in range(n)
    ]
    ranked = pd.DataFrame(rows, columns=[*COLUMNS, "other"]).astype(
        {c: "str" for c in ("company_key", "company", "seniority", "full_name")}
    )
    ranked["rank"] = ranked["rank"].astype(object)
    frame = employers(ranked, None)
    assert _rows(frame) == _oracle(rows)
    assert frame["Motivation"].isna().all() and frame["Posting"].isna().all()


def test_a_target_without_prospects_is_listed_first_with_zero_counts() -> None:
    ranked = _ranked([["acme", "Acme", "Entry", True, False, "Ada Park", 1]])
    targets = pd.DataFrame(
        {"employer": ["Zeta Corp"], "motivation": [3], "posting": [1], "key": ["zeta"]}
    )
    frame = employers(ranked, targets)
    assert frame["Employer"].tolist() == ["Zeta Corp", "Acme"]
    assert frame["Prospects"].tolist() == [0, 1]
    assert frame["Early career"].tolist() == [0, 1]
    assert frame["Their rank"].iloc[1] == 1


def test_intro_paths_one_row_per_introducer() -> None:
    everyone = pd.DataFrame(
        {
            "full_name": ["Bo Li", "Ada Park"],
            "company": ["Acme", "Zeta"],
            "title": ["Engineer", ""],
            "is_connection": [True, True],
            "is_alum": [True, False],
            "intro_via": ["", ""],
            "rank": [2, 3],
            "other": ["x", "y"],
        }
    )
    shown = pd.DataFrame(
        {"full_name": ["Cy Ng", "Di Wu"], "title": ["CTO", "VP"], "company": ["Q", "R"],
         "intro_via": ["Bo Li (Acme); Ada Park (Zeta)", None], "rank": [1, 4],
         "is_connection": [False, False], "is_alum": [False, False]}
    )  # fmt: skip
    frame = intro_paths(shown, everyone)
    assert frame["Prospect"].tolist() == ["Cy Ng", "Cy Ng"]
    assert frame["Their relation"].tolist() == [
        "1st-degree connection, alum, Engineer",
        "1st-degree connection",
    ]


def test_employers_tied_on_everything_keep_the_order_of_their_keys() -> None:
    ranked = _ranked([["zeta", "Same", "Entry", False, False, "Zed", 1],
                      ["acme", "Same", "Entry", False, False, "Abe", 2]])  # fmt: skip
    assert employers(ranked, None)["Best contact"].tolist() == ["Abe", "Zed"]
