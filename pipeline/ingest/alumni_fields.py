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
- A name column in CJK script without a space is split family name first (one character, or a
  known two-character family name; four Han characters split 2 + 2, as Japanese names mostly do).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from itertools import repeat

import numpy as np
import pandas as pd
from anyascii import anyascii
from rapidfuzz import fuzz, process

from pipeline.errors import SettingsError
from pipeline.ingest import clean
from pipeline.ingest.display_names import (
    clean_display,
    clean_names_frame,
    display_case,
    parse_full_name,
)

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
_MULTI = re.compile(r"\s*(?:;|\||\n|\r)\s*")
_CJK = re.compile(r"^[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff々ー・\s]+$")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")


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
    cols = [Coded.of(values), *(Coded.of(c) for c in more)]
    pairs, members = combine(cols)
    parsed = [
        _class_years("\x1f".join(c.values[m[k]] for c, m in zip(cols, members, strict=True)))
        for k in range(len(pairs.values))
    ]
    grad = pd.array([p[0] for p in parsed], dtype="Int64")
    every = np.asarray([p[1] for p in parsed], dtype=object)
    return (
        pd.Series(grad.take(pairs.codes), index=values.index),
        pd.Series(every[pairs.codes], index=values.index, dtype="str"),
    )


def _class_years(cells: str) -> tuple[int | None, str]:
    found = [years_in(cell) for cell in cells.split("\x1f")]
    grad = next((years[0] for years in found if years), None)
    every = sorted(set().union(*found))
    return grad, "|".join(map(str, every))


@dataclass(frozen=True)
class Coded:
    """A column as codes into its distinct values: work is done once per value, and
    ``values[codes]`` gives the column back. Example: Coded.of(pd.Series(["a", "b", "a"]))
    has codes [0, 1, 0] and values ["a", "b"]."""

    codes: np.ndarray
    values: np.ndarray  # object array of str

    @classmethod
    def of(cls, column: pd.Series | np.ndarray) -> Coded:
        codes, uniques = pd.factorize(np.asarray(column, dtype=object))
        values = np.asarray(uniques, dtype=object)
        if (codes < 0).any():  # NaN: an empty cell
            codes = np.where(codes < 0, len(values), codes)
            values = np.append(values, "")
        return cls(codes, values)

    @classmethod
    def blank(cls, n: int) -> Coded:
        return cls(np.zeros(n, dtype=np.intp), np.array([""], dtype=object))

    def map(self, fn: Callable[[str], object]) -> Coded:
        return Coded(self.codes, object_array([fn(v) for v in self.values]))

    def column(self) -> np.ndarray:
        return self.values[self.codes]

    def series(self, index: pd.Index | None = None) -> pd.Series:
        return pd.Series(self.column(), index=index, dtype="str")

    def where_empty(self, other: Coded) -> Coded:
        """This column, with ``other`` where it is ""."""
        pairs, (mine, theirs) = combine([self, other])
        values = np.where(self.values[mine] != "", self.values[mine], other.values[theirs])
        return Coded(pairs.codes, values.astype(object))


