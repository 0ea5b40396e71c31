"""The career-level model's shipped tables and its rules per value (``levels`` applies them).

``level_evidence.csv`` sorts a title rule into an evidence class, ``level_model.csv`` holds the
share of each level per evidence class, years bucket and employer kind (fitted by
``level_fit.fit``), and ``level_overrides.csv`` the employer-and-title rules tried first. The
functions here answer for one value (an evidence class, a probability row, the basis's words);
``levels.estimate_levels`` applies them once per distinct combination of a frame's columns.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

import numpy as np

from pipeline.schema import SENIORITY_LEVELS

UNKNOWN = "Unknown"
LEVELS = SENIORITY_LEVELS
EVIDENCE = ("strong", "plain", "ic manager", "unclassified", "none")


def _rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("pipeline").joinpath("data", filename).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def _evidence_by_rule() -> dict[str, str]:
    table = {r["rule"]: r["evidence"] for r in _rows("level_evidence.csv")}
    if set(table.values()) - set(EVIDENCE):
        raise ValueError(
            f"level_evidence.csv: unknown evidence {set(table.values()) - set(EVIDENCE)}"
        )
    return table


#: Years since the first degree that share one row of level_model.csv (Sales Navigator's
#: buckets, split finer where levels change fast: students, years 3 to 6).
EDGES = (-np.inf, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0, 15.0, 20.0, 25.0, np.inf)


@cache
def _model() -> tuple[float, dict[tuple[str, str], np.ndarray]]:
    """(P a strong word is right, (evidence class, employer kind or "" for any) -> (len(EDGES)
    rows: one per years bucket, then the row for unknown years) x LEVELS probabilities) from
    level_model.csv."""
    strong, table = 0.97, dict[tuple[str, str], np.ndarray]()
    for row in _rows("level_model.csv"):
        probs = np.array([float(row[lv] or 0) for lv in LEVELS])
        if row["evidence"] == "strong":
            strong = float(row["Entry"])  # the share right, stored in one column
            continue
        key = (row["evidence"], row.get("employer_kind") or "")
        rows = table.setdefault(key, np.zeros((len(EDGES), len(LEVELS))))
        i = len(EDGES) - 1 if row["years_from"] == "" else EDGES.index(float(row["years_from"]))
        rows[i] = probs / probs.sum() if probs.sum() > 0 else probs
    return strong, table


@cache
def _overrides() -> tuple[tuple[str, str, re.Pattern[str], float, str, float], ...]:
    """(name, employer kind or "" for any, title pattern, max years, level, probability).

    A pattern that matches the empty title (``^$``) is a rule for people without a title; the
    probability is 1 unless the row declares one (a rule that is usually, not always, right).
    """
    rows = sorted(_rows("level_overrides.csv"), key=lambda r: int(r["order"]))
    out = []
    for r in rows:
        if r["level"] not in LEVELS:
            raise ValueError(f"level_overrides.csv: bad level in {r['name']!r}")
        limit = float(r["max_years"]) if r["max_years"] else np.inf
        p = float(r.get("probability") or 1.0)
        out.append((r["name"], r["kind"], re.compile(r["title"]), limit, r["level"], p))
    return tuple(out)


def evidence_class(rule: str, level: str, title_clean: str) -> str:
    """Which evidence a title's rule gives: strong, plain, ic manager, unclassified or none.

    >>> evidence_class("early-career job noun", "Entry", "consultant")
    'plain'
    >>> evidence_class("intern / co-op", "Training", "intern")
    'strong'
    >>> evidence_class("", "Unknown", "")
    'none'
    """
    if not title_clean or (level == UNKNOWN and rule):  # empty, or a placeholder such as Retired
        return "none"
    if level == UNKNOWN:
        return "unclassified"
    if rule.startswith("your rule"):  # the user's own rules are level words by decision
        return "strong"
    return _evidence_by_rule().get(rule, "strong")


def level_probabilities(evidence: str, level: str, years: float, kind: str = "") -> np.ndarray:
    """P(level) over SENIORITY_LEVELS for one person (all zeros when nothing is known).

    ``kind`` (employer_kind_of, or "other" for an employer of no particular kind) matters only
    without a title: a student society's people are Unpaid, a university's new graduates are
    often still assistants, a start-up's early hires its managers.

    >>> p = level_probabilities("plain", "Entry", 9.0)
    >>> SENIORITY_LEVELS[int(p.argmax())]
    'Senior'
    >>> p = level_probabilities("strong", "Training", 10.0)
    >>> SENIORITY_LEVELS[int(p.argmax())]
    'Training'
    >>> SENIORITY_LEVELS[int(level_probabilities("none", "Entry", -1.0, "society").argmax())]
    'Unpaid'
    """
    out = np.zeros(len(LEVELS))
    right, table = _model()
    if evidence == "strong":
        i = LEVELS.index(level)
        near = [j for j in (i - 1, i + 1) if 0 <= j < len(LEVELS)]
        out[i] = right
        out[near] = (1 - right) / len(near)
        return out
    cls = "none" if evidence == "unclassified" else evidence
    rows = table.get((cls, kind), table[(cls, "")])
    if np.isnan(years):  # words that say nothing, and no years: nothing is known
        return out if evidence in ("none", "unclassified") else rows[-1].copy()
    bucket = int(np.searchsorted(EDGES, years, side="right")) - 1
    return rows[min(bucket, len(EDGES) - 2)].copy()


#: How the basis names an employer kind ("estimated from years and employer (...; a bank)").
KIND_WORDS = {
    "society": "a student society",
    "university": "a university",
    "bank": "a bank",
    "hospital": "a hospital",
    "startup": "a start-up",
    "other": "an employer of no particular kind",
}


@cache
def _has_kind_rows(evidence: str, kind: str) -> bool:
    cls = "none" if evidence == "unclassified" else evidence
    return bool(kind) and (cls, kind) in _model()[1]


def _basis(
    evidence: str, rule: str, title: str, years: float, override: str, kind: str = ""
) -> str:
    if override:
        return override
    y = (
        ""
        if np.isnan(years)
        else "still studying: a class year still to come"
        if years < 0
        else f"{years:.0f} years since the first degree"
    )
    if evidence == "strong":
        return f"title says so ({rule})"
    if evidence == "none" and kind:
        return f"estimated from years and employer ({y}; {KIND_WORDS.get(kind, kind)})" if y else ""
    if evidence == "none":
        return f"estimated from years alone ({y})" if y else ""
    if evidence == "unclassified" and kind:
        return (
            f"title not recognised; estimated from years and employer "
            f"({y}; {KIND_WORDS.get(kind, kind)})"
            if y
            else ""
        )
    if evidence == "unclassified":
        return f"title not recognised; estimated from years ({y})" if y else ""
    what = "a manager of a product, not of people" if evidence == "ic manager" else "no level word"
    return f"title has {what}; {y}" if y else f"title has {what}; years unknown"
