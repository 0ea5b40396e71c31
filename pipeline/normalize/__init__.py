"""normalize: the keys and levels every later stage trusts (names, companies, titles, stage)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from pipeline import schema
from pipeline.normalize.companies import company_keys
from pipeline.normalize.names import names_frame
from pipeline.normalize.schools import school_keys
from pipeline.normalize.stage import career_stage
from pipeline.normalize.titles import classify_titles
from pipeline.settings import Settings

__all__ = ["normalize", "summary"]


def normalize(people: pd.DataFrame, settings: Settings, today: date | None = None) -> pd.DataFrame:
    """People plus the normalized columns (schema.NORMALIZED) and a few diagnostics.

    A headline-style position ("Senior PM @ Shopify | ex-Google") gives the title, and the
    company when the Company field is empty; past employers go to ``past_companies``.
    """
    schema.check(people, schema.PEOPLE, "People")
    today = today or date.today()
    out = people.copy()
    titles = classify_titles(out["title"])
    company = out["company"].where(out["company"] != "", titles["headline_company"])
    companies = company_keys(company.astype("str"))
    names = names_frame(out["first_name"], out["last_name"])
    out["name_key"] = names["name_key"]
    out["first_name_variants"] = names["first_name_variants"]
    out["first_key"] = names["first_key"]
    out["last_key"] = names["last_key"]
    out["company_key"] = companies["company_key"]
    out["company_clean"] = companies["company_clean"]
    out["company_parent"] = companies["company_parent"]
    out["company_is_placeholder"] = companies["company_is_placeholder"]
    out["school_key"] = school_keys(out["school"], settings.me.school_aliases)
    for col in ("seniority", "seniority_rule", "role_family", "title_clean", "past_companies"):
        out[col] = titles[col]
    out = pd.concat([out, career_stage(out, today)], axis=1)
    return schema.check(out, schema.NORMALIZED, "normalized People")


def summary(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """Distributions of seniority, role family and stage source, unknowns included (counts)."""
    return {
        col: frame[col].replace("", "Unknown").value_counts(dropna=False)
        for col in ("seniority", "role_family", "career_years_source")
    }
