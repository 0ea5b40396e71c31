"""Role matching through declared synonym families (rank/roles.py, pipeline/data/role_synonyms.csv).

One test per family: the titles real files use for that job fit the target role fully through
``role_fit``, and near-misses (same words, other job) do not.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from pipeline.normalize.titles import classify_titles
from pipeline.rank.context import Context
from pipeline.rank.features import role_fit
from pipeline.rank.roles import families_of
from pipeline.settings import from_dict

# family -> (target role as a user types it, titles that are the same job, titles that are not)
FAMILIES = {
    "ux researcher": (
        "UX Researcher",
        ["User Researcher", "Design Researcher", "Senior UX Researcher", "UX Research Lead",
         "User Experience Researcher II"],
        ["UX Designer", "Market Researcher", "Research Scientist"],
    ),
    "quant": (
        "Quant",
        ["Quantitative Analyst", "Quantitative Researcher", "Sr. Quant Developer",
         "Quantitative Strategist, Rates"],
        ["Data Analyst", "Quality Analyst"],
    ),
    "investment banking analyst": (
        "IB Analyst",
        ["Investment Banking Analyst", "Analyst, Investment Banking", "M&A Analyst",
         "Investment Banking Associate", "IBD Analyst"],
        ["Personal Banking Associate", "Credit Analyst"],
    ),
    "data scientist": (
        "Data Scientist",
        ["Machine Learning Scientist", "Decision Scientist", "Lead, Data Science", "Senior DS"],
        ["Data Engineer", "Research Scientist"],
    ),
    "software engineer": (
        "Software Engineer",
        ["Software Developer", "SDE II", "Programmer", "Senior Backend Engineer", "SWE"],
        ["Sales Engineer", "Mechanical Engineer"],
    ),
    "research scientist": (
        "Research Scientist",
        ["Applied Scientist", "AI Researcher", "ML Researcher", "Research Engineer"],
        ["Research Assistant", "Data Scientist", "Market Research Analyst"],
    ),
    "product manager": (
        "Product Manager",
        ["Senior PM", "Product Owner", "Product Lead"],
        ["Product Marketing Manager", "Project Manager"],
    ),
    "financial analyst": (
        "Financial Analyst",
        ["Finance Analyst", "FP&A Analyst", "Senior Financial Analyst"],
        ["Business Analyst", "Investment Banking Analyst"],
    ),
    "equity research analyst": (
        "Equity Research Analyst",
        ["Equity Research Associate", "Associate, Equity Research"],
        ["Research Associate", "Equity Trader"],
    ),
    "management consultant": (
        "Management Consultant",
        ["Strategy Consultant", "Consultant", "Senior Associate Consultant"],
        ["Business Analyst", "Sales Associate"],
    ),
    "data analyst": (
        "Data Analyst",
        ["BI Analyst", "Business Intelligence Analyst", "Insights Analyst", "Reporting Analyst"],
        ["Financial Analyst", "Data Engineer"],
    ),
    "product designer": (
        "Product Designer",
        ["UX Designer", "UI Designer", "Interaction Designer", "User Experience Designer"],
        ["Graphic Designer", "Interior Designer"],
    ),
}  # fmt: skip


def _fit(role: str, titles: list[str]) -> list[float]:
    classified = classify_titles(pd.Series(titles))
    ctx = Context(from_dict({"targets": {"roles": [role]}}), target_roles=(role,))
    value, _ = role_fit(classified, ctx)
    return value.tolist()


def test_every_declared_family_has_a_test():
    path = Path(__file__).resolve().parents[2] / "pipeline" / "data" / "role_synonyms.csv"
    with path.open(encoding="utf-8") as fh:
        declared = {row["family"] for row in csv.DictReader(fh)}
    assert declared == set(FAMILIES)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_role_synonym_family(family):
    role, same, other = FAMILIES[family]
    assert family in families_of(role)
    fits = _fit(role, same)
    assert all(f == 1.0 for f in fits), dict(zip(same, fits, strict=True))
    for title in other:
        assert family not in families_of(title), title
    misses = _fit(role, other)
    assert all(f < 1.0 for f in misses), dict(zip(other, misses, strict=True))
