"""The Prospects frame from linked records: one row per cluster, each column's value taken from
the record whose source is trusted for it, the records' ids joined, the weakest link's
probability as the cluster's confidence."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline import schema
from pipeline.text.arrow_text import STR
from pipeline.text.csr import ragged
from pipeline.threads import calls_in_order

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
    firsts = _Firsts(frame, labels, order)
    present = (c for c in columns if c in frame.columns)
    return firsts.clusters, {col: firsts.column(frame[col], text_fill) for col in present}


class _Firsts:
    """Each cluster's records in the order a prospect's values are read in: by the rank of
    their source in ``order``, then by source_row. ``sources``: the frame's source column
    factorized (codes, distinct sources), when a caller reads it for several orders."""

    def __init__(self, frame: pd.DataFrame, labels: np.ndarray, order, sources=None) -> None:
        # the rank of each record's source looked up per distinct source
        codes, names = sources or pd.factorize(frame["source"].astype(STR), use_na_sentinel=False)
        ranks = np.array([order.index(s) if s in order else len(order) for s in names], float)
        rank = ranks[codes] if len(codes) else np.zeros(0)
        labels = np.asarray(labels)
        by = np.lexsort((frame["source_row"].to_numpy(), rank, labels))
        ordered = labels[by]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(by) else by
        self.clusters = pd.Index(ordered[starts])
        self.head = by[starts]  # each cluster's first record in that order
        # only the clusters of several records (3% of 1M at large) need their other records
        self.multi = _Several(by, starts)

    def column(self, values: pd.Series, text_fill: str | None) -> pd.Series:
        """Each cluster's first value of ``values`` (a column of the frame) present."""
        clusters = self.clusters
        arrow = pa.array(values.array) if values.dtype == "str" else None
        # text: missing or "" in one pass (a length is null or 0), by Arrow (pandas' lengths
        # are a nullable column read back: five times slower)
        present = values.notna().to_numpy() if arrow is None else _non_empty(arrow)
        taken, found = self.multi.first_present(self.head, present)
        if arrow is None:
            taken = values.take(taken).set_axis(clusters)
            return taken if found.all() else taken.where(found)
        if text_fill == "":  # a cluster without a value has "" or missing at ``taken``: only
            # the missing need filling (a take with a mask, then coalesce, copied every column
            # twice)
            chosen = arrow.take(taken)
            if chosen.null_count:
                chosen = pc.coalesce(chosen, pa.scalar("", chosen.type))
        else:  # missing where the cluster has none, in the take itself (by Arrow: pandas fills
            # by setting the missing afterwards, costing more than the take)
            chosen = arrow.take(pa.array(taken, mask=~found))
            if text_fill is not None and not found.all():
                chosen = pc.coalesce(chosen, pa.scalar(text_fill, chosen.type))
        return pd.Series(pd.array(chosen, dtype=STR), index=clusters)


class _Several:
    """The records of the clusters of several records, in ``by``'s order (``starts``: where
    each cluster begins in ``by``), for finding a column's first present value in each."""

    def __init__(self, by: np.ndarray, starts: np.ndarray) -> None:
        size = np.diff(np.r_[starts, len(by)])
        self.clusters = np.flatnonzero(size > 1)
        size = size[self.clusters]
        self.records = by[ragged(starts[self.clusters], size)]
        self.starts = np.cumsum(size) - size

    def first_present(self, head: np.ndarray, present: np.ndarray):
        """Per cluster, the record of its first value ``present`` (its first record where it
        has none) and whether it has one."""
        taken, found = head.copy(), present[head]
        if len(self.clusters):
            place = np.where(present[self.records], np.arange(len(self.records)), len(present))
            first = np.minimum.reduceat(place, self.starts)
            has = first < len(present)
            taken[self.clusters[has]] = self.records[first[has]]
            found[self.clusters] = has
        return taken, found


def _first_of(
    frame: pd.DataFrame, column: str, labels: np.ndarray, first: np.ndarray, clusters: pd.Index
) -> pd.Series:
    """``frame.groupby(labels)[column].first()`` as text: each cluster's first record's
    value (``first``: by cluster), taken by Arrow; pandas' grouping where a value is missing
    (first() passes over it)."""
    values = frame[column]
    if values.hasnans:
        return values.groupby(labels).first().astype(STR).set_axis(clusters)
    taken = pa.array(values.astype(STR).array).take(first)
    return pd.Series(pd.array(taken, dtype=STR), index=clusters)


def _any(flags: pd.Series, members: np.ndarray, starts: np.ndarray, clusters: pd.Index):
    """``flags.groupby(labels).any()``, the records by cluster (``members``, each cluster's
    from ``starts``)."""
    if not len(members):
        return pd.Series(np.zeros(0, dtype=bool), index=clusters)
    return pd.Series(np.logical_or.reduceat(flags.to_numpy()[members], starts), index=clusters)


