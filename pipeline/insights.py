"""Summaries of a run for the notebooks: the user's network at a glance.

Pure functions over the frames of a pipeline.run.Result; the notebooks only plot what these
return, so the logic lives (and is tested) here.
"""

from __future__ import annotations

import pandas as pd

from pipeline.schema import SENIORITY_LEVELS


def by_employer(prospects: pd.DataFrame, who: str = "connections", top: int = 15) -> pd.Series:
    """People per employer (cleaned company name), largest first; ``who`` is "connections",
    "alumni" or "all". Unknown employers and placeholders are left out.

    ``prospects`` needs company, company_key, is_connection and is_alum.
    """
    mask = {
        "connections": prospects["is_connection"],
        "alumni": prospects["is_alum"],
        "all": pd.Series(True, index=prospects.index),
    }[who]
    known = prospects[mask.astype(bool) & (prospects["company_key"] != "")]
    label = known.get("company_clean", known["company"]).where(lambda s: s != "", known["company"])
    counts = label.groupby(known["company_key"]).agg(["first", "size"])
    counts = counts.set_index("first")["size"].rename_axis("employer").rename("people")
    return counts.sort_values(ascending=False).head(top)


def seniority_counts(prospects: pd.DataFrame, connections_only: bool = True) -> pd.Series:
    """People per seniority level in LinkedIn's order, then Unknown."""
    frame = prospects[prospects["is_connection"]] if connections_only else prospects
    order = [*SENIORITY_LEVELS, "Unknown"]
    counts = frame["seniority"].replace("", "Unknown").value_counts()
    return counts.reindex(order, fill_value=0).rename("people")


def role_family_counts(prospects: pd.DataFrame, connections_only: bool = True) -> pd.Series:
    """People per role family, largest first, Unknown included."""
    frame = prospects[prospects["is_connection"]] if connections_only else prospects
    return frame["role_family"].replace("", "Unknown").value_counts().rename("people")


def years_ahead(ranked: pd.DataFrame, connections_only: bool = False) -> pd.Series:
    """Years ahead of the user of each ranked person with a known stage."""
    frame = ranked[ranked["is_connection"]] if connections_only else ranked
    return frame["years_ahead"].dropna().astype(float)


def intro_opportunities(ranked: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    """Employers where people who are not yet connections can be reached through an introduction:
    employer, how many such people, and how many of the user's connections work there."""
    reachable = ranked[~ranked["is_connection"] & (ranked["intro_via"] != "")]
    connections = ranked[ranked["is_connection"]].groupby("company_key").size()
    out = reachable.groupby("company_key").agg(
        employer=("company_clean" if "company_clean" in ranked else "company", "first"),
        reachable=("prospect_id", "size"),
    )
    out["introducers"] = connections.reindex(out.index).fillna(0).astype(int)
    out = out.sort_values(["reachable", "introducers"], ascending=False)
    return out.head(top).reset_index(drop=True)
