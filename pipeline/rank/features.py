"""Ranking features: each a declared signal in [0, 1] with a weight in the settings.

A feature is a function (prospects, context) -> (values, evidence), listed in FEATURES; adding a
signal is adding an entry. ``evidence`` is short text quoted by explanations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from pipeline.ingest.profile import Profile
from pipeline.normalize.companies import company_key, company_similarity
from pipeline.normalize.schools import school_key
from pipeline.normalize.stage import years_since
from pipeline.normalize.titles import expand_abbreviations, role_family
from pipeline.settings import Settings

SENIOR_LEADERS = ("Director", "VP", "CXO", "Partner", "Owner")
WARMTH = {"connection": 1.0, "alum": 0.6, "intro": 0.4, "cold": 0.1}


@dataclass(frozen=True)
class Context:
    """Everything features need besides the prospects: the user and their targets."""

    settings: Settings
    me_name: str = ""
    my_school_keys: tuple[str, ...] = ()
    my_major: str = ""
    my_grad_year: int | None = None
    my_career_years: float | None = None
    i_am_student: bool = False  # an education end year not yet reached
    target_roles: tuple[str, ...] = ()
    target_companies: pd.DataFrame = field(default_factory=pd.DataFrame)  # employer, key, scores


def context(
    settings: Settings, profile: Profile | None, lamp: pd.DataFrame | None, today: date
) -> Context:
    """The user's context: settings first, then what the archive's profile says."""
    profile = profile or Profile()
    me = settings.me
    schools = me.schools or profile.schools
    keys = tuple(k for k in (school_key(s, me.school_aliases) for s in schools) if k)
    grad = me.grad_year or profile.grad_year(today)
    start = me.career_start or profile.career_start() or grad
    companies = pd.DataFrame({"employer": list(settings.targets.companies)})
    companies["motivation"], companies["posting"] = 0, 0
    if lamp is not None and len(lamp):
        companies = pd.concat([companies, lamp[["employer", "motivation", "posting"]]])
    companies["key"] = [company_key(c) for c in companies["employer"]]
    companies = companies[companies["key"] != ""].drop_duplicates("key", keep="last")
    return Context(
        settings=settings,
        me_name=me.name or profile.name,
        my_school_keys=keys,
        my_major=me.major,
        my_grad_year=grad,
        my_career_years=float(years_since(start, today)) if start else None,
        i_am_student=any(e.end_year and e.end_year >= today.year for e in profile.education)
        or bool(grad and grad >= today.year),
        target_roles=settings.targets.roles,
        target_companies=companies.reset_index(drop=True),
    )


Feature = Callable[[pd.DataFrame, Context], tuple[np.ndarray, pd.Series]]


def role_fit(p: pd.DataFrame, ctx: Context) -> tuple[np.ndarray, pd.Series]:
    """Best fit of the title to any target role: fuzzy token-set on expanded titles, or the same
    role family (0.8). "Sr. Data Scientist II" fits "data scientist" fully."""
    if not ctx.target_roles:
        return np.zeros(len(p)), pd.Series("", index=p.index, dtype="str")
    roles = [expand_abbreviations(r) for r in ctx.target_roles]
    titles = p["title_clean"].fillna("").astype("str").tolist()
    sims = process.cdist(titles, roles, scorer=fuzz.token_set_ratio, workers=-1) / 100.0
    fuzzy = np.clip((sims - 0.6) / 0.4, 0, 1)
    families = [role_family(r) for r in ctx.target_roles]
    fam_of = p["role_family"].astype("str").to_numpy()[:, None]
    fam = ((fam_of == np.array(families)[None, :]) & (fam_of != "Unknown")) * 0.8
    combined = np.maximum(fuzzy, fam)
    best = combined.argmax(axis=1) if len(p) else np.array([], dtype=int)
    value = combined.max(axis=1) if len(p) else np.array([])
    evidence = [
        f"title fits '{ctx.target_roles[b]}'" if v > 0 else ""
        for b, v in zip(best, value, strict=True)
    ]
    return value, pd.Series(evidence, index=p.index, dtype="str")


def company_fit(p: pd.DataFrame, ctx: Context) -> tuple[np.ndarray, pd.Series]:
    """Works at a target employer (1.0), its parent or subsidiary (partial); LAMP motivation and
    posting scores, when given, scale the credit between 0.7 and 1."""
    targets = ctx.target_companies
    if targets.empty:
        return np.zeros(len(p)), pd.Series("", index=p.index, dtype="str")
    keys = p["company_key"].fillna("").astype("str")
    uniq = [k for k in pd.unique(keys) if k]
    best: dict[str, tuple[float, str]] = {}
    for k in uniq:  # per unique employer, against a few dozen targets
        scores = [
            (company_similarity(k, t) * _lamp_scale(m, s), e)
            for t, e, m, s in zip(
                targets["key"],
                targets["employer"],
                targets["motivation"],
                targets["posting"],
                strict=True,
            )
        ]
        best[k] = max(scores)
    value = keys.map(lambda k: best.get(k, (0.0, ""))[0]).to_numpy(dtype=float)
    evidence = keys.map(
        lambda k: f"target employer {best[k][1]}" if best.get(k, (0,))[0] > 0 else ""
    )
    return value, evidence.astype("str")


def _lamp_scale(motivation: int, posting: int) -> float:
    if not motivation and not posting:
        return 1.0
    return 0.7 + 0.3 * (int(motivation) + int(posting)) / 6


def school_fit(p: pd.DataFrame, ctx: Context) -> tuple[np.ndarray, pd.Series]:
    """Shares the user's school (0.8), more when the program matches too (1.0)."""
    shared = p["is_alum"].to_numpy(dtype=bool) | p["school_key"].isin(ctx.my_school_keys).to_numpy()
    value = shared * 0.8
    if ctx.my_major:
        majors = p["major"].fillna("").astype("str").tolist()
        sim = (
            process.cdist(majors, [ctx.my_major], scorer=fuzz.token_set_ratio)[:, 0]
            if majors
            else np.array([])
        )
        value = value + shared * (sim >= 85) * 0.2
    school = p["school"].fillna("").astype("str")
    evidence = np.where(shared, "alum of " + school.where(school != "", "your school"), "")
    return value, pd.Series(evidence, index=p.index, dtype="str")


