"""Introduction paths: the user's 1st-degree connections who work, or worked, at a prospect's
employer and could introduce them ("you have a mutual connection, ask them to introduce you")."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.normalize.companies import company_keys
from pipeline.text.arrow_text import STR, object_array, taken_series

MAX_INTROS = 3


def _text(series: pd.Series) -> pd.Series:
    if series.dtype == "str":  # already text: Arrow fills the gaps (no round trip via objects)
        return series.fillna("")
    return series.astype("object").where(series.notna(), "").astype(STR)


def introducers(
    prospects: pd.DataFrame, company_aliases: dict[str, str] | None = None
) -> pd.DataFrame:
    """Every (employer key, connection) tie: connections at their current employer, and at past
    employers named in their headline (past_companies, "|"-joined). Columns company_key,
    prospect_id, label ("Name (Company)" or "Name (formerly Company)"), current, is_alum,
    career_years."""
    # The few columns read here, then the connections' rows: not every column of a wide frame.
    used = ["prospect_id", "full_name", "company", "company_clean", "company_key"]
    used += ["past_companies", "is_alum", "career_years"]
    wanted = [c for c in used if c in prospects.columns]
    conn = prospects[wanted][prospects["is_connection"].astype(bool).to_numpy()]
    name = _text(conn["full_name"])
    current = pd.DataFrame(
        {
            "company_key": _text(conn["company_key"]),
            "prospect_id": conn["prospect_id"],
            "label": name + " (" + _text(conn.get("company_clean", conn["company"])) + ")",
            "current": True,
        }
    )
    past_names = _text(conn["past_companies"]) if "past_companies" in conn else name.iloc[:0]
    exploded = past_names.str.split("|").explode().str.strip()
    exploded = exploded[exploded.fillna("") != ""].astype(STR)
    keys = company_keys(exploded, company_aliases or {})["company_key"]
    past = pd.DataFrame(
        {
            "company_key": keys,
            "prospect_id": conn.loc[exploded.index, "prospect_id"],
            "label": name.loc[exploded.index] + " (formerly " + exploded + ")",
            "current": False,
        }
    )
    ties = pd.concat([current, past], ignore_index=True)
    ties = ties[ties["company_key"] != ""]
    about = conn.set_index("prospect_id")[["is_alum", "career_years"]]
    ties = ties.join(about, on="prospect_id")
    return ties.drop_duplicates(["company_key", "prospect_id"]).reset_index(drop=True)


def intro_paths(
    prospects: pd.DataFrame,
    max_names: int = MAX_INTROS,
    company_aliases: dict[str, str] | None = None,
) -> pd.Series:
    """For each prospect who is not a 1st-degree connection, up to ``max_names`` connections who
    work or worked at the same employer, best first: current colleagues before former ones,
    alumni before others, the more experienced first, as "Name (Company); Name (formerly Co)".
    Empty for connections and unknown employers.

    ``prospects`` needs prospect_id, full_name, company, company_key, is_connection, is_alum,
    career_years (and past_companies, company_clean when normalize gave them).

    >>> p = pd.DataFrame({"prospect_id": ["a", "b"], "full_name": ["Al Li", "Bo Wu"],
    ...     "company": ["Acme", "Acme"], "company_key": ["acme", "acme"],
    ...     "is_connection": [True, False], "is_alum": [False, False], "career_years": [3.0, 5.0]})
    >>> intro_paths(p).tolist()
    ['', 'Al Li (Acme)']
    """
    ties = introducers(prospects, company_aliases)
    # Ties were deduplicated keeping the first: sort first so a current tie beats a past one.
    ties = ties.sort_values(
        ["company_key", "current", "is_alum", "career_years", "label"],
        ascending=[True, False, False, False, True],
        na_position="last",
        kind="stable",
    )
    # Who introduces never depends on who is introduced (connections are never targets here),
    # so the best few per employer are chosen once and mapped: no employer x people blow-up.
    best = ties.groupby("company_key", sort=False).head(max_names)
    names = best.groupby("company_key", sort=False)["label"].agg("; ".join)
    others = ~prospects["is_connection"].astype(bool).to_numpy()
    # Looked up once per distinct employer key; connections and unknown employers get "".
    keys = prospects["company_key"]
    codes, distinct = pd.factorize(keys)
    paths = [*(names.get(str(k), "") for k in distinct), ""]
    which = np.where(others & (codes >= 0), codes, len(paths) - 1)
    return taken_series(object_array(paths), which, prospects.index).rename(keys.name)
