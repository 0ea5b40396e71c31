"""link: the same person across connections and alumni lists -> the Prospects frame.

block (candidate pairs) -> compare (levels) -> em + classify (weights) -> cluster.rivals
(probability given each record's other candidates) -> cluster (one-to-one, guarded
components, stable ids). ``score`` stops after the probabilities, for
``prospects link`` and the evaluation; ``link`` goes on to one row per person.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline import schema
from pipeline.errors import InputError
from pipeline.link.block import (
    RULES,
    BlockingRule,
    blocking_columns,
    candidate_pairs,
    declared_rules,
    unique_records,
)
from pipeline.link.block_rules import unique_inverse
from pipeline.link.classify import (
    TEXTS,
    Model,
    column_codes,
    file_codes,
    fit_logistic,
    logistic_contributions,
    row_sums,
    weights,
)
from pipeline.link.cluster import clusters, components, one_to_one, prospect_ids, rivals
from pipeline.link.compare import compare_sets, comparisons_for, from_spec
from pipeline.link.em import SESSIONS, estimate_m_groups, estimate_prior, u_of, u_pairs
from pipeline.link.evaluate import Evaluation, evaluate
from pipeline.link.levels import NULL, Comparison
from pipeline.settings import Settings
from pipeline.text.arrow_text import STR

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

# Which record's value a merged prospect shows: LinkedIn is current for jobs, alumni lists for
# schools and years.
_JOB_FIRST = ("connections", "manual", "alumni")
_SCHOOL_FIRST = ("alumni", "manual", "connections")
_JOB_COLUMNS = (
    "first_name", "last_name", "full_name", "credentials", "linkedin_slug", "email", "company",
    "company_key", "title", "seniority", "seniority_rule", "role_family", "location",
    "connected_on", "title_clean", "past_companies", "company_parent", "company_clean",
    "employer_is_school", "employer_school_key",
)  # fmt: skip
_SCHOOL_COLUMNS = (
    "school", "school_key", "degree", "major", "grad_year", "career_years", "career_years_sd",
    "career_years_source", "experience_bucket",
)  # fmt: skip


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
    cands = candidate_pairs(frame, rules, unique, cache)
    random = u_pairs(frame, unique_sources=unique)  # for u, compared with the candidates
    levels, random_levels = compare_sets(frame, (cands.pairs, random), comparisons, cache)
    u = u_of(random_levels, comparisons)
    # A declared comparison is also an anchor: pairs that agree on it (a birth date) teach
    # what the names of one person look like, as the name teaches the rest.
    anchors = tuple((c.name, 0, ()) for c in comparisons if c.name in names_declared)
    # Connection-alumni links and duplicates inside one list differ (a LinkedIn job is current,
    # an alumni record's may not be): m per group of pairs, as the prior is.
    groups, possible = _groups(frame, levels, unique)
    m, m_groups = estimate_m_groups(
        levels, comparisons, u, groups, (*SESSIONS, *anchors), frame=frame, cache=cache
    )
    model = Model(tuple(comparisons), m, u, m_groups=m_groups)
    counted: dict = {TEXTS: cache}  # value counts per column, for the second pass below
    contributions = weights(levels, model, frame, groups, tables=counted)
    total = row_sums(contributions)
    priors = estimate_prior(total, groups, possible)
    prior_bits = _prior_bits(priors, groups)
    files = file_codes(frame)  # both passes below read it
    person = _listed_twice(frame, files, levels, total + prior_bits, unique, match.threshold)
    if person is not None:
        # a name's frequency counts people: a person's second row in one list is no namesake
        _by_people(levels, model, frame, files, groups, person, contributions, counted)
        total = row_sums(contributions)
    known = _labelled(frame, levels, labels)
    if min((known == 1).sum(), (known == 0).sum()) >= 10:
        seen = ~np.isnan(known)
        fitted, columns = fit_logistic(
            levels[seen], known[seen] == 1, comparisons, contributions[seen]
        )
        model = Model(model.comparisons, model.m, model.u, fitted, columns, model.m_groups)
        contributions, prior_bits = logistic_contributions(levels, model, contributions)
        total = row_sums(contributions)
    # Each pair's probability accounts for its records' other candidates (cluster.rivals).
    chance = rivals(levels, total + prior_bits, frame, unique, match.threshold)
    pairs = levels.assign(probability=chance)
    above = np.flatnonzero(chance >= match.threshold)
    # each kept pair carries its row: candidate pairs are distinct (block.candidate_pairs), so
    # the rows say which are linked, no pair looked up by its records
    kept = pd.DataFrame(
        {"left": levels["left"].to_numpy()[above], "right": levels["right"].to_numpy()[above],
         "probability": chance[above], "row": above}
    )  # fmt: skip
    kept = one_to_one(kept, frame, unique)
    cluster_labels, kept = clusters(frame, kept, unique)
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
    frame, cluster_labels = scored.frame.copy(), scored.labels
    frame["prospect_id"] = prospect_ids(frame, cluster_labels)
    kept = scored.pairs[scored.pairs["linked"]]
    conf = _confidence(len(frame), kept, cluster_labels)
    prospects = _merge(frame, cluster_labels, conf)
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
    frame: pd.DataFrame, levels: pd.DataFrame, unique: Sequence[str]
) -> tuple[np.ndarray, Mapping[int, float]]:
    """Group of each pair (its unordered pair of files) and how many pairs each group could form."""
    files = file_codes(frame)  # narrow: looked up per pair
    n = int(files.max()) + 1 if len(files) else 0
    left, right = files[levels["left"].to_numpy()], files[levels["right"].to_numpy()]
    groups = np.minimum(left, right).astype(np.int64)
    groups *= n
    groups += np.maximum(left, right)
    sizes = np.bincount(files, minlength=n).astype(float)
    is_unique = unique_records(frame, unique)[np.unique(files, return_index=True)[1]]  # firsts
    possible: dict[int, float] = {}
    for g in unique_inverse(groups)[0]:  # hashed: np.unique sorts every pair's group
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
) -> np.ndarray | None:
    """A person id per record where some file (one that may hold a person more than once) has
    records of one person, linked at or above ``threshold`` by ``bits`` (weights plus prior);
    None where no file has. ``files``: each record's file as a code. Only pairs inside one file
    count: a connection and an alum are two files' records of one person, which frequencies
    already count apart."""
    repeats = ~unique_records(frame, unique)
    left, right = levels["left"].to_numpy(), levels["right"].to_numpy()
    chance = np.clip(np.asarray(bits, dtype=float), -60, 60)
    for step in (np.negative, np.exp2):  # 1 / (1 + 2 ** -odds), each step in place
        step(chance, out=chance)
    np.divide(1.0, np.add(1.0, chance, out=chance), out=chance)
    same = chance >= threshold
    same &= files[left] == files[right]
    same &= repeats[left]
    same &= repeats[right]
    if not same.any():
        return None
    return components(len(frame), {"left": left[same], "right": right[same]})


def _by_people(
    levels: pd.DataFrame,
    model: Model,
    frame: pd.DataFrame,
    files: np.ndarray,
    groups: np.ndarray,
    person: np.ndarray,
    contributions: pd.DataFrame,
    tables: dict,
) -> None:
    """Sets, in ``contributions``, the term-frequency weights of pairs across files counted by
    people (``person``: see ``classify.frequencies``). Only pairs whose value at a
    term-frequency level is carried by a person with more than one record in a file can change,
    so only those are weighed again: a second pass over every pair cost as much as the first.
    ``tables``: the first pass's value counts (``weights``), so no column is counted twice;
    ``files``: each record's file as a code."""
    left, right = levels["left"].to_numpy(), levels["right"].to_numpy()
    cross = files[left] != files[right]
    rows = np.bincount(person, minlength=len(frame))[person] > 1  # a person listed more than once
    redo = np.zeros(len(levels), dtype=bool)
    changed: dict[str, np.ndarray] = {}
    for c in model.comparisons:
        level = levels[c.name].to_numpy()
        for tf_level, column, *_ in c.tf:
            if column not in frame.columns:
                continue
            if column not in changed:  # records whose value a listed-twice person also carries
                # (a full name's frequency also reads its parts': classify.frequencies)
                parts = ("first_key", "last_key") if column == "name_key" else ()
                changed[column] = np.zeros(len(frame), dtype=bool)
                for col in (column, *(p for p in parts if p in frame.columns)):
                    codes = column_codes(frame, col, tables)[0]  # the run's, made once
                    shared = np.zeros(codes.max() + 1 if len(codes) else 0, dtype=bool)
                    shared[codes[rows]] = True
                    changed[column] |= shared[codes]
            at = cross & (level == tf_level)
            redo |= at & (changed[column][left] | changed[column][right])
    if not redo.any():
        return
    again = weights(levels[redo], model, frame, groups[redo], person, tables)
    for c in model.comparisons:
        tf_levels = [t[0] for t in c.tf]
        if not tf_levels:
            continue
        # only term-frequency levels: a local level's weight is counted over the pairs passed
        take = np.isin(levels[c.name].to_numpy()[redo], tf_levels)
        column = contributions[c.name].to_numpy(dtype=float).copy()
        column[np.flatnonzero(redo)[take]] = again[c.name].to_numpy()[take]
        contributions[c.name] = column  # a column replaced: the frame is not copied


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


