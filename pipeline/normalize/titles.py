"""Job titles: abbreviations expanded, seniority on LinkedIn's ten-level scale, a role family, and
the company hidden in a headline ("Senior PM @ Shopify | ex-Google").

Everything here is data-driven. ``normalize.title_text`` expands abbreviations (Sr, PM, SWE, VP,
CEO ...) and splits headlines; ``pipeline/data/seniority_rules.csv`` and
``pipeline/data/role_families.csv`` are ORDERED word-boundary regexes over the expanded,
lower-cased title, and the first rule that matches wins. A rule whose level (or family) is empty
is an *exception*: the words it matches are removed and the next rules see the rest, so
"Assistant to the CEO" is judged as "assistant" and "Student Success Manager" as "success
manager". A seniority rule whose level is "Unknown" stops the search on purpose (placeholders
such as "Self-employed"). The CSV ``note`` column documents each decision.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import NamedTuple

import numpy as np
import pandas as pd

from pipeline.errors import SettingsError
from pipeline.normalize.title_text import expand_abbreviations, split_headline
from pipeline.schema import SENIORITY_LEVELS
from pipeline.text.arrow_text import STR, taken_series

__all__ = [
    "ROLE_FAMILIES",
    "Rule",
    "adjust_for_employer",
    "classify_titles",
    "expand_abbreviations",
    "load_rules",
    "role_family",
    "rules_from_settings",
    "seniority",
    "split_headline",
]

ROLE_FAMILIES: tuple[str, ...] = (
    "Software engineering",
    "Data science & ML",
    "Data & analytics",
    "Product management",
    "Program & project management",
    "Design & UX",
    "Consulting",
    "Investment banking & finance",
    "Accounting & audit",
    "Marketing",
    "Sales & business development",
    "Customer success & support",
    "Operations & supply chain",
    "HR & recruiting",
    "Research & academia",
    "Healthcare & medicine",
    "Legal",
    "Education & teaching",
    "Executive leadership & entrepreneurship",
    "Engineering (non-software)",
    "Public sector & policy",
    "Communications & media",
)
UNKNOWN = "Unknown"
#: Levels a rule may carry: a real level, "Unknown" (stop: the title says nothing), "" (exception).
RULE_LEVELS = frozenset({*SENIORITY_LEVELS, UNKNOWN, ""})
_SPACES = re.compile(r"\s+")
Compiled = tuple[tuple[re.Pattern[str], str, str], ...]  # (regex, level or family, rule name)


@dataclass(frozen=True)
class Rule:
    """One seniority rule: a word-boundary regex over the expanded, lower-cased title.

    ``level`` is one of SENIORITY_LEVELS; "Unknown" to stop with no level (placeholders); or ""
    for an exception, whose matched words are removed before the next rules run.

    >>> Rule("team lead", r"\\bteam lead\\b", "Manager").level
    'Manager'
    """

    name: str  # short id quoted in explanations
    pattern: str
    level: str


def _data_rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("pipeline").joinpath("data", filename).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def load_rules() -> tuple[Rule, ...]:
    """The shipped seniority rules from ``pipeline/data/seniority_rules.csv``, in order."""
    rows = sorted(_data_rows("seniority_rules.csv"), key=lambda r: int(r["order"]))
    return tuple(Rule(r["name"], r["pattern"], r["level"]) for r in rows)


class _RuleSet(NamedTuple):
    rules: Compiled
    gate: re.Pattern[str] | None  # matches wherever any exception would: most titles skip them

    @classmethod
    def of(cls, rules: Compiled) -> _RuleSet:
        patterns = [regex.pattern for regex, level, _ in rules if not level]
        gate = re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None
        return cls(rules, gate)


@cache
def _family_rules() -> _RuleSet:
    rows = sorted(_data_rows("role_families.csv"), key=lambda r: int(r["order"]))
    unknown = {r["family"] for r in rows} - {*ROLE_FAMILIES, ""}
    if unknown:
        raise ValueError(f"role_families.csv names unknown families: {sorted(unknown)}")
    return _RuleSet.of(tuple((re.compile(r["pattern"]), r["family"], r["family"]) for r in rows))


@cache
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _compile_rules(rules: Sequence[Rule]) -> Compiled:
    compiled = []
    for rule in rules:
        if rule.level not in RULE_LEVELS:
            raise SettingsError(
                f"The seniority rule '{rule.name}' has the level '{rule.level}'; use one of "
                f"{', '.join(SENIORITY_LEVELS)}, Unknown, or leave it empty for an exception."
            )
        try:
            compiled.append((_compile(rule.pattern), rule.level, rule.name))
        except re.error as err:
            raise SettingsError(
                f"The seniority rule '{rule.name}' has an invalid pattern ({err}); "
                "fix its regular expression in the settings file."
            ) from None
    return tuple(compiled)


def rules_from_settings(
    mapping: Mapping[str, str], key: str = "[normalize] seniority_rules"
) -> tuple[Rule, ...]:
    """User rules from the settings (regex -> level), checked, in the order written.

    The level is matched case-insensitively ("entry" is "Entry"); "" makes an exception and
    "Unknown" stops with no level. A bad regex or level is a SettingsError naming ``key``. The
    regex runs over the expanded, lower-cased title (``expand_abbreviations``), so write
    "vice president" rather than "VP".

    >>> rules_from_settings({r"\\bfellow\\b": "entry"})[0].level
    'Entry'
    """
    by_lower = {level.lower(): level for level in RULE_LEVELS}
    rules = []
    for pattern, level in mapping.items():
        canonical = by_lower.get(str(level).strip().lower())
        if canonical is None:
            raise SettingsError(
                f"{key}: the rule '{pattern}' has the level '{level}'; use one of "
                f'{", ".join(SENIORITY_LEVELS)}, Unknown, or "" for an exception.'
            )
        try:
            _compile(pattern)
        except re.error as err:
            raise SettingsError(
                f"{key}: '{pattern}' is not a valid regular expression ({err}); fix it in the "
                "settings file."
            ) from None
        rules.append(Rule(f"your rule '{pattern}'", pattern, canonical))
    return tuple(rules)


@cache
def _employer_rules() -> dict[tuple[str, str], tuple[str, str]]:
    """(employer kind, shipped rule name) -> (level, rule name) from employer_seniority.csv."""
    rows = _data_rows("employer_seniority.csv")
    names = {r.name for r in load_rules()}
    table = {}
    for row in rows:
        if row["rule"] not in names or row["level"] not in SENIORITY_LEVELS:
            raise ValueError(f"employer_seniority.csv: bad rule or level in {row['name']!r}")
        table[(row["kind"], row["rule"])] = (row["level"], row["name"])
    return table


def adjust_for_employer(classified: pd.DataFrame, employer_kind: pd.Series) -> pd.DataFrame:
    """Seniority corrected for the kind of employer: a Vice President at a bank is mid-career.

    ``classified`` has ``seniority`` and ``seniority_rule`` (from classify_titles);
    ``employer_kind`` is aligned with it ("bank" or "", from companies.employer_kinds). Returns a
    new frame; a row changes only when ``pipeline/data/employer_seniority.csv`` names its kind and
    the rule that fired, and then quotes the employer-aware rule.

    >>> c = pd.DataFrame({"seniority": ["VP"], "seniority_rule": ["vice president"]})
    >>> adjust_for_employer(c, pd.Series(["bank"]))["seniority"].tolist()
    ['Manager']
    """
    out = classified.copy()
    # Compared in Arrow (text columns), never made a million Python strings; a missing value
    # equals no kind and no rule. The rules are read before any row changes (copy on write).
    rules = out["seniority_rule"]
    for (kind, rule), (level, name) in _employer_rules().items():
        hit = _equals(employer_kind, kind) & _equals(rules, rule)
        if hit.any():
            out.loc[hit, "seniority"] = level
            out.loc[hit, "seniority_rule"] = name
    return out


def _equals(column: pd.Series, value: str) -> np.ndarray:
    """Row by row (by position), whether ``column`` holds ``value``; a missing value never."""
    return column.eq(value).to_numpy(dtype=bool, na_value=False)


# --- classification -----------------------------------------------------------------------------


def _first_match(rules: _RuleSet, text: str) -> tuple[str, str]:
    """(level, name) of the first rule that matches; exceptions ("") rewrite the text."""
    rewrite = rules.gate is not None and rules.gate.search(text) is not None
    for regex, level, name in rules.rules:
        if level:
            if regex.search(text):
                return level, name
        elif rewrite:
            text = _SPACES.sub(" ", regex.sub(" ", text)).strip()
    return UNKNOWN, ""


def _seniority_of(clean: str, rules: _RuleSet) -> tuple[str, str]:
    return _first_match(rules, clean) if clean else (UNKNOWN, "")


def _family_of(clean: str) -> str:
    return _first_match(_family_rules(), clean)[0] if clean else UNKNOWN


@cache
def _shipped_rules() -> _RuleSet:
    return _RuleSet.of(_compile_rules(load_rules()))


def _all_rules(extra_rules: Sequence[Rule]) -> _RuleSet:
    if not extra_rules:
        return _shipped_rules()
    return _with_shipped(tuple(extra_rules))


@lru_cache(maxsize=64)
def _with_shipped(extra_rules: tuple[Rule, ...]) -> _RuleSet:
    return _RuleSet.of(_compile_rules(extra_rules) + _shipped_rules().rules)


def seniority(title: str, extra_rules: Sequence[Rule] = ()) -> tuple[str, str]:
    """(level, rule name) for a title or headline; ("Unknown", "") when no rule fires.

    ``extra_rules`` (from settings) run before the shipped ones.

    >>> seniority("Executive Assistant to the CEO")
    ('Entry', 'early-career job noun')
    """
    clean = expand_abbreviations(split_headline(title)[0])
    return _seniority_of(clean, _all_rules(extra_rules))


def role_family(title: str) -> str:
    """One of ROLE_FAMILIES, or "Unknown". Works on titles and on target roles alike.

    >>> role_family("Technical Recruiter")
    'HR & recruiting'
    """
    return _family_of(expand_abbreviations(split_headline(title)[0]))


CLASSIFIED = (
    "seniority",
    "seniority_rule",
    "role_family",
    "title_clean",
    "headline_company",
    "past_companies",
)


@lru_cache(maxsize=1 << 18)
def _levels_of_clean(clean: str, extra: tuple[Rule, ...]) -> tuple[str, str, str]:
    """(seniority, rule, role family) of an expanded title: "Sr. PM" and "Senior PM" once."""
    return (*_seniority_of(clean, _all_rules(extra)), _family_of(clean))


@lru_cache(maxsize=1 << 18)
def _classified(value: str, extra: tuple[Rule, ...]) -> tuple[str, str, str, str, str, str]:
    """CLASSIFIED of one title or headline. Kept for the process: rank's relevel classifies
    again the titles normalize did."""
    title, company, past = split_headline(value)
    clean = expand_abbreviations(title)
    return (*_levels_of_clean(clean, extra), clean, company, "|".join(past))


def classify_titles(titles: pd.Series, extra_rules: Sequence[Rule] = ()) -> pd.DataFrame:
    """Seniority, role family and headline parts for a Series of titles (or headlines).

    Returns a new frame with the same index and the columns ``seniority``, ``seniority_rule``,
    ``role_family``, ``title_clean`` (expanded), ``headline_company`` and ``past_companies``
    ("|"-joined). Each distinct title is classified once, so repeats cost nothing.

    >>> classify_titles(pd.Series(["Sr. PM @ Shopify", ""]))["seniority"].tolist()
    ['Senior', 'Unknown']
    """
    extra = tuple(extra_rules)
    # Arrow text is factorized in Arrow (the same codes and values, in order of first
    # appearance), not made a million Python strings first.
    filled = titles.fillna("") if titles.dtype == STR else titles.fillna("").astype(object)
    codes, uniques = pd.factorize(filled, sort=False)
    rows = [_classified(value, extra) for value in uniques]
    table = np.array(rows, dtype=object).reshape(len(rows), len(CLASSIFIED))
    # codes are never -1: missing titles were filled with ""; each column is made text once per
    # distinct title, then taken for the rows
    return pd.DataFrame(
        {name: taken_series(table[:, i], codes, titles.index) for i, name in enumerate(CLASSIFIED)}
    )
