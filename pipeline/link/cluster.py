"""Clusters: the people behind the linked records, with stable prospect ids.

Where a file holds each person once (a LinkedIn export: its URLs are unique) a one-to-one
constraint holds between it and every other file: the best link wins. Clusters are connected
components over the kept links.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.link.block import file_codes, unique_records
from pipeline.link.block_rules import unique_inverse
from pipeline.link.classify import group_rows
from pipeline.text.arrow_text import STR


def one_to_one(
    links: pd.DataFrame,
    frame: pd.DataFrame,
    unique_sources: Sequence[str] = ("connections",),
    cache: dict | None = None,
) -> pd.DataFrame:
    """Keep, for each link between two files of which one holds each person once (see
    ``block.unique_records``), only the best: each of its records links to at most one record
    of the other's file. A connection links to one record per alumni list, an alum to one
    connection; two alumni lists both declared unique link one-to-one. Links between files
    that both may repeat a person pass unchanged; links inside one unique file are dropped.

    ``links`` has columns left, right, probability (positions into ``frame``, which has
    ``source`` and ``source_file``). ``cache``: the run's per-record work
    (``block.once_per_run``).
    """
    if links.empty:
        return links
    unique = unique_records(frame, unique_sources, cache)
    files = file_codes(frame, cache)
    left, right = links["left"].to_numpy(), links["right"].to_numpy()
    same_file = files[left] == files[right]
    bound = ~same_file & (unique[left] | unique[right])
    # Between two records of one unique file: different people by construction.
    inside_unique = same_file & unique[left]
    rest = links[~bound & ~inside_unique]
    cand = links[bound].sort_values("probability", ascending=False, kind="stable")
    left, right = cand["left"].to_numpy(), cand["right"].to_numpy()
    # the (record, other file) slots a link uses, one integer each
    width = int(files.max(initial=0)) + 1
    slot_left, slot_right = left * width + files[right], right * width + files[left]
    accepted = []
    # Rounds of mutual best choices: a link is taken when it is the best left for both of its
    # records into the other's file; the (record, file) slots it uses drop out, and the next
    # round looks again. Greedy assignment in a few vectorised rounds, not a loop over links.
    alive = np.arange(len(cand))
    while len(alive):
        a, b = pd.Series(slot_left[alive]), pd.Series(slot_right[alive])
        take = (~a.duplicated() & ~b.duplicated()).to_numpy()
        accepted.append(alive[take])
        alive = alive[~(a.isin(a[take]) | b.isin(b[take])).to_numpy()]
    chosen = cand.iloc[np.concatenate(accepted)] if accepted else cand
    return pd.concat([rest, chosen[links.columns]], ignore_index=True)


def rivals(
    pairs: pd.DataFrame,
    bits: np.ndarray,
    frame: pd.DataFrame,
    unique_sources: Sequence[str] = ("connections",),
    threshold: float = 0.5,
    cache: dict | None = None,
    *,
    spent: bool = False,
) -> np.ndarray:
    """Match probability of each pair given its records' other candidates.

    A connection matches at most one person of another file, so the evidence for one candidate
    must beat the competing explanations: the other candidates and "no match here". With each
    pair's posterior odds o (2 ** ``bits``: weights plus prior, in bits), a pair between
    records x and y of two files, one of which holds each person once, gets
    o / (1 + rivals of x + rivals of y + o), where the rivals of x are the odds of x's other
    candidates in y's file (Fellegi–Sunter under a one-to-one constraint). Candidates linked to
    each other as duplicates (at or above ``threshold``) are one person and count once, by
    their best odds. Other pairs keep o / (1 + o).

    ``pairs`` has left, right (positions into ``frame``, which has source and source_file);
    ``cache``: the run's per-record work (``block.once_per_run``). ``spent``: the caller has
    no more use for ``bits`` (a float array), so the odds are worked out in it; else ``bits``
    is left alone.

    >>> # two equally good "Wei Zhang" alumni for one connection: each gets about 1/2, not 0.99
    """
    bits = np.asarray(bits, dtype=float)
    odds = np.clip(bits, -60, 60, out=bits if spent else None)
    np.exp2(odds, out=odds)  # each big step in place: a fresh array of millions costs its faults
    out = odds + 1
    np.divide(odds, out, out=out)
    if pairs.empty:
        return out
    is_unique = unique_records(frame, unique_sources, cache)
    files = file_codes(frame, cache)
    left, right = pairs["left"].to_numpy(), pairs["right"].to_numpy()
    either = is_unique[left]  # a unique file's record on either side (each gathered once)
    either |= is_unique[right]
    bound = files[left] != files[right]
    bound &= either
    dup = out >= threshold
    dup &= ~either  # neither side's
    person = components(len(frame), {"left": left[dup], "right": right[dup]})
    o = odds[bound]
    # Both directions of every bound pair: (record, the other's file, the other's person).
    src = np.r_[left[bound], right[bound]]
    dst = np.r_[right[bound], left[bound]]
    others = _rival_odds(src, files[dst], person[dst], np.r_[o, o], len(frame))
    n = len(o)
    out[bound] = o / (1 + others[:n] + others[n:] + o)
    return out


def _rival_odds(
    src: np.ndarray, file: np.ndarray, person: np.ndarray, o: np.ndarray, n: int
) -> np.ndarray:
    """Per entry (a record ``src``, a candidate's ``file`` and ``person``, its odds ``o``;
    persons below ``n``): the odds of the record's other persons in that file, each person by
    its best odds, summed in the persons' order as pandas sums a group (compensated: pandas
    does the sum). One sort of (record, file, person) as one integer, not a pandas groupby over
    three columns (twice) and a MultiIndex reindex: 1 s at the large size."""
    if not len(src):
        return np.zeros(0)
    # (record, file) as one integer, in their order (a missing file, -1, first)
    pair = src.astype(np.int64) * (int(file.max()) + 2) + (file.astype(np.int64) + 1)
    if int(pair.max()) >= (1 << 62) // max(n, 1):  # numbered in order, so the key fits
        pair = unique_inverse(pair)[1].astype(np.int64)
    key = pair * n + person
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    new = np.r_[True, ordered[1:] != ordered[:-1]]
    starts, group = np.flatnonzero(new), np.cumsum(new) - 1
    best = np.fmax.reduceat(o[order], starts)  # a person's best odds, NaN skipped as pandas'
    pairs = ordered[starts] // n
    of_pair = np.cumsum(np.r_[True, pairs[1:] != pairs[:-1]]) - 1
    total = pd.Series(best).groupby(of_pair, sort=False).sum().to_numpy()
    out = np.empty(len(key))
    # the other record's own person is counted by this entry's odds, not its best duplicate's
    out[order] = total[of_pair[group]] - best[group]
    return out


def components(n: int, links: pd.DataFrame | Mapping[str, np.ndarray]) -> np.ndarray:
    """Connected component label of each of ``n`` records over ``links`` (left, right: a frame
    or arrays): the
    components numbered in the order of their first record, as SciPy's connected_components
    numbers them.

    Whole-array rounds, no SciPy (its sparse-graph modules took a tenth of a second to import,
    on every run): each round every link pulls the root of its larger root's tree under the
    smaller one, then every record jumps to its root. Every tree joins a neighbour in a round,
    so their number in a component at least halves: a few rounds, whatever the chains.
    """
    left = np.asarray(links["left"], dtype=np.int64)
    right = np.asarray(links["right"], dtype=np.int64)
    root = np.arange(n, dtype=np.int64)
    while len(left):
        a, b = root[left], root[right]
        low = np.minimum(a, b)
        hooked = root.copy()
        np.minimum.at(hooked, a, low)  # a root only ever moves under a smaller record: no cycles
        np.minimum.at(hooked, b, low)
        while True:  # pointer jumping: every record to its root
            jumped = hooked[hooked]
            if np.array_equal(jumped, hooked):
                break
            hooked = jumped
        if np.array_equal(hooked, root):
            break
        root = hooked
    # Each component's root is its smallest record, so numbering roots in order numbers the
    # components by their first record: by a table over the records (group_rows), not a sort
    # of every record's root (np.unique: 0.1 s a call at 1M records, three calls a run).
    return group_rows(root)[1]


STRONG = 0.99  # a link this sure may join a chain; weaker ones may only join a tight group
MIN_DENSITY = 0.5  # a group of 3+ must have at least this share of its possible links


def clusters(
    frame: pd.DataFrame,
    links: pd.DataFrame,
    unique_sources: Sequence[str] = ("connections",),
    strong: float = STRONG,
    cache: dict | None = None,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Component label of each record, and the links kept.

    Two guards against chains of weak links. A component holding two records of one unique file
    (two different LinkedIn connections) was glued by links among the other files' records:
    those links are dropped there, so each record stays with the connection it linked to. A
    component of three or more records whose links are sparse (A-B, B-C but not A-C) keeps only
    its strong links (probability >= ``strong``). ``cache``: the run's per-record work
    (``block.once_per_run``).
    """
    is_unique = unique_records(frame, unique_sources, cache)
    files = file_codes(frame, cache)
    for _ in range(3):
        labels = components(len(frame), links)
        left, right = links["left"].to_numpy(), links["right"].to_numpy()
        seen = pd.DataFrame({"c": labels[is_unique], "f": files[is_unique]})
        glued = np.zeros(labels.max() + 1 if len(labels) else 0, dtype=bool)
        glued[seen.loc[seen.duplicated(), "c"].to_numpy()] = True
        among_others = ~is_unique[left] & ~is_unique[right]
        bad = glued[labels[left]] & among_others
        sizes = np.bincount(labels)
        edges = np.bincount(labels[left], minlength=len(sizes))
        possible = sizes * (sizes - 1) / 2
        sparse = (sizes >= 3) & (edges < MIN_DENSITY * possible)
        bad |= sparse[labels[left]] & (links["probability"].to_numpy() < strong)
        if not bad.any():
            return labels, links
        links = links[~bad]
    return components(len(frame), links), links


