"""The typed contract between stages: each frame's columns and their dtypes, and the check used
where one stage hands over to the next.

See docs/architecture.md ("Frames and their contract"). Columns are listed in display order; a frame
may carry more columns than these (extra alumni attributes, diagnostics), never fewer.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from pipeline.errors import SchemaError

if TYPE_CHECKING:  # pandas is imported on first use: the history commands read these constants
    import pandas as pd

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
    "first_key",  # key of the first name alone (link compares and blocks on it)
    "last_key",  # key of the last name, generational suffix dropped
    "title_clean",  # the title without "@ Company | ex-…" headline parts (link compares jobs)
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


#: The dtype of every column that is not text ("str"): what each stage hands over.
DTYPES = {
    "source_row": "int",
    "grad_year": "Int64",
    "connected_on": "datetime",
    "seniority_p": "float",
    "career_years": "float",
    "is_connection": "bool",
    "is_alum": "bool",
    "match_confidence": "float",
    "years_ahead": "float",
    **dict.fromkeys(FEATURES, "float"),
    "score": "float",
    "rank": "int",
}


def _kinds() -> dict[str, Callable[[object], bool]]:
    from pandas.api import types

    return {
        "str": types.is_string_dtype,
        "int": types.is_integer_dtype,
        "Int64": lambda dtype: str(dtype) == "Int64",
        "float": types.is_float_dtype,
        "bool": types.is_bool_dtype,
        "datetime": types.is_datetime64_any_dtype,
    }


_EMPTY = {"int": "int64", "Int64": "Int64", "float": "float64", "bool": "bool"}
#: Set to 1 to check dtypes too at every stage boundary (tests do, on the sample); a production
#: run checks names only, which costs nothing.
DEBUG_ENV = "PROSPECTS_CHECK_SCHEMA"


def dtype_of(column: str) -> str:
    """The contract's dtype kind of a column: ``dtype_of("grad_year") == "Int64"``."""
    return DTYPES.get(column, "str")


def check(frame: pd.DataFrame, columns: Iterable[str], frame_name: str) -> pd.DataFrame:
    """Return ``frame`` unchanged if it has every column in ``columns``, else raise SchemaError.

    With ``PROSPECTS_CHECK_SCHEMA=1`` in the environment, each column's dtype must also be the
    contract's (``DTYPES``; text otherwise).

    >>> import pandas as pd
    >>> check(pd.DataFrame({"a": [1]}), ["a"], "Tiny").columns.tolist()
    ['a']
    """
    columns = tuple(columns)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SchemaError(f"The {frame_name} frame lacks the columns {', '.join(missing)}.")
    if os.environ.get(DEBUG_ENV) == "1":
        check_dtypes(frame, columns, frame_name)
    return frame


def check_dtypes(frame: pd.DataFrame, columns: Iterable[str], frame_name: str) -> None:
    """Raise SchemaError naming the first column whose dtype is not the contract's.

    >>> import pandas as pd
    >>> years = pd.DataFrame({"grad_year": pd.array([2020], dtype="Int64")})
    >>> check_dtypes(years, ["grad_year"], "Tiny")
    """
    kinds = _kinds()
    for column in columns:
        kind = dtype_of(column)
        if not kinds[kind](frame[column].dtype):
            raise SchemaError(
                f"The {frame_name} frame's column {column} is {frame[column].dtype}, not {kind}."
            )


def empty(columns: Iterable[str]) -> pd.DataFrame:
    """An empty frame with the given columns, each of the contract's dtype.

    >>> empty(LEDGER).dtypes["source_row"]
    dtype('int64')
    """
    import pandas as pd

    return pd.DataFrame({c: pd.Series([], dtype=_EMPTY.get(dtype_of(c), "str")) for c in columns})