def _confidence(n: int, kept: pd.DataFrame, labels: np.ndarray) -> np.ndarray:
    """Per cluster, the weakest kept link (1.0 for a single record)."""
    conf = pd.Series(1.0, index=range(labels.max() + 1 if n else 0))
    if len(kept):
        weakest = pd.Series(kept["probability"].to_numpy()).groupby(labels[kept["left"]]).min()
        conf.loc[weakest.index] = weakest.to_numpy()
    return conf.to_numpy()


def _first_non_empty(frame: pd.DataFrame, labels: np.ndarray, columns, order) -> pd.DataFrame:
    """Per cluster (index: its label, ascending), each of ``columns``' first value that is not
    missing (nor "" for text), records taken by the rank of their source in ``order``, then by
    source_row; missing where the cluster has none. Found as positions in numpy, one take per
    column: grouping the text of every column cost seconds."""
    clusters, out = _first_values(frame, labels, columns, order)
    return pd.DataFrame(out, index=clusters)


def _first_values(
    frame: pd.DataFrame, labels: np.ndarray, columns, order, text_fill: str | None = None
) -> tuple[pd.Index, dict[str, pd.Series]]:
    """``_first_non_empty`` as the clusters and a Series per column, for a caller that makes
    one frame of several such (``text_fill``: what a text column shows where its cluster has
    no value; None: missing)."""
    # the rank of each record's source looked up per distinct source
    codes, sources = pd.factorize(frame["source"].astype(STR), use_na_sentinel=False)
    ranks = np.array([order.index(s) if s in order else len(order) for s in sources], dtype=float)
    rank = ranks[codes] if len(codes) else np.zeros(0)
    labels = np.asarray(labels)
    by = np.lexsort((frame["source_row"].to_numpy(), rank, labels))
    ordered = labels[by]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(by) else by
    n, clusters = len(by), pd.Index(ordered[starts])
    out = {}
    positions = np.arange(n)
    for col in (c for c in columns if c in frame.columns):
        values = frame[col]
        text = values.dtype == "str"
        arrow = pa.array(values.array) if text else None
        # text: missing or "" in one pass (a length is null or 0), by Arrow (pandas' lengths
        # are a nullable column read back: five times slower)
        present = _non_empty(arrow) if text else values.notna().to_numpy()
        place = np.where(present[by], positions, n)
        first = np.minimum.reduceat(place, starts) if n else place
        found = first < n
        taken = by[np.where(found, first, 0)]
        if text:  # missing where the cluster has none, in the take itself (by Arrow: pandas
            # fills by setting the missing afterwards, which cost more than the take)
            chosen = arrow.take(pa.array(taken, mask=~found))
            if text_fill is not None and not found.all():
                chosen = pc.coalesce(chosen, pa.scalar(text_fill, chosen.type))
            out[col] = pd.Series(pd.array(chosen, dtype=STR), index=clusters)
            continue
        taken = values.take(taken).set_axis(clusters)
        out[col] = taken if found.all() else taken.where(found)
    return clusters, out


