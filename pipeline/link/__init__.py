"""link: the same person across connections and alumni lists -> the Prospects frame.

block (candidate pairs) -> compare (levels) -> em + classify (weights) -> cluster.rivals
(probability given each record's other candidates) -> cluster (one-to-one, guarded
components, stable ids). ``score`` stops after the probabilities, for
``prospects link`` and the evaluation; ``link`` goes on to one row per person.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from pipeline import schema
from pipeline.errors import InputError
from pipeline.link.block import (
    RULES,
    BlockingRule,
    blocking_columns,
    candidate_pairs,
    declared_rules,
    file_codes,
    unique_records,
)
from pipeline.link.classify import (
    Model,
    fit_logistic,
    group_ids,
    logistic_contributions,
    ready_tasks,
    row_sums,
    weight_columns,
    weights,
)
from pipeline.link.cluster import cluster_ids, clusters, components, one_to_one, rivals
from pipeline.link.compare import compare_sets, comparisons_for, from_spec, work_ahead
from pipeline.link.em import SESSIONS, estimate_m_groups, estimate_prior, u_of, u_pairs
from pipeline.link.evaluate import Evaluation, evaluate
from pipeline.link.frequency import TEXTS, column_codes
from pipeline.link.levels import NULL, Comparison
from pipeline.link.merge import _confidence, _merge
from pipeline.settings import Settings
from pipeline.text.arrow_text import STR
from pipeline.threads import calls_in_order

__all__ = [
    "Evaluation",
    "Linked",
    "Scored",
    "evaluate",
    "explain",
    "link",
    "linked_pairs",
    "score",
]

#: From this many candidate pairs the weights' term frequencies are made on a second thread
#: while EM runs (``score``); below it a thread costs more than it saves
BESIDE_EM = 200_000


@dataclass(frozen=True)
class Linked:
    prospects: pd.DataFrame  # schema.PROSPECTS, one row per real person
    matches: pd.DataFrame  # pairs at or above the review band: who, probability, levels, weights
    per_rule: dict[str, int]  # candidate pairs per blocking rule


@dataclass(frozen=True)
class Scored:
    """Every candidate pair scored: ``pairs`` has left, right (positions into ``frame``), one
    level column per comparison, ``probability`` and ``linked`` (kept after one-to-one and the
    chain guards); ``contributions`` the bits each comparison added, ``prior`` the bits the
    prior started from."""

    frame: pd.DataFrame
    pairs: pd.DataFrame
    contributions: pd.DataFrame
    prior: np.ndarray
    model: Model
    comparisons: tuple[Comparison, ...]
    per_rule: dict[str, int]
    labels: np.ndarray  # cluster label per record of frame


def score(
    people: pd.DataFrame,
    settings: Settings,
    labels: pd.DataFrame | None = None,
    rules: Sequence[BlockingRule] = RULES,
) -> Scored:
    """Block, compare, train and classify normalized People; cluster the pairs kept.

    ``people`` needs the normalized columns (schema.NORMALIZED plus first_key, last_key,
    title_clean). ``labels`` (optional) holds known pairs as record ids ``left``/``right`` and a
    bool ``match``: with at least 10 of each kind a logistic regression replaces EM.
    """
    match = settings.match
    unique, declared = match.unique_sources, dict(match.comparisons)
    missing = [p for c in declared for p in c.split("+") if p.strip() not in people.columns]
    if missing:
        raise InputError(
            f"[match.comparisons] names the column '{missing[0]}', which no input file has; "
            "check its spelling against the file's header."
        )
    frame = blocking_columns(people.reset_index(drop=True))
    comparisons = comparisons_for(list(frame.columns), declared)
    names_declared = {from_spec(c, s).name for c, s in declared.items()}
    rules = (*rules, *declared_rules(list(frame.columns), match.blocking, list(declared)))
    cache: dict = {}  # per-record work blocking and the comparisons share (link.levels.Rows)
    # the comparisons' per-run work made beside blocking's own (on two threads at large)
    cands = candidate_pairs(frame, rules, unique, cache, work_ahead(frame, comparisons, cache))
    # for u, compared with the candidates
    random = u_pairs(frame, unique_sources=unique, cache=cache)
    levels, random_levels = compare_sets(frame, (cands.pairs, random), comparisons, cache)
    u = u_of(random_levels, comparisons)
    # A declared comparison is also an anchor: pairs that agree on it (a birth date) teach
    # what the names of one person look like, as the name teaches the rest.
    anchors = tuple((c.name, 0, ()) for c in comparisons if c.name in names_declared)
    # Connection-alumni links and duplicates inside one list differ (a LinkedIn job is current,
    # an alumni record's may not be): m per group of pairs, as the prior is.
    groups, possible = _groups(frame, levels, unique, cache)
    counted: dict = {TEXTS: cache}  # value counts per column, for the second pass below
    # what the weights read but m (the term frequencies, the arrays' pages) made beside EM,
    # by whichever of the two threads is free
    tasks: tuple[Callable[[], Any], ...] = (
        partial(estimate_m_groups, levels, comparisons, u, groups, (*SESSIONS, *anchors),
                frame=frame, cache=cache),
        *ready_tasks(levels, comparisons, u, frame, counted),
    )  # fmt: skip
    beside = len(levels) >= BESIDE_EM
    (m, m_groups), found, *into = calls_in_order(tasks, threaded=beside)
    model = Model(tuple(comparisons), m, u, m_groups=m_groups)
    # as arrays until the second pass below has changed some (then a frame, not copied)
    ready = (found, into)
    by_comparison = weight_columns(
        levels, model, frame, groups, None, counted, ready, threaded=beside
    )
    total = row_sums(by_comparison, len(levels))
    priors = estimate_prior(total, groups, possible)
    prior_bits = _prior_bits(priors, groups)
    files = file_codes(frame, cache)  # both passes below read it
    # each pair's weights and prior, in the sums' array (no further use: a fresh one of
    # millions costs its page faults)
    bits = np.add(total, prior_bits, out=total)
    person = _listed_twice(frame, files, levels, bits, unique, match.threshold, cache)
    if person is not None:
        # a name's frequency counts people: a person's second row in one list is no namesake
        again = _by_people(levels, model, frame, files, groups, person, by_comparison, counted)
        # only their sums move: each pair's is added alone, in the columns' order
        again_sums = row_sums({n: w[again] for n, w in by_comparison.items()}, len(again))
        bits[again] = again_sums + prior_bits[again]
    contributions = pd.DataFrame(by_comparison, index=levels.index, copy=False)
    known = _labelled(frame, levels, labels)
    if min((known == 1).sum(), (known == 0).sum()) >= 10:
        seen = ~np.isnan(known)
        fitted, columns = fit_logistic(
            levels[seen], known[seen] == 1, comparisons, contributions[seen]
        )
        model = Model(model.comparisons, model.m, model.u, fitted, columns, model.m_groups)
        contributions, prior_bits = logistic_contributions(levels, model, contributions)
        bits = row_sums(contributions) + prior_bits
    # Each pair's probability accounts for its records' other candidates (cluster.rivals),
    # worked out in ``bits``' array (no other use: a fresh one of millions costs its faults)
    chance = rivals(levels, bits, frame, unique, match.threshold, cache, spent=True)
    pairs = levels.assign(probability=chance)
    above = np.flatnonzero(chance >= match.threshold)
    # each kept pair carries its row: candidate pairs are distinct (block.candidate_pairs), so
    # the rows say which are linked, no pair looked up by its records
    kept = pd.DataFrame(
        {"left": levels["left"].to_numpy()[above], "right": levels["right"].to_numpy()[above],
         "probability": chance[above], "row": above}
    )  # fmt: skip
    kept = one_to_one(kept, frame, unique, cache)
    cluster_labels, kept = clusters(frame, kept, unique, cache=cache)
    linked = np.zeros(len(pairs), dtype=bool)
    linked[kept["row"].to_numpy()] = True
    pairs["linked"] = linked
    return Scored(
        frame, pairs, contributions, prior_bits, model, tuple(comparisons), cands.per_rule,
        cluster_labels,
    )  # fmt: skip


def link(people: pd.DataFrame, settings: Settings, labels: pd.DataFrame | None = None) -> Linked:
    """Link normalized People into Prospects (one row per real person).

    ``people`` needs the normalized columns (schema.NORMALIZED) and ``first_key``/``last_key``.
    """
    schema.check(people, (*schema.PEOPLE, *schema.NORMALIZED), "normalized People")
    scored = score(people, settings, labels)
    frame, cluster_labels = scored.frame, scored.labels
    kept = scored.pairs[scored.pairs["linked"]]
    conf = _confidence(len(frame), kept, cluster_labels)
    # the ids once per person, made beside the other columns (not put on a copy of the frame)
    prospects = _merge(frame, cluster_labels, conf, lambda: cluster_ids(frame, cluster_labels))
    shown = scored.pairs["probability"] >= min(settings.match.review_band, settings.match.threshold)
    matches = explain(scored, shown.to_numpy(), names=True)
    return Linked(schema.check(prospects, schema.PROSPECTS, "Prospects"), matches, scored.per_rule)


def linked_pairs(people: pd.DataFrame, settings: Settings) -> tuple[pd.DataFrame, Scored]:
    """The pairs linked as one person, in matches.csv's layout (see ``explain``; with both
    names, so the file says who was matched to whom), and the scoring behind them. ``people``
    is normalized People from one or more files.
    """
    scored = score(people, settings)
    table = explain(scored, scored.pairs["linked"].to_numpy(), names=True)
    return table.drop(columns="linked"), scored


def explain(scored: Scored, rows: np.ndarray | None = None, *, names: bool = False) -> pd.DataFrame:
    """The scored pairs for audit, most probable first: left_file, left_row, right_file,
    right_row (source_row numbers), probability, linked, one column per comparison with the
    pair's level, then one "<comparison> weight" column per comparison (bits it added) and
    "prior weight". ``names`` adds left_name/right_name (for the workbook)."""
    pairs = scored.pairs if rows is None else scored.pairs[rows]
    contrib = scored.contributions if rows is None else scored.contributions[rows]
    prior = scored.prior if rows is None else scored.prior[rows]
    shown = scored.frame[["source_file", "source_row", *(("full_name",) if names else ())]]
    a = shown.iloc[pairs["left"].to_numpy()].reset_index(drop=True)  # not every column's
    b = shown.iloc[pairs["right"].to_numpy()].reset_index(drop=True)
    # every column gathered first, the frame made once: a column set at a time cost more
    # than the rest of the work on a few hundred pairs
    names_of = {"left_name": a["full_name"], "right_name": b["full_name"]} if names else {}
    columns = {"left_file": a["source_file"], "left_row": a["source_row"]}
    columns |= {k: v for k, v in names_of.items() if k == "left_name"}
    columns |= {"right_file": b["source_file"], "right_row": b["source_row"]}
    columns |= {k: v for k, v in names_of.items() if k == "right_name"}
    columns["probability"] = pairs["probability"].round(4).to_numpy()
    columns["linked"] = pairs["linked"].to_numpy()
    for c in scored.comparisons:
        level = pairs[c.name].to_numpy()
        labels = np.asarray([*c.levels, ""], dtype=object)
        columns[c.name] = labels[np.where(level == NULL, len(c.levels), level)]
    for c in scored.comparisons:
        columns[f"{c.name} weight"] = contrib[c.name].round(2).to_numpy()
    columns["prior weight"] = np.round(prior, 2)
    out = pd.DataFrame(columns)
    return out.sort_values("probability", ascending=False, kind="stable", ignore_index=True)


def _groups(
    frame: pd.DataFrame, levels: pd.DataFrame, unique: Sequence[str], cache: dict | None = None
) -> tuple[np.ndarray, Mapping[int, float]]:
    """Group of each pair (its unordered pair of files) and how many pairs each group could
    form. ``cache``: the run's per-record work (``block.once_per_run``)."""
    files = file_codes(frame, cache)  # narrow: looked up per pair
    n = int(files.max()) + 1 if len(files) else 0
    left, right = files[levels["left"].to_numpy()], files[levels["right"].to_numpy()]
    groups = np.minimum(left, right).astype(np.int64)
    groups *= n
    groups += np.maximum(left, right)
    sizes = np.bincount(files, minlength=n).astype(float)
    is_unique = unique_records(frame, unique, cache)[np.unique(files, return_index=True)[1]]
    possible: dict[int, float] = {}
    for g in group_ids(groups):  # by a table over the few ids, not hashing every pair's
        i, j = divmod(int(g), n)
        same = sizes[i] * (sizes[i] - 1) / 2 * (not is_unique[i])
        possible[int(g)] = same if i == j else sizes[i] * sizes[j]
    return groups, possible


