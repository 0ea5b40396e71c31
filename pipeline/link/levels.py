"""What every comparison is made of: the Comparison value, NULL, and string similarity over
aligned pairs computed once per distinct pair of values (rapidfuzz ``cpdist``)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.fuzz import ratio, token_set_ratio, token_sort_ratio

from pipeline.text.arrow_text import STR

NULL = -1
#: Past this many pairs ``similarity`` scores them on every core; below, on one (the same
#: scores: only the threads differ).
PARALLEL_PAIRS = 50_000
_PERCENT = (token_set_ratio, token_sort_ratio, ratio)  # scorers that answer in [0, 100]
Compute = Callable[..., np.ndarray]  # (a, b) -> levels, or (a, b, rows) with Comparison.rows


@dataclass(frozen=True)
class Comparison:
    """A named comparison: the columns it reads, its level labels (strongest agreement first,
    the last one "different"), and how to compute levels for aligned left/right rows.

    ``tf`` names, per level, the column whose value frequency refines that level's u
    (term-frequency adjustment): two "Wei Zhang" records agree less than two "Xiomara Ødegård".
    """

    name: str
    columns: tuple[str, ...]
    levels: tuple[str, ...]
    compute: Compute
    tf: tuple[tuple, ...] = ()  # (level, column) or (level, column, given): see classify.weights
    m_prior: tuple[float, ...] = ()  # what matches usually show; EM starts from it and is
    # pulled towards it where few pairs say otherwise (default: geometric, strongest first)
    u_prior: tuple[float, ...] = ()  # what random pairs usually show; a small file's random
    # pairs are too few to measure rare levels (default: 0.95 "different", the rest shared)
    fixed: tuple[int, ...] = ()  # levels whose m stays at m_prior: too few matches show them
    # for EM to learn (a maiden name), and a wrong guess there decides many links
    relative: tuple[tuple[int, float], ...] = ()  # (level, m/u): levels whose weight is set,
    # not learned, because how often they occur says nothing about matches (retired vs working)
    local: tuple[int, ...] = ()  # levels whose u is counted per record: how many candidates
    # sit at that level with it (a near miss on a name with many near neighbours says less)
    optional: tuple[str, ...] = ()  # columns it also reads where the frame has them
    rows: bool = False  # compute(None, None, rows) reads the pairs' Rows, not pair frames:
    # per-record work once per run; called as compute(a, b) (a test's frames) it makes Rows
    fitted: bool = False  # a pair's level depends on the other pairs compared with it too
    # (the job comparison's word weights are fitted on the employers of the pairs it is given):
    # ``compare_sets`` compares such a comparison on each set of pairs alone
    prepare: tuple[Callable[[Rows], object], ...] = ()  # make per-run work of ``compute``
    # that reads no pairs (``Rows.once``), a piece each: on two threads, link has the first
    # made beside blocking (``compare.work_ahead``), ``compare_sets`` the others (and the first,
    # if not made yet) on the thread beside the one computing this comparison


#: A table of this many entries per value is filled instead of hashing the values (hashing
#: costs some 25 ns a value, a table entry a few)
TABLE_PER_VALUE = 4


def distinct_codes(values: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Each of ``values`` (integers in [0, ``size``)) as a code into its distinct values, and
    those values, in no particular order (callers spread answers back by the codes): found by
    marking a table of ``size`` entries where that is small beside the values (the random
    pairs' combinations of a city or a class year), else by hashing (``pd.factorize``).

    >>> [a.tolist() for a in distinct_codes(np.array([5, 2, 5, 7]), 8)]
    [[1, 0, 1, 2], [2, 5, 7]]
    """
    if size > TABLE_PER_VALUE * len(values):
        return pd.factorize(values)
    seen = np.zeros(size, dtype=bool)
    seen[values] = True
    distinct = np.flatnonzero(seen)
    # int32 codes (fewer distinct values than values): the table and the codes taken from it
    # are half the fresh memory, and the table of the pairs' first-name variants (4,227 squared
    # entries at large) takes 0.05 s so, 0.2-0.5 s as intp; only the entries of values are read
    kind = np.int32 if len(values) < 2**31 else np.intp
    code = np.empty(size, dtype=kind)
    code[distinct] = np.arange(len(distinct), dtype=kind)
    return code[values], distinct


#: Per-record work on one column (a cache key's first item; its second, the column) that
#: ``Rows.taken`` hands to a subset of the records: "text" (a ``Text``), "per record" (an array
#: per record), "token letters" and "per value" (per distinct value of its ``Text``); and
#: "recoded" (``Rows.same``: one column's distinct values in another's numbering, its third
#: item that other column), handed on when neither column changed.
TAKEN_KINDS = ("text", "per record", "token letters", "per value", "recoded")


