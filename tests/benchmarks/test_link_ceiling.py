"""The ceiling counted as prospects (benchmarks/link_ceiling.py): one-to-one by rank, a kept
pair bringing every row of its alum's person, the best recall at the precision asked."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.link_ceiling import alumni_people, as_prospects


def test_alumni_people_joins_the_known_duplicates_and_leaves_the_rest_alone():
    person = alumni_people(6, np.array([1, 4]), np.array([3, 2]))
    assert person[1] == person[3]
    assert person[2] == person[4]
    assert len({person[0], person[1], person[2], person[5]}) == 4


def test_a_kept_pair_brings_its_persons_second_row():
    # connection 0, alumni rows 1 and 2 are one person (a duplicate); only 0-1 is a candidate
    person = alumni_people(3, np.array([1]), np.array([2]))
    recall = as_prospects(
        p=np.array([0.9]), connection=np.array([0]), alum=np.array([1]),
        y=np.array([True]), person=person, total=2, precision=0.995,
    )  # fmt: skip
    assert recall == 1.0


def test_one_to_one_lets_a_connections_best_candidate_block_its_others():
    # connection 0: a namesake (row 1) ranked above its own record (row 2); connection 3's
    # own record (row 4) ranked last. One-to-one keeps 0-1 (wrong), so 0-2 never counts.
    person = alumni_people(5, np.array([], int), np.array([], int))
    args = dict(
        connection=np.array([0, 0, 3]), alum=np.array([1, 2, 4]),
        y=np.array([False, True, True]), person=person, total=2,
    )  # fmt: skip
    assert as_prospects(p=np.array([0.9, 0.8, 0.7]), precision=0.5, **args) == 0.5
    # at a precision no cut with the wrong pair keeps, nothing is found
    assert as_prospects(p=np.array([0.9, 0.8, 0.7]), precision=0.99, **args) == 0.0
    # ranked the other way round, both true pairs are kept and the namesake is blocked
    assert as_prospects(p=np.array([0.7, 0.9, 0.8]), precision=0.99, **args) == 1.0


@pytest.mark.parametrize("precision", [0.9, 0.75])
def test_the_best_cut_is_the_deepest_that_keeps_the_precision(precision):
    # ten true pairs, then one wrong, then two true: 12 / 13 = 0.923 passes 0.9 and 0.75
    n = 13
    y = np.array([True] * 10 + [False] + [True] * 2)
    person = alumni_people(2 * n, np.array([], int), np.array([], int))
    recall = as_prospects(
        p=np.linspace(1, 0, n), connection=np.arange(n), alum=n + np.arange(n), y=y,
        person=person, total=14, precision=precision,
    )  # fmt: skip
    assert recall == pytest.approx(12 / 14)
