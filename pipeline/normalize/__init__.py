"""normalize: the keys and levels every later stage trusts (names, companies, titles, stage).

Unknown is a value, not a silence: a title no rule classifies, a company or school with no key,
is counted by ``summary`` (notebooks) and ``unknowns_line`` (the run summary).
"""

from __future__ import annotations

from concurrent.futures import Future
from datetime import date

import numpy as np
import pandas as pd

from pipeline import schema, threads
from pipeline.normalize.companies import check_aliases, company_keys, employer_kinds
from pipeline.normalize.levels import (
    LEVEL_COLUMNS,
    DistinctTitles,
    distinct_titles,
    employer_kinds_of,
    estimate_levels_and_alone,
)
from pipeline.normalize.names import alternate_name_keys, names_frame
from pipeline.normalize.schools import school_keys
from pipeline.normalize.stage import career_evidence, career_stage
from pipeline.normalize.titles import (
    Rule,
    adjust_for_employer,
    classify_titles,
    rules_from_settings,
)
from pipeline.settings import Settings
from pipeline.text.arrow_text import STR, text_series

__all__ = ["normalize", "summary", "unknowns_line"]

UNKNOWN = "Unknown"


def normalize(
    people: pd.DataFrame,
    settings: Settings,
    today: date | None = None,
) -> pd.DataFrame:
    """People plus the normalized columns (schema.NORMALIZED) and a few diagnostics.

    ``people`` has the schema.PEOPLE columns; alumni extras are used when present:
    ``former_name`` (gives ``name_key_alternates``), ``class_years`` and ``career_start``
    (career stage). Settings: ``[normalize] seniority_rules`` run before the shipped rules,
    ``[normalize] company_aliases`` beat the shipped alias table, ``[me] school_aliases`` beat
    the shipped school table; a bad rule or alias is a SettingsError naming its key.
    Nothing here depends on the user: how far ahead of them each person is, is rank's
    (``pipeline.rank.ahead``).

    A headline-style position ("Senior PM @ Shopify | ex-Google") gives the title, and the
    company when the Company field is empty; past employers go to ``past_companies``.

    A university in the company field is an employer, not evidence of study: it sets
    ``employer_is_school`` and ``employer_school_key`` (so rank can see "works at your
    university"), never ``school``/``school_key``.

    >>> from pipeline.settings import Settings
    >>> from pipeline.ingest.ledger import people_frame
    >>> p = people_frame({"first_name": ["Bob"], "title": ["Vice President"],
    ...                   "company": ["RBC Capital Markets"]}, 1)
    >>> normalize(p, Settings(), date(2026, 6, 1))[["seniority", "career_years"]].values.tolist()
    [['Manager', 9.0]]
    """
    schema.check(people, schema.PEOPLE, "People")
    rules = rules_from_settings(settings.normalize.seniority_rules)
    aliases = settings.normalize.company_aliases
    check_aliases(aliases)
    today = today or date.today()
    out = people.copy()
    # The titles and employers on a second thread (from THREAD_ROWS people) while the names,
    # schools, career evidence and measured years are worked out here: they read none of each
    # other's columns.
    with threads.beside(threaded=len(out) >= THREAD_ROWS) as start:
        employers = start(_titles_and_employers, out["title"], out["company"], rules, aliases)
        # Then, there too, what is read from them alone: the employers that are schools, the
        # employers' kinds and the distinct (title, kind) rows the level estimates read.
        at_work = start(_at_work, employers, settings.me.school_aliases)
        names = names_frame(out["first_name"], out["last_name"])
        former = out.get("former_name", pd.Series("", index=out.index))
        alternates = alternate_name_keys(names, former)
        school_key = school_keys(out["school"], settings.me.school_aliases)
        evidence = career_evidence(out, today)  # what both career stages read but the level
        # The level from the title and the years together: years come from the class year or
        # a dated history only (career_stage before the level is known), never from the title.
        measured = evidence.stage()  # no title prior: as for seniority Unknown everywhere
        titles, _, companies = employers.result()
        works_at_school, employer_school_key, kinds, distinct = at_work.result()
    for col in ("name_key", "first_name_variants", "first_key", "last_key"):
        out[col] = names[col]
    out["name_key_alternates"] = alternates
    for col in companies.columns:
        out[col] = companies[col]
    out["school_key"] = school_key
    out["employer_is_school"] = works_at_school
    out["employer_school_key"] = employer_school_key
    for col in ("seniority", "seniority_rule", "role_family", "title_clean", "past_companies"):
        out[col] = titles[col]
    studying = evidence.last_degree  # a class year still to come: a student now
    # With it, the level the title says with the years unread: link compares a LinkedIn title
    # with an alumni list's older one on this footing (the class year would lift only the
    # alum's side).
    levels, alone = estimate_levels_and_alone(
        out.assign(**measured, last_degree_years=studying), titles, kinds, distinct=distinct
    )
    for col in LEVEL_COLUMNS:
        out[col] = levels[col]
    out["seniority_alone"] = alone
    out = pd.concat([out, career_stage(out, today, evidence)], axis=1)
    return schema.check(out, schema.NORMALIZED, "normalized People")


