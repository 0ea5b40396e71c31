"""Career level from the title and the experience together: a probability per level.

A title's words are evidence of a level (``titles.classify_titles``), but not all of them say
the same amount. LinkedIn calls "Software Engineer" Entry in year two and Senior in year nine, and
the title does not change. So each title is first sorted into an *evidence* class
(``pipeline/data/level_evidence.csv``):

- **strong**: a level word ("Intern", "Senior", "Director", "Founder" ...). The level is kept
  whatever the years: an "Intern" ten years out is a career changer, still in Training. Its
  probability is how often such a word was right on the generator (the ``strong`` row of
  ``level_model.csv``); the rest is spread over the neighbouring levels.
- **plain** / **ic manager**: a job noun with no level word ("Consultant", "Research Scientist"),
  or a manager of a product rather than of people ("Product Marketing Manager", "Brand
  Manager"); **unclassified**: words no rule reads; **none**: no title at all.
  For these the level comes from the years since the first degree: ``level_model.csv`` holds,
  per class and per years bucket (Sales Navigator's buckets, finer around years 0 to 6), the
  share of each level among the generator's people (``fixtures/levels/generate.py``), fitted
  by ``benchmarks/eval_levels.py --fit`` (``level_fit.fit``). The probabilities are those shares, so
  they are calibrated on the generator by construction; with the years unknown, the class's
  shares over all years. Without a title the employer's kind also counts (rows per kind:
  a student society's people are Unpaid, a university's people before their class year are
  still in Training), fitted the same way and pulled towards the rows for any employer; a
  person with no employer known, or one of a kind never fitted, gets the rows for any employer.

Before either, the employer and the title together may settle it (``level_overrides.csv``,
ordered, first match wins): a student society's roles are Unpaid, an RA or TA post held while
studying is Training, a hospital's residents are in training, a bank's Associate Vice President
is a Manager (``employer_seniority.csv``, applied by ``titles.adjust_for_employer``); with no
title at all, a "Self-employed" or "Freelance" employer makes an Owner (a rule whose title
pattern matches the empty title, with a declared probability below 1).

The shown level is the most probable; ``seniority_p`` is its probability and
``seniority_basis`` says in words what decided it. Without a title and without years the level
stays "Unknown"; with years it is marked "estimated from years and employer (...)", or
"estimated from years alone (...)" when no employer is known.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.normalize.level_model import (
    EDGES,
    EVIDENCE,
    LEVELS,
    UNKNOWN,
    _basis,
    _has_kind_rows,
    _model,
    _overrides,
    evidence_class,
    level_probabilities,
)
from pipeline.normalize.workplace import (
    KIND_ROWS,
    employer_kind_codes,
    employer_kind_of,
    employer_kinds_of,
)
from pipeline.text.arrow_text import STR, distinct_rows

__all__ = [
    "EVIDENCE",
    "KIND_ROWS",
    "LEVEL_COLUMNS",
    "employer_kind_of",
    "employer_kinds_of",
    "estimate_levels",
    "estimate_levels_and_alone",
    "evidence_class",
    "level_probabilities",
]

#: Sources of career_years that are facts about the person (not guessed from the title).
MEASURED = ("grad_year", "history")
LEVEL_COLUMNS = ("seniority", "seniority_p", "seniority_basis", "seniority_rule")


def _measured_years(frame: pd.DataFrame) -> np.ndarray:
    if "career_years" not in frame:
        return np.full(len(frame), np.nan)
    years = pd.to_numeric(frame["career_years"], errors="coerce").to_numpy(dtype=float)
    source = frame.get("career_years_source", pd.Series("grad_year", index=frame.index))
    return np.where(source.astype(STR).isin(MEASURED).to_numpy(), years, np.nan)


def estimate_levels(frame: pd.DataFrame, titles: pd.DataFrame, kinds: pd.Series) -> pd.DataFrame:
    """seniority, seniority_p, seniority_basis and seniority_rule from title and experience.

    ``frame`` may have ``career_years`` and ``career_years_source`` (only "grad_year" and
    "history" years count: a year guessed from the title would be circular) and
    ``last_degree_years`` (years since the latest class year, ``stage.last_degree_years``:
    below zero, the person is still studying, whatever their first degree says: a 2019
    bachelor with a PhD due in 2028 and no title is a student, in Training); ``titles`` has
    ``seniority`` (the title's own level), ``seniority_rule`` and ``title_clean`` (from
    ``classify_titles`` and ``adjust_for_employer``); ``kinds`` the employer kind of each row
    (``employer_kind_of``). All three share one index. Work is done once per distinct
    (title, kind, whole years) combination.

    >>> t = pd.DataFrame({"seniority": ["Entry"], "seniority_rule": ["early-career job noun"],
    ...                   "title_clean": ["research scientist"]})
    >>> f = pd.DataFrame({"career_years": [9.4], "career_years_source": ["grad_year"]})
    >>> estimate_levels(f, t, pd.Series([""]))["seniority"].tolist()
    ['Senior']
    """
    return estimate_levels_and_alone(frame, titles, kinds, alone=False)[0]


def estimate_levels_and_alone(
    frame: pd.DataFrame,
    titles: pd.DataFrame,
    kinds: pd.Series,
    *,
    alone: bool = True,
    distinct: DistinctTitles | None = None,
) -> tuple[pd.DataFrame, pd.Series | None]:
    """(``estimate_levels(frame, titles, kinds)``, and with ``alone`` the seniority it gives
    with the years unread, as for ``frame.assign(career_years=np.nan)``): the distinct
    (level, rule, clean title, kind) rows are found once for both (``distinct``: those of
    ``distinct_titles(titles, kinds)``, found beforehand).

    >>> t = pd.DataFrame({"seniority": ["Entry"], "seniority_rule": ["early-career job noun"],
    ...                   "title_clean": ["research scientist"]})
    >>> f = pd.DataFrame({"career_years": [9.4], "career_years_source": ["grad_year"]})
    >>> levels, seniority = estimate_levels_and_alone(f, t, pd.Series([""]))
    >>> levels["seniority"].tolist(), seniority.tolist()
    (['Senior'], ['Entry'])
    """
    years, studying = _years_studying(frame)
    t_codes, title_kind = distinct_titles(titles, kinds) if distinct is None else distinct
    y = np.where(np.isnan(years), -999.0, years)
    s = np.where(np.isnan(studying), -999.0, studying)
    codes, first = distinct_rows(t_codes, y, s)
    rows = t_codes[first]
    level, rule, clean, kind = title_kind
    table = _levels_of(level[rows], rule[rows], clean[rows], kind[rows], y[first], s[first])
    levels = _spread(table, codes, frame.index)
    if not alone:
        return levels, None
    unread = np.full(len(level), -999.0)
    seniority = _levels_of(level, rule, clean, kind, unread, unread)[0]
    taken = pd.Series(seniority, dtype=STR).array.take(t_codes)
    return levels, pd.Series(taken, index=frame.index, name="seniority")


#: Each row's code into the distinct (level, rule, clean title, kind) rows, and those rows'
#: four columns (object arrays).
DistinctTitles = tuple[np.ndarray, list[np.ndarray]]


def distinct_titles(titles: pd.DataFrame, kinds: pd.Series) -> DistinctTitles:
    """The distinct (level, rule, clean title, employer kind) rows of ``titles`` and ``kinds``,
    which ``estimate_levels_and_alone`` reads: it reads no years, so it can be found before
    they are measured."""
    text = [
        titles["seniority"].astype(STR),
        titles["seniority_rule"].astype(STR),
        titles["title_clean"].astype(STR),
        kinds.fillna("").astype(STR),
    ]
    t_codes, t_first = distinct_rows(*text)
    return t_codes, [np.asarray(column.iloc[t_first], dtype=object) for column in text]


def _years_studying(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(measured years, years to a class year still to come), each rounded to 0.1, NaN unknown,
    as ``estimate_levels`` reads them from ``frame``."""
    years = np.round(_measured_years(frame), 1)
    last = pd.to_numeric(
        frame.get("last_degree_years", pd.Series(np.nan, index=frame.index)), errors="coerce"
    ).to_numpy(dtype=float)
    # still studying: a class year still to come (only a year measured counts, as above)
    studying = np.where((last < 0) & ~np.isnan(years), np.round(last, 1), np.nan)
    return years, studying