def prospect_ids(frame: pd.DataFrame, labels: np.ndarray) -> pd.Series:
    """A stable id per cluster, on each of its records: its LinkedIn slug when any record has
    one, else the alumni record id, else a hash of the name key, grad year and company key of
    its first record (see ``cluster_ids``)."""
    label = group_rows(np.asarray(labels))[1]
    return pd.Series(pd.array(cluster_ids(frame, labels).take(label), dtype=STR), index=frame.index)


def cluster_ids(frame: pd.DataFrame, labels: np.ndarray) -> pa.Array:
    """``prospect_ids`` once per cluster (the distinct labels ascending), as Arrow text: for a
    caller that wants one per person (link.merge), not taken to every record and back. The
    first record (in frame order) with a slug, or with an alumni record id, is found per
    cluster in numpy, not by grouping text columns; the ids are made as Arrow text (Python
    strings only for the hashes and for ids that collide: a million made Python objects and
    back cost half a second at the large size)."""
    clusters, label = group_rows(np.asarray(labels))
    n, k = len(frame), len(clusters)
    slug = pa.array(frame["linkedin_slug"].astype(STR).array)
    ext = frame.get("alumni_record", pd.Series("", index=frame.index)).fillna("").astype(STR)

    def first_with(present: np.ndarray) -> np.ndarray:
        """Per cluster, its first record where ``present`` holds (n: none)."""
        first = np.full(k, n, dtype=np.int64)
        at = np.flatnonzero(present)
        np.minimum.at(first, label[at], at)
        return first

    by_slug = first_with(pc.fill_null(pc.not_equal(slug, ""), False).to_numpy(zero_copy_only=False))
    by_ext = first_with((ext != "").to_numpy(dtype=bool))
    has = by_slug < n
    use = ~has & (by_ext < n)
    # the hash only for the clusters that need it (its first record's), not for every record
    need = ~has & ~use
    first = first_with(np.ones(n, dtype=bool))

    def digest(at: np.ndarray, width: int) -> list[str]:
        """The records' name key|grad year|employer key hashed (only theirs made text)."""
        names = frame["name_key"].take(at).to_numpy(dtype=object)
        years = frame["grad_year"].take(at).astype(STR).to_numpy(dtype=object)
        companies = frame["company_key"].take(at).to_numpy(dtype=object)
        return [
            hashlib.sha1(f"{k}|{y}|{c}".encode()).hexdigest()[:width]
            for k, y, c in zip(names, years, companies, strict=True)
        ]

    text = pa.large_string()
    alumni = pa.array(ext.array).take(by_ext[use])
    parts = (
        slug.take(by_slug[has]),
        pc.binary_join_element_wise(pa.scalar("alumni:", text), alumni, pa.scalar("", text)),
        pa.array(["p-" + h for h in digest(first[need], 12)], type=text),
    )
    # each cluster's place among the parts' ids, taken in cluster order
    place = np.empty(k, dtype=np.int64)
    offset = 0
    for kind in (has, use, need):
        place[kind] = offset + np.arange(int(kind.sum()))
        offset += int(kind.sum())
    chunks = [c for part in parts for c in getattr(part, "chunks", [part])]
    ids = pa.chunked_array(chunks, type=text).take(place).combine_chunks()
    if k:
        source = frame.get("source", pd.Series("", index=frame.index)).astype(STR)
        connected = first_with((source == "connections").to_numpy(dtype=bool)) < n
        ids = _distinct(ids, connected, first, digest)
    return ids


