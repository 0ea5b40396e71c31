"""Candidate generation by indexes: the rows a brute-force filter finds, and no more."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from pipeline.batch.candidates import Index, _grouped, _take, band_of
from pipeline.batch.dataset import Prepared
from pipeline.normalize.titles import role_family
from pipeline.rank.context import context
from pipeline.settings import from_dict

FAMILIES = ("Data science & ML", "Product management", "Software engineering", "Unknown")
KEYS = ("shopify", "google", "rbc", "acme", "")


def prepared(n: int, seed: int = 3) -> Prepared:
    """n prospects with random employer keys, parents, role families and class years."""
    rng = np.random.default_rng(seed)
    years = pd.array(rng.integers(1990, 2027, n), dtype="Int64")
    years[rng.random(n) < 0.1] = pd.NA
    prospects = pd.DataFrame(
        {
            "prospect_id": [f"p{i}" for i in range(n)],
            "company_key": rng.choice(KEYS, n),
            "company_parent": rng.choice(["", "", "", "alphabet"], n),
            "role_family": rng.choice(FAMILIES, n),
            "grad_year": years,
        }
    )
    records = pd.DataFrame(
        {
            "prospect_id": np.r_[prospects["prospect_id"], prospects["prospect_id"][:5]],
            "source_file": "a.csv",
            "source_row": np.arange(n + 5) + 2,
        }
    )
    matches = pd.DataFrame(
        {"left_file": ["a.csv"], "left_row": [2], "right_file": ["a.csv"], "right_row": [n + 2]}
    )
    return Prepared(
        path=None, records=records, prospects=prospects, matches=matches,
        ledger=pd.DataFrame(), reports=(), sources=(), prepared_on=date(2026, 1, 1),
        raw_columns=(),
    )  # fmt: skip


def ctx_for(grad_year: int, roles=(), companies=()):
    settings = from_dict(
        {"me": {"grad_year": grad_year}, "targets": {"roles": list(roles),
                                                     "companies": list(companies)}}
    )  # fmt: skip
    return context(settings, None, None, date(2026, 11, 28))


def brute_force(p: pd.DataFrame, ctx) -> set[int]:
    keys = set(ctx.target_companies["key"])
    families = {role_family(r) for r in ctx.target_roles} - {"Unknown"}
    t = ctx.settings.targets
    lo, hi = band_of(ctx.my_grad_year, t.years_ahead, t.years_tolerance)
    years = p["grad_year"].astype("Float64")
    at = p["company_key"].isin(keys) | p["company_parent"].isin(keys)
    fam = (
        p["role_family"].isin(families) & (years >= lo).fillna(False) & (years <= hi).fillna(False)
    )
    return set(np.flatnonzero((at | fam).to_numpy()))


@pytest.mark.parametrize(
    ("roles", "companies"),
    [(("data scientist",), ("Shopify",)), (("product manager", "software engineer"), ()),
     ((), ("Google", "RBC")), (("zookeeper",), ("Nonexistent",)), ((), ("Alphabet",))],
)  # fmt: skip
def test_index_finds_exactly_what_a_scan_would(roles, companies):
    d = prepared(3000)
    ctx = ctx_for(2024, roles, companies)
    found = Index.of(d).candidates(ctx, budget=10**9)
    assert set(found.tolist()) == brute_force(d.prospects, ctx)
    assert (np.diff(found) > 0).all()


def test_budget_keeps_the_target_employer_and_the_nearest_years():
    d = prepared(3000)
    ctx = ctx_for(2024, ("data scientist",), ("Shopify",))
    index = Index.of(d)
    full = index.candidates(ctx, budget=10**9)
    capped = index.candidates(ctx, budget=700)
    assert len(capped) == 700 and set(capped) <= set(full)
    at_shopify = set(np.flatnonzero(d.prospects["company_key"].eq("shopify").to_numpy()))
    assert at_shopify <= set(capped)  # employers first
    years = d.prospects["grad_year"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    rest = sorted(set(capped) - at_shopify)
    dropped = sorted(set(full) - set(capped))
    target = 2024 - 5
    assert np.nanmax(np.abs(years[rest] - target)) <= np.nanmin(np.abs(years[dropped] - target))


def test_candidates_do_not_grow_with_people_who_match_nothing():
    small = prepared(2000)
    filler = prepared(50_000, seed=9).prospects.assign(company_key="", company_parent="",
                                                       role_family="Unknown")  # fmt: skip
    filler["prospect_id"] = "f" + filler["prospect_id"]
    big = replace(small, prospects=pd.concat([small.prospects, filler], ignore_index=True))
    ctx = ctx_for(2024, ("data scientist",), ("Shopify",))
    a, b = Index.of(small).candidates(ctx), Index.of(big).candidates(ctx)
    assert a.tolist() == b.tolist()


def test_records_and_matches_of_chosen_prospects():
    d = prepared(50)
    index = Index.of(d)
    assert sorted(index.records_of(np.array([0, 3, 7])).tolist()) == [0, 3, 7, 50, 53]
    assert index.matches_of(np.array([0])).tolist() == [0]  # rows 2 and 52: both prospect 0
    assert index.matches_of(np.array([1, 2])).tolist() == []


def test_take_matches_a_loop_on_random_groups():
    rng = np.random.default_rng(1)
    for _ in range(300):
        n = int(rng.integers(1, 8))
        owner = rng.integers(0, n, int(rng.integers(0, 12)))
        items = np.arange(len(owner)) * 10
        rows = rng.integers(0, n, int(rng.integers(0, 5)))
        expected = [i for r in rows for i in items[owner == r]]
        assert _take(_grouped(owner, items, n), rows).tolist() == expected


def test_band_of_unknown_year_is_none():
    assert band_of(None, 5, 3) is None and band_of(2026, 5, 3) == (2015.0, 2027.0)