def _non_empty(values: pd.Series | pa.Array | pa.ChunkedArray) -> np.ndarray:
    """True where a text value (of a Series, or its Arrow array) is neither missing nor ""."""
    lengths = pc.binary_length(pa.array(values.array) if isinstance(values, pd.Series) else values)
    return pc.fill_null(pc.greater(lengths, 0), False).to_numpy(zero_copy_only=False)


def _merge(frame: pd.DataFrame, labels: np.ndarray, conf: np.ndarray) -> pd.DataFrame:
    # every column of the prospects made into one frame at once (a column inserted at a time
    # costs more than its work); text with no value in a cluster is "" already, as below
    _, jobs = _first_values(frame, labels, _JOB_COLUMNS, _JOB_FIRST, "")
    clusters, schools = _first_values(frame, labels, _SCHOOL_COLUMNS, _SCHOOL_FIRST, "")
    grouped = frame.groupby(labels)
    source = frame["source"]
    # only the clusters of several records need a join, done by Arrow: record ids in frame
    # order within a cluster, "|" between them
    record_ids = grouped["record_id"].first().astype(STR)
    several = np.flatnonzero((np.bincount(labels) > 1)[labels])
    if len(several):
        members = several[np.argsort(labels[several], kind="stable")]
        sorted_labels = labels[members]
        starts = np.flatnonzero(np.r_[True, sorted_labels[1:] != sorted_labels[:-1]])
        cluster, size = sorted_labels[starts], np.diff(np.r_[starts, len(members)])
        ids = pa.array(frame["record_id"].astype(STR).to_numpy(dtype=object)[members])
        lists = pa.ListArray.from_arrays(pa.array(np.r_[0, np.cumsum(size)], pa.int32()), ids)
        joined = pc.binary_join(lists, "|").to_numpy(zero_copy_only=False)
        record_ids.loc[cluster] = joined
    out = pd.DataFrame(
        {
            **jobs,
            **schools,
            "prospect_id": grouped["prospect_id"].first(),
            "is_connection": (source == "connections").groupby(labels).any(),
            "is_alum": (source == "alumni").groupby(labels).any(),
            "record_ids": record_ids,
            "match_confidence": pd.Series(conf[clusters.to_numpy()], index=clusters),
        },
        index=clusters,
    )
    for col in out.columns:
        values = out[col]
        if values.dtype == "str":  # already text: only the missing need filling
            if values.hasnans:
                out[col] = values.fillna("")
        elif values.dtype == object:
            out[col] = values.fillna("").astype(STR)
    ordered = [
        *schema.PROSPECTS,
        *(c for c in out.columns if c not in schema.PROSPECTS),
    ]
    return out.reindex(columns=ordered).reset_index(drop=True)
