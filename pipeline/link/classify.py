"""Classifier: comparison levels -> match weight per comparison -> match probability.

Fellegi–Sunter: a pair's weight at a comparison is log2(m/u) of its level (NULL adds nothing);
the probability is the logistic of the prior's log-odds plus the summed weights. Levels that
name a ``tf`` column use the frequency of the pair's value instead of the level's average u,
so a shared rare name counts for more than a shared common one. With labelled pairs, a
logistic regression (scikit-learn) over the same levels replaces the model; its coefficients are
shown, in bits, as the weights.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pipeline.link.block import file_codes
from pipeline.link.block_rules import unique_inverse
from pipeline.link.levels import Comparison, Rows
from pipeline.text.arrow_text import STR

_NO_ROWS = np.zeros(0, dtype=np.intp)  # a Rows made only for its per-record work

if TYPE_CHECKING:
    from sklearn.linear_model import LogisticRegression

TF_FLOOR = 1e-7  # no value is rarer than this: one record must not outweigh everything
# keys of what ``frequencies`` and ``_mean_share`` keep in ``tables`` beside the columns' counts
# (tuples, so no column's name can clash with them)
FILES = ("source_file", "codes")
MEAN_SHARE = "mean share"
#: where ``tables`` may hold the run's per-record work on the frame (``levels.Rows``' cache),
#: whose codes of a text column are read instead of factorizing it again
TEXTS = ("texts",)


@dataclass(frozen=True)
class Model:
    """m and u per comparison level (Fellegi–Sunter), or a fitted logistic regression.

    ``m_groups``: for a group of pairs (see link._groups) with its own estimate, its m per
    comparison; pairs of other groups use the pooled ``m``."""

    comparisons: tuple[Comparison, ...]
    m: Mapping[str, np.ndarray]
    u: Mapping[str, np.ndarray]
    logistic: LogisticRegression | None = None
    columns: tuple[str, ...] = field(default=())  # the logistic model's feature names
    m_groups: Mapping[int, Mapping[str, np.ndarray]] = field(default_factory=dict)

    def m_rows(self, name: str, ids: np.ndarray | None) -> np.ndarray:
        """m of comparison ``name`` as a (groups x levels) table, one row per group id in
        ``ids`` (None: the pooled m as the one row)."""
        if ids is None:
            return np.asarray(self.m[name], dtype=float)[None, :]
        return np.stack([self.m_groups.get(int(g), self.m)[name] for g in ids]).astype(float)

    def table(self) -> pd.DataFrame:
        """One row per comparison level: m, u and the weight log2(m/u), for audit."""
        rows = [
            (c.name, i, label, self.m[c.name][i], self.u[c.name][i])
            for c in self.comparisons
            for i, label in enumerate(c.levels)
        ]
        out = pd.DataFrame(rows, columns=["comparison", "level", "label", "m", "u"])
        out["weight"] = np.log2(out["m"] / out["u"])
        return out


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


def weights(
    levels: pd.DataFrame,
    model: Model,
    frame: pd.DataFrame | None = None,
    groups: np.ndarray | None = None,
    person: np.ndarray | None = None,
    tables: dict | None = None,
) -> pd.DataFrame:
    """log2(m/u) of each pair's level, one column per comparison (0 where NULL); m is that of
    the pair's group (``groups``: one id per pair, see ``Model.m_groups``). ``person`` (one id
    per record of ``frame``): frequencies across files count people (see ``frequencies``).
    ``tables`` (a dict the caller keeps): the value counts, kept for another call on ``frame``.

    With ``frame`` (the records ``levels.left``/``right`` point into), levels that declare a
    ``tf`` column use the frequency f of the pair's value there (term-frequency adjustment):
    at level 0 (exact) u is f itself; with a third entry ``given`` (a column that must be
    non-empty on the other side, e.g. a former name) u is f times the share of records that have
    one; at other levels u is the level's average u scaled by f over the mean frequency. f is
    the record's own where only one side carries ``given``, else the larger of the two.
    """
    # the frame's blocks stay one per column (copy=False: neither copied nor consolidated), whose
    # row sums (DataFrame.sum(axis=1)) add the columns in order; one block of them all adds
    # otherwise and moves probabilities in the last bits
    columns = weight_columns(levels, model, frame, groups, person, tables)
    return pd.DataFrame(columns, index=levels.index, copy=False)


def weight_columns(
    levels: pd.DataFrame, model: Model, frame: pd.DataFrame | None, groups, person, tables
) -> dict[str, np.ndarray]:
    """``weights`` (its arguments, all given) as a new array per comparison, for a caller that
    changes some before it makes them a frame (``link._by_people``): a frame's column is
    copied to be changed, and copied again when set."""
    out: dict[str, np.ndarray] = {}
    left, right = levels["left"].to_numpy(), levels["right"].to_numpy()
    tables = {} if tables is None else tables  # value counts per column, shared by the tf levels
    ids, row = None, np.zeros(len(levels), dtype=np.int32)
    if groups is not None and model.m_groups:
        # a pair's group as a row number of narrow integers: its entry in each comparison's
        # table is then found in a pass or two over small numbers, not six over int64 ones
        ids, row = group_rows(groups)
    if frame is not None and FILES not in tables:
        tables[FILES] = file_codes(frame, tables.get(TEXTS))
    scratch = np.empty(len(levels), np.int32)  # each comparison's look-up positions
    for c in model.comparisons:
        level = levels[c.name].to_numpy()
        m = model.m_rows(c.name, ids)
        table = np.log2(m / model.u[c.name])
        w = _table_weights(table, level, None if ids is None else row, scratch)
        out[c.name] = w
        if frame is None:
            continue
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
                f = model.u[c.name][tf_level] * f / _mean_share(frame, column, tables)
            # At the exact level f itself is the chance of agreeing by accident; random pairs
            # over-count it when many records really match.
            tuned = np.log2(m[row[at], tf_level] / np.maximum(f, TF_FLOOR))
            w[at] = np.where(np.isnan(tuned), w[at], tuned)
        for local_level in c.local if frame is not None else ():
            at = np.flatnonzero(level == local_level)
            if len(at):
                m_at = m[row[at], local_level]
                w[at] = _local_weight(
                    frame, left[at], right[at], model, c.name, local_level, m_at, tables[FILES]
                )
    return out


def group_rows(groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``block_rules.unique_inverse`` of pair groups (or cluster labels), each one's position as
    int32: for ids that are small non-negative integers (a pair of files' code, a label below
    twice their count) found by a table over their range, not by hashing millions; else by
    unique_inverse."""
    groups = np.asarray(groups)
    if len(groups) and groups.min() >= 0 and groups.max() < max(1 << 20, 2 * len(groups)):
        seen = np.zeros(int(groups.max()) + 1, dtype=bool)
        seen[groups] = True
        rows = np.cumsum(seen, dtype=np.int32) - 1
        return np.flatnonzero(seen).astype(groups.dtype), rows[groups]
    ids, row = unique_inverse(groups)
    return ids, row.astype(np.int32)