@dataclass(frozen=True)
class Text:
    """A text column once per run: each record's code into ``values`` (its distinct texts, a
    missing value read as ""), whether it was missing, and the code of "" (-1: none)."""

    codes: np.ndarray
    values: np.ndarray
    missing: np.ndarray
    empty: int
    strings: pd.Series  # ``values`` as Arrow text: Series of them are taken, not converted


#: The per-run work being made (``Rows.once``), a lock each, by the cache's id and the key
#: (a cache is a dict, which no weak reference can point at); dropped once made
_MAKING: dict[tuple[int, object], threading.Lock] = {}
_GUARD = threading.Lock()


@dataclass(frozen=True)
class Rows:
    """Pairs of records as positions: ``frame`` (the run's records), the positions ``left``
    and ``right`` of each pair's records in it, and ``cache``, per-record work shared by the
    comparisons of one run. Taking a text column per pair copies its text for every pair (a
    record is in thousands of pairs); here a column is factorized once per run (``text``) and
    the pairs compare integer codes, or run string work once per distinct pair of values."""

    frame: pd.DataFrame
    left: np.ndarray
    right: np.ndarray
    cache: dict

    @classmethod
    def of_pairs(cls, a: pd.DataFrame, b: pd.DataFrame) -> Rows:
        """Rows of aligned pair frames (row i of ``a`` against row i of ``b``)."""
        n = len(a)
        frame = pd.concat(
            [a.reset_index(drop=True), b[list(a.columns)].reset_index(drop=True)],
            ignore_index=True,
        )
        return cls(frame, np.arange(n), np.arange(n, 2 * n), {})

    def subset(self, at: np.ndarray) -> Rows:
        """The pairs at positions ``at``, sharing the cache."""
        return Rows(self.frame, self.left[at], self.right[at], self.cache)

    def once(self, key: object, make: Callable[[pd.DataFrame], object]):
        """``make(frame)``, computed the first time ``key`` is asked for in this run, by one
        thread: another asking for it meanwhile waits for it (``compare_sets`` on two
        threads)."""
        if key not in self.cache:
            at = (id(self.cache), key)
            with _GUARD:
                lock = _MAKING.setdefault(at, threading.Lock())
            try:
                with lock:
                    if key not in self.cache:
                        self.cache[key] = make(self.frame)
            finally:
                with _GUARD:
                    if _MAKING.get(at) is lock:
                        del _MAKING[at]
        return self.cache[key]

    def taken(self, at: np.ndarray, changed: Sequence[str]) -> dict:
        """A cache for ``frame.iloc[at]`` with the columns ``changed`` rewritten: this cache's
        work on one column that is not changed (its ``text``, ``per_record`` values, and what
        is made from them, keyed by kind and column: ``TAKEN_KINDS``), taken at ``at``; codes
        keep pointing into the same distinct values, so what maps distinct values of two columns
        neither changed ("recoded") holds too. Other work reading several columns is left to be
        made again."""
        out: dict = {}
        # a list first: another thread may add to the run's cache meanwhile (link.score)
        for key, value in list(self.cache.items()):
            if not (isinstance(key, tuple) and len(key) >= 2 and key[0] in TAKEN_KINDS):
                continue
            if key[1] in changed or (key[0] == "recoded" and key[2] in changed):
                continue
            if isinstance(value, Text):
                out[key] = Text(
                    value.codes[at], value.values, value.missing[at], value.empty, value.strings
                )
            elif key[0] in ("token letters", "per value", "recoded"):  # per distinct value
                out[key] = value
            else:  # an array per record
                out[key] = value[at]
        return out

    def text(self, column: str) -> Text:
        """``column`` as codes per record (see Text), once per run."""

        def make(frame: pd.DataFrame) -> Text:
            values = frame[column]
            codes, strings = pd.factorize(values.fillna("").astype(STR))
            # int32: each comparison takes these codes for millions of pairs, and half the
            # bytes are half the fresh memory the machine must hand over
            codes = codes.astype(np.int32) if len(strings) < 2**31 else codes
            uniques = strings.to_numpy(dtype=object)
            at = np.flatnonzero(uniques == "")
            missing = values.isna().to_numpy(dtype=bool)
            empty = int(at[0]) if len(at) else -1
            return Text(codes, uniques, missing, empty, pd.Series(strings, dtype=STR))

        return self.once(("text", column), make)

    def empty(self, column: str, side: np.ndarray) -> np.ndarray:
        """True where the records at positions ``side`` (``rows.left`` or ``rows.right``)
        have no value in ``column`` (missing or "")."""

        def make(_: pd.DataFrame) -> np.ndarray:
            text = self.text(column)
            return text.codes == text.empty

        # per record once per run: a bool taken per pair costs a third of an int32 code taken
        # and compared (and a quarter of the fresh memory)
        return self.once(("per record", column, "empty"), make)[side]

    def same(self, x: str, y: str | None = None) -> np.ndarray:
        """The left record's ``x`` equals the right record's ``y`` (default ``x``) as text; a
        missing value equals nothing (as ``same`` on pair frames)."""
        tx, ty = self.text(x), self.text(y or x)
        cy = ty.codes[self.right]
        if y is not None and y != x:  # ty's codes in tx's numbering (-1: a text x never has)
            recoded = self.once(
                ("recoded", x, y), lambda _: pd.Index(tx.values).get_indexer(ty.values)
            )
            cy = recoded[cy] if len(cy) else cy
        out = tx.codes[self.left] == cy
        # most key columns miss no value: then no pair needs the test
        if tx.missing.any():
            out &= ~tx.missing[self.left]
        if ty.missing.any():
            out &= ~ty.missing[self.right]
        return out

    def per_record(self, column: str, text: Callable[[pd.Series], pd.Series]) -> np.ndarray:
        """``text`` (string work on a Series) once per distinct value, per record."""

        def make(frame: pd.DataFrame) -> np.ndarray:
            t = self.text(column)
            return text(t.strings).to_numpy(dtype=object)[t.codes]

        return self.once(("per record", column, text), make)

    def _distinct(self, x: str, y: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Inverse index into the distinct pairs of (left's ``x``, right's ``y``) codes, and
        those pairs' codes (hashed, not sorted: a million pairs sort slowly)."""
        tx, ty = self.text(x), self.text(y)
        width = np.int64(max(len(ty.values), 1))
        joint = tx.codes[self.left].astype(np.int64)
        joint *= width  # in place: each temporary of millions of pairs is fresh memory
        joint += ty.codes[self.right]
        inverse, joint = distinct_codes(joint, int(width) * max(len(tx.values), 1))
        return inverse, joint // width, joint % width

    def distinct(self, x: str, y: str | None = None):
        """As ``pair_codes`` of the left records' ``x`` and the right records' ``y`` (default
        ``x``): inverse index into the distinct pairs of values, and those values (in another
        order)."""
        inverse, ix, iy = self._distinct(x, y or x)
        return inverse, self.text(x).values[ix], self.text(y or x).values[iy]

    def on_distinct(self, column: str, score: Callable[[pd.Series, pd.Series], np.ndarray]):
        """``score`` (aligned Series of text -> one value per pair) once per distinct pair of
        the left and right records' values in ``column``, spread back to the pairs."""
        inverse, ix, iy = self._distinct(column, column)
        if not len(ix):
            return np.zeros(len(inverse))
        strings = self.text(column).strings.array
        x, y = (pd.Series(strings.take(i)) for i in (ix, iy))  # no index to take, then drop
        return np.asarray(score(x, y))[inverse]


@dataclass(frozen=True)
class Level:
    """One level of a comparison, declared in one line.

    ``label`` is what the Matches sheet and ``prospects explain`` show; ``when`` names the
    condition (a mask the comparison's conditions return) that puts a pair at this level, ""
    for the last, catch-all level; ``m``/``u`` are the priors (what matches and random pairs
    usually show); ``tf`` the column whose value frequency refines u ("column", or
    ("column", "given") where the other side must have ``given``); ``fixed`` keeps m at its
    prior; ``local`` counts u per record (see frequency._local_share).

    >>> Level("first name only", "same_first", m=0.015, u=5e-3, tf="first_key").label
    'first name only'
    """

    label: str
    when: str = ""
    m: float = 0.0
    u: float = 0.0
    tf: str | tuple[str, str] = ""
    fixed: bool = False
    local: bool = False


Conditions = Callable[..., Mapping[str, np.ndarray]]  # (a, b) or (a, b, rows) -> masks


def levelled(
    name: str,
    columns: Sequence[str],
    levels: Sequence[Level],
    conditions: Conditions,
    **more,
) -> Comparison:
    """A Comparison made of Level objects: a pair takes the first level (in order) whose
    condition holds, else the last level; NULL where the condition "null" holds. ``more``
    passes other Comparison fields (``relative``; ``rows=True``: ``conditions`` also takes
    the pairs' Rows)."""
    order = [(i, lv.when) for i, lv in enumerate(levels) if lv.when]

    def compute(a: pd.DataFrame, b: pd.DataFrame, rows: Rows | None = None) -> np.ndarray:
        masks = conditions(a, b) if rows is None else conditions(a, b, rows)
        # int8 from the start: an int64 level per pair is 8 x the fresh memory
        level = np.select(
            [masks[w] for _, w in order], [np.int8(i) for i, _ in order], np.int8(len(levels) - 1)
        )
        null = masks.get("null")
        return level if null is None else np.where(null, np.int8(NULL), level)

    tf = tuple(
        (i, *((lv.tf,) if isinstance(lv.tf, str) else lv.tf)) for i, lv in enumerate(levels)
        if lv.tf
    )  # fmt: skip
    return Comparison(
        name,
        tuple(columns),
        tuple(lv.label for lv in levels),
        compute,
        tf=tf,
        m_prior=tuple(lv.m for lv in levels) if all(lv.m for lv in levels) else (),
        u_prior=tuple(lv.u for lv in levels) if all(lv.u for lv in levels) else (),
        fixed=tuple(i for i, lv in enumerate(levels) if lv.fixed),
        local=tuple(i for i, lv in enumerate(levels) if lv.local),
        **more,
    )


def text_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Code of each value (a missing one read as "") and the distinct values as Python strings.
    Factorized as Arrow text: turning a million pair values into Python strings first would
    cost several times the factorizing."""
    codes, uniques = pd.factorize(values.fillna("").astype(STR))
    return codes, uniques.to_numpy(dtype=object)


def pair_codes(x: pd.Series, y: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inverse index into distinct (x, y) pairs, and those distinct x and y values (in no
    particular order)."""
    cx, ux = text_codes(x)
    cy, uy = text_codes(y)
    # hashed, not sorted (np.unique): the callers spread answers back by ``inverse``, so the
    # distinct pairs' order is free, and a million pairs sort several times slower
    inverse, joint = pd.factorize(cx.astype("int64") * max(len(uy), 1) + cy)
    ix, iy = np.divmod(joint, max(len(uy), 1))
    return inverse, np.asarray(ux, dtype=object)[ix], np.asarray(uy, dtype=object)[iy]


def similarity(
    x: pd.Series, y: pd.Series, scorer: Callable, *, distinct: bool = False
) -> np.ndarray:
    """``scorer`` (a rapidfuzz scorer, result in [0, 1] or [0, 100]) of aligned pairs, once per
    distinct pair, scaled to [0, 1]. ``distinct``: the pairs are already distinct (those
    ``Rows.on_distinct`` hands a score), so they are scored as they come: finding the distinct
    pairs of a million pairs again costs about half the scoring. Either way each pair gets its
    scorer's answer; only the work differs."""
    if distinct:
        ux, uy = (_strings(v) for v in (x, y))
        inverse = None
    else:
        inverse, ux, uy = pair_codes(x, y)
    if not len(ux):
        return np.zeros(len(ux) if inverse is None else len(inverse))
    # threads only where they pay: waking them costs more than scoring a few thousand pairs
    workers = -1 if len(ux) > PARALLEL_PAIRS else 1
    scores = process.cpdist(list(ux), list(uy), scorer=scorer, workers=workers).astype(float)
    if scorer in _PERCENT:
        scores = scores / 100.0
    return scores if inverse is None else scores[inverse]


def _strings(values: pd.Series) -> np.ndarray:
    """The values as Python strings, a missing one read as "" (as ``text_codes`` reads them)."""
    return values.fillna("").astype(STR).to_numpy(dtype=object)


def blank(a: pd.DataFrame, b: pd.DataFrame, column: str) -> np.ndarray:
    """True where either side of an aligned pair has no value in ``column``."""
    return empty(a[column]) | empty(b[column])


def empty(values: pd.Series) -> np.ndarray:
    """True where a value is missing or "" (compared as Arrow text, not Python strings)."""
    return (values.fillna("").astype(STR) == "").to_numpy(dtype=bool)


def same(x: pd.Series, y: pd.Series) -> np.ndarray:
    """x == y for aligned text Series (a missing value equals nothing), compared as Arrow text."""
    return (x.astype(STR).reset_index(drop=True) == y.astype(STR).reset_index(drop=True)).to_numpy(
        dtype=bool
    )
