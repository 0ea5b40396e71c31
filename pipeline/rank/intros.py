"""Introduction paths: the user's 1st-degree connections at a prospect's company."""

from __future__ import annotations

import pandas as pd

MAX_INTROS = 3


def intro_paths(prospects: pd.DataFrame, max_names: int = MAX_INTROS) -> pd.Series:
    """For each prospect who is not a 1st-degree connection, up to ``max_names`` connections at
    the same employer, best first (alumni among them first, then the more senior), as
    "Name (Company); Name (Company)". Empty for connections and unknown employers.

    ``prospects`` needs prospect_id, full_name, company, company_key, is_connection, is_alum,
    career_years.
    """
    conn = prospects[prospects["is_connection"] & (prospects["company_key"] != "")]
    conn = conn.assign(_alum=~conn["is_alum"], _years=-conn["career_years"].fillna(0))
    conn = conn.sort_values(["company_key", "_alum", "_years", "full_name"], kind="stable")
    label = conn["full_name"] + " (" + conn["company"] + ")"
    names = label.groupby(conn["company_key"]).agg(lambda s: list(s))
    # Connections at a company can introduce anyone else there; never themselves.
    out = pd.Series("", index=prospects.index, dtype="str")
    others = ~prospects["is_connection"].to_numpy() & (prospects["company_key"] != "").to_numpy()
    keys = prospects.loc[others, "company_key"]
    out.loc[others] = keys.map(lambda k: "; ".join(names.get(k, [])[:max_names])).astype("str")
    return out