def years_ahead(p: pd.DataFrame, ctx: Context) -> pd.Series:
    """Prospect's career years minus the user's (NaN when either is unknown)."""
    mine = ctx.my_career_years if ctx.my_career_years is not None else np.nan
    return (p["career_years"].astype(float) - mine).round(1)


def stage_fit(p: pd.DataFrame, ctx: Context) -> tuple[np.ndarray, pd.Series]:
    """Highest at the target years ahead; the tolerance and the estimate's uncertainty widen the
    curve; senior leaders keep a floor of their own; people behind the user count half unless
    the user asks for peers; unknown stage gets a neutral 0.3."""
    t = ctx.settings.targets
    ahead = years_ahead(p, ctx).to_numpy(dtype=float)
    sd = np.sqrt(
        t.years_tolerance**2 + p["career_years_sd"].astype(float).fillna(3.0).to_numpy() ** 2
    )
    value = np.exp(-0.5 * ((ahead - t.years_ahead) / sd) ** 2)
    if not t.include_peers:
        value = np.where(ahead < 0, value * 0.5, value)
    leader = p["seniority"].isin(SENIOR_LEADERS).to_numpy()
    value = np.where(leader, np.maximum(value, t.senior_leaders), value)
    value = np.where(np.isnan(ahead), np.where(leader, t.senior_leaders, 0.3), value)
    evidence = np.where(
        np.isnan(ahead),
        "",
        "about " + pd.Series(np.round(ahead)).astype("Int64").astype("str") + " years ahead",
    )
    return value, pd.Series(evidence, index=p.index, dtype="str")


def warmth(p: pd.DataFrame, ctx: Context) -> tuple[np.ndarray, pd.Series]:
    """1st-degree connection, then alum, then reachable through an introduction, then cold."""
    conn = p["is_connection"].to_numpy(dtype=bool)
    alum = p["is_alum"].to_numpy(dtype=bool)
    intro = (p["intro_via"].fillna("") != "").to_numpy()
    kind = np.select([conn, alum, intro], ["connection", "alum", "intro"], default="cold")
    value = np.vectorize(WARMTH.get)(kind) if len(kind) else np.array([])
    words = {
        "connection": "1st-degree connection",
        "alum": "fellow alum",
        "intro": "intro possible",
        "cold": "cold",
    }
    return value.astype(float), pd.Series([words[k] for k in kind], index=p.index, dtype="str")


FEATURES: dict[str, Feature] = {
    "role_fit": role_fit,
    "company_fit": company_fit,
    "school_fit": school_fit,
    "stage_fit": stage_fit,
    "warmth": warmth,
}
