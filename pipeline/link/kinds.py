"""Comparison kinds: exact, fuzzy, digits, numeric distance, dates, and several columns joined.

Each maps a pair to one level (0 = the strongest agreement, higher = weaker, and -1 = NULL,
nothing to compare, e.g. an empty field). The settings declare comparisons of these kinds under
``[match.comparisons]`` (``from_spec``). String scores run on the distinct pairs of values only,
with rapidfuzz's ``cpdist``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein
from rapidfuzz.fuzz import token_set_ratio

from pipeline.errors import SettingsError
from pipeline.link.levels import NULL, Comparison, Rows, blank, pair_codes, similarity
from pipeline.text.arrow_text import STR


def exact(column: str) -> Comparison:
    """Same / different (URL, email, any identifier)."""

    def compute(
        a: pd.DataFrame | None, b: pd.DataFrame | None, rows: Rows | None = None
    ) -> np.ndarray:
        # on the column's codes, made once per run: no text per pair or per distinct pair
        rows = Rows.of_pairs(a, b) if rows is None else rows
        blank = rows.empty(column, rows.left) | rows.empty(column, rows.right)
        # int8: an int64 level per pair is 8 x the fresh memory
        return np.where(blank, np.int8(NULL), np.where(rows.same(column), np.int8(0), np.int8(1)))

    return Comparison(
        column,
        (column,),
        ("same", "different"),
        compute,
        (),
        (0.9, 0.1),
        (1e-4, 0.9999),
        rows=True,
    )


def fuzzy(column: str, scorer: str = "jaro_winkler", thresholds: Sequence[float] = (0.92, 0.8)):
    """Exact, then one level per similarity threshold (Jaro-Winkler, token set or Levenshtein)."""
    scorers: dict[str, Callable[..., float]] = {
        "jaro_winkler": JaroWinkler.normalized_similarity,
        "token_set": token_set_ratio,
        "levenshtein": Levenshtein.normalized_similarity,
    }
    fn = scorers[scorer]

    def compute(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
        x, y = a[column].astype(STR), b[column].astype(STR)
        sim = similarity(x, y, fn)
        same = x.to_numpy(dtype=object) == y.to_numpy(dtype=object)
        conditions = [same, *(sim >= t for t in thresholds)]
        level = np.select(conditions, list(range(len(conditions))), default=len(conditions))
        return np.where(blank(a, b, column), NULL, level)

    labels = ("same", *(f"{scorer} >= {t:g}" for t in thresholds), "different")
    return Comparison(column, (column,), labels, compute)


def digits(column: str) -> Comparison:
    """Same digits (phones: punctuation and a leading country code 1 ignored) / different."""

    def keyed(frame: pd.DataFrame) -> pd.Series:
        only = frame[column].fillna("").astype(STR).str.replace(r"\D", "", regex=True)
        return only.str.replace(r"^1(?=\d{10}$)", "", regex=True)

    def compute(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
        x, y = keyed(a).to_numpy(dtype=object), keyed(b).to_numpy(dtype=object)
        return np.where((x == "") | (y == ""), NULL, np.where(x == y, 0, 1))

    return Comparison(column, (column,), ("same", "different"), compute)


def distance(column: str, steps: Sequence[float] = (0, 2), many: str = "") -> Comparison:
    """Numeric distance levels (grad years: same, within 2, different); NULL when missing.

    With ``many`` (a column of "|"-joined numbers, e.g. class_years "1996|2002" for
    "'96 MA, '02 PhD"), the gap is the smallest between any number of one record and any of
    the other's, ``column`` standing in where ``many`` is empty."""

    def compute(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
        x = pd.to_numeric(a[column], errors="coerce").astype("float64").to_numpy()
        y = pd.to_numeric(b[column], errors="coerce").astype("float64").to_numpy()
        gap = np.abs(x - y)
        if many and many in a.columns and many in b.columns and len(x):  # no pairs: no gaps
            xs, ys = _numbers(a[many], x), _numbers(b[many], y)
            with np.errstate(invalid="ignore"):
                gaps = np.abs(xs[:, :, None] - ys[:, None, :]).reshape(len(x), -1)
            gap = np.where(np.isnan(gaps).all(axis=1), gap, np.nanmin(_nan_safe(gaps), axis=1))
        level = np.select([gap <= s for s in steps], list(range(len(steps))), default=len(steps))
        return np.where(np.isnan(gap), NULL, level)

    labels = (*("same" if s == 0 else f"within {s:g}" for s in steps), "different")
    return Comparison(column, (column,), labels, compute, optional=(many,) if many else ())


def _numbers(values: pd.Series, fallback: np.ndarray) -> np.ndarray:
    """Rows x up to 4 numbers from "|"-joined text (NaN where fewer), split once per distinct
    value; ``fallback`` fills rows without any."""
    codes, uniques = pd.factorize(values.fillna("").astype(STR))
    split = pd.Series(uniques, dtype=STR).str.split("|", expand=True, n=3)
    table = split.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    if table.shape[1] == 0:
        table = np.full((len(uniques), 1), np.nan)
    out = table[codes] if len(codes) else np.full((0, table.shape[1]), np.nan)
    empty = np.isnan(out).all(axis=1)
    out[empty, 0] = fallback[empty]
    return out


def _nan_safe(gaps: np.ndarray) -> np.ndarray:
    """All-NaN rows as +inf, so nanmin stays quiet (they are replaced afterwards)."""
    return np.where(np.isnan(gaps).all(axis=1, keepdims=True), np.inf, gaps)


def dates(column: str) -> Comparison:
    """Same date / a typo apart (one digit changed, or two swapped: "19480225" and "19482025")
    / same year and month, or day and month swapped / different (birth dates). Each distinct
    value is parsed once; a value no calendar reads still compares by its digits."""

    def compute(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
        inverse, ux, uy = pair_codes(a[column], b[column])
        dx, dy = (pd.Series(u, dtype=STR).str.replace(r"\D", "", regex=True) for u in (ux, uy))
        px, py = (_parse_dates(pd.Series(u, dtype=STR)) for u in (ux, uy))
        same = ((px == py) & px.notna()).to_numpy() | ((dx == dy) & (dx != "")).to_numpy()
        edits = similarity(dx, dy, OSA.distance) if len(dx) else np.zeros(0)
        typo = (edits <= 1) & (dx.str.len() == dy.str.len()).to_numpy() & (dx.str.len() >= 6)
        close = ((px.dt.year == py.dt.year) & (px.dt.month == py.dt.month)).to_numpy()
        swapped = ((px.dt.day == py.dt.month) & (px.dt.month == py.dt.day)).to_numpy()
        level = np.select([same, typo, close | swapped], [0, 1, 2], default=3)
        empty = (dx == "").to_numpy() | (dy == "").to_numpy()
        return np.where(empty, NULL, level)[inverse]

    labels = ("same", "a typo apart", "month or day swap", "different")
    return Comparison(column, (column,), labels, compute)


def _parse_dates(values: pd.Series) -> pd.Series:
    """Dates of text values (NaT where none): eight digits as YYYYMMDD, others as pandas reads."""
    compact = values.str.fullmatch(r"\d{8}")
    out = pd.to_datetime(values.where(compact), errors="coerce", format="%Y%m%d")
    rest = ~compact & (values != "")
    if rest.any():
        out[rest] = pd.to_datetime(values[rest], errors="coerce", format="mixed")
    return out


def joined(columns: Sequence[str], comparison: Comparison) -> Comparison:
    """``comparison`` (declared over a column named like ``"+".join(columns)``) over the text
    of several columns joined with spaces: an address split over two lines in one file and
    written the other way round in another ("address_1+address_2" = "token_set 0.9 0.7")."""
    name = "+".join(columns)
    inner = comparison.compute

    def compute(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
        def join(f: pd.DataFrame) -> pd.DataFrame:
            # once per distinct combination of the parts: pairs repeat records many times
            parts = [pd.factorize(f[c].fillna("").astype(STR)) for c in columns]
            code = np.zeros(len(f), dtype="int64")
            for codes, uniques in parts:
                code = code * max(len(uniques), 1) + codes
                code = pd.factorize(code)[0]
            first = pd.Series(code).drop_duplicates()
            rows = first.index.to_numpy()
            text = pd.Series(np.asarray(parts[0][1], dtype=object)[parts[0][0][rows]], dtype=STR)
            for codes, uniques in parts[1:]:
                text = text + " " + pd.Series(np.asarray(uniques, dtype=object)[codes[rows]])
            text = text.str.replace(r"\s+", " ", regex=True).str.strip().to_numpy(dtype=object)
            lookup = np.empty(int(code.max(initial=-1)) + 1, dtype=object)
            lookup[first.to_numpy()] = text
            return pd.DataFrame({name: lookup[code]}, index=f.index, dtype=STR)

        return inner(join(a), join(b))

    return dataclasses.replace(comparison, columns=tuple(columns), compute=compute)


SPEC_KINDS = (
    "exact",
    "jaro_winkler",
    "token_set",
    "levenshtein",
    "digits",
    "year",
    "date",
)


def from_spec(column: str, spec: str) -> Comparison:
    """A comparison declared in the settings: ``postcode = "exact"``, ``phone = "digits"``,
    ``birth_date = "date"``, ``city = "jaro_winkler 0.95 0.85"``, ``class_year = "year 0 2"``.

    >>> from_spec("city", "jaro_winkler 0.9").levels
    ('same', 'jaro_winkler >= 0.9', 'different')
    """
    kind, *numbers = spec.split()
    try:
        values = [float(v) for v in numbers]
    except ValueError:
        values = None
    if kind not in SPEC_KINDS or values is None:
        raise SettingsError(
            f"[match.comparisons] '{column}': use one of {', '.join(SPEC_KINDS)}, optionally "
            'followed by thresholds (for example "jaro_winkler 0.95 0.85").'
        )
    if "+" in column:
        parts = tuple(p.strip() for p in column.split("+") if p.strip())
        return joined(parts, _of_kind("+".join(parts), kind, values))
    return _of_kind(column, kind, values)


def _of_kind(column: str, kind: str, values: list[float]) -> Comparison:
    if kind == "exact":
        return exact(column)
    if kind == "digits":
        return digits(column)
    if kind == "date":
        return dates(column)
    if kind == "year":
        return distance(column, tuple(values) or (0, 2))
    return fuzzy(column, kind, tuple(values) or (0.92, 0.8))
