"""record.name_keys: the history's name key of each name, as the row-by-row rule gives it
(anyascii of the whole name, lower case, runs of anything but a-z 0-9 as one space)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from anyascii import anyascii

from pipeline.history.record import name_keys


def _oracle(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", anyascii(name).lower()).strip()


NAMES = [
    "José  Núñez-Park",
    "Ada Lovelace",
    "",
    "   ",
    "Straße Weiß",  # one character, two letters
    "Æsa Ørsted",
    "李小龙",
    "Ольга Петрова",
    "Ana 🌟 Lima",
    "Jose\u0301 Ruiz",  # a combining accent
    "Zero\u200bwidth",
    "İlkay Çelik",
    "ǅemal Đukić",  # a title-case letter, whose ASCII is upper case
    "Marie-Ève O'Neil",
    "José  Núñez-Park",  # duplicates
    "Ада Lovelace",  # Cyrillic and Latin in one name
    "\U000e0041 tag",  # a character anyascii drops
]


@pytest.mark.parametrize("dtype", ["str", object])
@pytest.mark.parametrize("n", [0, 1, 2, len(NAMES)])
def test_name_keys_are_the_row_by_row_rule(dtype, n):
    names = pd.Series(NAMES[:n] if n != 1 else ["Núñez"], dtype=dtype, index=range(10, 10 + n))
    out = name_keys(names)
    assert out.tolist() == [_oracle(v) for v in names]
    assert out.index.equals(names.index)


def test_name_keys_of_one_ascii_name_and_the_examples():
    assert name_keys(pd.Series(["Ada  LOVELACE!"])).tolist() == ["ada lovelace"]
    assert name_keys(pd.Series(["José  Núñez-Park", "Straße"])).tolist() == [
        "jose nunez park",
        "strasse",
    ]
