"""rank: Prospects -> Ranked, each feature a declared signal with a weight, explained.

``rank`` scores and orders; ``explain`` shows one person's score feature by feature;
``evaluate`` measures a ranking against graded relevance labels; ``learn`` fits weights from the
user's own Interested column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline import schema
from pipeline.normalize.levels import relevel
from pipeline.normalize.titles import rules_from_settings
from pipeline.rank.ahead import years_ahead
from pipeline.rank.context import Context, context
from pipeline.rank.evaluate import evaluate
from pipeline.rank.features import FEATURES
from pipeline.rank.intros import intro_paths
from pipeline.rank.score import (
    active_weights,
    contributions,
    diversified_order,
    excluded,
    score_of,
)
from pipeline.rank.words import Memo, opener, why
from pipeline.text.arrow_text import take_rows

__all__ = ["Context", "context", "evaluate", "rank", "score_features"]


def score_features(prospects: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """Prospects plus intro_via, years_ahead (with years_ahead_sd and years_ahead_source), each
    feature and its ``<feature>_evidence``, score.

    Nothing is filtered or ordered: ``rank`` does that. ``prospects`` has schema.PROSPECTS.
    The career level is estimated again first: a linked person has the LinkedIn title and the
    alumni list's class year together only now (``levels.relevel``). Years ahead of the user
    are worked out here and nowhere else (``rank.ahead``); stage_fit reads them.
    """
    return _scored(prospects, ctx)[0]


def _scored(prospects: pd.DataFrame, ctx: Context) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(``score_features``, each feature's share of the score: ``contributions``), the shares
    worked out once for the score and for ``why``'s order."""
    p = relevel(
        prospects, rules_from_settings(ctx.settings.normalize.seniority_rules), today=ctx.today
    )
    p["intro_via"] = intro_paths(p, company_aliases=ctx.settings.normalize.company_aliases)
    ahead = years_ahead(p, ctx.my_career_years)
    for column in ahead.columns:
        p[column] = ahead[column]
    for name, signal in FEATURES.items():
        value, evidence = signal.compute(p, ctx)
        p[name] = pd.Series(value, index=p.index).astype(float).round(3)
        p[f"{name}_evidence"] = evidence
    shares = contributions(p, active_weights(ctx))
    p["score"] = score_of(shares)  # weighted_score, the shares kept for why
    return p, shares


def rank(prospects: pd.DataFrame, ctx: Context) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(Ranked frame, filtered-out prospects with their reason in ``filtered_because``).

    ``prospects`` has the schema.PROSPECTS columns (plus career_years_sd, company_parent,
    company_clean, title_clean and past_companies from normalize). Ranked adds years_ahead, one
    column per feature in [0, 1] (NaN = unknown, left out of the score), an ``<feature>_evidence``
    text column each, score, rank (1 = best), why, intro_via and opener.

    Usage (not run as a doctest: it needs a run's files or frames):

        ctx = context(settings, profile, None, today)
        ranked, dropped = rank(linked.prospects, ctx)
    """
    schema.check(prospects, schema.PROSPECTS, "Prospects")
    settings = ctx.settings
    p, shares = _scored(prospects, ctx)
    reason = excluded(p, settings, ctx.my_employer_keys)
    low = (p["score"] < settings.output.min_score).to_numpy() & (reason == "").to_numpy()
    reason[low] = "below the minimum score"
    out = (reason != "").to_numpy()
    dropped = take_rows(p, np.flatnonzero(out)).assign(filtered_because=reason[out])
    # One take of the wide frame: the kept rows straight into their ranked order.
    keep = np.flatnonzero(~out)
    order = diversified_order(
        p[["score", "prospect_id", "company_key"]].iloc[keep], settings.output.max_per_company
    )
    memo: Memo = {}  # the codes of the text columns taken through them, for why and opener
    kept = take_rows(p, keep[order], coded=memo)
    kept["rank"] = range(1, len(kept) + 1)
    kept["why"] = why(kept, shares.take(keep[order]), ctx.my_school, memo)
    kept["opener"] = opener(kept, ctx.my_school, ctx.i_am_student, memo)
    ordered = [*schema.RANKED, *(c for c in kept.columns if c not in schema.RANKED)]
    ranked = kept.reindex(columns=ordered).reset_index(drop=True)
    return schema.check(ranked, schema.RANKED, "Ranked"), dropped.reset_index(drop=True)