def _distinct(ids: pa.Array, connected: np.ndarray, first: np.ndarray, digest) -> pa.Array:
    """The clusters' ids (Arrow text) made distinct. Two clusters can draw one id: an alum's
    LinkedIn column names the slug of a connection it was not linked to, one alumni record id
    sits in two files, or two namesakes have no slug, no record id and the same year and
    employer. Among the clusters sharing an id, the one holding a connection (whose export the
    slug comes from), else the one whose first record comes first, keeps it; each other gets
    "~" and a digest of its first record's name key, grad year and employer key (stable while
    those stay), then "~2", "~3" ... where that still collides. Clusters are visited in a
    Python step only where ids collide, which is rare; every id is made a Python string only
    where a new one collides too."""
    codes = pc.dictionary_encode(ids).indices.to_numpy(zero_copy_only=False)
    shared = np.bincount(codes)[codes] > 1
    if not shared.any():
        return ids
    at = np.flatnonzero(shared)
    values = ids.take(at).to_numpy(zero_copy_only=False)
    order = np.lexsort((first[at], ~connected[at], values.astype(str)))
    at, values = at[order], values[order]
    keeps = np.r_[True, values[1:] != values[:-1]]
    moved = at[~keeps]
    names = [f"{i}~{h}" for i, h in zip(values[~keeps], digest(first[moved], 8), strict=True)]
    kept = np.ones(len(ids), dtype=bool)
    kept[moved] = False
    clash = pc.is_in(ids, value_set=pa.array(names, type=ids.type)).to_numpy(zero_copy_only=False)
    if not (clash & kept).any() and len(set(names)) == len(names):  # no new id taken: as is
        positions = np.argsort(moved)
        new = pa.array(np.asarray(names, dtype=object)[positions], type=ids.type)
        mask = pa.array(~kept)
        return pc.replace_with_mask(ids, mask, new)
    every = ids.to_numpy(zero_copy_only=False).astype(object)
    every[moved] = names
    taken = set(every[kept].tolist())
    for c in moved.tolist():
        base, step = every[c], 2
        while every[c] in taken:
            every[c], step = f"{base}~{step}", step + 1
        taken.add(every[c])
    return pa.array(every, type=ids.type)
