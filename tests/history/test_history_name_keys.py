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


def _random_names(seed: int, n: int = 2_000) -> list[str]:
    """ASCII names of every kind of byte: letters of both cases, digits, punctuation, runs of
    spaces and tabs at either end, control characters, empty ones, one-byte ones."""
    import numpy as np

    rng = np.random.default_rng(seed)
    alphabet = np.array(list("aZ9 -'.\t_\x00\x7f~Ab0z ,  ") + [chr(i) for i in range(128)])
    sizes = rng.choice([0, 1, 2, 3, 7, 15, 40], size=n)
    return ["".join(rng.choice(alphabet, size=k)) for k in sizes]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ascii_names_in_bulk_are_the_row_by_row_rule(seed):
    names = [*_random_names(seed), "", " ", "a", " a", "a ", "-a-", "a--b", "A B", "..", "9"]
    out = name_keys(pd.Series(names, dtype="str"))
    assert out.tolist() == [_oracle(v) for v in names]


def test_ascii_keys_of_a_slice_and_of_mixed_names():
    import pyarrow as pa

    from pipeline.history.namekeys import ascii_keys

    names = _random_names(4, 300)
    whole = pa.array(["x  Y", *names, "Z!"], type=pa.string())
    assert ascii_keys(whole.slice(1, len(names))).to_pylist() == [_oracle(v) for v in names]
    assert ascii_keys(pa.array(["", ""])).to_pylist() == ["", ""]
    mixed = [v + ("é" if i % 3 == 0 else "") for i, v in enumerate(names)]
    assert name_keys(pd.Series(mixed, index=range(5, 5 + len(mixed)))).tolist() == [
        _oracle(v) for v in mixed
    ]