def _table_weights(
    table: np.ndarray, level: np.ndarray, row: np.ndarray | None, scratch: np.ndarray | None = None
) -> np.ndarray:
    """Per pair, the entry of ``table`` (groups x levels) at its group's row (``row``, int32;
    None: the one row) and its level (a level past the last read as the last), 0.0 at NULL:
    looked up in the table turned (levels x groups) with a row of zeros put first, so NULL
    (-1) is row 0. ``scratch``: an int32 array as long as ``level`` the caller lends for the
    pairs' positions in it (overwritten), so a run of comparisons makes no index array each."""
    groups, width = table.shape[0], table.shape[1] + 1
    lookup = np.concatenate([np.zeros((1, groups)), table.T]).ravel()
    at = np.empty(len(level), np.int32) if scratch is None else scratch
    np.minimum(level, np.int32(width - 2), out=at)  # NULL is -1, below every level
    at += 1  # each step in place: a fresh array of millions of pairs costs its page faults
    if row is not None:
        at *= np.int32(groups)
        at += row
    return lookup.take(at)


def _local_weight(
    frame: pd.DataFrame,
    left: np.ndarray,
    right: np.ndarray,
    model: Model,
    name: str,
    level: int,
    m: np.ndarray,
    files: np.ndarray,
) -> np.ndarray:
    """Weight of pairs at a ``local`` level: u is how many records of the other record's file
    sit this close to each record (the pair itself left out), shrunk towards the level's average
    u as if over one more file's worth of records, and never below that average. A name with
    near neighbours ("Jonsen": Jonson, Jensen) gets less from a near miss; one without gets the
    level's usual weight, no more (a near miss stays weaker evidence than the exact name).
    Counted per file, so an alumni record's neighbour in its own list (perhaps the connection's
    own record) does not make the connection's near miss common. ``m``: each pair's m at the
    level (its group's); ``files``: each record's file (``file_codes``)."""
    n_files = int(files.max()) + 1 if len(files) else 1
    # (record, file of its partner) for both directions of every pair at this level
    keys = np.r_[left * n_files + files[right], right * n_files + files[left]]
    near = np.bincount(keys, minlength=len(frame) * n_files)
    k = np.maximum(near[left * n_files + files[right]], near[right * n_files + files[left]]) - 1
    u = model.u[name][level]
    f = np.maximum((k + u * len(frame)) / (2 * len(frame)), u)
    return np.log2(m / np.maximum(f, TF_FLOOR))


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


