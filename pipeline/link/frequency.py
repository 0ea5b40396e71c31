"""Term frequencies: how often a pair's value is carried by records outside the pair, the part of
a pair's weight that reads no m (``classify.weight_columns`` adds m).

A level that names a ``tf`` column weighs a pair by the frequency of its value (a shared rare
name counts for more than a shared common one), a ``local`` level by how many records sit as
close to each of the pair's records. Neither reads m, which EM estimates on the same pairs: at
the large size ``adjusted`` is made on the second core while EM runs (``link.score``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from pipeline.link.block import file_codes
from pipeline.link.levels import Comparison, Rows
from pipeline.text.arrow_text import STR

_NO_ROWS = np.zeros(0, dtype=np.intp)  # a Rows made only for its per-record work

# keys of what ``frequencies`` and ``_mean_share`` keep in ``tables`` beside the columns' counts
# (tuples, so no column's name can clash with them)
FILES = ("source_file", "codes")
MEAN_SHARE = "mean share"
#: where ``tables`` may hold the run's per-record work on the frame (``levels.Rows``' cache),
#: whose codes of a text column are read instead of factorizing it again
TEXTS = ("texts",)

#: Per comparison, its pairs whose weight is not their level's: (level, the pairs' positions,
#: f per pair, local), in the order ``weight_columns`` sets them (see ``adjusted``)
Adjusted = Mapping[str, Sequence[tuple[int, np.ndarray, np.ndarray, bool]]]


def frequencies(
    frame: pd.DataFrame,
    column: str,
    left: np.ndarray,
    right: np.ndarray,
    tables: dict | None = None,
    person: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Per pair, for each of its two records, the chance that a record outside the pair carries
    that record's value of ``column`` (NaN when empty): (records with the value - 2) / records,
    at least half a record, counted in the pair's own file(s) only. A person listed in a third
    file is the same person, not evidence that the name is common: two alumni records of one
    "Fenzu Marlundrostav" stay rare though a connection carries the name too.

    ``person`` (one id per record of ``frame``; records of one file found to be one person
    share it): for a pair across two files, the count is one of people. An alumni list that
    holds a person twice (a record per degree) holds their name once, and the second row is no
    namesake of the connection who is them. A pair inside one file is counted by records: whether
    its two records are one person is the question, not an answer to build on.

    For ``name_key`` the chance is at least the product of the first- and last-name shares: in
    a small file every full name is seen once or twice, and its parts say more about how common
    it is ("wei" and "zhang" are both common, so "wei zhang" is). ``tables`` (a dict the caller
    keeps) holds each column's counts across calls, so each column is counted once per run (under
    the column's name; what else it keeps is under a tuple key, so no column's name can clash).
    """
    tables = {} if tables is None else tables
    if FILES not in tables:  # the records' files, once per run
        tables[FILES] = file_codes(frame, tables.get(TEXTS))
    files = tables[FILES]
    size = np.bincount(files).astype(float)
    other = np.where(files[left] != files[right], files[right], -1)
    total = size[files[left]] + np.where(other >= 0, size[other], 0.0)
    # the value's count is read at (file, value) of a flattened table: the pair's own file, and
    # for a pair across files (a few: ``cross``) the other's file added
    own_file, cross = files[left].astype(np.int64), np.flatnonzero(other >= 0)
    other_file = other[cross].astype(np.int64)

    def shares(col: str) -> tuple[np.ndarray, ...]:
        """Records carrying each side's value in the pair's file(s), and which sides are empty."""
        if col not in tables:
            codes, uniques = column_codes(frame, col, tables)
            # file x value, counted as one bincount of (file, value) (np.add.at: 5 x slower)
            flat = files.astype(np.int64) * len(uniques) + codes
            counts = np.bincount(flat, minlength=len(size) * len(uniques)).astype(float)
            counts = counts.reshape(len(size), len(uniques))
            tables[col] = codes, counts, np.asarray(uniques, dtype=object) == ""
        codes, counts, empty = tables[col]
        people = None
        if person is not None:
            if f"{col} by people" not in tables:  # each (file, value, person) once
                by_people = _people_counts(files, codes, person, counts)
                tables[f"{col} by people"] = codes, by_people, empty
            people = tables[f"{col} by people"][1]
        width = counts.shape[1]

        def count(i: np.ndarray) -> np.ndarray:
            value = codes[i]
            by_records = counts.ravel().take(own_file * width + value)
            at_other = other_file * width + value[cross]
            if people is None:  # counts are whole numbers: the sum is exact in any order
                by_records[cross] += counts.ravel().take(at_other)
            else:
                by_records[cross] = people.ravel().take(
                    own_file[cross] * width + value[cross]
                ) + people.ravel().take(at_other)
            return by_records

        return count(left), count(right), empty[codes[left]], empty[codes[right]]

    c_left, c_right, empty_left, empty_right = shares(column)
    s_left, s_right = ((c - 2).clip(0.5) / total for c in (c_left, c_right))
    if column == "name_key" and {"first_key", "last_key"} <= set(frame.columns):
        product_left, product_right = np.ones(len(left)), np.ones(len(left))
        for part in ("first_key", "last_key"):
            p_left, p_right, *_ = shares(part)
            product_left *= (p_left - 2).clip(0.5) / total
            product_right *= (p_right - 2).clip(0.5) / total
        s_left = np.where(c_left > 2, np.maximum(s_left, product_left), product_left)
        s_right = np.where(c_right > 2, np.maximum(s_right, product_right), product_right)
    return np.where(empty_left, np.nan, s_left), np.where(empty_right, np.nan, s_right)


