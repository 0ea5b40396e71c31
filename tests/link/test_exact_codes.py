"""``kinds.exact`` on the column's codes (``Rows``) gives each pair the level the text gives:
NULL where either side is missing or "", 0 where the two texts are equal, else 1."""

import numpy as np
import pandas as pd
import pytest

from pipeline.link.compare import compare
from pipeline.link.kinds import exact
from pipeline.link.levels import NULL

VALUES = [None, "", " ", "a", "A", "a ", "ánn", "ann", "ann", "李", "😀", "0", "1.0", np.nan]


def _oracle(x, y) -> int:
    def text(v) -> str:
        return "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)

    a, b = text(x), text(y)
    if a == "" or b == "":
        return NULL
    return 0 if a == b else 1


@pytest.mark.parametrize("dtype", ["str", object])
def test_every_pair_of_values(dtype):
    values = pd.Series(VALUES, dtype=dtype)
    n = len(values)
    left, right = (a.ravel() for a in np.meshgrid(np.arange(n), np.arange(n)))
    frame = pd.DataFrame({"email": values})
    pairs = pd.DataFrame({"left": left, "right": right})
    got = compare(frame, pairs, [exact("email")])["email"].to_numpy()
    expected = [_oracle(VALUES[i], VALUES[j]) for i, j in zip(left, right, strict=True)]
    assert got.tolist() == expected
    # called on aligned pair frames (as a test or a notebook calls it)
    a = frame.iloc[left].reset_index(drop=True)
    b = frame.iloc[right].reset_index(drop=True)
    assert exact("email").compute(a, b).tolist() == expected


def test_numbers_and_no_pairs():
    frame = pd.DataFrame({"code": pd.Series([1, 1, 2, None], dtype=object)})
    pairs = pd.DataFrame({"left": [0, 0, 0, 3], "right": [1, 2, 3, 3]})
    assert compare(frame, pairs, [exact("code")])["code"].tolist() == [0, 1, NULL, NULL]
    none = pairs.iloc[:0]
    assert compare(frame, none, [exact("code")])["code"].tolist() == []


LOCATIONS = [None, "", " ", ",", "Toronto", "toronto, ON", " Toronto ,Canada", "Lagos, NG",
             "São Paulo", "são paulo, br", "Toronto Area", np.nan]  # fmt: skip


def test_city_level_on_codes_is_the_text_rule():
    """``person.city_level`` on a code per record's city: NULL where either city (the text
    before the first comma, stripped, lower case) is "", 0 where equal, else 1."""
    from pipeline.link.person import city_level

    def city(v) -> str:
        text = "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
        return text.split(",")[0].strip().lower()

    values = pd.Series(LOCATIONS, dtype="str")
    n = len(values)
    left, right = (a.ravel() for a in np.meshgrid(np.arange(n), np.arange(n)))
    frame = pd.DataFrame({"location": values})
    pairs = pd.DataFrame({"left": left, "right": right})
    expected = []
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        a, b = city(LOCATIONS[i]), city(LOCATIONS[j])
        expected.append(NULL if not a or not b else 0 if a == b else 1)
    from pipeline.link.compare import COMPARISONS

    (comparison,) = [c for c in COMPARISONS if c.name == "city"]
    assert compare(frame, pairs, [comparison])["city"].tolist() == expected
    a = frame.iloc[left].reset_index(drop=True)
    b = frame.iloc[right].reset_index(drop=True)
    assert city_level(a, b).tolist() == expected
    assert 0 in expected and 1 in expected and NULL in expected
