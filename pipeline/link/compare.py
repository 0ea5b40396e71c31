"""Comparisons: declared values with levels, computed vectorised over candidate pairs.

Each comparison maps a pair to one level (0 = the strongest agreement, higher = weaker, and -1 =
NULL, nothing to compare, e.g. an empty field). Adding a signal is adding an entry to
COMPARISONS, or a line under ``[match.comparisons]`` in the settings (``from_spec``). String
scores run on the distinct pairs of values only, with rapidfuzz's ``cpdist``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein
from rapidfuzz.fuzz import token_set_ratio, token_sort_ratio

from pipeline.errors import SettingsError
from pipeline.link.careers import ORDER_LEVELS, STAGE_LEVELS, seniority_order, stage
from pipeline.link.levels import (
    NULL,
    Comparison,
    Level,
    blank,
    levelled,
    pair_codes,
    similarity,
)
from pipeline.normalize.companies import CompanyTokenWeights, company_similarities
from pipeline.normalize.names import variants_compatible


def exact(column: str) -> Comparison:
    """Same / different (URL, email, any identifier)."""

    def compute(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
        x = a[column].fillna("").astype("str").to_numpy(dtype=object)
        y = b[column].fillna("").astype("str").to_numpy(dtype=object)
        return np.where(blank(a, b, column), NULL, np.where(x == y, 0, 1))

    return Comparison(
        column,
        (column,),
        ("same", "different"),
        compute,
        (),
        (0.9, 0.1),
        (1e-4, 0.9999),
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
        x, y = a[column].astype("str"), b[column].astype("str")
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
        only = frame[column].fillna("").astype("str").str.replace(r"\D", "", regex=True)
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
    return Comparison(column, (column,), labels, compute)


def _numbers(values: pd.Series, fallback: np.ndarray) -> np.ndarray:
    """Rows x up to 4 numbers from "|"-joined text (NaN where fewer), split once per distinct
    value; ``fallback`` fills rows without any."""
    codes, uniques = pd.factorize(values.fillna("").astype("str"))
    split = pd.Series(uniques, dtype="str").str.split("|", expand=True, n=3)
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
        dx, dy = (pd.Series(u, dtype="str").str.replace(r"\D", "", regex=True) for u in (ux, uy))
        px, py = (_parse_dates(pd.Series(u, dtype="str")) for u in (ux, uy))
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
            parts = [pd.factorize(f[c].fillna("").astype("str")) for c in columns]
            code = np.zeros(len(f), dtype="int64")
            for codes, uniques in parts:
                code = code * max(len(uniques), 1) + codes
                code = pd.factorize(code)[0]
            first = pd.Series(code).drop_duplicates()
            rows = first.index.to_numpy()
            text = pd.Series(np.asarray(parts[0][1], dtype=object)[parts[0][0][rows]], dtype="str")
            for codes, uniques in parts[1:]:
                text = text + " " + pd.Series(np.asarray(uniques, dtype=object)[codes[rows]])
            text = text.str.replace(r"\s+", " ", regex=True).str.strip().to_numpy(dtype=object)
            lookup = np.empty(int(code.max(initial=-1)) + 1, dtype=object)
            lookup[first.to_numpy()] = text
            return pd.DataFrame({name: lookup[code]}, index=f.index, dtype="str")

        return inner(join(a), join(b))

    return dataclasses.replace(comparison, columns=tuple(columns), compute=compute)


# ---------------------------------------------------------------------------------------------
# The person comparisons


# The name comparison's levels, strongest first: adding one is one line here (and its
# condition in _name's masks). _name also offers "same_first" for a level
# Level("first name only", "same_first", m=0.015, u=5e-3, tf="first_key"): on the linkage
# benchmark it made a connection's namesake candidates stronger rivals and cost recall
# (0.9672 -> 0.9631), so it is not a default level.
NAME = (
    Level("exact", "exact", m=0.70, u=5e-5, tf="name_key"),
    # a former-name match is as rare by accident as an exact one: the other record must carry
    # a former name at all (the share with alternates), and this one (its frequency)
    Level("former name", "former", m=0.06, u=1e-5, tf=("name_key", "name_key_alternates"),
          fixed=True),
    Level("nickname or variant", "variant", m=0.10, u=2e-5, tf="last_key"),
    Level("close spelling", "typo", m=0.05, u=2e-5, local=True),
    Level("same words, other order", "reordered", m=0.02, u=1e-5),
    Level("part of a compound last name", "part", m=0.01, u=1e-5),
    Level("last name only", "same_last", m=0.02, u=5e-3, tf="last_key"),
    Level("last name an initial", "initial", m=0.005, u=2e-4),
    Level("different", m=0.035, u=0.99467),
)  # fmt: skip
NAME_LEVELS = tuple(level.label for level in NAME)


def per_value(values: pd.Series, text: Callable[[pd.Series], pd.Series]) -> np.ndarray:
    """``text`` (string work on a Series) run on the distinct values of ``values`` only and
    spread back to every row. A pair frame repeats each record thousands of times (200,000
    random pairs of 1,800 records for u), so string work per pair would repeat as often.

    >>> per_value(pd.Series(["Oslo, NO", None, "Oslo, NO"]), lambda s: s.str.split(",").str[0])
    array(['Oslo', '', 'Oslo'], dtype=object)
    """
    codes, uniques = pd.factorize(values.fillna("").astype("str"))
    return text(pd.Series(uniques, dtype="str")).to_numpy(dtype=object)[codes]


def _has_unknown(names: pd.Series) -> pd.Series:
    return names.str.contains("?", regex=False)


def _says_retired(companies: pd.Series) -> pd.Series:
    return companies.str.contains(_RETIRED, case=False)


def _city(locations: pd.Series) -> pd.Series:
    return locations.str.split(",").str[0].str.strip().str.lower()


def _folded(text: pd.Series) -> pd.Series:
    return text.str.lower().str.strip()


def _name(a: pd.DataFrame, b: pd.DataFrame) -> dict[str, np.ndarray]:
    """The conditions of the NAME levels, one mask each (see ``levels.levelled``)."""
    key_a, key_b = a["name_key"].astype("str"), b["name_key"].astype("str")
    exact_ = key_a.to_numpy(dtype=object) == key_b.to_numpy(dtype=object)
    last_a, last_b = (
        a["last_key"].to_numpy(dtype=object),
        b["last_key"].to_numpy(dtype=object),
    )
    variants = variants_compatible(a["first_name_variants"], b["first_name_variants"])
    same_last = (last_a == last_b) & (last_a != "")
    former = np.zeros(len(a), dtype=bool)
    if "former_key" in a.columns:
        fa, fb = (
            a["former_key"].to_numpy(dtype=object),
            b["former_key"].to_numpy(dtype=object),
        )
        former = ((fa != "") & (fa == last_b)) | ((fb != "") & (fb == last_a))
        former |= (fa != "") & (fa == fb)
    # The string scores only where they can still decide the level: most candidate pairs are
    # settled by the exact checks above.
    open_ = ~exact_ & ~(former & variants) & ~(same_last & variants)
    typo = (_on(open_ & same_last, a["first_key"], b["first_key"], _one_typo) > 0) | (
        _on(open_ & variants, a["last_key"], b["last_key"], _one_typo) > 0
    )
    # spellings of one surname in other romanisations (Lee, Yi, Rhee), and letters a legacy
    # encoding lost as "?" ("Nguy?n" against "Nguyễn"): unknown letters, not mismatches
    if "last_family" in a.columns:
        fam_a, fam_b = (f["last_family"].to_numpy(dtype=object) for f in (a, b))
        typo |= open_ & variants & ~same_last & (fam_a == fam_b) & (fam_a != "")
    lost = open_ & (
        per_value(key_a, _has_unknown).astype(bool) | per_value(key_b, _has_unknown).astype(bool)
    )
    typo |= _on(lost, key_a, key_b, _wildcard_equal) > 0
    # a compound last name against one of its parts is checked before the reordering test,
    # which would call "maria santana" the same words as "maria santana acevedo"
    part = _on(open_ & ~typo & variants, a["last_key"], b["last_key"], _part_of) > 0
    reordered = _on(
        open_ & ~typo & ~part,
        key_a,
        key_b,
        lambda x, y: similarity(x, y, token_set_ratio),
    )
    reordered = reordered >= 0.95
    rest = open_ & ~typo & ~reordered & ~part & variants
    initial = _on(rest, a["last_key"], b["last_key"], _initial_of) > 0
    # both names a slip apart ("jajie hofmfan" for "jamie hoffman")
    both = open_ & ~typo & ~part & ~same_last & ~variants
    both = _on(both, a["first_key"], b["first_key"], _one_typo) > 0
    typo |= _on(both, a["last_key"], b["last_key"], _one_typo) > 0
    return {
        "exact": exact_,
        "former": former & variants,
        "variant": same_last & variants,
        "typo": typo,
        "reordered": reordered,
        "part": part,
        "same_last": same_last,
        "initial": initial,
        "same_first": variants,
        "null": (key_a == "").to_numpy() | (key_b == "").to_numpy(),
    }


def _per_distinct(x: pd.Series, y: pd.Series, test) -> np.ndarray:
    """``test(x, y)`` (two strings -> bool) once per distinct pair of values."""
    inverse, ux, uy = pair_codes(x, y)
    answers = np.fromiter((test(p, q) for p, q in zip(ux, uy, strict=True)), bool, len(ux))
    return answers[inverse]


def _wildcard_equal(x: pd.Series, y: pd.Series) -> np.ndarray:
    """The same text where each "?" stands for any one letter ("thi nguy?n" = "thi nguyen")."""

    def same(p: str, q: str) -> bool:
        return len(p) == len(q) and all(c == d or "?" in (c, d) for c, d in zip(p, q, strict=True))

    return _per_distinct(x, y, same)


def _part_of(x: pd.Series, y: pd.Series) -> np.ndarray:
    """One last name is a whole word of the other, compound one ("santana" and "santana
    acevedo", "acevedo" and "santana acevedo")."""

    def part(p: str, q: str) -> bool:
        a, b = p.split(), q.split()
        return bool(a and b) and a != b and (set(a) <= set(b) or set(b) <= set(a))

    return _per_distinct(x, y, part)


def _initial_of(x: pd.Series, y: pd.Series) -> np.ndarray:
    """One last name is the other's initial ("s" and "sharma": "Devika S.")."""

    def initial(p: str, q: str) -> bool:
        return (len(p) == 1 and len(q) > 1 and q[0] == p) or (
            len(q) == 1 and len(p) > 1 and p[0] == q
        )

    return _per_distinct(x, y, initial)


def _on(mask: np.ndarray, x: pd.Series, y: pd.Series, score) -> np.ndarray:
    """``score(x, y)`` (a number, or True as 1) on the pairs where ``mask`` holds, 0 elsewhere."""
    out = np.zeros(len(mask))
    at = np.flatnonzero(mask)
    if len(at):
        out[at] = score(x.iloc[at].reset_index(drop=True), y.iloc[at].reset_index(drop=True))
    return out


def _one_typo(x: pd.Series, y: pd.Series) -> np.ndarray:
    """A slip of the keyboard apart: a letter dropped, added, changed or two swapped (one
    optimal-string-alignment edit), or two such slips in a long name of about the same length.
    Not a prefix: "Anders" and "Andersen", "Kalundpel" and "Kalundpelmar" are other families,
    though Jaro-Winkler rates them close."""
    edits = similarity(x, y, OSA.distance)
    length_a = x.fillna("").astype("str").str.len().to_numpy()
    length_b = y.fillna("").astype("str").str.len().to_numpy()
    shortest = np.minimum(length_a, length_b)
    long_pair = (shortest >= 8) & (np.abs(length_a - length_b) <= 1)
    return (shortest > 0) & ((edits == 1) | ((edits == 2) & long_pair))


def same_title(x: pd.Series, y: pd.Series) -> np.ndarray:
    """Two cleaned titles that are the same title: the same words in any order, a typo apart
    (token-sort similarity >= 0.9). One title's words inside the other's are not the same
    title: "Associate Professor" is not "Professor", "Senior Engineer" not "Engineer"."""
    return similarity(x, y, token_sort_ratio) >= 0.9


JOB_LEVELS = (
    "same employer and title",
    "same employer",
    "parent or subsidiary",
    "similar employer name",
    "same title only",
    "retired in one, working in the other",
    "different",
)

# An alumni list that says "Retired" is newer than any current job elsewhere: a LinkedIn profile
# with a working employer is another person far more often than the same one.
_RETIRED = r"^\s*retired\b"


def _job(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
    """Employer and title as one comparison: an alumni list's outdated job differs in both, and
    counting that twice would bury every alum who changed jobs."""
    x, y = a["company_key"].astype("str"), b["company_key"].astype("str")
    given = [c for c in ("company_key", "title_clean", "company") if c in a.columns]
    if all((f[c].fillna("").astype("str") == "").all() for f in (a, b) for c in given):
        return np.full(len(a), NULL)  # no employer or title in any record: nothing to compare
    inverse, ux, uy = pair_codes(x, y)
    sim = company_similarities(pd.Series(ux, dtype="str"), pd.Series(uy, dtype="str"))
    weights = CompanyTokenWeights.fit(np.concatenate([ux, uy]))
    cosine = weights.similarity(pd.Series(ux, dtype="str"), pd.Series(uy, dtype="str"))
    company = np.select([sim >= 1.0, sim > 0, cosine >= 0.6], [0, 1, 2], default=3)[inverse]
    company = np.where(blank(a, b, "company_key"), NULL, company)
    title = same_title(a["title_clean"], b["title_clean"])
    both_titles = ~blank(a, b, "title_clean")
    title &= both_titles
    # with no employer to compare, two different titles still differ
    other_title = (company == NULL) & both_titles & ~title
    # Placeholders ("Self-employed", "Retired") have no company_key, so they never agree; only
    # "Retired" against a real employer is evidence, and against.
    retired = np.zeros(len(a), dtype=bool)
    if "company" in a.columns:
        ra, rb = (per_value(f["company"], _says_retired).astype(bool) for f in (a, b))
        ka, kb = (f["company_key"].fillna("").astype("str").to_numpy() != "" for f in (a, b))
        retired = (ra & kb) | (rb & ka)
    return np.select(
        [(company == 0) & title, company == 0, company == 1, company == 2, title, retired,
         (company == 3) | other_title],
        [0, 1, 2, 3, 4, 5, 6],
        default=NULL,
    )  # fmt: skip


def _program(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
    """Program (major) of two records: the same, one of a double major's ("Statistics;
    Computer Science" against "Statistics"), or another; NULL where either has none."""
    x, y = (per_value(f["major"], _folded) for f in (a, b))
    same = x == y
    overlap = similarity(pd.Series(x, dtype="str"), pd.Series(y, dtype="str"), token_set_ratio)
    overlap = overlap >= 0.95
    level = np.select([same, overlap], [0, 1], default=2)
    return np.where(blank(a, b, "major"), NULL, level)


def _place(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
    """The city of two records (the location's text before its first comma): the same, or
    another; NULL where either has none."""
    x, y = (per_value(f["location"], _city) for f in (a, b))
    both = (x != "") & (y != "")
    return np.where(both, np.where(x == y, 0, 1), NULL)


COMPARISONS: tuple[Comparison, ...] = (
    exact("linkedin_slug"),
    exact("email"),
    levelled(
        "name",
        ("name_key", "last_key", "first_key", "first_name_variants"),
        NAME,
        _name,
    ),
    Comparison(
        "job",
        ("company_key", "title_clean"),
        JOB_LEVELS,
        _job,
        tf=((1, "company_key"),),
        m_prior=(0.45, 0.2, 0.05, 0.02, 0.03, 0.002, 0.248),
        u_prior=(0.002, 0.02, 0.002, 0.0005, 0.03, 0.02, 0.9255),
        relative=((5, 1 / 16),),  # -4 bits however many are retired
    ),
    # ten years apart and more: two classes, two people (an alum's namesake in one list)
    dataclasses.replace(
        distance("grad_year", (0, 1, 3, 10), many="class_years"),
        columns=("grad_year",),
        m_prior=(0.85, 0.1, 0.04, 0.008, 0.002),
        u_prior=(0.04, 0.07, 0.12, 0.35, 0.42),
        # one person's records keep a class year; EM, fed mostly namesakes at those levels,
        # would learn otherwise
        fixed=(3, 4),
    ),
    Comparison(
        "program",
        ("major",),
        ("same program", "overlapping programs", "different program"),
        lambda a, b: _program(a, b),
        m_prior=(0.9, 0.08, 0.02),
        u_prior=(0.1, 0.05, 0.85),
        fixed=(2,),
    ),
    Comparison(
        "city",
        ("location",),
        ("same city", "different city"),
        _place,
        m_prior=(0.75, 0.25),  # people move; an alumni list's address can be years old
        u_prior=(0.08, 0.92),
    ),
    Comparison(
        "career stage",
        ("career_years", "career_years_sd", "career_years_source"),
        STAGE_LEVELS,
        stage,
        m_prior=(0.6, 0.15, 0.1, 0.1, 0.05),
        u_prior=(0.3, 0.15, 0.15, 0.2, 0.2),
    ),
    Comparison(
        "seniority order",
        ("seniority", "source", "title_clean"),
        ORDER_LEVELS,
        seniority_order,
        m_prior=(0.7, 0.25, 0.05),
        u_prior=(0.4, 0.2, 0.4),
    ),
)

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


def comparisons_for(
    frame_columns: Sequence[str], declared: Mapping[str, str] = {}
) -> tuple[Comparison, ...]:
    """The default comparisons whose columns exist, then those declared in the settings (a
    declared column replaces a default comparison of the same name)."""
    extra = tuple(from_spec(col, spec) for col, spec in declared.items())
    names = {c.name for c in extra}
    base = tuple(
        c for c in COMPARISONS if c.name not in names and set(c.columns) <= set(frame_columns)
    )
    return base + tuple(c for c in extra if set(c.columns) <= set(frame_columns))


def compare(
    frame: pd.DataFrame,
    pairs: pd.DataFrame,
    comparisons: Sequence[Comparison] = COMPARISONS,
) -> pd.DataFrame:
    """Levels of each candidate pair: columns left, right, then one int8 column per comparison.

    ``pairs`` has positions ``left``/``right`` into ``frame``.
    """
    out = pairs[["left", "right"]].reset_index(drop=True).copy()
    left, right = pairs["left"].to_numpy(), pairs["right"].to_numpy()
    extra = [
        c for c in ("former_key", "last_family", "company", "class_years") if c in frame.columns
    ]
    for comparison in comparisons:
        # One comparison's columns at a time: for millions of pairs, every column of every
        # comparison at once would hold gigabytes of references.
        cols = list(dict.fromkeys([*comparison.columns, *extra]))
        a = frame[cols].iloc[left].reset_index(drop=True)
        b = frame[cols].iloc[right].reset_index(drop=True)
        out[comparison.name] = np.asarray(comparison.compute(a, b)).astype("int8")
        del a, b
    return out
