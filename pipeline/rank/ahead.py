"""Years ahead of the user: the one place the user's own career stage meets the prospects'.

Normalize measures each person's career (``career_years`` and its uncertainty, from
``pipeline.normalize.stage``); how far ahead of *this user* they are depends on the user (their
first graduation, ``[me] career_start`` or ``[me] field_start``, see ``rank.context``), so rank
works it out, once, in ``score_features``. See docs/architecture.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.text.arrow_text import STR, text_array

__all__ = ["AHEAD_COLUMNS", "MY_SD", "years_ahead"]

MY_SD = 1.0  # the user's own start year, from their settings or archive
AHEAD_COLUMNS = ("years_ahead", "years_ahead_sd", "years_ahead_source")


def years_ahead(stage: pd.DataFrame, my_career_years: float | None) -> pd.DataFrame:
    """Columns years_ahead, years_ahead_sd, years_ahead_source: how far ahead of the user.

    ``stage`` has career_years, career_years_sd and career_years_source (``career_stage``);
    ``my_career_years`` is the user's own (``Context.my_career_years``), or None when unknown,
    which leaves every row NaN with the source "unknown". When both sides come from graduation
    years this is exactly "my grad year − their grad year".

    >>> s = pd.DataFrame({"career_years": [7.4], "career_years_sd": [1.0],
    ...                   "career_years_source": ["grad_year"]})
    >>> years_ahead(s, 2.4)["years_ahead"].tolist()
    [5.0]
    """
    years = stage["career_years"].to_numpy(dtype=float)
    if my_career_years is None or np.isnan(my_career_years):
        return pd.DataFrame(
            {
                "years_ahead": np.full(len(stage), np.nan),
                "years_ahead_sd": np.full(len(stage), np.nan),
                "years_ahead_source": text_array(["unknown"] * len(stage)),
            },
            index=stage.index,
        )
    # A frame without the estimate's spread (a hand-made one) counts it as unknown, not as 0.
    theirs = (
        stage["career_years_sd"].to_numpy(dtype=float)
        if "career_years_sd" in stage
        else np.full(len(stage), np.nan)
    )
    # Arrow text stays Arrow text (its values are the source's own), never a million objects.
    source = (
        stage["career_years_source"].astype(STR).array
        if "career_years_source" in stage
        else text_array(np.full(len(stage), "unknown", dtype=object))
    )
    return pd.DataFrame(
        {
            "years_ahead": np.round(years - my_career_years, 1),
            "years_ahead_sd": np.round(np.sqrt(theirs**2 + MY_SD**2), 2),
            "years_ahead_source": source,
        },
        index=stage.index,
    )
