import pandas as pd
import pytest

from pipeline.link import score
from pipeline.link.tuning import borderline, threshold_curve, truth_positions
from pipeline.normalize import normalize
from pipeline.settings import Settings

ALUM = {"source": "alumni", "school": "University of Waterloo"}


@pytest.fixture
def scored(people, today):
    """Three connection/alumni pairs scored: a sure match, a likely one, and two strangers."""
    jane = {"first_name": "Jane", "last_name": "Doe", "linkedin_slug": "jd", "company": "Shopify"}
    frame = people(
        jane,
        {**ALUM, **jane},
        {"first_name": "Omar", "last_name": "Haddad", "company": "RBC"},
        {**ALUM, "first_name": "Omar", "last_name": "Haddad", "company": "Royal Bank of Canada"},
        {"first_name": "Lena", "last_name": "Park", "company": "Google"},
        {**ALUM, "first_name": "Lena", "last_name": "Parker", "company": "Deloitte"},
    )
    return score(normalize(frame, Settings(), today), Settings())


def test_truth_rows_map_to_positions_and_unknown_rows_drop(scored):
    s = scored
    truth = pd.DataFrame({"connections_row": [5, 7, 99], "alumni_row": [6, 8, 6]})
    assert truth_positions(s.frame, truth).values.tolist() == [[0, 1], [2, 3]]


def test_threshold_curve_trades_recall_for_precision(scored):
    s = scored
    truth = pd.DataFrame({"left": [0, 2], "right": [1, 3]})
    curve = threshold_curve(s, truth, thresholds=[0.0, 0.5, 0.999999])
    assert list(curve.columns) == ["threshold", "precision", "recall", "f1", "links"]
    assert curve["recall"].iloc[0] == 1.0  # everything proposed at threshold 0
    assert curve["links"].is_monotonic_decreasing
    assert (curve["precision"].between(0, 1)).all()


def test_borderline_shows_both_names_and_the_evidence(scored):
    s = scored
    near = borderline(s, 0.0, 1.01)
    assert {"left_name", "right_name", "probability", "name", "name weight"} <= set(near.columns)
    assert len(near) == len(s.pairs)