def object_array(items: list) -> np.ndarray:
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def combine(columns: Sequence[Coded]) -> tuple[Coded, list[np.ndarray]]:
    """The distinct tuples of several coded columns: (codes of each row's tuple, with values
    0..k-1), and for each column the code it holds in each tuple."""
    key = columns[0].codes.astype(np.int64)
    for col in columns[1:]:
        key, _ = pd.factorize(key * len(col.values) + col.codes)  # stays compact: no overflow
    codes, _ = pd.factorize(key)
    first = np.empty(codes.max(initial=-1) + 1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    pairs = Coded(codes, np.arange(len(first), dtype=object))
    return pairs, [col.codes[first] for col in columns]


def per_unique(values: pd.Series, fn: Callable[[str], object]) -> pd.Series:
    """``fn`` applied once per distinct value, on the index of ``values``."""
    return pd.Series(Coded.of(values).map(fn).column(), index=values.index)


def clean_text(values: pd.Series) -> pd.Series:
    """``clean.text`` (NFKC, invisible marks gone, spaces collapsed), computed only for the
    distinct values that need it: plain ASCII without stray spaces is already clean."""
    return clean_coded(Coded.of(values)).series(values.index)


def clean_coded(col: Coded) -> Coded:
    """``clean_text`` on a coded column: the codes stay, the distinct values are cleaned."""
    values = col.values
    plain = _plain(values)
    if plain.all():
        return col
    out = values.copy()
    out[~plain] = clean.text(pd.Series(values[~plain], dtype=object)).to_numpy(dtype=object)
    return Coded(col.codes, out)


def _plain(values: np.ndarray) -> np.ndarray:
    """Plain printable ASCII without edge or doubled spaces (builtin maps: no Python calls)."""
    n = len(values)
    ok = np.fromiter(map(str.isascii, values), bool, n)
    ok &= np.fromiter(map(str.isprintable, values), bool, n)
    ok &= ~np.fromiter(map(str.__contains__, values, repeat("  ")), bool, n)
    ok &= values == np.fromiter(map(str.strip, values), object, n)
    return ok


def multi_valued(values: pd.Series) -> pd.Series:
    """Lists in one cell ("Economics;Computer Science", "A | B") joined the same way: "A; B"."""
    return Coded.of(values).map(one_list).series(values.index)


def one_list(value: str) -> str:
    return "; ".join(filter(None, _MULTI.split(value)))


@cache
def _compound_surnames() -> frozenset[str]:
    text = resources.files("pipeline.data").joinpath("cjk_compound_surnames.csv").read_text("utf-8")
    return frozenset(row["surname"] for row in csv.DictReader(text.splitlines()))


def is_cjk(text: str) -> bool:
    return bool(text) and bool(_CJK.match(text))


def split_cjk(name: str) -> tuple[str, str]:
    """(given, family) of a CJK name, written family name first: "王小明" -> ("小明", "王")."""
    parts = name.split()
    if len(parts) > 1:
        return " ".join(parts[1:]), parts[0]
    if _KANA.search(name) or len(name) < 2:
        return "", name  # kana: no rule tells where the family name ends; keep it whole
    if name[:2] in _compound_surnames() and len(name) > 2:
        return name[2:], name[:2]
    if len(name) == 4 and not _HANGUL.search(name):
        return name[2:], name[:2]
    return name[1:], name[:1]


def _parse_full(full: str) -> tuple[str, str, str]:
    if not full:
        return "", "", ""
    if is_cjk(full):
        given, family = split_cjk(full.strip())
        return given, family, ""
    return parse_full_name(full)


def person_names(
    first: pd.Series,
    last: pd.Series,
    full: pd.Series | None = None,
    preferred: pd.Series | None = None,
    middle: pd.Series | None = None,
) -> pd.DataFrame:
    """Display names of alumni rows: first_name, last_name, full_name, credentials, given_name.

    ``full`` ("Last, First", "First Last", "LAST, First M.", "王小明") fills rows whose first and
    last are empty. A preferred name (column, or "Robert (Bob) Smith") becomes the first name;
    the given name is kept. ALL CAPS surnames get a sensible case (O'Brien, van der Berg); CJK
    names read family name first with no space.

    >>> names = person_names(pd.Series([""]), pd.Series([""]), pd.Series(["MCDONALD, Mary"]))
    >>> names.iloc[0, :3].tolist()
    ['Mary', 'McDonald', 'Mary McDonald']
    """
    empty = pd.Series([""] * len(first), index=first.index, dtype="str")
    nickname = empty
    if full is not None:
        parsed = per_unique(full, _parse_full)
        blank = (first == "") & (last == "")
        first = first.where(~blank, parsed.str[0]).astype("str")
        last = last.where(~blank, parsed.str[1]).astype("str")
        nickname = parsed.str[2].where(blank, "").astype("str")
    if middle is not None:  # "J." + "Robert": the person goes by the middle name
        initial = first.str.replace(".", "", regex=False).str.len() == 1
        with_middle = (first + " " + middle).str.strip()
        first = first.where(~(initial & (middle != "")), with_middle).astype("str")
    given = first
    chosen = preferred if preferred is not None else empty
    chosen = chosen.where(chosen != "", nickname)
    first = chosen.where(chosen != "", first).astype("str")
    names = clean_names_frame(first, last)
    # Alumni offices write surnames in capitals ("LEE, Jane"): recase them even when short.
    shown_first = Coded.of(names["first_name"])
    recased = Coded.of(names["last_name"]).map(_recase_surname)
    pairs, (f, g) = combine([shown_first, recased])
    given_first, family = shown_first.values[f], recased.values[g]
    cjk = np.fromiter(map(_both_cjk, given_first, family), bool, len(f))
    spaced = np.fromiter(map(str.strip, given_first + " " + family), object, len(f))
    full = np.where(cjk, family + given_first, spaced)
    names["full_name"] = pd.Series(full[pairs.codes], index=first.index, dtype="str")
    names["last_name"] = recased.series(first.index)
    same = (given == first).to_numpy()
    shown = Coded.of(given).map(lambda v: display_case(clean_display(v), particles=False))
    given_name = np.where(same, names["first_name"].to_numpy(dtype=object), shown.column())
    names["given_name"] = pd.Series(given_name, index=first.index, dtype="str")
    return names


def _recase_surname(last: str) -> str:
    if last.isupper() and sum(ch.isalpha() for ch in last) >= 2:
        return display_case(last)
    return last


def _both_cjk(given: str, family: str) -> bool:
    return is_cjk(family) and (not given or is_cjk(given))
