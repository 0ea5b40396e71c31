"""Comparisons: declared values with levels, computed vectorised over candidate pairs.

Each comparison maps a pair to one level (0 = the strongest agreement, higher = weaker, and -1 =
NULL, nothing to compare, e.g. an empty field). Adding a signal is adding an entry to
COMPARISONS, or a line under ``[match.comparisons]`` in the settings (``from_spec``). The kinds
a setting can declare are in ``link.kinds``; the person comparisons (name, job, program, city)
in ``link.person``.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Mapping, Sequence
from functools import partial

import numpy as np
import pandas as pd

from pipeline.link.careers import ORDER_LEVELS, STAGE_LEVELS, seniority_order, stage
from pipeline.link.jobs import JOB_LEVELS, job_level, same_title
from pipeline.link.kinds import SPEC_KINDS, dates, distance, exact, from_spec, fuzzy, joined
from pipeline.link.levels import Comparison, Rows, distinct_codes, levelled
from pipeline.link.person import (
    NAME,
    NAME_LEVELS,
    PROGRAM_LEVELS,
    city_level,
    name_conditions,
    name_letters,
    name_prepare,
    program_level,
)
from pipeline.threads import in_order

__all__ = [
    "COMPARISONS",
    "JOB_LEVELS",
    "NAME",
    "NAME_LEVELS",
    "SPEC_KINDS",
    "compare",
    "compare_sets",
    "comparisons_for",
    "dates",
    "distance",
    "exact",
    "from_spec",
    "fuzzy",
    "joined",
    "same_title",
    "work_ahead",
]

COMPARISONS: tuple[Comparison, ...] = (
    exact("linkedin_slug"),
    exact("email"),
    levelled(
        "name",
        ("name_key", "last_key", "first_key", "first_name_variants", "email", "linkedin_slug"),
        NAME,
        name_conditions,
        optional=("former_key", "last_family"),
        rows=True,
        prepare=(name_letters, name_prepare),
    ),
    Comparison(
        "job",
        ("company_key", "title_clean"),
        JOB_LEVELS,
        job_level,
        tf=((1, "company_key"),),
        m_prior=(0.45, 0.2, 0.05, 0.02, 0.03, 0.002, 0.248),
        u_prior=(0.002, 0.02, 0.002, 0.0005, 0.03, 0.02, 0.9255),
        relative=((5, 1 / 16),),  # -4 bits however many are retired
        optional=("company",),
        rows=True,
        fitted=True,  # its word weights are fitted on the employers of the pairs compared
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
        PROGRAM_LEVELS,
        program_level,
        # a shared "Computer Science" says less than a shared "Earth Sciences"
        tf=((0, "major"),),
        # a record made at each degree holds its own: rare among one person's records
        m_prior=(0.89, 0.08, 0.01, 0.02),
        u_prior=(0.1, 0.05, 0.03, 0.82),
        fixed=(3,),
        optional=("degree",),
        rows=True,
    ),
    Comparison(
        "city",
        ("location",),
        ("same city", "different city"),
        city_level,
        tf=((0, "location"),),  # Toronto is shared by many, Lagos by few
        m_prior=(0.75, 0.25),  # people move; an alumni list's address can be years old
        u_prior=(0.08, 0.92),
        rows=True,
    ),
    Comparison(
        "career stage",
        ("career_years", "career_years_sd", "career_years_source"),
        STAGE_LEVELS,
        stage,
        m_prior=(0.6, 0.15, 0.1, 0.1, 0.05),
        u_prior=(0.3, 0.15, 0.15, 0.2, 0.2),
        rows=True,  # NULL unless one record's years are measured, the other's guessed
    ),
    Comparison(
        "seniority order",
        ("seniority", "source", "title_clean"),
        ORDER_LEVELS,
        seniority_order,
        optional=("seniority_alone",),
        rows=True,  # NULL unless a connection meets another file's record, both ranked
        m_prior=(0.5, 0.2, 0.25, 0.05),
        u_prior=(0.2, 0.2, 0.2, 0.4),
    ),
)


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
    cache: dict | None = None,
) -> pd.DataFrame:
    """Levels of each candidate pair: columns left, right, then one int8 column per comparison.

    ``pairs`` has positions ``left``/``right`` into ``frame``. ``cache`` keeps per-record work
    between calls on the same frame (the candidates, then the random pairs for u).
    """
    return _each_set(frame, [pairs], comparisons, {} if cache is None else cache, False)[0]


#: From this many pairs in all (past TOGETHER_PAIRS: the real and large sizes, not the
#: sample), ``compare_sets`` runs its comparisons on two threads (numpy, pandas' hashing, Arrow
#: and rapidfuzz leave the GIL over large arrays), the LONGEST's first: the name comparison of
#: the candidates is half the work at large.
THREAD_PAIRS = 500_000
LONGEST = "name"


def _each_set(
    frame: pd.DataFrame,
    sets: Sequence[pd.DataFrame],
    comparisons: Sequence[Comparison],
    cache: dict,
    threaded: bool,
) -> list[pd.DataFrame]:
    """``compare`` of each pair frame of ``sets``, the comparisons of all sets one task each
    (a comparison's levels of a set depend on that set's pairs only; what tasks share is the
    per-record work in ``cache``, the same whichever task makes it). ``threaded``: the tasks
    on two threads (``_two_threads``)."""
    rows = [Rows(frame, s["left"].to_numpy(), s["right"].to_numpy(), cache) for s in sets]
    tasks = [(c, r) for r in rows for c in comparisons]
    levels = _two_threads(tasks) if threaded else [_levels(c, r) for c, r in tasks]
    out, found = [], iter(levels)
    for r in rows:
        columns = {"left": r.left, "right": r.right} | {c.name: next(found) for c in comparisons}
        # made once (a column set at a time costs more on the sample), its arrays not copied
        # into one block: each column stays its own, as fresh as the levels made for it
        out.append(pd.DataFrame(columns, copy=False))
    return out


def _two_threads(tasks: list[tuple[Comparison, Rows]]) -> list[np.ndarray]:
    """The levels of each (comparison, pairs) task, in the tasks' order, on two threads
    (``threads.in_order``): the LONGEST comparison's first task begun first, its per-run work
    (``Comparison.prepare``) on the other thread meanwhile, then the other tasks in order, each
    by the thread free first. A task after a failed one is not begun; the error raised is the
    earliest task's, the one running them all in order on one thread meets first."""
    longest = [i for i, (c, _) in enumerate(tasks) if c.name == LONGEST][:1]
    ahead = [partial(p, r) for c, r in (tasks[i] for i in longest) for p in c.prepare]
    failed: list[int] = []

    def run(i: int) -> np.ndarray | None:
        if i < 0:  # the work ahead: an error there is met again where the comparison asks
            for make in ahead:
                with contextlib.suppress(Exception):
                    make()
            return None
        if any(at < i for at in failed):  # its levels would not be asked for
            return None
        try:
            return _levels(*tasks[i])
        except BaseException:
            failed.append(i)
            raise

    items = [-1, *range(len(tasks))]  # positions in items: the work ahead 0, task i at i + 1
    start = [i + 1 for i in longest] + [0] + [i + 1 for i in range(len(tasks)) if i not in longest]
    levels = in_order(run, items, threaded=True, start=start)[1:]
    return [level for level in levels if level is not None]  # all made: none failed


