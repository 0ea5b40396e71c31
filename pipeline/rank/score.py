"""Score, filter, diversify: the weighted mean of the features, then the ranked order."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.normalize.companies import company_key
from pipeline.settings import Settings


def active_weights(settings: Settings, has_roles: bool, has_companies: bool) -> dict[str, float]:
    """Weights of the features that carry information: without target roles (companies), role
    fit (company fit) would be 0 for everyone and only dilute the score."""
    weights = {k: float(v) for k, v in vars(settings.weights).items()}
    if not has_roles:
        weights["role_fit"] = 0.0
    if not has_companies:
        weights["company_fit"] = 0.0
    return weights


def weighted_score(features: pd.DataFrame, weights: dict[str, float]) -> np.ndarray:
    """Weighted mean of the feature columns, in [0, 1]."""
    total = sum(weights.values()) or 1.0
    score = sum(features[name].to_numpy() * w for name, w in weights.items() if w)
    return np.round(np.asarray(score, dtype=float) / total, 4) if len(features) else np.array([])


def excluded(prospects: pd.DataFrame, settings: Settings) -> pd.Series:
    """Why each prospect is filtered out ("" when kept): excluded employer or role family."""
    t = settings.targets
    keys = {company_key(c) for c in t.exclude_companies} - {""}
    reason = pd.Series("", index=prospects.index, dtype="str")
    at_excluded = prospects["company_key"].isin(keys) | prospects["company_parent"].isin(keys)
    reason[at_excluded.to_numpy()] = "excluded employer"
    families = {f.lower() for f in t.exclude_role_families}
    in_family = prospects["role_family"].str.lower().isin(families).to_numpy()
    reason[in_family & (reason == "").to_numpy()] = "excluded role family"
    return reason


def diversify(ranked: pd.DataFrame, max_per_company: int) -> pd.DataFrame:
    """Order by score, but at most ``max_per_company`` people per employer before everyone else
    (the LAMP habit: a few contacts at each of the top employers). Unknown employers are not
    capped. ``ranked`` needs score and company_key."""
    ordered = ranked.sort_values(["score", "prospect_id"], ascending=[False, True], kind="stable")
    nth = ordered.groupby("company_key").cumcount().to_numpy()
    over = (nth >= max_per_company) & (ordered["company_key"] != "").to_numpy()
    return pd.concat([ordered[~over], ordered[over]])
