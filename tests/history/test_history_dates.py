"""The user's date cells as the history keeps them (``entry._iso``): whatever a previous
workbook holds in Contacted on / Follow up on, a date or nothing, never an exception."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from pipeline.history.entry import _iso


@pytest.mark.parametrize(
    ("cell", "kept"),
    [
        (dt.datetime(2026, 5, 1, 9, 30), "2026-05-01"),
        (dt.date(2026, 5, 1), "2026-05-01"),
        (pd.Timestamp("2026-05-01"), "2026-05-01"),
        (" 2026-05-01 ", "2026-05-01"),
        (pd.NaT, None),  # a missing date read into a datetime column
        (np.datetime64("NaT"), None),
        (None, None),
        (float("nan"), None),
        ("", None),
        ("soon", None),
        ('=IF(C2="","",C2+14)', None),  # our own formula, not a date the user typed
        (45_000, None),
    ],
)
def test_a_date_cell_is_a_day_or_nothing(cell: object, kept: str | None) -> None:
    assert _iso(cell) == kept