def work_ahead(
    frame: pd.DataFrame, comparisons: Sequence[Comparison], cache: dict
) -> list[Callable[[], object]]:
    """The first piece of each comparison's per-run work (``Comparison.prepare``) as calls
    that make it into ``cache`` (the run's per-record work, as ``compare_sets``' cache):
    blocking has them made beside its own codes (``block.candidate_pairs``' ``beside``)."""
    rows = Rows(frame, np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp), cache)
    return [partial(c.prepare[0], rows) for c in comparisons if c.prepare]


def _levels(comparison: Comparison, rows: Rows) -> np.ndarray:
    """The int8 levels of ``comparison`` for the pairs ``rows``."""
    if comparison.rows:  # codes made once per run, no text taken per pair
        levels = comparison.compute(None, None, rows)
    else:
        levels = _distinct_levels(comparison, rows)
    return np.asarray(levels).astype("int8", copy=False)


#: Up to this many pairs in all, ``compare_sets`` compares its sets in one call; past it, each
#: set alone: the fixed costs one call saves are nothing beside the pairs' own work there, and
#: one call holds every set's temporaries at once (the real size's 1.5 million candidates and
#: 200,000 random pairs: +0.1 GiB at the peak).
TOGETHER_PAIRS = 500_000


def compare_sets(
    frame: pd.DataFrame,
    sets: Sequence[pd.DataFrame],
    comparisons: Sequence[Comparison] = COMPARISONS,
    cache: dict | None = None,
) -> list[pd.DataFrame]:
    """``compare`` of each pair frame of ``sets`` (the candidates, the random pairs for u),
    the same levels from one call over all their pairs: each call pays a fixed cost per
    comparison (codes, Series, a scorer's start) that outweighs a few thousand pairs' work
    (0.05 s of the sample's 0.5 s of link). A ``fitted`` comparison, whose levels depend on
    the set of pairs, is compared on each set alone; so is every comparison past
    TOGETHER_PAIRS pairs, and from THREAD_PAIRS on two threads (the same levels)."""
    cache = {} if cache is None else cache
    total = sum(len(pairs) for pairs in sets)
    if total > TOGETHER_PAIRS:
        return _each_set(frame, sets, comparisons, cache, total >= THREAD_PAIRS)
    whole = [c for c in comparisons if not c.fitted]
    fitted = [c for c in comparisons if c.fitted]
    together = pd.concat([s[["left", "right"]] for s in sets], ignore_index=True)
    joint = compare(frame, together, whole, cache)
    out, start = [], 0
    for pairs in sets:
        part = slice(start, start + len(pairs))
        own = compare(frame, pairs, fitted, cache)
        columns = {"left": own["left"].to_numpy(), "right": own["right"].to_numpy()}
        for c in comparisons:
            columns[c.name] = own[c.name].to_numpy() if c.fitted else joint[c.name].to_numpy()[part]
        out.append(pd.DataFrame(columns))
        start = part.stop
    return out


