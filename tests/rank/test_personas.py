"""The ranking holds for every kind of user: the four labelled personas of
fixtures/ranking/personas/ (README.md there has the grading rules)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from benchmarks.eval_rank import PERSONAS, persona_table
from pipeline.rank.context import context
from pipeline.rank.score import active_weights
from pipeline.settings import from_dict


@pytest.mark.parametrize(("who", "folder"), PERSONAS[1:], ids=lambda v: getattr(v, "name", ""))
def test_persona_ranking_reaches_the_bar_and_beats_the_baselines(who, folder):
    table, labels = persona_table(folder)
    assert len(labels) == len(pd.read_csv(folder / "labels.csv"))  # everyone found by name
    table = table.set_index("method")
    ours = table.loc["ranking", "ndcg_at_10"]
    assert ours >= 0.90, who
    for baseline in ("random order", "most recent connection first", "company match only"):
        assert ours >= table.loc[baseline, "ndcg_at_10"] + 0.25, (who, baseline)


def test_a_user_changing_field_is_at_the_start_of_the_new_one():
    today = date(2026, 11, 28)
    settled = context(from_dict({"me": {"grad_year": 2016}}), None, None, today)
    switching = context(
        from_dict({"me": {"grad_year": 2016, "field_start": 2026}}), None, None, today
    )
    assert settled.my_career_years == pytest.approx(10 + 5 / 12)
    assert switching.my_career_years == pytest.approx(5 / 12)


def test_industries_take_the_employer_weight_when_no_company_is_targeted():
    today = date(2026, 11, 28)
    by_industry = context(from_dict({"targets": {"industries": ["fintech"]}}), None, None, today)
    both = context(
        from_dict({"targets": {"industries": ["fintech"], "companies": ["TD"]}}), None, None, today
    )
    assert active_weights(by_industry)["industry_fit"] == pytest.approx(0.35)
    assert active_weights(by_industry)["company_fit"] == 0.0
    assert active_weights(both)["industry_fit"] == pytest.approx(0.10)