def _spread(table: tuple[np.ndarray, ...], codes: np.ndarray, index: pd.Index) -> pd.DataFrame:
    """LEVEL_COLUMNS from ``_levels_of``'s rows for the distinct combinations, taken by
    ``codes`` (the few distinct rows made into a column first, then taken per row: Arrow's
    take, not a Python string per row)."""

    def spread(values: np.ndarray, dtype: object) -> pd.Series:
        return pd.Series(pd.Series(values, dtype=dtype).array.take(codes), index=index)

    return pd.DataFrame(
        {
            "seniority": spread(table[0], STR),
            "seniority_p": spread(table[1], float),
            "seniority_basis": spread(table[2], STR),
            "seniority_rule": spread(table[3], STR),
        }
    )


def _per_distinct(values: np.ndarray, fn) -> np.ndarray:
    """``fn`` of each distinct value of ``values`` (object array), spread back: Python work once
    per distinct value, not per row."""
    codes, distinct = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
    return np.array([fn(v) for v in distinct] + [None], dtype=object)[:-1][codes]


def _levels_of(
    level: np.ndarray,
    rule: np.ndarray,
    clean: np.ndarray,
    kind: np.ndarray,
    years: np.ndarray,
    studying: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(seniority, seniority_p, seniority_basis, seniority_rule) of each distinct combination of
    the title's level, rule and clean text, the employer kind, the measured years and the years
    to a class year still to come (-999 = unknown), as ``estimate_levels`` documents.

    Column by column (numpy over the combinations), with Python only per distinct title (the
    override patterns), per distinct (rule, level) (the evidence class) and per distinct basis
    text: a real network has a hundred thousand combinations.
    """
    n = len(level)
    if n == 0:
        empty = np.zeros(0, dtype=object)
        return empty, np.zeros(0), empty, empty
    y = np.where(years == -999.0, np.nan, years)
    # a student now is within any "while studying" rule's years; without a title the class
    # year still to come is what the years say (a working student with a title keeps the
    # years since the first degree: the title says they work). Python's min(y, s): s < y.
    s = np.where(studying == -999.0, np.nan, studying)
    student = np.where(~np.isnan(s) & (s < y), s, y)
    # The employer-and-title rules, ordered, first match wins.
    hit = np.full(n, -1, dtype=np.int64)
    overrides = _overrides()
    clean_codes, clean_distinct = pd.factorize(pd.Series(clean, dtype=object))
    for i, (_name, okind, pattern, limit, _lv, _p) in enumerate(overrides):
        open_ = hit < 0
        if okind:
            open_ &= kind == okind
        if limit != np.inf:
            open_ &= ~np.isnan(student) & (student <= limit)
        if not open_.any():
            continue
        matches = np.fromiter((bool(pattern.search(c)) for c in clean_distinct), bool)
        hit[open_ & matches[clean_codes]] = i
    # The evidence class, per distinct (rule, level, whether there is a title).
    has_title = clean != ""
    t_codes, t_first = distinct_rows(rule, level, has_title)
    t_distinct = zip(rule[t_first], level[t_first], has_title[t_first], strict=True)
    evidence = np.array(
        [evidence_class(r, lv, "x" if t else "") for r, lv, t in t_distinct], dtype=object
    )[t_codes]
    vague = (evidence == "none") | (evidence == "unclassified")
    y = np.where(vague, student, y)
    # Probabilities: a strong word keeps its level; the others read level_model.csv's rows.
    right, model = _model()
    probs = np.zeros((n, len(LEVELS)))
    strong = evidence == "strong"
    if strong.any():
        lv_index = pd.Index(LEVELS).get_indexer(np.where(np.isin(level, LEVELS), level, "Entry"))
        rows = np.zeros((len(LEVELS), len(LEVELS)))
        for i in range(len(LEVELS)):
            near = [j for j in (i - 1, i + 1) if 0 <= j < len(LEVELS)]
            rows[i, i] = right
            rows[i, near] = (1 - right) / len(near)
        probs[strong] = rows[lv_index[strong]]
    cls = np.where(evidence == "unclassified", "none", evidence)
    rest = ~strong
    if rest.any():
        yr = y[rest]
        bucket = np.searchsorted(EDGES, yr, side="right") - 1
        bucket = np.where(np.isnan(yr), len(EDGES) - 1, np.minimum(bucket, len(EDGES) - 2))
        p_codes, p_first = distinct_rows(cls[rest], kind[rest])
        p_distinct = zip(cls[rest][p_first], kind[rest][p_first], strict=True)
        stacked = np.stack([model.get((c, k), model[(c, "")]) for c, k in p_distinct])
        chosen = stacked[p_codes, bucket]
        chosen[np.isnan(yr) & vague[rest]] = 0.0  # words that say nothing, and no years
        probs[rest] = chosen
    known = probs.sum(axis=1) != 0
    best = probs.argmax(axis=1)
    top = probs[np.arange(n), best]
    # a fitted share is an estimate: shown at most 0.99, never as a certainty (Python's round,
    # once per distinct value, so the figures are those of round())
    shown = _per_distinct(top.astype(object), lambda v: min(round(float(v), 2), 0.99))
    seniority = np.where(known, np.array(LEVELS, dtype=object)[best], UNKNOWN).astype(object)
    p_out = np.where(known, shown, np.nan).astype(float)
    k_codes, k_first = distinct_rows(evidence, kind)
    k_distinct = zip(evidence[k_first], kind[k_first], strict=True)
    has_kind = np.array([bool(k) and _has_kind_rows(e, k) for e, k in k_distinct])[k_codes]
    shown_kind = np.where(has_kind, kind, "")
    basis_key = [evidence, rule, np.where(np.isnan(y), -999.0, y), shown_kind]
    b_codes, b_first = distinct_rows(*basis_key)
    b_distinct = zip(*(column[b_first] for column in basis_key), strict=True)
    texts = [
        _basis(e, r, "", np.nan if yy == -999.0 else float(yy), "", k) for e, r, yy, k in b_distinct
    ]
    basis = np.array(texts, dtype=object)[b_codes]
    basis = np.where(known, basis, "")
    rules = rule.astype(object).copy()
    # The overrides' rows replace the rest.
    fired = hit >= 0
    if fired.any():
        names = np.array([o[0] for o in overrides], dtype=object)
        o_level = np.array([o[4] for o in overrides], dtype=object)
        o_p = np.array([o[5] for o in overrides], dtype=float)
        where = hit[fired]
        seniority[fired] = o_level[where]
        p_out[fired] = o_p[where]
        label = np.where(kind[fired] == "", "any employer", kind[fired])
        basis[fired] = names[where] + " (" + label.astype(object) + ")"
        rules[fired] = names[where]
    return seniority, p_out, basis, rules


def relevel(prospects: pd.DataFrame, extra_rules=(), today: date | None = None) -> pd.DataFrame:
    """The level again once records are linked: a LinkedIn title with the alumni list's class
    year. ``prospects`` needs title, company_key, career_years, career_years_source (and
    employer_is_school when known; grad_year and class_years, with ``today``, to see who is
    still studying). Returns a new frame with LEVEL_COLUMNS replaced; rows whose
    years are not measured keep what they had (their years came from the level itself).
    """
    from pipeline.normalize.companies import employer_kind
    from pipeline.normalize.stage import last_degree_years
    from pipeline.normalize.titles import adjust_for_employer, classify_titles

    out = prospects.copy()
    seen = out
    if today is not None and "grad_year" in out:
        seen = out.assign(last_degree_years=last_degree_years(out, today))
    # A row's level reads its title, its employer's kind (twice: the bank rules of
    # adjust_for_employer, and employer_kinds_of's kind for the years), its measured years and
    # the years to a class year still to come. Each is a code or a number here, and the
    # level is worked out once per distinct combination of them (a few thousand for a million
    # people), by the same functions normalize runs on every row.
    t_codes, t_values = pd.factorize(out["title"].fillna("").astype(STR))
    k_codes, k_values = pd.factorize(out["company_key"].fillna("").astype(STR))
    bank_codes, bank_values = pd.factorize(
        pd.Series([employer_kind(str(k)) for k in k_values], dtype=object)
    )
    bank_of_row = bank_codes[k_codes] if len(k_values) else np.zeros(len(out), dtype=np.intp)
    e_codes, e_kinds = employer_kind_codes(out)  # codes per distinct employer: as kinds here
    kind_codes, e_values = pd.factorize(pd.Series(e_kinds, dtype=object))
    e_codes = kind_codes[e_codes]
    e_values = np.asarray(e_values, dtype=object)
    years, studying = _years_studying(seen)
    years_key = np.where(np.isnan(years), -999.0, years)
    studying_key = np.where(np.isnan(studying), -999.0, studying)
    codes, first = distinct_rows(t_codes, bank_of_row, e_codes, years_key, studying_key)
    titles = classify_titles(
        pd.Series(np.asarray(t_values, dtype=object)[t_codes[first]], dtype=object),
        extra_rules=extra_rules,
    )
    bank = np.asarray(bank_values, dtype=object)[bank_of_row[first]]
    titles = adjust_for_employer(titles, pd.Series(bank, dtype=STR))
    table = _levels_of(
        titles["seniority"].to_numpy(dtype=object),
        titles["seniority_rule"].to_numpy(dtype=object),
        titles["title_clean"].to_numpy(dtype=object),
        e_values[e_codes[first]],
        years_key[first],
        studying_key[first],
    )
    levels = _spread(table, codes, out.index)
    measured = out["career_years_source"].astype(STR).isin(MEASURED).to_numpy()
    for col in LEVEL_COLUMNS:
        out[col] = _where(measured, levels[col], out[col]) if col in out else levels[col]
    return out


def _where(mask: np.ndarray, new: pd.Series, old: pd.Series) -> pd.Series:
    """``old.where(~mask, new)``: text columns chosen row by row in Arrow (pandas' where on
    Arrow text replaces through a mask, several times slower)."""
    if not (old.dtype == STR and new.dtype == STR):
        return old.where(~mask, new)
    chosen = pc.if_else(pa.array(mask), _arrow(new), _arrow(old))
    return pd.Series(pd.array(chosen, dtype=STR), index=old.index, name=old.name, copy=False)


def _arrow(column: pd.Series) -> pa.Array:
    values = pa.array(column.array)
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def level_evidence(frame: pd.DataFrame) -> pd.DataFrame:
    """How each level was decided: people per (level, what decided it) with the mean probability.

    ``frame`` has seniority, seniority_p and seniority_basis (normalize, or rank's relevel).
    "What decided it" is the basis without its details: "title says so", "title has no level
    word", "estimated from years and employer", "estimated from years alone", an employer
    rule's name ...

    >>> f = pd.DataFrame({"seniority": ["Senior", "Senior"], "seniority_p": [0.9, 0.7],
    ...                   "seniority_basis": ["title says so (senior)", "estimated from years "
    ...                                       "alone (7 years since the first degree)"]})
    >>> level_evidence(f)["decided by"].tolist()
    ['estimated from years alone', 'title says so']
    """
    basis = frame["seniority_basis"].fillna("").astype(STR)
    decided = basis.str.replace(r"\s*\(.*$|;.*$", "", regex=True).replace("", "nothing known")
    table = (
        frame.assign(**{"decided by": decided})
        .groupby(["seniority", "decided by"], sort=False)
        .agg(people=("seniority", "size"), mean_probability=("seniority_p", "mean"))
        .reset_index()
    )
    order = {lv: i for i, lv in enumerate((*LEVELS, UNKNOWN))}
    table["_o"] = table["seniority"].map(order)
    table = table.sort_values(["_o", "decided by"]).drop(columns="_o")
    table["mean_probability"] = table["mean_probability"].round(2)
    return table.reset_index(drop=True)