def _distinct_levels(comparison: Comparison, rows: Rows) -> np.ndarray:
    """``comparison.compute`` once per distinct pair of the values it reads, spread back to
    the pairs: pairs repeat records, and many records share a city, a program or a job (200,000
    random pairs for u come from a few thousand records). A comparison's level of a pair depends
    on the two records' values only, so the levels are the same."""
    frame = rows.frame
    extra = [c for c in comparison.optional if c in frame.columns]
    # only the columns it reads: every column of every comparison would hold gigabytes
    cols = list(dict.fromkeys([*comparison.columns, *extra]))
    codes = rows.once(("record codes", tuple(cols)), lambda f: _record_codes(f, cols))
    width = np.int64(codes.max() + 1 if len(codes) else 1)
    joint = codes[rows.left]
    joint *= width  # in place: each temporary of millions of pairs is fresh memory
    joint += codes[rows.right]
    inverse, joint = distinct_codes(joint, int(width) * int(width))
    first = np.zeros(width, dtype=np.int64)  # a record of each distinct combination of values
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    shown = frame[cols]
    a = shown.iloc[first[joint // width]].reset_index(drop=True)
    b = shown.iloc[first[joint % width]].reset_index(drop=True)
    levels = np.asarray(comparison.compute(a, b)).astype("int8")  # before the pairs take it
    return levels[inverse] if len(inverse) else levels


def _record_codes(frame: pd.DataFrame, cols: list[str]) -> np.ndarray:
    """One integer per record for its combination of values in ``cols`` (a missing value is
    its own value)."""
    code = np.zeros(len(frame), dtype=np.int64)
    for col in cols:
        values, uniques = pd.factorize(frame[col])
        code = pd.factorize(code * (len(uniques) + 1) + values + 1)[0].astype(np.int64)
    return code