def _prior_bits(priors: Mapping[int, float], groups: np.ndarray) -> np.ndarray:
    """Each pair's prior in bits, log2(p / (1 - p)) of its group's (``priors``: by group id),
    worked out per group and looked up by the id (NaN for a group without one), not per pair
    nor by a pandas reindex of millions."""
    ids = np.fromiter(priors, dtype=np.int64, count=len(priors))
    prior = np.fromiter(priors.values(), dtype=float, count=len(priors))
    bits = np.log2(np.clip(prior, 1e-15, 1) / np.clip(1 - prior, 1e-15, 1))
    if not len(groups):
        return np.zeros(0)
    table = np.full(int(max(groups.max(), ids.max(initial=0))) + 1, np.nan)
    table[ids] = bits
    return table[groups]


def _listed_twice(
    frame: pd.DataFrame,
    files: np.ndarray,
    levels: pd.DataFrame,
    bits: np.ndarray,
    unique: Sequence[str],
    threshold: float,
    cache: dict | None = None,
) -> np.ndarray | None:
    """A person id per record where some file (one that may hold a person more than once) has
    records of one person, linked at or above ``threshold`` by ``bits`` (weights plus prior);
    None where no file has. ``files``: each record's file as a code. Only pairs inside one file
    count: a connection and an alum are two files' records of one person, which frequencies
    already count apart. ``cache``: the run's per-record work (``block.once_per_run``)."""
    repeats = ~unique_records(frame, unique, cache)
    at = _at_least(np.asarray(bits, dtype=float), threshold)
    left, right = levels["left"].to_numpy()[at], levels["right"].to_numpy()[at]
    same = files[left] == files[right]
    same &= repeats[left]
    same &= repeats[right]
    if not same.any():
        return None
    return components(len(frame), {"left": left[same], "right": right[same]})