def _non_empty(values: pd.Series | pa.Array | pa.ChunkedArray) -> np.ndarray:
    """True where a text value (of a Series, or its Arrow array) is neither missing nor ""."""
    lengths = pc.binary_length(pa.array(values.array) if isinstance(values, pd.Series) else values)
    return pc.fill_null(pc.greater(lengths, 0), False).to_numpy(zero_copy_only=False)


#: records from which a prospect's columns are made on two threads (threads.calls_in_order)
THREADED = 100_000


def _merge(
    frame: pd.DataFrame,
    labels: np.ndarray,
    conf: np.ndarray,
    ids: Callable[[], pa.Array] | None = None,
) -> pd.DataFrame:
    """The Prospects frame: one row per cluster (``labels``: each record's), each column's
    value read from the records in the order its kind of column trusts (``_JOB_FIRST``,
    ``_SCHOOL_FIRST``), the records' ids joined, ``conf`` (per label) as the confidence.
    ``ids`` makes each cluster's prospect id (Arrow text, the clusters ascending:
    ``cluster.cluster_ids``); None: each cluster's first record's ``prospect_id``. From
    THREADED records on, the columns and the ids are made on two threads, each its own value,
    put in the frame in a fixed order."""
    labels = np.asarray(labels)
    sources = pd.factorize(frame["source"].astype(STR), use_na_sentinel=False)  # both orders'
    jobs = _Firsts(frame, labels, _JOB_FIRST, sources)
    schools = _Firsts(frame, labels, _SCHOOL_FIRST, sources)
    clusters = jobs.clusters
    # per cluster, its records in frame order
    members = np.argsort(labels, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(labels[members]) != 0]) if len(labels) else labels
    first = members[starts]
    made: dict[str, Callable[[], pd.Series]] = {}  # each column's maker, in the frame's order
    if ids is None:
        made["prospect_id"] = partial(_first_of, frame, "prospect_id", labels, first, clusters)
    else:
        made["prospect_id"] = lambda: pd.Series(pd.array(ids(), dtype=STR), index=clusters)
    # text with no value in a cluster is "" already, as below
    made |= {c: partial(jobs.column, frame[c], "") for c in _JOB_COLUMNS if c in frame.columns}
    made |= {c: partial(schools.column, frame[c], "") for c in _SCHOOL_COLUMNS if c in frame}
    made["record_ids"] = partial(_record_ids, frame, labels, members, starts, clusters)
    # the ids (the longest) and the record ids begun first, so that the threads end together
    begin = [0, len(made) - 1, *range(1, len(made) - 1)]
    values = calls_in_order(made.values(), threaded=len(frame) >= THREADED, start=begin)
    out = dict(zip(made, values, strict=True))
    source = frame["source"]
    out["is_connection"] = _any(source == "connections", members, starts, clusters)
    out["is_alum"] = _any(source == "alumni", members, starts, clusters)
    out["match_confidence"] = pd.Series(conf[clusters.to_numpy()], index=clusters)
    for col, values in out.items():
        if values.dtype == "str":  # already text: only the missing need filling
            if values.hasnans:
                out[col] = values.fillna("")
        elif values.dtype == object:
            out[col] = values.fillna("").astype(STR)
    ordered = [*schema.PROSPECTS, *(c for c in out if c not in schema.PROSPECTS)]
    # every column made into one frame at once, in its place (a column inserted at a time, or
    # the frame consolidated and then reordered, cost more than the work)
    prospects = pd.DataFrame({c: out[c] for c in ordered if c in out}, copy=False)
    if len(prospects.columns) < len(ordered):
        prospects = prospects.reindex(columns=ordered)
    return prospects.reset_index(drop=True)


def _record_ids(
    frame: pd.DataFrame,
    labels: np.ndarray,
    members: np.ndarray,
    starts: np.ndarray,
    clusters: pd.Index,
) -> pd.Series:
    """Each cluster's record ids in frame order (``members``: the records by cluster, each
    cluster's from ``starts``), "|" between them. Only the clusters of several records need a
    join, done by Arrow, and are put in by Arrow (pandas' setting of their 28,641 values of 1M
    at large cost 0.2 s)."""
    size = np.diff(np.r_[starts, len(labels)])
    record_ids = _first_of(frame, "record_id", labels, members[starts], clusters)
    several = np.flatnonzero(size > 1)
    if not len(several):
        return record_ids
    ids = pa.array(frame["record_id"].astype(STR).array)
    ids = ids.take(members[ragged(starts[several], size[several])])
    ids = ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids
    offsets = pa.array(np.r_[0, np.cumsum(size[several])], pa.int32())
    joined = pc.binary_join(pa.ListArray.from_arrays(offsets, ids), pa.scalar("|", ids.type))
    every = pa.array(record_ids.array)
    every = every.combine_chunks() if isinstance(every, pa.ChunkedArray) else every
    mask = np.zeros(len(every), dtype=bool)
    mask[several] = True
    every = pc.replace_with_mask(every, pa.array(mask), joined.cast(every.type))
    return pd.Series(pd.array(every, dtype=STR), index=clusters)
