"""Career level from the title and the experience together: a probability per level.

A title's words are evidence of a level (``titles.classify_titles``), but not all of them say
the same amount. LinkedIn calls "Software Engineer" Entry in year two and Senior in year nine, and
the title does not change. So each title is first sorted into an *evidence* class
(``pipeline/data/level_evidence.csv``):

- **strong**: a level word ("Intern", "Senior", "Director", "Founder" ...). The level is kept
  whatever the years: an "Intern" ten years out is a career changer, still in Training. Its
  probability is how often such a word was right on the generator (the ``strong`` row of
  ``level_model.csv``); the rest is spread over the neighbouring levels.
- **plain** / **ic manager**: a job noun with no level word ("Consultant", "Research Scientist"),
  or a manager of a product rather than of people ("Product Marketing Manager", "Brand
  Manager"); **unclassified**: words no rule reads; **none**: no title at all.
  For these the level comes from the years since the first degree: ``level_model.csv`` holds,
  per class and per years bucket (Sales Navigator's buckets, finer around years 0 to 6), the
  share of each level among the generator's people (``fixtures/levels/generate.py``), fitted
  by ``benchmarks/eval_levels.py --fit`` (``level_fit.fit``). The probabilities are those shares, so
  they are calibrated on the generator by construction; with the years unknown, the class's
  shares over all years. Without a title the employer's kind also counts (rows per kind:
  a student society's people are Unpaid, a university's people before their class year are
  still in Training), fitted the same way and pulled towards the rows for any employer; a
  person with no employer known, or one of a kind never fitted, gets the rows for any employer.

Before either, the employer and the title together may settle it (``level_overrides.csv``,
ordered, first match wins): a student society's roles are Unpaid, an RA or TA post held while
studying is Training, a hospital's residents are in training, a bank's Associate Vice President
is a Manager (``employer_seniority.csv``, applied by ``titles.adjust_for_employer``); with no
title at all, a "Self-employed" or "Freelance" employer makes an Owner (a rule whose title
pattern matches the empty title, with a declared probability below 1).

The shown level is the most probable; ``seniority_p`` is its probability and
``seniority_basis`` says in words what decided it. Without a title and without years the level
stays "Unknown"; with years it is marked "estimated from years and employer (...)", or
"estimated from years alone (...)" when no employer is known.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from pipeline.normalize.workplace import KIND_ROWS, employer_kind_of, employer_kinds_of
from pipeline.schema import SENIORITY_LEVELS

__all__ = [
    "EVIDENCE",
    "KIND_ROWS",
    "LEVEL_COLUMNS",
    "employer_kind_of",
    "employer_kinds_of",
    "estimate_levels",
    "evidence_class",
    "level_probabilities",
]

UNKNOWN = "Unknown"
LEVELS = SENIORITY_LEVELS
EVIDENCE = ("strong", "plain", "ic manager", "unclassified", "none")
#: Sources of career_years that are facts about the person (not guessed from the title).
MEASURED = ("grad_year", "history")
LEVEL_COLUMNS = ("seniority", "seniority_p", "seniority_basis", "seniority_rule")


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


def _measured_years(frame: pd.DataFrame) -> np.ndarray:
    if "career_years" not in frame:
        return np.full(len(frame), np.nan)
    years = pd.to_numeric(frame["career_years"], errors="coerce").to_numpy(dtype=float)
    source = frame.get("career_years_source", pd.Series("grad_year", index=frame.index))
    return np.where(source.astype("str").isin(MEASURED).to_numpy(), years, np.nan)


def estimate_levels(frame: pd.DataFrame, titles: pd.DataFrame, kinds: pd.Series) -> pd.DataFrame:
    """seniority, seniority_p, seniority_basis and seniority_rule from title and experience.

    ``frame`` may have ``career_years`` and ``career_years_source`` (only "grad_year" and
    "history" years count: a year guessed from the title would be circular) and
    ``last_degree_years`` (years since the latest class year, ``stage.last_degree_years``:
    below zero, the person is still studying, whatever their first degree says: a 2019
    bachelor with a PhD due in 2028 and no title is a student, in Training); ``titles`` has
    ``seniority`` (the title's own level), ``seniority_rule`` and ``title_clean`` (from
    ``classify_titles`` and ``adjust_for_employer``); ``kinds`` the employer kind of each row
    (``employer_kind_of``). All three share one index. Work is done once per distinct
    (title, kind, whole years) combination.

    >>> t = pd.DataFrame({"seniority": ["Entry"], "seniority_rule": ["early-career job noun"],
    ...                   "title_clean": ["research scientist"]})
    >>> f = pd.DataFrame({"career_years": [9.4], "career_years_source": ["grad_year"]})
    >>> estimate_levels(f, t, pd.Series([""]))["seniority"].tolist()
    ['Senior']
    """
    years = np.round(_measured_years(frame), 1)
    last = pd.to_numeric(
        frame.get("last_degree_years", pd.Series(np.nan, index=frame.index)), errors="coerce"
    ).to_numpy(dtype=float)
    # still studying: a class year still to come (only a year measured counts, as above)
    studying = np.where((last < 0) & ~np.isnan(years), np.round(last, 1), np.nan)
    key = pd.DataFrame(
        {
            "level": titles["seniority"].astype("str").to_numpy(),
            "rule": titles["seniority_rule"].astype("str").to_numpy(),
            "clean": titles["title_clean"].astype("str").to_numpy(),
            "kind": kinds.fillna("").astype("str").to_numpy(),
            "years": years,
            "studying": studying,
        }
    )
    filled = key.fillna({"years": -999.0, "studying": -999.0})
    codes, uniques = pd.factorize(pd.MultiIndex.from_frame(filled))
    rows = []
    overrides = _overrides()
    for level, rule, clean, kind, y, s in uniques:
        y = np.nan if y == -999.0 else float(y)
        # a student now is within any "while studying" rule's years; without a title the
        # class year still to come is what the years say (a working student with a title
        # keeps the years since the first degree: the title says they work)
        student = y if s == -999.0 else min(y, float(s))
        hit = next(
            (
                o
                for o in overrides
                if (not o[1] or o[1] == kind)
                and o[2].search(clean)
                and (o[3] == np.inf or (not np.isnan(student) and student <= o[3]))
            ),
            None,
        )
        if hit is not None:
            rows.append((hit[4], hit[5], f"{hit[0]} ({kind or 'any employer'})", hit[0]))
            continue
        evidence = evidence_class(rule, level, clean)
        if evidence in ("none", "unclassified"):
            y = student
        p = level_probabilities(evidence, level if level in LEVELS else "Entry", y, kind)
        if p.sum() == 0:
            rows.append((UNKNOWN, np.nan, "", rule))
            continue
        best = int(p.argmax())
        basis = _basis(evidence, rule, clean, y, "", kind if _has_kind_rows(evidence, kind) else "")
        # a fitted share is an estimate: shown at most 0.99, never as a certainty
        rows.append((LEVELS[best], min(round(float(p[best]), 2), 0.99), basis, rule))
    table = np.array(rows, dtype=object).reshape(len(rows), 4)[codes]
    return pd.DataFrame(
        {
            "seniority": pd.Series(table[:, 0], index=frame.index, dtype="str"),
            "seniority_p": pd.Series(table[:, 1], index=frame.index, dtype=float),
            "seniority_basis": pd.Series(table[:, 2], index=frame.index, dtype="str"),
            "seniority_rule": pd.Series(table[:, 3], index=frame.index, dtype="str"),
        }
    )


def employer_levels(frame: pd.DataFrame, titles: pd.DataFrame) -> pd.DataFrame:
    """``estimate_levels`` with the employer kinds read from ``frame`` (company_key,
    employer_is_school, career_years, career_years_source); ``titles`` as there."""
    return estimate_levels(frame, titles, employer_kinds_of(frame))


def relevel(prospects: pd.DataFrame, extra_rules=(), today: date | None = None) -> pd.DataFrame:
    """The level again once records are linked: a LinkedIn title with the alumni list's class
    year. ``prospects`` needs title, company_key, career_years, career_years_source (and
    employer_is_school when known; grad_year and class_years, with ``today``, to see who is
    still studying). Returns a new frame with LEVEL_COLUMNS replaced; rows whose
    years are not measured keep what they had (their years came from the level itself).
    """
    from pipeline.normalize.companies import employer_kinds
    from pipeline.normalize.stage import last_degree_years
    from pipeline.normalize.titles import adjust_for_employer, classify_titles

    out = prospects.copy()
    titles = classify_titles(out["title"], extra_rules=extra_rules)
    titles = adjust_for_employer(titles, employer_kinds(out["company_key"]))
    seen = out
    if today is not None and "grad_year" in out:
        seen = out.assign(last_degree_years=last_degree_years(out, today))
    levels = employer_levels(seen, titles)
    measured = out["career_years_source"].astype("str").isin(MEASURED).to_numpy()
    for col in LEVEL_COLUMNS:
        if col in out:
            out[col] = out[col].where(~measured, levels[col])
        else:
            out[col] = levels[col]
    return out


def level_evidence(frame: pd.DataFrame) -> pd.DataFrame:
    """How each level was decided: people per (level, what decided it) with the mean probability.

    ``frame`` has seniority, seniority_p and seniority_basis (normalize, or rank's relevel).
    "What decided it" is the basis without its details: "title says so", "title has no level
    word", "estimated from years and employer", "estimated from years alone", an employer
    rule's name ...

    >>> f = pd.DataFrame({"seniority": ["Senior", "Senior"], "seniority_p": [0.9, 0.7],
    ...                   "seniority_basis": ["title says so (senior)", "estimated from years "
    ...                                       "alone (7 years since the first degree)"]})
    >>> level_evidence(f)["decided by"].tolist()
    ['estimated from years alone', 'title says so']
    """
    basis = frame["seniority_basis"].fillna("").astype("str")
    decided = basis.str.replace(r"\s*\(.*$|;.*$", "", regex=True).replace("", "nothing known")
    table = (
        frame.assign(**{"decided by": decided})
        .groupby(["seniority", "decided by"], sort=False)
        .agg(people=("seniority", "size"), mean_probability=("seniority_p", "mean"))
        .reset_index()
    )
    order = {lv: i for i, lv in enumerate((*LEVELS, UNKNOWN))}
    table["_o"] = table["seniority"].map(order)
    table = table.sort_values(["_o", "decided by"]).drop(columns="_o")
    table["mean_probability"] = table["mean_probability"].round(2)
    return table.reset_index(drop=True)