def row_sums(
    contributions: pd.DataFrame | Mapping[str, np.ndarray], n: int | None = None
) -> np.ndarray:
    """``contributions.sum(axis=1)`` as numpy, float for float: the columns added one after
    another in their order (missing as 0), as pandas adds a frame of one block per column
    (``weights`` makes it so), without its per-block machinery (ten times slower on millions
    of pairs). ``contributions``: a frame, or its columns as arrays of ``n`` pairs."""
    total = np.zeros(len(contributions) if n is None else n)  # from +0.0, as pandas
    for name in contributions:
        values = np.asarray(contributions[name], dtype=float)
        if np.isnan(values).any():
            values = np.where(np.isnan(values), 0.0, values)
        total += values
    return total


def probability(total_weight: np.ndarray, prior: np.ndarray | float) -> np.ndarray:
    """Posterior match probability from summed weights (bits) and the prior per pair.

    >>> probability(np.array([0.0, 10.0]), 0.5).round(3).tolist()
    [0.5, 0.999]
    """
    prior = np.clip(np.asarray(prior, dtype=float), 1e-15, 1 - 1e-15)
    odds = np.log2(prior / (1 - prior)) + total_weight
    return 1.0 / (1.0 + np.exp2(-np.clip(odds, -60, 60)))


# ---------------------------------------------------------------------------------------------
# Labelled pairs: logistic regression over one-hot levels


def _features(levels: pd.DataFrame, comparisons: Sequence[Comparison], tf: pd.DataFrame | None):
    blocks, names = [], []
    for c in comparisons:
        level = levels[c.name].to_numpy()
        for i, label in enumerate(c.levels[:-1]):  # "different" (and NULL) is the baseline
            blocks.append((level == i).astype(float))
            names.append(f"{c.name}={label}")
    if tf is not None:  # the tf-adjusted name weight carries the rarity of the name
        blocks.append(tf["name"].to_numpy(dtype=float) / 10.0 if "name" in tf else 0 * blocks[0])
        names.append("name rarity")
    return np.column_stack(blocks) if blocks else np.zeros((len(levels), 0)), tuple(names)


def fit_logistic(
    levels: pd.DataFrame,
    labels: np.ndarray,
    comparisons: Sequence[Comparison],
    tf_weights: pd.DataFrame | None = None,
) -> tuple[LogisticRegression, tuple[str, ...]]:
    """A logistic regression of ``labels`` (True = same person) on the pairs' levels."""
    x, names = _features(levels, comparisons, tf_weights)
    from sklearn.linear_model import LogisticRegression  # only with labels: keep startup light

    model = LogisticRegression(C=10.0, max_iter=1000)  # labels are few and clean
    model.fit(x, np.asarray(labels, dtype=bool))
    return model, names


def logistic_contributions(
    levels: pd.DataFrame, model: Model, tf_weights: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, np.ndarray]:
    """Per comparison, what the pair's level added (in bits), and the intercept in bits."""
    if model.logistic is None:
        raise ValueError("logistic_contributions needs a model fitted with labels")
    x, names = _features(levels, model.comparisons, tf_weights)
    coef = model.logistic.coef_[0] / np.log(2)
    parts = x * coef
    out = pd.DataFrame(index=levels.index)
    for c in model.comparisons:
        idx = [
            i
            for i, n in enumerate(names)
            if n.split("=")[0] == c.name or (c.name == "name" and n == "name rarity")
        ]
        out[c.name] = parts[:, idx].sum(axis=1) if idx else 0.0
    return out, np.full(len(levels), model.logistic.intercept_[0] / np.log(2))
