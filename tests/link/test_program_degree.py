"""The program comparison reads the degree: the same program under degrees that share none is
its own level (two people of one class, or a record made at each degree), a second degree
listed beside the first is not a mismatch."""

import pandas as pd

from pipeline.link.compare import COMPARISONS
from pipeline.link.levels import NULL

PROGRAM = next(c for c in COMPARISONS if c.name == "program")


def _levels(left: list[tuple[str, str]], right: list[tuple[str, str]]) -> list[str]:
    a = pd.DataFrame(left, columns=["major", "degree"], dtype="str")
    b = pd.DataFrame(right, columns=["major", "degree"], dtype="str")
    labels = [*PROGRAM.levels, "NULL"]
    return [labels[level] if level != NULL else "NULL" for level in PROGRAM.compute(a, b)]


def test_degree_splits_the_same_program():
    assert _levels(
        [("Computer Science", "BMath"), ("Statistics", "BMath; PhD"),
         ("Computer Science; Statistics", "BMath"), ("Statistics", "BMath"),
         ("Computer Science", "MMath"), ("Data Science", "MMath"), ("", "BMath")],
        [("Computer Science", "MMath"), ("statistics", "PhD"), ("Statistics", "MMath"),
         ("Economics", "BMath"), ("Computer Science", ""), ("Data Science", "MMath"),
         ("Statistics", "BMath")],
    ) == [
        "same program, another degree",  # a BMath and an MMath of one class: two people
        "same program",  # a second degree listed beside the first shares one
        "same program, another degree",  # overlapping programs, disjoint degrees
        "different program",
        "same program",  # no degree on one side: the program alone
        "same program",
        "NULL",
    ]  # fmt: skip


def test_degree_is_optional():
    a = pd.DataFrame({"major": ["Physics", "Physics"]}, dtype="str")
    b = pd.DataFrame({"major": ["Physics", "Biology; Physics"]}, dtype="str")
    assert PROGRAM.compute(a, b).tolist() == [0, 1]