#: From this many people, the titles and employers are worked out on a second thread.
THREAD_ROWS = 50_000


def _titles_and_employers(
    title: pd.Series, company: pd.Series, rules: tuple[Rule, ...], aliases: dict[str, str]
) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame]:
    """(classify_titles adjusted for the employer, the company field or the headline's
    company, company_keys of it)."""
    titles = classify_titles(title, extra_rules=rules)
    company = company.where(company != "", titles["headline_company"])
    companies = company_keys(company.astype(STR), extra_aliases=aliases)
    titles = adjust_for_employer(titles, employer_kinds(companies["company_key"]))
    return titles, company, companies


def _at_work(
    employers: Future[tuple[pd.DataFrame, pd.Series, pd.DataFrame]], aliases: dict[str, str]
) -> tuple[np.ndarray, pd.Series, pd.Series, DistinctTitles]:
    """From ``_titles_and_employers``' answer: employer_is_school, employer_school_key, the
    employers' kinds (the same for both level estimates) and the distinct (title, kind) rows."""
    titles, company, companies = employers.result()
    works_at_school = companies["company_is_school"] & ~companies["company_is_placeholder"]
    school_key = school_keys(company.where(works_at_school, ""), aliases, keep_unknown=True)
    kinds = employer_kinds_of(companies.assign(employer_is_school=works_at_school.to_numpy()))
    return works_at_school.to_numpy(), school_key, kinds, distinct_titles(titles, kinds)


def _table(values: pd.Series, order: tuple[str, ...] = ()) -> pd.DataFrame:
    """value, count, share (of all rows), largest first unless ``order`` is given."""
    counts = values.value_counts(dropna=False)
    if order:
        counts = counts.reindex([*order, *(v for v in counts.index if v not in order)])
        counts = counts.fillna(0).astype(int)
    total = max(int(counts.sum()), 1)
    return pd.DataFrame(
        {
            "value": counts.index.astype(STR),
            "count": counts.to_numpy(dtype=int),
            "share": np.round(counts.to_numpy(dtype=float) / total, 3),
        }
    )


def _company_status(frame: pd.DataFrame) -> pd.Series:
    source = frame["company_key_source"].astype(STR)
    labels = {
        "alias": "known alias",
        "name": "own name (not in the alias table)",
        "placeholder": "placeholder (no employer)",
        "empty": "empty (no key)",
    }
    return source.map(labels).fillna("empty (no key)")


def _school_status(frame: pd.DataFrame) -> pd.Series:
    given, known = _school_flags(frame)
    status = np.where(known, "known", np.where(given, "unknown (no key)", "empty"))
    return text_series(status, frame.index)


