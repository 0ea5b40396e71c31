"""What changed between two runs: pure functions over two snapshots of the ``prospects`` table.

A person is followed by prospect_id; when an id disappears and another appears (an alum first
known by a hash of name and employer, then linked to a connection's LinkedIn profile), the two
are joined by name and class year, or name and employer, or name and school, when that is
unique on both sides. Each person gets at most one job event (the first that applies of: moved
to a target employer, left a target employer, changed jobs, promoted) and at most one tie event
(new connection, left your files, found in an alumni list); a rank move is reported only for
people with nothing else to report, since a job change moves the rank anyway.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from pipeline.schema import SENIORITY_LEVELS

#: kind -> (label on the sheet, summary words for one person, for several), in the order shown.
KINDS: dict[str, tuple[str, str, str]] = {
    "into_target": (
        "Moved to a target employer",
        "person moved to a target employer",
        "people moved to a target employer",
    ),
    "out_of_target": (
        "Left a target employer",
        "person left a target employer",
        "people left a target employer",
    ),
    "job_change": ("Changed jobs", "person changed jobs", "people changed jobs"),
    "promotion": ("Promoted", "person promoted", "people promoted"),
    "new_connection": ("New connection", "new connection", "new connections"),
    "newly_alum": (
        "Found in an alumni list",
        "connection found in an alumni list",
        "connections found in an alumni list",
    ),
    "left": ("Left your files", "person left your files", "people left your files"),
    "rank_move": (
        "Moved in the ranking",
        "person moved in the ranking",
        "people moved in the ranking",
    ),
}
CHANGE_COLUMNS = ("kind", "prospect_id", "name", "before", "after", "rank", "rank_before")
_LEVEL = {level: i for i, level in enumerate(SENIORITY_LEVELS)}
#: How a vanished id is joined to a new one, most reliable first (all columns non-empty).
_RELINK_KEYS = (("name_key", "grad_year"), ("name_key", "company_key"), ("name_key", "school"))


def empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in CHANGE_COLUMNS})


def _text(series: pd.Series) -> pd.Series:
    return series.astype(object).where(series.notna(), "").astype(str).str.strip()


def _job(frame: pd.DataFrame) -> pd.Series:
    """'Title at Company' (or whichever is known)."""
    title, company = _text(frame["title"]), _text(frame["company"])
    both = (title != "") & (company != "")
    return (title + np.where(both, " at ", "") + company).where(title + company != "", "—")


def _unique_keys(frame: pd.DataFrame, keys: tuple[str, ...]) -> pd.Series:
    """prospect_id indexed by the joined ``keys``, for rows where every key is known and the
    joined key occurs once."""
    parts = [_text(frame[k]).replace({"nan": "", "<NA>": "", "None": ""}) for k in keys]
    known = pd.concat(parts, axis=1).ne("").all(axis=1)
    joined = parts[0].str.cat(parts[1:], sep="\x1f")
    usable = known & ~joined.duplicated(keep=False)
    return pd.Series(frame.loc[usable, "prospect_id"].to_numpy(), index=joined[usable].to_numpy())


def relink(old: pd.DataFrame, new: pd.DataFrame) -> dict[str, str]:
    """old prospect_id -> new prospect_id for ids that vanished while another appeared, joined on
    the first of _RELINK_KEYS that is unique on both sides. Frames need PROSPECT_COLUMNS."""
    gone = old[~old["prospect_id"].isin(new["prospect_id"])]
    came = new[~new["prospect_id"].isin(old["prospect_id"])]
    mapping: dict[str, str] = {}
    for keys in _RELINK_KEYS:
        a = _unique_keys(gone[~gone["prospect_id"].isin(mapping.keys())], keys)
        b = _unique_keys(came[~came["prospect_id"].isin(mapping.values())], keys)
        both = a.index.intersection(b.index)
        mapping.update(zip(a[both], b[both], strict=True))
    return mapping


def compare(
    old: pd.DataFrame, new: pd.DataFrame, targets: Iterable[str], *, rank_move: int = 10
) -> pd.DataFrame:
    """The changes from snapshot ``old`` to snapshot ``new`` (CHANGE_COLUMNS, ordered by KINDS
    then rank). Both need PROSPECT_COLUMNS (``store``); ``targets`` are target company keys
    (the newer run's, so both sides are judged alike); ``rank_move`` 0 turns rank moves off.

    >>> row = dict(prospect_id="ada", name="Ada", name_key="ada", company="Acme",
    ...            company_key="acme", title="Analyst", seniority="Entry", school="",
    ...            grad_year=None, is_connection=1, is_alum=0, connected_on=None, warmth=1.0,
    ...            score=0.5, rank=3)
    >>> moved = dict(row, company="Shopify", company_key="shopify")
    >>> compare(pd.DataFrame([row]), pd.DataFrame([moved]), {"shopify"})["kind"].tolist()
    ['into_target']
    """
    targets = set(targets)
    mapping = relink(old, new)
    old = old.assign(prospect_id=old["prospect_id"].replace(mapping))
    both = old.merge(new, on="prospect_id", how="inner", suffixes=("_0", "_1"))
    events: list[pd.DataFrame] = []

    def add(
        kind: str, rows: pd.DataFrame, before: pd.Series, after: pd.Series, *, side: str = "both"
    ) -> None:
        """``side``: "both" (rows of the merged frame), "new" (arrived) or "old" (departed)."""
        if rows.empty:
            return
        nothing = pd.Series(np.nan, index=rows.index)
        rank = {"both": "rank_1", "new": "rank", "old": None}[side]
        rank_before = {"both": "rank_0", "new": None, "old": "rank"}[side]
        events.append(
            pd.DataFrame(
                {
                    "kind": kind,
                    "prospect_id": rows["prospect_id"],
                    "name": rows["name_1" if side == "both" else "name"],
                    "before": before,
                    "after": after,
                    "rank": rows[rank] if rank else nothing,
                    "rank_before": rows[rank_before] if rank_before else nothing,
                }
            )
        )

    # Job events: one per person, the first that applies.
    k0, k1 = _text(both["company_key_0"]), _text(both["company_key_1"])
    moved = (k0 != k1) & ((k0 != "") | (k1 != ""))
    in0, in1 = k0.isin(targets), k1.isin(targets)
    s0, s1 = both["seniority_0"].map(_LEVEL), both["seniority_1"].map(_LEVEL)
    # A promotion is a higher level under a new title: the level alone also rises when new
    # evidence arrives for the same title (a class year from a newly linked alumni record makes
    # a plain "Machine Learning Engineer" Senior: normalize.levels), which is no promotion.
    retitled = _text(both["title_0"]) != _text(both["title_1"])
    promoted = ~moved & retitled & s0.notna() & s1.notna() & (s1 > s0)
    job0 = _job(both.rename(columns={"title_0": "title", "company_0": "company"}))
    job1 = _job(both.rename(columns={"title_1": "title", "company_1": "company"}))
    job = pd.Series("", index=both.index, dtype=object)
    job[promoted] = "promotion"
    job[moved] = "job_change"
    job[moved & in0 & ~in1] = "out_of_target"
    job[moved & in1 & ~in0] = "into_target"
    for kind in ("into_target", "out_of_target", "job_change"):
        sel = job == kind
        add(kind, both[sel], job0[sel], job1[sel])
    sel = job == "promotion"
    add(
        "promotion",
        both[sel],
        both.loc[sel, "seniority_0"] + ": " + job0[sel],
        both.loc[sel, "seniority_1"] + ": " + job1[sel],
    )

    # Tie events: a new connection, someone who left, a connection now also an alum.
    c0, c1 = both["is_connection_0"].astype(bool), both["is_connection_1"].astype(bool)
    a0, a1 = both["is_alum_0"].astype(bool), both["is_alum_1"].astype(bool)
    tie = pd.Series("", index=both.index, dtype=object)
    tie[c0 & c1 & ~a0 & a1] = "newly_alum"
    tie[c0 & ~c1] = "left"
    tie[~c0 & c1] = "new_connection"
    arrived = new[~new["prospect_id"].isin(old["prospect_id"])]
    arrived = arrived[arrived["is_connection"].astype(bool)]
    add("new_connection", arrived, pd.Series("", index=arrived.index), _job(arrived), side="new")
    sel = tie == "new_connection"
    add("new_connection", both[sel], pd.Series("alum", index=both.index)[sel], job1[sel])
    sel = tie == "newly_alum"
    add("newly_alum", both[sel], job0[sel], _text(both.loc[sel, "school_1"]))
    departed = old[~old["prospect_id"].isin(new["prospect_id"])]
    add("left", departed, _job(departed), pd.Series("", index=departed.index), side="old")
    sel = tie == "left"
    add("left", both[sel], job0[sel], pd.Series("still in an alumni list", index=both.index)[sel])

    if rank_move > 0:
        r0, r1 = pd.to_numeric(both["rank_0"]), pd.to_numeric(both["rank_1"])
        quiet = (job == "") & (tie == "")
        sel = quiet & r0.notna() & r1.notna() & ((r1 - r0).abs() > rank_move)
        add(
            "rank_move",
            both[sel],
            r0[sel].map("rank {:.0f}".format),
            r1[sel].map("rank {:.0f}".format),
        )

    if not events:
        return empty()
    out = pd.concat(events, ignore_index=True)
    out["_kind"] = out["kind"].map({k: i for i, k in enumerate(KINDS)})
    out = out.sort_values(["_kind", "rank"], kind="stable", na_position="last")
    return out.drop(columns="_kind").reset_index(drop=True)[list(CHANGE_COLUMNS)]


def counts(changes: pd.DataFrame) -> dict[str, int]:
    """kind -> number of people, for the kinds that occur, in KINDS order."""
    found = changes["kind"].value_counts()
    return {k: int(found[k]) for k in KINDS if k in found.index}