def _at_least(bits: np.ndarray, threshold: float) -> np.ndarray:
    """Positions of the pairs whose probability 1 / (1 + 2 ** -clip(bits, -60, 60)) is at or
    above ``threshold``: worked out only for the pairs less than a bit below the odds that
    reach it (the probability never falls as the bits grow, and its rounding moves it far less
    than a bit's worth), not five passes over every pair (a few of millions reach it)."""
    with np.errstate(divide="ignore"):
        cut = np.log2(threshold / (1 - threshold)) - 1 if 0 < threshold < 1 else -np.inf
    near = np.flatnonzero(bits >= cut) if cut > -60 else np.arange(len(bits))
    chance = np.clip(bits[near], -60, 60)
    for step in (np.negative, np.exp2):  # 1 / (1 + 2 ** -odds), each step in place
        step(chance, out=chance)
    np.divide(1.0, np.add(1.0, chance, out=chance), out=chance)
    return near[chance >= threshold]


def _by_people(
    levels: pd.DataFrame,
    model: Model,
    frame: pd.DataFrame,
    files: np.ndarray,
    groups: np.ndarray,
    person: np.ndarray,
    contributions: dict[str, np.ndarray],
    tables: dict,
) -> np.ndarray:
    """Sets, in ``contributions`` (a weight array per comparison, changed in place), the
    term-frequency weights of pairs across files counted by people (``person``: see
    ``frequency.frequencies``). Only pairs whose value at a term-frequency level is carried by
    a person with more than one record in a file can change, so only those are weighed again:
    a second pass over every pair cost as much as the first. ``tables``: the first pass's
    value counts (``weights``), so no column is counted twice; ``files``: each record's file as
    a code. Only pairs across files are looked at (a few hundred thousand of 7.8 million at
    the large size), not every pair at every level. Returns the positions of the pairs weighed
    again (the only ones whose weights may have changed)."""
    left, right = levels["left"].to_numpy(), levels["right"].to_numpy()
    cross = np.flatnonzero(files[left] != files[right])
    left_x, right_x = left[cross], right[cross]
    rows = np.bincount(person, minlength=len(frame))[person] > 1  # a person listed more than once
    redo = np.zeros(len(cross), dtype=bool)
    changed: dict[str, np.ndarray] = {}
    for c in model.comparisons:
        level = levels[c.name].to_numpy()[cross]
        for tf_level, column, *_ in c.tf:
            if column not in frame.columns:
                continue
            if column not in changed:  # records whose value a listed-twice person also carries
                # (a full name's frequency also reads its parts': frequency.frequencies)
                parts = ("first_key", "last_key") if column == "name_key" else ()
                changed[column] = np.zeros(len(frame), dtype=bool)
                for col in (column, *(p for p in parts if p in frame.columns)):
                    codes = column_codes(frame, col, tables)[0]  # the run's, made once
                    shared = np.zeros(codes.max() + 1 if len(codes) else 0, dtype=bool)
                    shared[codes[rows]] = True
                    changed[column] |= shared[codes]
            redo |= (level == tf_level) & (changed[column][left_x] | changed[column][right_x])
    at = cross[redo]  # positions of the pairs weighed again, in order
    if not len(at):
        return at
    again = weights(levels.iloc[at], model, frame, groups[at], person, tables)
    for c in model.comparisons:
        tf_levels = [t[0] for t in c.tf]
        if not tf_levels:
            continue
        # only term-frequency levels: a local level's weight is counted over the pairs passed
        take = np.isin(levels[c.name].to_numpy()[at], tf_levels)
        contributions[c.name][at[take]] = again[c.name].to_numpy()[take]
    return at


def _labelled(frame: pd.DataFrame, levels: pd.DataFrame, labels: pd.DataFrame | None):
    """Per candidate pair: 1.0 / 0.0 where ``labels`` (record ids left, right; bool match) says,
    NaN where it says nothing. Labelled pairs blocking did not propose are left aside."""
    out = np.full(len(levels), np.nan)
    if labels is None or labels.empty:
        return out
    ids = frame["record_id"].astype(STR).to_numpy(dtype=object)
    pairs = pd.DataFrame(
        {"a": ids[levels["left"].to_numpy()], "b": ids[levels["right"].to_numpy()]}
    ).assign(i=np.arange(len(levels)))
    known = labels.rename(columns={"left": "a", "right": "b"})[["a", "b", "match"]]
    known = pd.concat([known, known.rename(columns={"a": "b", "b": "a"})])
    hit = pairs.merge(known.astype({"a": "str", "b": "str"}).drop_duplicates(["a", "b"]))
    out[hit["i"].to_numpy()] = hit["match"].astype(float).to_numpy()
    return out