def _people_counts(
    files: np.ndarray, codes: np.ndarray, person: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """``counts`` (file x value: records) counted by people: each (file, value, person) once.
    Only a person with several records can carry a value twice in a file, so the second and
    later such records are found among theirs and taken off (whole numbers: exact), not every
    record's (file, value, person) made distinct."""
    several = np.flatnonzero(np.bincount(person)[person] > 1)
    slot = files[several].astype(np.int64) * counts.shape[1] + codes[several]
    seen = pd.DataFrame({"slot": slot, "person": person[several]}).duplicated().to_numpy()
    extra = np.bincount(slot[seen], minlength=counts.size).reshape(counts.shape)
    return counts - extra


def _local_share(
    frame: pd.DataFrame, left: np.ndarray, right: np.ndarray, u: float, files: np.ndarray
) -> np.ndarray:
    """u of pairs at a ``local`` level (their weight is log2(m / u)): how many records of the
    other record's file sit this close to each record (the pair itself left out), shrunk towards
    the level's average ``u`` as if over one more file's worth of records, and never below that
    average. A name with near neighbours ("Jonsen": Jonson, Jensen) gets less from a near miss;
    one without gets the level's usual weight, no more (a near miss stays weaker evidence than
    the exact name). Counted per file, so an alumni record's neighbour in its own list (perhaps
    the connection's own record) does not make the connection's near miss common. ``files``:
    each record's file (``file_codes``)."""
    n_files = int(files.max()) + 1 if len(files) else 1
    # (record, file of its partner) for both directions of every pair at this level
    keys = np.r_[left * n_files + files[right], right * n_files + files[left]]
    near = np.bincount(keys, minlength=len(frame) * n_files)
    k = np.maximum(near[left * n_files + files[right]], near[right * n_files + files[left]]) - 1
    return np.maximum((k + u * len(frame)) / (2 * len(frame)), u)


def adjusted(
    levels: pd.DataFrame,
    comparisons: Sequence[Comparison],
    u: Mapping[str, np.ndarray],
    frame: pd.DataFrame,
    person: np.ndarray | None,
    tables: dict,
) -> dict[str, list[tuple[int, np.ndarray, np.ndarray, bool]]]:
    """Per comparison, the pairs of ``levels`` whose weight is not their level's (see
    ``classify.weights``), each level's as (level, positions, f, local): at a ``tf`` level f is
    the chance of agreeing by accident on the pair's value (its weight log2(m / f) where that is
    not NaN), at a ``local`` level the u of ``_local_share`` (its weight log2(m / f)); tf levels
    in order, then local ones, as the weights are set. Levels without pairs are left out.
    ``person`` and ``tables``: as ``frequencies``'; ``u``: per comparison, its levels' u."""
    left, right = levels["left"].to_numpy(), levels["right"].to_numpy()
    if FILES not in tables:
        tables[FILES] = file_codes(frame, tables.get(TEXTS))
    out: dict[str, list[tuple[int, np.ndarray, np.ndarray, bool]]] = {}
    for c in comparisons:
        level = levels[c.name].to_numpy()
        out[c.name] = found = []
        for tf_level, column, *given in c.tf:
            if column not in frame.columns or (given and given[0] not in frame.columns):
                continue
            at = np.flatnonzero(level == tf_level)
            if not len(at):
                continue
            f_left, f_right = frequencies(frame, column, left[at], right[at], tables, person)
            f = np.fmax(f_left, f_right)
            if given:
                codes, uniques = column_codes(frame, given[0], tables)
                has = (uniques != "")[codes] if len(codes) else np.zeros(0, dtype=bool)
                own = np.where(has[left[at]], f_right, f_left)
                f = np.where(has[left[at]] ^ has[right[at]], own, f) * max(has.mean(), 1e-6)
            elif tf_level != 0:
                # A random pair agrees on this level's values with chance u, on average over
                # values; the pair's own value is f/mean(f) times more (or less) common.
                f = u[c.name][tf_level] * f / _mean_share(frame, column, tables)
            # At the exact level f itself is the chance of agreeing by accident; random pairs
            # over-count it when many records really match.
            found.append((tf_level, at, f, False))
        for local_level in c.local:
            at = np.flatnonzero(level == local_level)
            if len(at):
                near = u[c.name][local_level]
                share = _local_share(frame, left[at], right[at], near, tables[FILES])
                found.append((local_level, at, share, True))
    return out


def touched(n: int) -> np.ndarray:
    """A float array of ``n`` (values undefined), each page written once: a fresh array's pages
    cost their faults (slow on this VM) where first written, here, which may be on the idle
    core, not where the weights are looked up into it."""
    array = np.empty(n)
    array.view(np.uint8)[::4096] = 0  # a byte per page (4 KiB) faults the page in
    return array


def column_codes(frame: pd.DataFrame, column: str, tables: dict) -> tuple[np.ndarray, np.ndarray]:
    """Each record's code of ``column`` (a missing value read as "") and the distinct values:
    the run's (``tables[TEXTS]``, see ``levels.Rows.text``) where kept, else factorized here
    as Arrow text (the same codes and values as Python strings, 3 x faster)."""
    if TEXTS in tables:
        text = Rows(frame, _NO_ROWS, _NO_ROWS, tables[TEXTS]).text(column)
        return text.codes, text.values
    codes, uniques = pd.factorize(frame[column].fillna("").astype(STR))
    return codes, np.asarray(uniques, dtype=object)


def _mean_share(frame: pd.DataFrame, column: str, tables: dict | None = None) -> float:
    """The average, over records with a value, of the share of records carrying that value.
    ``tables``: the value codes ``frequencies`` made (else the column is factorized here), and
    where the answer is kept for the next call."""
    tables = {} if tables is None else tables
    if (MEAN_SHARE, column) not in tables:
        if column in tables:
            codes, _, empty = tables[column]
        else:
            codes, uniques = column_codes(frame, column, tables)
            empty = uniques == ""
        # each value's count by its code: mapping the text to its count costs ten times more
        kept = codes[~empty[codes]] if len(codes) else codes
        if not len(kept):
            tables[MEAN_SHARE, column] = 1.0
        else:
            counts = np.bincount(codes)[kept].astype(float)
            tables[MEAN_SHARE, column] = float(((counts - 2).clip(0.5) / len(frame)).mean())
    return tables[MEAN_SHARE, column]
