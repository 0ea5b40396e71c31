"""link: the same person across connections and alumni lists -> the Prospects frame."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline import schema
from pipeline.link.block import candidate_pairs
from pipeline.link.classify import DEFAULT_MU, match_weights, name_frequency_adjustment, probability
from pipeline.link.cluster import clusters, one_to_one, prospect_ids
from pipeline.link.compare import compare
from pipeline.settings import Settings

__all__ = ["Linked", "link"]

# Which record's value a merged prospect shows: LinkedIn is current for jobs, alumni lists for
# schools and years.
_JOB_FIRST = ("connections", "manual", "alumni")
_SCHOOL_FIRST = ("alumni", "manual", "connections")
_JOB_COLUMNS = (
    "first_name", "last_name", "full_name", "credentials", "linkedin_slug", "email", "company",
    "company_key", "title", "seniority", "seniority_rule", "role_family", "location",
    "connected_on", "title_clean", "past_companies", "company_parent", "company_clean",
)  # fmt: skip
_SCHOOL_COLUMNS = (
    "school", "school_key", "degree", "major", "grad_year", "career_years", "career_years_sd",
    "career_years_source", "experience_bucket",
)  # fmt: skip


@dataclass(frozen=True)
class Linked:
    prospects: pd.DataFrame  # schema.PROSPECTS, one row per real person
    matches: pd.DataFrame  # one row per scored candidate pair, with levels and weights
    per_rule: dict[str, int]  # candidate pairs per blocking rule


def link(people: pd.DataFrame, settings: Settings) -> Linked:
    """Link normalized People into Prospects (one row per real person).

    ``people`` needs the normalized columns (schema.NORMALIZED) and ``last_key``/``first_key``.
    """
    schema.check(people, (*schema.PEOPLE, *schema.NORMALIZED), "normalized People")
    frame = people.reset_index(drop=True).copy()
    frame["first_initial"] = frame["first_key"].str[:1]
    cands = candidate_pairs(frame)
    levels = compare(frame, cands.pairs)
    weights = match_weights(levels)
    count = frame["name_key"].map(frame["name_key"].value_counts()).to_numpy()
    adj = name_frequency_adjustment(
        levels, count[levels["left"].to_numpy()], len(frame), DEFAULT_MU["name"][0][1]
    )
    weights["name"] = weights["name"] + adj
    levels["probability"] = probability(weights)
    kept = levels[levels["probability"] >= settings.match.threshold][
        ["left", "right", "probability"]
    ]
    kept = one_to_one(kept, frame)
    labels, kept = clusters(frame, kept)
    frame["prospect_id"] = prospect_ids(frame, labels)
    conf = _confidence(len(frame), kept, labels)
    prospects = _merge(frame, labels, conf)
    matches = _matches(frame, levels, weights, kept)
    return Linked(schema.check(prospects, schema.PROSPECTS, "Prospects"), matches, cands.per_rule)


def _confidence(n: int, kept: pd.DataFrame, labels: np.ndarray) -> np.ndarray:
    """Per cluster, the weakest kept link (1.0 for a single record)."""
    conf = pd.Series(1.0, index=range(labels.max() + 1 if n else 0))
    if len(kept):
        weakest = pd.Series(kept["probability"].to_numpy()).groupby(labels[kept["left"]]).min()
        conf.loc[weakest.index] = weakest.to_numpy()
    return conf.to_numpy()


def _first_non_empty(frame: pd.DataFrame, labels: np.ndarray, columns, order) -> pd.DataFrame:
    rank = frame["source"].map({s: i for i, s in enumerate(order)}).fillna(len(order))
    ordered = frame.assign(_label=labels, _rank=rank.to_numpy()).sort_values(
        ["_label", "_rank", "source_row"], kind="stable"
    )
    cols = [c for c in columns if c in frame.columns]
    blank = ordered[cols].apply(lambda s: s.where(s.astype("str") != "") if s.dtype == "str" else s)
    return blank.groupby(ordered["_label"].to_numpy()).first()


def _merge(frame: pd.DataFrame, labels: np.ndarray, conf: np.ndarray) -> pd.DataFrame:
    jobs = _first_non_empty(frame, labels, _JOB_COLUMNS, _JOB_FIRST)
    schools = _first_non_empty(frame, labels, _SCHOOL_COLUMNS, _SCHOOL_FIRST)
    grouped = frame.groupby(labels)
    out = pd.concat([jobs, schools], axis=1)
    out["prospect_id"] = grouped["prospect_id"].first()
    source = frame["source"]
    out["is_connection"] = (source == "connections").groupby(labels).any()
    out["is_alum"] = (source == "alumni").groupby(labels).any()
    out["record_ids"] = grouped["record_id"].agg("|".join)
    out["match_confidence"] = conf[out.index.to_numpy()]
    for col in out.columns:
        if out[col].dtype == object or out[col].dtype == "str":
            out[col] = out[col].fillna("").astype("str")
    ordered = [*schema.PROSPECTS, *(c for c in out.columns if c not in schema.PROSPECTS)]
    return out.reindex(columns=ordered).reset_index(drop=True)


def _matches(frame, levels, weights, kept) -> pd.DataFrame:
    """Scored candidate pairs for audit: who, the probability, each level and its weight."""
    a = frame.iloc[levels["left"].to_numpy()].reset_index(drop=True)
    b = frame.iloc[levels["right"].to_numpy()].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "left_file": a["source_file"],
            "left_row": a["source_row"],
            "left_name": a["full_name"],
            "right_file": b["source_file"],
            "right_row": b["source_row"],
            "right_name": b["full_name"],
            "probability": levels["probability"].round(4),
        }
    )
    key = set(zip(kept["left"], kept["right"], strict=True))
    out["linked"] = [(x, y) in key for x, y in zip(levels["left"], levels["right"], strict=True)]
    for col in weights.columns:
        out[f"{col} level"] = levels[col].to_numpy()
        out[f"{col} weight"] = weights[col].round(2).to_numpy()
    return out.sort_values("probability", ascending=False, ignore_index=True)
