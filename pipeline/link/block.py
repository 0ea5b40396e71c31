"""Blocking: candidate pairs from declared rules, never the full product of two files.

A rule is a value: a name and the columns whose (non-empty) values must be equal. Their union
is the set of candidate pairs; the count per rule is reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class BlockingRule:
    name: str
    columns: tuple[str, ...]
    max_block: int = 300  # a key shared by more records than this is too common to block on
    multi: str = ""  # a column of "|"-joined values: each value is a key of its own


RULES: tuple[BlockingRule, ...] = (
    BlockingRule("same LinkedIn slug", ("linkedin_slug",)),
    BlockingRule("same email", ("email",)),
    BlockingRule("same name key", ("name_key",)),
    BlockingRule("same last name and first initial", ("last_key", "first_initial")),
    BlockingRule(
        "same last name and a first-name variant",
        ("last_key",),
        multi="first_name_variants",
    ),
)


@dataclass(frozen=True)
class Candidates:
    pairs: pd.DataFrame  # columns left, right: positional indices into the frame, left < right
    per_rule: dict[str, int]  # pairs each rule produced (before the union)
    skipped_keys: dict[str, int]  # per rule, keys skipped for being shared by too many records


def candidate_pairs(frame: pd.DataFrame, rules: Sequence[BlockingRule] = RULES) -> Candidates:
    """Pairs (i < j, positions in ``frame``) sharing the key of at least one rule.

    >>> f = pd.DataFrame({"name_key": ["ann lee", "ann lee", "bo wu"]})
    >>> candidate_pairs(f, [BlockingRule("name", ("name_key",))]).pairs.values.tolist()
    [[0, 1]]
    """
    found: list[pd.DataFrame] = []
    per_rule: dict[str, int] = {}
    skipped: dict[str, int] = {}
    for rule in rules:
        if not all(c in frame.columns for c in rule.columns):
            continue
        key = _keys(frame, rule)
        sizes = key.map(key.value_counts())
        skipped[rule.name] = int(key[sizes > rule.max_block].nunique())
        key = key[(sizes > 1) & (sizes <= rule.max_block)]
        pairs = _self_pairs(key)
        per_rule[rule.name] = len(pairs)
        found.append(pairs)
    pairs = (
        pd.concat(found, ignore_index=True).drop_duplicates(ignore_index=True)
        if found
        else (pd.DataFrame({"left": [], "right": []}, dtype="int64"))
    )
    return Candidates(pairs.sort_values(["left", "right"], ignore_index=True), per_rule, skipped)


def _keys(frame: pd.DataFrame, rule: BlockingRule) -> pd.Series:
    """The blocking key of each record (index: its position), records with an empty part left
    out; with ``multi``, one entry per value of that column."""
    parts = frame[list(rule.columns)].astype("str")
    if rule.multi:
        parts = parts.assign(_multi=frame[rule.multi].astype("str").str.split("|"))
        parts = parts.set_axis(np.arange(len(frame))).explode("_multi").fillna("")
    else:
        parts = parts.set_axis(np.arange(len(frame)))
    usable = (parts != "").all(axis=1)
    key = parts.agg("\x1f".join, axis=1) if parts.shape[1] > 1 else parts.iloc[:, 0]
    return key[usable.to_numpy()]


def _self_pairs(key: pd.Series) -> pd.DataFrame:
    """All i < j pairs of positions sharing a key value (a self-join within each block)."""
    df = pd.DataFrame({"key": key.to_numpy(), "pos": key.index.to_numpy(dtype="int64")})
    df = df.drop_duplicates()
    joined = df.merge(df, on="key", suffixes=("_l", "_r"))
    joined = joined[joined["pos_l"] < joined["pos_r"]]
    return pd.DataFrame(
        {"left": joined["pos_l"].to_numpy(), "right": joined["pos_r"].to_numpy()}, dtype="int64"
    )
