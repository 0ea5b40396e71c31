"""classify's weights as arrays: frequencies read from flattened count tables (the other
file's count only for pairs across files), people's counts by taking off a person's second
records, group rows by a table over small ids; the floats and frames the straightforward code
gave (kept here as the oracles)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.link.block import file_codes
from pipeline.link.block_rules import unique_inverse
from pipeline.link.classify import group_ids, group_rows
from pipeline.link.frequency import _people_counts, frequencies


def _frequencies_as_they_were(frame, column, left, right, person=None):
    files = pd.factorize(frame["source_file"].astype("str"))[0]
    size = np.bincount(files).astype(float)
    other = np.where(files[left] != files[right], files[right], -1)
    in_other = np.maximum(other, 0)
    total = size[files[left]] + np.where(other >= 0, size[other], 0.0)

    def shares(col):
        codes, uniques = pd.factorize(frame[col].fillna("").astype("str"))
        flat = files.astype(np.int64) * len(uniques) + codes
        counts = np.bincount(flat, minlength=len(size) * len(uniques)).astype(float)
        counts = counts.reshape(len(size), len(uniques))
        empty = np.asarray(uniques, dtype=object) == ""
        people = None
        if person is not None:
            once = pd.DataFrame({"f": files, "v": codes, "p": person}).drop_duplicates()
            people = np.zeros_like(counts)
            np.add.at(people, (once["f"].to_numpy(), once["v"].to_numpy()), 1.0)

        def count(i):
            by_records = counts[files[left], codes[i]] + np.where(
                other >= 0, counts[in_other, codes[i]], 0.0
            )
            if people is None:
                return by_records
            by_people = people[files[left], codes[i]] + people[in_other, codes[i]]
            return np.where(other >= 0, by_people, by_records)

        return count(left), count(right), empty[codes[left]], empty[codes[right]]

    c_left, c_right, empty_left, empty_right = shares(column)
    s_left, s_right = ((c - 2).clip(0.5) / total for c in (c_left, c_right))
    if column == "name_key":
        product_left, product_right = np.ones(len(left)), np.ones(len(left))
        for part in ("first_key", "last_key"):
            p_left, p_right, *_ = shares(part)
            product_left *= (p_left - 2).clip(0.5) / total
            product_right *= (p_right - 2).clip(0.5) / total
        s_left = np.where(c_left > 2, np.maximum(s_left, product_left), product_left)
        s_right = np.where(c_right > 2, np.maximum(s_right, product_right), product_right)
    return np.where(empty_left, np.nan, s_left), np.where(empty_right, np.nan, s_right)


def _case(seed: int, n: int, files: int):
    rng = np.random.default_rng(seed)
    firsts, lasts = np.array(["ann", "bo", "", "cy"]), np.array(["lee", "wu", "roy", ""])
    first, last = firsts[rng.integers(0, 4, n)], lasts[rng.integers(0, 4, n)]
    frame = pd.DataFrame(
        {
            "source_file": pd.Series([f"f{k}" for k in rng.integers(0, files, n)], dtype="str"),
            "first_key": pd.Series(first, dtype="str"),
            "last_key": pd.Series(np.where(rng.random(n) < 0.1, None, last), dtype="str"),
            "name_key": pd.Series(np.char.add(np.char.add(first, " "), last), dtype="str"),
        }
    )
    a, b = rng.integers(0, n, 4 * n), rng.integers(0, n, 4 * n)
    keep = a < b
    # people: some records of one file joined as one person (a person's second row)
    person = np.arange(n)
    twice = rng.integers(0, n, n // 4)
    person[twice] = person[rng.integers(0, n, n // 4)]
    person = pd.factorize(person)[0]
    return frame, a[keep], b[keep], person


@pytest.mark.parametrize(("seed", "files"), [(0, 1), (1, 2), (2, 3), (3, 5)])
@pytest.mark.parametrize("column", ["name_key", "last_key"])
def test_frequencies_equal_the_two_dimensional_reads(seed, files, column):
    frame, left, right, person = _case(seed, 300, files)
    for who in (None, person):
        got = frequencies(frame, column, left, right, {}, who)
        want = _frequencies_as_they_were(frame, column, left, right, who)
        for g, w in zip(got, want, strict=True):
            np.testing.assert_array_equal(g, w)


def test_people_counts_equal_the_distinct_triples():
    frame, _, _, person = _case(7, 500, 3)
    files = file_codes(frame)
    codes, uniques = pd.factorize(frame["last_key"].fillna("").astype("str"))
    counts = np.bincount(files.astype(np.int64) * len(uniques) + codes, minlength=3 * len(uniques))
    counts = counts.reshape(3, len(uniques)).astype(float)
    once = pd.DataFrame({"f": files, "v": codes, "p": person}).drop_duplicates()
    want = np.zeros_like(counts)
    np.add.at(want, (once["f"].to_numpy(), once["v"].to_numpy()), 1.0)
    got = _people_counts(files, codes, person, counts)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
    assert (got < counts).any()  # some second records were taken off


@pytest.mark.parametrize(
    "groups",
    [
        np.array([4, 0, 4, 9, 0, 4], dtype=np.int64),
        np.array([3, 3, 3], dtype=np.int64),
        np.array([2**40, 5, 2**40], dtype=np.int64),  # past the table: hashed
        np.array([-1, 2, -1], dtype=np.int64),
        np.zeros(0, dtype=np.int64),
        np.array([7, 1, 7], dtype=np.int32),
        np.random.default_rng(3).integers(0, 50, 1000),  # some of the range missing
        np.random.default_rng(4).integers(-(2**40), 2**40, 1000),
    ],
)
def test_group_rows_are_unique_inverse(groups):
    ids, rows = group_rows(groups)
    want_ids, want_rows = unique_inverse(groups)
    assert ids.dtype == want_ids.dtype and rows.dtype == np.int32
    np.testing.assert_array_equal(ids, want_ids)
    np.testing.assert_array_equal(rows, want_rows)
    only = group_ids(groups)  # the ids alone: the same, dtype too
    assert only.dtype == want_ids.dtype
    np.testing.assert_array_equal(only, want_ids)
