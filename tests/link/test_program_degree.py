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


def test_every_pair_of_hostile_programs_against_the_text_rule():
    """The level on codes of each record's folded program and degree (made once per run) is
    the rule on the texts, pair by pair: NULL where either program is missing or "", the same
    folded program, one within the other's words (token set >= 0.95), and degrees that share
    no item splitting those two."""
    import numpy as np
    from rapidfuzz.fuzz import token_set_ratio

    from pipeline.link.compare import compare
    from pipeline.link.person import _disjoint

    majors = ["Computer Science", " computer science", "Statistics; Computer Science",
              "Statistics", "", None, "Économie", "économie ", "Data Science"]  # fmt: skip
    degrees = ["BMath", "MMath", "BMath; PhD", "PhD", "", None]
    records = [(m, d) for m in majors for d in degrees]
    frame = pd.DataFrame(records, columns=["major", "degree"], dtype="str")
    n = len(frame)
    left, right = (a.ravel() for a in np.meshgrid(np.arange(n), np.arange(n)))
    pairs = pd.DataFrame({"left": left, "right": right})

    def text(v) -> str:
        return "" if v is None else v

    def rule(a, b) -> int:
        (ma, da), (mb, db) = a, b
        if text(ma) == "" or text(mb) == "":
            return NULL
        fa, fb = text(ma).lower().strip(), text(mb).lower().strip()
        same = fa == fb
        overlap = token_set_ratio(fa, fb) / 100.0 >= 0.95
        other = _disjoint(text(da).lower().strip(), text(db).lower().strip())
        return 2 if (same or overlap) and other else 0 if same else 1 if overlap else 3

    expected = [rule(records[i], records[j]) for i, j in zip(left, right, strict=True)]
    assert compare(frame, pairs, [PROGRAM])["program"].tolist() == expected
    assert set(expected) == {NULL, 0, 1, 2, 3}
