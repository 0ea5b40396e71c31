"""What the columns of an alumni list mean, and how their values are read.

Headers are mapped onto People fields by a synonym table (``pipeline/data/alumni_columns.csv``):
exact synonyms first, then the header without its bracketed remark ("Alumni (Y/N)"), then fuzzy
synonyms (rapidfuzz) for spelling variants; ``[alumni.columns]`` in the settings overrides all of
them. Values are read once per distinct value, so a million rows cost what their distinct values
cost.

Decisions worth knowing:
- Preferred vs actual class year: when a list has both, ``grad_year`` is the *preferred* class
  year (the cohort the alumni office and the person use, usually the first degree), falling back
  to the earliest actual year; every year of both columns is kept in ``class_years``.
- Several years in one cell ("'96 MA, '02 PhD"): the earliest is the graduation year.

The names are read in ``ingest.alumni_names``; columns are worked on as ``ingest.coded`` codes.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import numpy as np
import pandas as pd
from anyascii import anyascii
from rapidfuzz import fuzz, process

from pipeline.errors import SettingsError
from pipeline.ingest.alumni_names import person_names, split_cjk
from pipeline.ingest.coded import Coded, combine
from pipeline.text.arrow_text import taken_series

# person_names and split_cjk are importable from here, where callers found them before.
__all__ = [
    "EXTRA",
    "FIELDS",
    "IGNORE",
    "NAME_FIELDS",
    "ColumnMap",
    "check_overrides",
    "header_like",
    "header_scorer",
    "map_columns",
    "normalize_header",
    "parse_class_years",
    "person_names",
    "split_cjk",
    "synonyms",
    "years_in",
]

FIELDS = (
    "record_id", "first_name", "middle_name", "last_name", "full_name", "preferred_name",
    "former_name", "grad_year", "preferred_class_year", "degree", "major", "company", "title",
    "city", "region", "country", "location", "email", "linkedin_url", "school",
)  # fmt: skip
NAME_FIELDS = frozenset({"first_name", "last_name", "full_name"})
IGNORE = "ignore"  # a settings value that drops a column on purpose
EXTRA = "extra"  # a settings value that keeps a column as an extra attribute
_FUZZY_CUTOFF = 86.0
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_YEAR4 = re.compile(r"(?<!\d)((?:19|20)\d\d)(?:\.0+)?(?!\d)")
_YEAR2 = re.compile(r"['’‘`](\d\d)(?!\d)")
_BARE_YEAR2 = re.compile(r"\s*(\d\d)(?:\.0+)?\s*")


@dataclass(frozen=True)
class ColumnMap:
    """The decision for one column: which field it feeds, how sure, and how it was decided."""

    column: str
    field: str  # one of FIELDS; "" for an extra attribute kept as-is; IGNORE when dropped
    confidence: float
    via: str  # "exact synonym", "fuzzy synonym 'grad yr'", "settings", "unmapped" …


@cache
def synonyms() -> dict[str, str]:
    """Normalized header -> field, from data/alumni_columns.csv."""
    text = resources.files("pipeline.data").joinpath("alumni_columns.csv").read_text("utf-8")
    return {row["header"]: row["field"] for row in csv.DictReader(text.splitlines())}


@lru_cache(maxsize=1 << 14)
def normalize_header(header: str) -> str:
    """'Pref. Class\\nYear ' -> 'pref class year' (ASCII, lower case, punctuation as spaces)."""
    return re.sub(r"[^a-z0-9]+", " ", anyascii(str(header)).lower()).strip()


def check_overrides(overrides: Mapping[str, str]) -> dict[str, str]:
    """Normalized header -> field from ``[alumni.columns]``; an unknown field is an error."""
    allowed = (*FIELDS, IGNORE, EXTRA)
    for header, field in overrides.items():
        if field not in allowed:
            raise SettingsError(
                f'[alumni.columns] maps "{header}" to "{field}", which is not a field; use one of '
                f"{', '.join(allowed)}."
            )
    return {normalize_header(k): v for k, v in overrides.items()}


def map_columns(columns: Sequence[str], overrides: Mapping[str, str] = {}) -> list[ColumnMap]:
    """Map each header onto a field; a field goes to its most confident column, the rest are extra.

    >>> [m.field for m in map_columns(["Surname", "Grad Yr.", "Shoe size"])]
    ['last_name', 'grad_year', '']
    """
    table, keys = synonyms(), list(synonyms())
    wanted = check_overrides(overrides)
    candidates: list[ColumnMap] = []
    for column in columns:
        norm = normalize_header(column)
        bare = normalize_header(_BRACKETS.sub(" ", column))
        if norm in wanted:
            field = {EXTRA: ""}.get(wanted[norm], wanted[norm])
            candidates.append(ColumnMap(column, field, 1.0, "settings"))
        elif norm in table:
            candidates.append(ColumnMap(column, table[norm], 1.0, "exact synonym"))
        elif bare in table:
            via = f"synonym '{bare}' (bracketed text ignored)"
            candidates.append(ColumnMap(column, table[bare], 0.95, via))
        elif len(norm) >= 4 and (
            hit := process.extractOne(
                norm, keys, scorer=fuzz.token_sort_ratio, score_cutoff=_FUZZY_CUTOFF
            )
        ):
            via = f"fuzzy synonym '{hit[0]}'"
            candidates.append(ColumnMap(column, table[hit[0]], round(hit[1] / 100, 2), via))
        else:
            candidates.append(ColumnMap(column, "", 0.0, "unmapped"))
    best: dict[str, ColumnMap] = {}
    for cm in candidates:  # settings first, then confidence, then the leftmost column
        rank = (cm.via == "settings", cm.confidence)
        if cm.field not in ("", IGNORE) and (
            cm.field not in best
            or rank > (best[cm.field].via == "settings", best[cm.field].confidence)
        ):
            best[cm.field] = cm
    out = []
    for cm in candidates:
        if cm.field in ("", IGNORE) or best[cm.field] is cm:
            out.append(cm)
        else:
            via = f"also looks like {cm.field}, which '{best[cm.field].column}' feeds"
            out.append(ColumnMap(cm.column, "", 0.0, via))
    return out


def header_scorer(overrides: Mapping[str, str] = {}) -> Callable[[Sequence[str]], float]:
    """How header-like a row is: distinct fields its cells name (exact synonyms or settings), plus
    one when a name column is among them, so a header beats a title row or a pivot table."""
    table = synonyms()
    wanted = {k: v for k, v in check_overrides(overrides).items() if v not in (IGNORE, EXTRA)}

    def score(cells: Sequence[str]) -> float:
        fields = set()
        for cell in cells:
            if cell:
                norm = normalize_header(cell)
                field = wanted.get(norm) or table.get(norm)
                if field:
                    fields.add(field)
        return float(len(fields) + bool(fields & NAME_FIELDS))

    return score


_NOT_A_HEADER_CELL = re.compile(r"[\d\s.,/'’:+-]+|.*@.*|.*://.*")


def header_like(cells: Sequence[str]) -> float:
    """1 for a row that could be a header the synonym table does not know (two or more distinct,
    short, non-numeric cells), else 0: used only to tell the user which columns were seen."""
    texts = [c.strip() for c in cells if c.strip()]
    if len(texts) < 2 or len(set(texts)) < len(texts):
        return 0.0
    if any(len(t) > 60 or _NOT_A_HEADER_CELL.fullmatch(t) for t in texts):
        return 0.0
    return 1.0


# --- values ----------------------------------------------------------------------------------


def years_in(value: object) -> tuple[int, ...]:
    """Every class year in a cell, sorted: "'96 MA, '02 PhD" -> (1996, 2002); "0" -> ()."""
    if not isinstance(value, str) or not value.strip():
        return ()
    found = {int(y) for y in _YEAR4.findall(value)}
    found |= {(1900 if int(y) >= 40 else 2000) + int(y) for y in _YEAR2.findall(value)}
    if not found and (bare := _BARE_YEAR2.fullmatch(value)) and bare.group(1) != "00":
        found.add((1900 if int(bare.group(1)) >= 40 else 2000) + int(bare.group(1)))
    return tuple(sorted(found))


def parse_class_years(values: pd.Series, *more: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(grad_year, class_years) from class-year columns, the first column preferred.

    grad_year (Int64) is the earliest year of the first column that has one; class_years is every
    year of every column, "|"-joined. '2019', '2019.0', 'T2019', "'96", "'96 MA, '02 PhD",
    'Class of 2019'; '0' or blank is unknown.

    >>> parse_class_years(pd.Series(["'96 MA, '02 PhD", "T2019", "0"]))[0].tolist()
    [1996, 2019, <NA>]
    """
    return coded_class_years([Coded.of(values), *(Coded.of(c) for c in more)], values.index)


def coded_class_years(cols: Sequence[Coded], index: pd.Index) -> tuple[pd.Series, pd.Series]:
    """``parse_class_years`` of coded columns (their values need not be distinct): each distinct
    tuple of values parsed once, the columns not made text and encoded again."""
    pairs, members = combine(cols)
    parsed = [
        _class_years("\x1f".join(c.values[m[k]] for c, m in zip(cols, members, strict=True)))
        for k in range(len(pairs.values))
    ]
    grad = pd.array([p[0] for p in parsed], dtype="Int64")
    every = np.asarray([p[1] for p in parsed], dtype=object)
    return (
        pd.Series(grad.take(pairs.codes), index=index),
        taken_series(every, pairs.codes, index),
    )


def _class_years(cells: str) -> tuple[int | None, str]:
    found = [years_in(cell) for cell in cells.split("\x1f")]
    grad = next((years[0] for years in found if years), None)
    every = sorted(set().union(*found))
    return grad, "|".join(map(str, every))
