"""rank: Prospects -> Ranked, each feature a declared signal with a weight, explained.

``rank`` scores and orders; ``explain`` shows one person's score feature by feature;
``evaluate`` measures a ranking against graded relevance labels; ``learn`` fits weights from the
user's own Interested column.
"""

from __future__ import annotations

from concurrent.futures import Future

import numpy as np
import pandas as pd
import pyarrow as pa

from pipeline import schema, threads
from pipeline.normalize.levels import LEVEL_COLUMNS, relevel
from pipeline.normalize.titles import rules_from_settings
from pipeline.rank.ahead import AHEAD_COLUMNS, years_ahead
from pipeline.rank.context import Context, context
from pipeline.rank.evaluate import evaluate
from pipeline.rank.features import FEATURES
from pipeline.rank.intros import intro_paths
from pipeline.rank.score import (
    active_weights,
    contributions,
    diversified_order,
    excluded,
    id_places,
    score_of,
)
from pipeline.rank.words import READS, Memo, opener, why
from pipeline.text.arrow_text import (
    arrow_text,
    coded_rows,
    codes_at,
    encoded_columns,
    is_arrow_text,
    take_rows,
)

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


def _relevelled(prospects: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    rules = rules_from_settings(ctx.settings.normalize.seniority_rules)
    return relevel(prospects, rules, today=ctx.today)


def _scored(
    prospects: pd.DataFrame, ctx: Context, levels: Future[pd.DataFrame] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(``score_features``, each feature's share of the score: ``contributions``), the shares
    worked out once for the score and for ``why``'s order. ``levels``: ``_relevelled`` begun
    on another thread (made here otherwise); the features that do not read the level
    (``Signal.reads_level``) are worked out meanwhile, on ``prospects`` as they are."""
    if levels is None:  # worked out first, here
        with threads.beside(threaded=False) as start:
            levels = start(_relevelled, prospects, ctx)
    intro = intro_paths(prospects, company_aliases=ctx.settings.normalize.company_aliases)
    ahead = years_ahead(prospects, ctx.my_career_years)
    known = prospects.assign(intro_via=intro, **{c: ahead[c] for c in ahead.columns})
    found = {
        name: signal.compute(known, ctx)
        for name, signal in FEATURES.items()
        if not signal.reads_level
    }
    p = levels.result()
    p["intro_via"] = intro
    for column in ahead.columns:
        p[column] = ahead[column]
    for name, signal in FEATURES.items():
        value, evidence = found[name] if name in found else signal.compute(p, ctx)
        p[name] = pd.Series(value, index=p.index).astype(float).round(3)
        p[f"{name}_evidence"] = evidence
    shares = contributions(p, active_weights(ctx))
    p["score"] = score_of(shares)  # weighted_score, the shares kept for why
    return p, shares


#: The columns ``_scored`` writes (anew, or over the prospects' own): the others of its frame
#: are the prospects' columns as they came, so their codes can be made before scoring ends.
def _written() -> frozenset[str]:
    made = {"intro_via", "score", *LEVEL_COLUMNS, *AHEAD_COLUMNS}
    return frozenset(made | set(FEATURES) | {f"{name}_evidence" for name in FEATURES})


#: From this many prospects, rank works on two threads (threads.beside): the level and the
#: prospect IDs' order beside the features, the text columns' codes beside the filter and the
#: order, the columns the sentences do not read beside the sentences. Below it, a thread
#: would cost more than it saves.
THREAD_ROWS = 50_000


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
    threaded = len(prospects) >= THREAD_ROWS
    with threads.beside(threaded=threaded) as start:
        levels = start(_relevelled, prospects, ctx)
        places = start(id_places, prospects["prospect_id"]) if threaded else None
        written = _written()
        kept_as_given = [c for c in prospects.columns if c not in written]
        given_codes = start(_codes_of, prospects, kept_as_given) if threaded else None
        p, shares = _scored(prospects, ctx, levels)
        made_here = [c for c in p.columns if c not in set(kept_as_given)]
        new_codes = start(_codes_of, p, made_here) if threaded else None
        reason = excluded(p, settings, ctx.my_employer_keys)
        low = (p["score"] < settings.output.min_score).to_numpy() & (reason == "").to_numpy()
        reason[low] = "below the minimum score"
        out = (reason != "").to_numpy()
        dropping = start(take_rows, p, np.flatnonzero(out))
        keep = np.flatnonzero(~out)
        at = None if places is None else places.result()
        order = diversified_order(
            p[["score", "prospect_id", "company_key"]].iloc[keep],
            settings.output.max_per_company,
            None if at is None else at[keep],
        )
        positions = keep[order]
        encoded = None
        if given_codes is not None and new_codes is not None:
            encoded = {**given_codes.result(), **new_codes.result()}
        kept = _words_and_rest(p, positions, shares.take(positions), ctx, start, encoded)
        dropped = dropping.result().assign(filtered_because=reason[out])
    kept["rank"] = range(1, len(kept) + 1)
    names = [*p.columns, *(c for c in ("rank", "why", "opener") if c not in p.columns)]
    ordered = [*schema.RANKED, *(c for c in names if c not in schema.RANKED)]
    ranked = kept.reindex(columns=ordered).reset_index(drop=True)
    return schema.check(ranked, schema.RANKED, "Ranked"), dropped.reset_index(drop=True)


def _codes_of(frame: pd.DataFrame, names: list[str]) -> dict[object, pa.DictionaryArray | None]:
    """``encoded_columns`` of ``frame``'s columns ``names``: the text columns why and opener
    read as codes (all of them), the others when they hold few distinct values."""
    return encoded_columns(frame, names, always=frozenset(READS) - {"full_name"})


def _words_and_rest(
    p: pd.DataFrame,
    positions: np.ndarray,
    strengths: pd.DataFrame,
    ctx: Context,
    start: threads.Start,
    encoded: dict[object, pa.DictionaryArray | None] | None = None,
) -> pd.DataFrame:
    """``p``'s rows at ``positions`` (the kept, best first), why and opener after them.

    why and opener read the text columns of ``words.READS`` as codes only (each distinct value
    is phrased once): this thread works out those codes (``coded_rows``: the column's distinct
    values and the rows' codes into them) and the sentences, while ``start`` (on a second
    thread, when rank has one) makes the text columns themselves: first the columns the
    sentences do not read (most of the text), then those they read, from their codes. Arrow's
    take leaves Python's lock. A failure there is raised before any of the sentences', the
    other columns' before the words' (as when one take of the wide frame came first); the
    frame is the same either way. ``encoded``: the text columns' codes made beforehand
    (``encoded_columns``), the sentences' and the others'.
    """
    reads = set(READS)
    dtypes = p.dtypes.to_numpy()
    coded = [i for i, c in enumerate(p.columns)
             if c in reads and c != "full_name" and is_arrow_text(dtypes[i])]  # fmt: skip
    # full_name is read only where there is no first name: taken here with the numbers
    words = [i for i, c in enumerate(p.columns) if c in reads and i not in set(coded)]
    rest = [i for i, c in enumerate(p.columns) if c not in reads | {"why", "opener"}]
    memo: Memo = {}
    jobs = [start(take_rows, p.iloc[:, rest], positions, None, encoded)]
    at = pa.array(positions)
    for i in coded:
        name = p.columns[i]
        if encoded is not None:
            memo[name] = codes_at(encoded[name], at)
        else:
            memo[name] = coded_rows(arrow_text(p.iloc[:, i]), at)
    # (a copy of the codes: the sentences replace memo's entries with their own)
    jobs.append(start(_texts, p.iloc[:, coded], dict(memo)))
    kept = take_rows(p.iloc[:, words], positions)
    kept["why"] = why(kept, strengths, ctx.my_school, memo)
    kept["opener"] = opener(kept, ctx.my_school, ctx.i_am_student, memo)
    parts = [kept, *(job.result() for job in jobs)]
    # Side by side by position (concat would align a repeated index label with its others).
    whole = pd.concat([part.reset_index(drop=True) for part in parts], axis=1)
    return whole.set_axis(kept.index)


def _texts(frame: pd.DataFrame, codes: Memo) -> pd.DataFrame:
    """``frame``'s Arrow text columns at the rows ``codes`` (by column: ``coded_rows``) hold."""
    made = {
        name: pd.array(codes[name][1].take(codes[name][0]), dtype=dtype)
        for name, dtype in frame.dtypes.items()
    }
    return pd.DataFrame(made, copy=False)
