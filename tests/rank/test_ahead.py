"""Years ahead of the user: worked out once, by rank, from the user's own career start."""

import numpy as np
import pandas as pd
import pytest

from pipeline.normalize import normalize
from pipeline.rank import score_features
from pipeline.rank.ahead import AHEAD_COLUMNS, years_ahead
from pipeline.rank.context import context
from pipeline.settings import from_dict


def test_years_ahead_carries_source_and_combined_uncertainty():
    stage = pd.DataFrame(
        {
            "career_years": [7.4, 14.0, np.nan],
            "career_years_sd": [1.0, 5.0, np.nan],
            "career_years_source": ["grad_year", "title prior", "unknown"],
        },
        index=[5, 6, 7],
    )
    out = years_ahead(stage, 2.4)
    assert out.index.tolist() == [5, 6, 7]
    assert out["years_ahead"].tolist()[:2] == pytest.approx([5.0, 11.6])
    assert np.isnan(out["years_ahead"].iloc[2])
    assert out["years_ahead_source"].tolist() == ["grad_year", "title prior", "unknown"]
    assert out["years_ahead_sd"].iloc[0] == pytest.approx(np.sqrt(2), abs=0.01)
    for mine in (None, float("nan")):
        unknown = years_ahead(stage, mine)
        assert unknown["years_ahead_source"].tolist() == ["unknown"] * 3
        assert unknown["years_ahead"].isna().all()


@pytest.fixture
def prospects(people, today):
    """An alum of 2016 and a Director with no year, as normalize and link hand them to rank."""
    frame = people(
        {"first_name": "A", "last_name": "B", "grad_year": 2016, "source": "alumni"},
        {"first_name": "C", "last_name": "D", "title": "Director"},
    )
    p = normalize(frame, from_dict({"me": {"grad_year": 2021}}), today)
    return p.assign(
        prospect_id=["a", "c"], is_connection=[False, True], is_alum=[True, False],
        record_ids=p["record_id"], match_confidence=1.0,
    )  # fmt: skip


def test_normalize_leaves_years_ahead_to_rank(prospects):
    # Normalize knows nothing of the user, whatever the settings say about them.
    assert not set(AHEAD_COLUMNS) & set(prospects.columns)


def test_rank_counts_years_ahead_from_the_users_own_graduation(prospects, today):
    ctx = context(from_dict({"me": {"grad_year": 2021}}), None, None, today)
    out = score_features(prospects, ctx)
    assert out["years_ahead"].iloc[0] == pytest.approx(5.0)  # my grad year - theirs
    assert out["years_ahead_source"].tolist() == ["grad_year", "title prior"]
    assert out["years_ahead_sd"].iloc[0] < out["years_ahead_sd"].iloc[1]
    unknown = score_features(prospects, context(from_dict({}), None, None, today))
    assert np.isnan(unknown["years_ahead"]).all()
    assert set(unknown["years_ahead_source"]) == {"unknown"}


def test_changing_field_counts_from_the_field_start_and_moves_stage_fit(prospects, today):
    settings = {"me": {"grad_year": 2016}, "targets": {"years_ahead": 5}}
    peers = score_features(prospects, context(from_dict(settings), None, None, today))
    settings["me"]["field_start"] = 2021  # a career changer is behind everyone in the new field
    changed = score_features(prospects, context(from_dict(settings), None, None, today))
    assert peers["years_ahead"].iloc[0] == pytest.approx(0.0)
    assert changed["years_ahead"].iloc[0] == pytest.approx(5.0)
    # stage_fit reads the same years_ahead: 5 ahead is the sweet spot, 0 ahead is not.
    assert changed["stage_fit"].iloc[0] == pytest.approx(1.0)
    assert peers["stage_fit"].iloc[0] < changed["stage_fit"].iloc[0]
