"""The user's side of the ranking: who they are and what they target, from settings and profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from pipeline.ingest.profile import Profile
from pipeline.normalize.companies import company_key, is_school_name
from pipeline.normalize.schools import school_key
from pipeline.normalize.stage import years_since
from pipeline.settings import Settings


@dataclass(frozen=True)
class Context:
    """Everything features need besides the prospects: the user and their targets."""

    settings: Settings
    me_name: str = ""
    my_school: str = ""  # the main school as the user names it
    my_school_keys: tuple[str, ...] = ()
    my_programs: tuple[str, ...] = ()  # majors and degree names, for "same program" credit
    my_grad_year: int | None = None
    my_career_years: float | None = None
    i_am_student: bool = False  # an education end year not yet reached
    my_employer_keys: tuple[str, ...] = ()  # current (non-co-op) employers, from the profile
    target_roles: tuple[str, ...] = ()
    target_companies: pd.DataFrame = field(default_factory=pd.DataFrame)  # employer, key, scores
    target_locations: tuple[str, ...] = ()
    target_industries: tuple[str, ...] = ()
    today: date | None = None  # who is still studying (a class year still to come), for levels


def target_companies(settings: Settings, lamp: pd.DataFrame | None) -> pd.DataFrame:
    """Target employers (settings first, then a LAMP list): employer, key, motivation, posting.

    A LAMP row for an employer also named in settings wins, since it carries scores.
    """
    companies = pd.DataFrame({"employer": list(settings.targets.companies)})
    companies["motivation"], companies["posting"] = 0, 0
    if lamp is not None and len(lamp):
        companies = pd.concat([companies, lamp[["employer", "motivation", "posting"]]])
    aliases = settings.normalize.company_aliases
    companies["key"] = [company_key(c, aliases) for c in companies["employer"]]
    companies = companies[companies["key"] != ""].drop_duplicates("key", keep="last")
    return companies.astype({"motivation": int, "posting": int}).reset_index(drop=True)


def context(
    settings: Settings, profile: Profile | None, lamp: pd.DataFrame | None, today: date
) -> Context:
    """The user's context: settings first, then what the archive's profile says.

    >>> from pipeline.settings import from_dict
    >>> ctx = context(from_dict({"me": {"grad_year": 2024}}), None, None, date(2026, 6, 1))
    >>> ctx.my_career_years
    2.0
    """
    profile = profile or Profile()
    me = settings.me
    schools = me.schools or profile.schools
    keys = tuple(k for k in (school_key(s, me.school_aliases) for s in schools) if k)
    grad = me.grad_year or profile.grad_year(today)
    # A user changing field is "behind" everyone in the new field, whatever their degree year.
    start = me.field_start or me.career_start or profile.career_start() or grad
    programs = (me.major, *(e.degree for e in profile.education))
    # A student's job at their own university (research or teaching assistant) does not make
    # every professor and staff member a colleague to leave out: schools are never excluded.
    current = {
        company_key(p.company, settings.normalize.company_aliases)
        for p in profile.positions
        if p.end == (None, None) and not p.is_training and p.company
        and not is_school_name(p.company)
    }  # fmt: skip
    return Context(
        settings=settings,
        me_name=me.name or profile.name,
        my_school=schools[0] if schools else "",
        my_school_keys=keys,
        my_programs=tuple(dict.fromkeys(p for p in programs if p)),
        my_grad_year=grad,
        my_career_years=float(years_since(start, today)) if start else None,
        i_am_student=any(e.end_year and e.end_year >= today.year for e in profile.education)
        or bool(grad and grad >= today.year),
        my_employer_keys=tuple(sorted(current - {""})),
        target_roles=settings.targets.roles,
        target_companies=target_companies(settings, lamp),
        target_locations=settings.targets.locations,
        target_industries=settings.targets.industries,
        today=today,
    )
