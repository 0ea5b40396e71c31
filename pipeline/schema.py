"""The canonical columns of each frame, and the check used where one stage hands over to the next.

See ../shared/design.md ("The frames"). Columns are listed in display order; a frame may carry
more columns than these (extra alumni attributes, diagnostics), never fewer.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from pipeline.errors import SchemaError

#: One row per input row that became a person (a connection, an alumni record, a hand-added row).
PEOPLE = (
    "record_id",  # "<source>:<row>", unique within a run and stable across runs of the same files
    "source",  # "connections", "alumni", "manual"
    "source_file",  # file name (no directory: directories can reveal the user's name)
    "source_row",  # the row number a person sees in that file (CSV line, spreadsheet row)
    "first_name",
    "last_name",
    "full_name",
    "credentials",  # "MBA, P.Eng." moved out of the name
    "linkedin_slug",  # decoded, lower-case slug of linkedin.com/in/<slug>, or ""
    "email",
    "company",
    "title",
    "location",
    "school",
    "degree",
    "major",
    "grad_year",  # Int64, <NA> when unknown
    "connected_on",  # datetime64, NaT when unknown or not a connection
)

#: Columns the normalize stage adds to People.
NORMALIZED = (
    "name_key",  # transliterated, lower-case "first last" used for matching
    "first_name_variants",  # "robert|bob|rob": the first name and its nickname variants
    "company_key",  # canonical employer key ("" for placeholders and unknown)
    "school_key",  # canonical school key ("" when unknown)
    "seniority",  # one of SENIORITY_LEVELS or "Unknown"
    "seniority_rule",  # the rule that fired, quoted by explanations
    "seniority_p",  # probability of the shown level (title and years together), NaN if Unknown
    "seniority_basis",  # what decided the level, in words ("estimated from years alone ...")
    "role_family",  # e.g. "Data science & ML", or "Unknown"
    "career_years",  # float years since career start, NaN when unknown
    "career_years_source",  # "grad_year", "history", "title prior" or "unknown"
)

#: One row per real person, from link.
PROSPECTS = (
    "prospect_id",  # stable across runs: the LinkedIn slug when known
    "first_name",
    "last_name",
    "full_name",
    "credentials",
    "linkedin_slug",
    "email",
    "company",
    "company_key",
    "title",
    "seniority",
    "seniority_rule",
    "role_family",
    "location",
    "school",
    "school_key",
    "degree",
    "major",
    "grad_year",
    "career_years",
    "career_years_source",
    "connected_on",
    "is_connection",
    "is_alum",
    "record_ids",  # "connections:12|alumni:340"
    "match_confidence",  # probability that the merged records are one person (1.0 for singletons)
)

#: Features scored by rank, each in [0, 1].
#: location_fit and industry_fit are NaN where the prospect's location (industry) is unknown.
FEATURES = (
    "role_fit",
    "company_fit",
    "school_fit",
    "stage_fit",
    "warmth",
    "location_fit",
    "industry_fit",
)

#: Prospects plus features, score, rank and the words shown to the user.
RANKED = (
    *PROSPECTS,
    "years_ahead",
    *FEATURES,
    "score",
    "rank",
    "why",
    "intro_via",
    "opener",
)

#: One row per input row that did not become a person ("rejected"), or that did with a caveat
#: worth telling ("kept", e.g. an unparseable date kept empty). read = accepted + rejected.
LEDGER = ("source_file", "source_row", "outcome", "reason")

#: LinkedIn's ten-level seniority scale, lowest first.
SENIORITY_LEVELS = (
    "Unpaid",
    "Training",
    "Entry",
    "Senior",
    "Manager",
    "Director",
    "VP",
    "CXO",
    "Partner",
    "Owner",
)


def check(frame: pd.DataFrame, columns: Iterable[str], frame_name: str) -> pd.DataFrame:
    """Return ``frame`` unchanged if it has every column in ``columns``, else raise SchemaError.

    >>> check(pd.DataFrame({"a": [1]}), ["a"], "Tiny").columns.tolist()
    ['a']
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SchemaError(f"The {frame_name} frame lacks the columns {', '.join(missing)}.")
    return frame


def empty(columns: Iterable[str]) -> pd.DataFrame:
    """An empty frame with the given columns, all of text type."""
    return pd.DataFrame({c: pd.Series([], dtype="str") for c in columns})
