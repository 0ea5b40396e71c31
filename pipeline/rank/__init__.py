"""rank: Prospects -> Ranked, each feature a declared signal with a weight, explained."""

from __future__ import annotations

import pandas as pd

from pipeline import schema
from pipeline.rank.features import FEATURES, Context, years_ahead
from pipeline.rank.intros import intro_paths
from pipeline.rank.score import active_weights, diversify, excluded, weighted_score
from pipeline.rank.words import opener, why

__all__ = ["Context", "rank"]


def rank(prospects: pd.DataFrame, ctx: Context) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(Ranked frame, filtered-out prospects with their reason).

    ``prospects`` has the schema.PROSPECTS columns (plus career_years_sd, company_parent and
    title_clean from normalize). Ranked adds years_ahead, one column per feature in [0, 1], an
    ``<feature>_evidence`` text column each, score, rank (1 = best), why, intro_via and opener.
    """
    schema.check(prospects, schema.PROSPECTS, "Prospects")
    settings = ctx.settings
    p = prospects.copy()
    p["intro_via"] = intro_paths(p)
    p["years_ahead"] = years_ahead(p, ctx)
    for name, feature in FEATURES.items():
        value, evidence = feature(p, ctx)
        p[name] = pd.Series(value, index=p.index).astype(float).round(3)
        p[f"{name}_evidence"] = evidence
    weights = active_weights(settings, bool(ctx.target_roles), not ctx.target_companies.empty)
    p["score"] = weighted_score(p, weights)
    reason = excluded(p, settings)
    reason[(p["score"] < settings.output.min_score).to_numpy() & (reason == "").to_numpy()] = (
        "below the minimum score"
    )
    dropped = p.loc[reason != ""].assign(filtered_because=reason[reason != ""])
    kept = diversify(p.loc[reason == ""], settings.output.max_per_company)
    kept["rank"] = range(1, len(kept) + 1)
    kept["why"] = why(kept)
    school = ctx.settings.me.schools[0] if ctx.settings.me.schools else ""
    kept["opener"] = opener(kept, school, ctx.i_am_student)
    ordered = [*schema.RANKED, *(c for c in kept.columns if c not in schema.RANKED)]
    ranked = kept.reindex(columns=ordered).reset_index(drop=True)
    return schema.check(ranked, schema.RANKED, "Ranked"), dropped.reset_index(drop=True)
