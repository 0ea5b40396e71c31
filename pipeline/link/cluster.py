"""Clusters: the people behind the linked records, with stable prospect ids.

Where a file holds each person once (a LinkedIn export: its URLs are unique) a one-to-one
constraint holds between it and every other file: the best link wins. Clusters are connected
components over the kept links.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def one_to_one(
    links: pd.DataFrame, frame: pd.DataFrame, unique_source: str = "connections"
) -> pd.DataFrame:
    """Keep, for each record of ``unique_source``, its best link into each other file, and for each
    record of another file, its best link into ``unique_source``. Other links pass unchanged.

    ``links`` has columns left, right, probability (positions into ``frame``, which has
    ``source`` and ``source_file``).
    """
    if links.empty:
        return links
    src = frame["source"].to_numpy()
    files = frame["source_file"].to_numpy()
    left_u = src[links["left"]] == unique_source
    right_u = src[links["right"]] == unique_source
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


def components(n: int, links: pd.DataFrame) -> np.ndarray:
    left, right = links["left"].to_numpy(), links["right"].to_numpy()
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def clusters(
    frame: pd.DataFrame, links: pd.DataFrame, unique_source: str = "connections"
) -> tuple[np.ndarray, pd.DataFrame]:
    """Component label of each record, and the links kept.

    Guard against chains: a component holding two records of the unique source (two different
    LinkedIn connections) was glued by links among the other files' records; those links are
    dropped in such components, so each record stays with the connection it linked to.
    """
    labels = components(len(frame), links)
    is_unique = (frame["source"] == unique_source).to_numpy()
    per_component = np.bincount(
        labels, weights=is_unique, minlength=labels.max() + 1 if len(labels) else 0
    )
    glued = per_component[labels[links["left"].to_numpy()]] > 1
    among_others = ~is_unique[links["left"].to_numpy()] & ~is_unique[links["right"].to_numpy()]
    if (glued & among_others).any():
        links = links[~(glued & among_others)]
        labels = components(len(frame), links)
    return labels, links


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
