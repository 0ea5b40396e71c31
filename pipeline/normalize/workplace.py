"""The kind of an employer, as far as a person's career level goes: a student society, a
university, a bank, a hospital, a start-up, or of no particular kind (``levels`` reads it for
people without a title; ``pipeline/data/employer_kind_patterns.csv`` holds the patterns)."""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd

from pipeline.text.arrow_text import STR, taken_series
from pipeline.text.tables import read_table

__all__ = ["KIND_ROWS", "employer_kind_codes", "employer_kind_of", "employer_kinds_of"]

#: Employer kinds with their own rows for people without a title (``kinds`` of
#: ``estimate_levels``): what the employer says when nothing else but the years does. "other" is
#: an employer of no particular kind; "" (no employer known) uses the rows for any employer.
KIND_ROWS = ("society", "university", "bank", "hospital", "startup", "other")


@cache
def _kind_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    rows = read_table("employer_kind_patterns.csv").sort_values(
        "order", key=lambda o: o.astype(int), kind="stable"
    )
    return tuple(
        (kind, re.compile(pattern))
        for kind, pattern in zip(rows["kind"], rows["pattern"], strict=True)
    )


def employer_kind_of(company_key: str, is_school: bool, bank_kind: str) -> str:
    """society, university, bank, hospital, startup or "" for one employer.

    ``bank_kind`` is companies.employer_kind of the key ("bank" or ""); a society or club is
    recognised before the university it belongs to ("Waterloo Engineering Society").

    >>> employer_kind_of("waterloo engineering society", False, "")
    'society'
    >>> employer_kind_of("canadian cancer society", False, ""), employer_kind_of("", True, "")
    ('', 'university')
    """
    key = company_key or ""
    for kind, regex in _kind_patterns():
        if kind == "society" and regex.search(key):
            return kind
    if is_school:
        return "university"
    if bank_kind:
        return bank_kind
    for kind, regex in _kind_patterns():
        if regex.search(key):
            return kind
    return ""


def employer_kinds_of(frame: pd.DataFrame) -> pd.Series:
    """``employer_kind_of`` for each row, "other" for a named employer of no particular kind
    and "" when no employer is known (empty, or a placeholder such as "Retired" that no kind
    pattern reads): ``frame`` needs company_key and may have company_clean and
    employer_is_school (else company_is_school); one call per distinct employer."""
    codes, kinds = employer_kind_codes(frame)
    return taken_series(kinds, codes, frame.index)


def employer_kind_codes(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``employer_kinds_of`` as (codes, kinds): row i's kind is ``kinds[codes[i]]`` (an object
    array with one entry per distinct employer, school flag and whether it is named)."""
    from pipeline.normalize.companies import employer_kind

    named = frame["company_key"].fillna("").astype(STR)
    keys = named
    if "company_clean" in frame:  # a placeholder ("Stealth Startup") has no key but a name
        clean = frame["company_clean"].fillna("").astype(STR).str.lower()
        keys = keys.where(keys != "", clean)
    school_col = next((c for c in ("employer_is_school", "company_is_school") if c in frame), None)
    school = (
        frame[school_col].fillna(False).astype(bool)
        if school_col
        else pd.Series(False, index=frame.index)
    )
    # The distinct (employer, school, named) triples from integer codes, in the order they first
    # appear (factorizing a MultiIndex of the three took a second at 200,000 rows).
    # Arrow text factorized in Arrow (the same codes, in order of first appearance): made
    # Python objects first, a million rows took about 0.4 s.
    key_codes, key_values = pd.factorize(keys)
    key_values = np.asarray(key_values, dtype=object)
    flags = school.to_numpy(dtype=bool) * 2 + (named != "").to_numpy(dtype=bool)
    codes, triples = pd.factorize(key_codes.astype(np.int64) * 4 + flags)
    kinds = np.array(
        [
            employer_kind_of(k, bool(t & 2), employer_kind(k)) or ("other" if t & 1 else "")
            for k, t in zip(key_values[triples // 4], triples % 4, strict=True)
        ],
        dtype=object,
    )
    return codes, kinds