def _school_flags(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(a school is given, it has a key) for each row."""
    given = frame["school"].fillna("").astype(STR).str.strip() != ""
    known = frame["school_key"].fillna("").astype(STR) != ""
    return given.to_numpy(dtype=bool), known.to_numpy(dtype=bool)


def summary(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """How the normalized People came out: one table (value, count, share) per signal.

    Signals: seniority, role_family, career_years_source, company_key (known alias, own name,
    placeholder, empty), school_key (known, unknown, empty). Unknowns are always listed, with a
    zero count if none, so a notebook shows them even when all is well. ``frame`` is the output
    of ``normalize``.

    >>> from pipeline.ingest.ledger import people_frame
    >>> from pipeline.settings import Settings
    >>> p = normalize(people_frame({"title": ["Wizard"]}, 1), Settings(), date(2026, 6, 1))
    >>> summary(p)["seniority"].values.tolist()
    [['Unknown', 1, 1.0]]
    """
    levels = (*schema.SENIORITY_LEVELS, UNKNOWN)
    seniority = _table(frame["seniority"].replace("", UNKNOWN), levels)
    family = _table(frame["role_family"].replace("", UNKNOWN))
    if UNKNOWN not in set(family["value"]):
        family = pd.concat([family, _table(text_series([]), (UNKNOWN,))])
    return {
        "seniority": seniority[
            (seniority["count"] > 0) | (seniority["value"] == UNKNOWN)
        ].reset_index(drop=True),
        "role_family": family.reset_index(drop=True),
        "career_years_source": _table(
            frame["career_years_source"], ("grad_year", "history", "title prior", "unknown")
        ),
        "company_key": _table(
            _company_status(frame),
            (
                "known alias",
                "own name (not in the alias table)",
                "placeholder (no employer)",
                "empty (no key)",
            ),
        ),
        "school_key": _table(_school_status(frame), ("known", "unknown (no key)", "empty")),
    }


def _unknown_counts(frame: pd.DataFrame) -> dict[str, int]:
    titled = frame["title"].fillna("").astype(STR).str.strip() != ""
    # Counted from the flags, not from _school_status's million texts (as it names them:
    # "empty" is neither given nor known, "unknown (no key)" given but not known).
    given, known = _school_flags(frame)
    return {
        "titles": int(titled.sum()),
        "no_level": int((titled & (frame["seniority"] == UNKNOWN)).sum()),
        "no_family": int((titled & (frame["role_family"] == UNKNOWN)).sum()),
        "placeholders": int((frame["company_key_source"] == "placeholder").sum()),
        "schools": int((given | known).sum()),
        "no_school": int((given & ~known).sum()),
    }


def unknowns_line(frame: pd.DataFrame, *, plain: bool = False) -> str:
    """One line for the run summary: what normalize could not classify (no personal data).

    ``plain`` says it in the user's words (the default output of the CLI); the technical line,
    with the column names a notebook shows, is for ``--verbose``.

    >>> from pipeline.ingest.ledger import people_frame
    >>> from pipeline.settings import Settings
    >>> p = normalize(people_frame({"title": ["Wizard"], "school": ["Hogwarts"]}, 1), Settings(),
    ...               date(2026, 6, 1))
    >>> unknowns_line(p)
    'Seniority unknown for 1 of 1 titles, role family for 1; no school key for 1 of 1 schools.'
    >>> unknowns_line(p, plain=True)
    'Seniority unknown for 1 of 1 job titles, kind of work for 1; 1 of 1 schools not recognised.'
    """
    n = _unknown_counts(frame)
    words = _PLAIN_WORDS if plain else _TECHNICAL_WORDS
    parts = [words["levels"].format(**n)]
    parts += [words[key].format(**n) for key in ("placeholders", "schools") if n[key]]
    return "; ".join(parts) + "."


# The summary in the user's words, and with the technical names (--verbose, notebooks).
_PLAIN_WORDS = {
    "levels": "Seniority unknown for {no_level:,} of {titles:,} job titles, "
    "kind of work for {no_family:,}",
    "placeholders": "no real employer for {placeholders:,} (Self-employed, Stealth …)",
    "schools": "{no_school:,} of {schools:,} schools not recognised",
}
_TECHNICAL_WORDS = {
    "levels": "Seniority unknown for {no_level:,} of {titles:,} titles, "
    "role family for {no_family:,}",
    "placeholders": "{placeholders:,} placeholder employers (Self-employed, Stealth …)",
    "schools": "no school key for {no_school:,} of {schools:,} schools",
}
