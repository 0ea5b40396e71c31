"""Clusters: the people behind the linked records, with stable prospect ids.

Where a file holds each person once (a LinkedIn export: its URLs are unique) a one-to-one
constraint holds between it and every other file: the best link wins. Clusters are connected
components over the kept links.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def one_to_one(
    links: pd.DataFrame, frame: pd.DataFrame, unique_sources: Sequence[str] = ("connections",)
) -> pd.DataFrame:
    """Keep, for each record of ``unique_source``, its best link into each other file, and for each
    record of another file, its best link into ``unique_source``. Other links pass unchanged.

    ``links`` has columns left, right, probability (positions into ``frame``, which has
    ``source`` and ``source_file``).
    """
    if links.empty:
        return links
    unique = frame["source"].isin(list(unique_sources)).to_numpy()
    files = frame["source_file"].to_numpy()
    left_u = unique[links["left"].to_numpy()]
    right_u = unique[links["right"].to_numpy()]
    cross = left_u ^ right_u
    # Between two records of the unique source: different people by construction.
    within_unique = left_u & right_u
    rest = links[~cross & ~within_unique]
    cand = links[cross].copy()
    cand["u"] = np.where(left_u[cross], cand["left"], cand["right"])
    cand["o"] = np.where(left_u[cross], cand["right"], cand["left"])
    cand["o_file"] = files[cand["o"]]
    cand = cand.sort_values("probability", ascending=False, kind="stable")
    accepted = []
    # Rounds of mutual best choices: a link is taken when it is the best left for both of its
    # records; the records it uses drop out, and the next round looks again. This is greedy
    # assignment in a handful of vectorised rounds instead of a loop over links.
    while len(cand):
        best_u = ~cand.duplicated(["u", "o_file"])
        best_o = ~cand.duplicated(["o"])
        take = cand[best_u & best_o]
        accepted.append(take)
        used_u = pd.MultiIndex.from_frame(take[["u", "o_file"]])
        cand = cand[
            ~pd.MultiIndex.from_frame(cand[["u", "o_file"]]).isin(used_u)
            & ~cand["o"].isin(take["o"])
        ]
    chosen = pd.concat(accepted) if accepted else cand
    return pd.concat([rest, chosen[links.columns]], ignore_index=True)


def rivals(
    pairs: pd.DataFrame,
    bits: np.ndarray,
    frame: pd.DataFrame,
    unique_sources: Sequence[str] = ("connections",),
    threshold: float = 0.5,
) -> np.ndarray:
    """Match probability of each pair given its record's other candidates.

    A connection matches at most one person of another file, so the evidence for one candidate
    must beat the competing explanations: the other candidates and "no match here". With each
    pair's posterior odds o (2 ** ``bits``: weights plus prior, in bits), a pair between a
    connection c and a record a gets o / (1 + rivals of c + rivals of a + o), where rivals of c
    are the odds of c's other candidates in a's file and rivals of a the odds of a's other
    connections (Fellegi–Sunter under a one-to-one constraint). Candidates linked to each other
    as duplicates (at or above ``threshold``) are one person and count once, by their best odds.
    Pairs that do not cross a unique file keep o / (1 + o).

    ``pairs`` has left, right (positions into ``frame``, which has source and source_file).

    >>> # two equally good "Wei Zhang" alumni for one connection: each gets about 1/2, not 0.99
    """
    odds = np.exp2(np.clip(np.asarray(bits, dtype=float), -60, 60))
    out = odds / (1 + odds)
    if pairs.empty:
        return out
    is_unique = frame["source"].isin(list(unique_sources)).to_numpy()
    files = pd.factorize(frame["source_file"])[0]
    left, right = pairs["left"].to_numpy(), pairs["right"].to_numpy()
    cross = is_unique[left] ^ is_unique[right]
    dup = ~is_unique[left] & ~is_unique[right] & (out >= threshold)
    person = components(len(frame), pairs[dup])
    u = np.where(is_unique[left], left, right)[cross]
    a = np.where(is_unique[left], right, left)[cross]
    o = odds[cross]
    c = pd.DataFrame({"u": u, "file": files[a], "person": person[a], "o": o})
    best = c.groupby(["u", "file", "person"])["o"].transform("max").to_numpy()
    per_person = c.groupby(["u", "file", "person"])["o"].max()
    total_u = per_person.groupby(level=["u", "file"]).sum()
    # a's own person is counted by this pair's odds, not by its best duplicate's
    rivals_u = total_u.reindex(pd.MultiIndex.from_arrays([u, files[a]])).to_numpy() - best
    rivals_a = np.bincount(a, weights=o, minlength=len(frame))[a] - o
    out[cross] = o / (1 + rivals_u + rivals_a + o)
    return out


def components(n: int, links: pd.DataFrame) -> np.ndarray:
    left, right = links["left"].to_numpy(), links["right"].to_numpy()
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


STRONG = 0.99  # a link this sure may join a chain; weaker ones may only join a tight group
MIN_DENSITY = 0.5  # a group of 3+ must have at least this share of its possible links


def clusters(
    frame: pd.DataFrame,
    links: pd.DataFrame,
    unique_sources: Sequence[str] = ("connections",),
    strong: float = STRONG,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Component label of each record, and the links kept.

    Two guards against chains of weak links. A component holding two records of one unique file
    (two different LinkedIn connections) was glued by links among the other files' records:
    those links are dropped there, so each record stays with the connection it linked to. A
    component of three or more records whose links are sparse (A-B, B-C but not A-C) keeps only
    its strong links (probability >= ``strong``).
    """
    is_unique = frame["source"].isin(list(unique_sources)).to_numpy()
    files = (
        pd.factorize(frame["source_file"])[0]
        if "source_file" in frame
        else np.zeros(len(frame), int)
    )
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
    """A stable id per cluster: its LinkedIn slug when any record has one, else the alumni
    record id, else a hash of the name key, grad year and company key of its first record."""
    slug = frame["linkedin_slug"].where(frame["linkedin_slug"] != "")
    ext = frame.get("alumni_record", pd.Series("", index=frame.index)).fillna("").astype("str")
    ext = ("alumni:" + ext).where(ext != "")
    fallback = [
        "p-" + hashlib.sha1(f"{k}|{y}|{c}".encode()).hexdigest()[:12]
        for k, y, c in zip(
            frame["name_key"], frame["grad_year"].astype("str"), frame["company_key"], strict=True
        )
    ]
    by = pd.DataFrame({"label": labels, "slug": slug.to_numpy(), "ext": ext.to_numpy()})
    by["fallback"] = fallback
    first = by.groupby("label")[["slug", "ext", "fallback"]].first()
    ids = first["slug"].fillna(first["ext"]).fillna(first["fallback"])
    return pd.Series(ids.reindex(labels).to_numpy(), index=frame.index, dtype="str")
