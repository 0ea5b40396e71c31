"""alumni_names.person_names keeps the cleaned first and last names as (values, codes)
(display_names.clean_name_parts) instead of making the columns and encoding them again, and
skips the preferred-name steps when no column can give one: the same frame as the old code,
kept here as the oracle, on hostile names."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.ingest.alumni_names import _parse_full, _recased, is_cjk, person_names
from pipeline.ingest.coded import Coded, per_unique
from pipeline.ingest.display_names import (
    clean_names_frame,
    display_values,
    full_names,
    text_column,
)
from pipeline.text.arrow_text import STR, text_series


def _old_person_names(first, last, full=None, preferred=None, middle=None):
    """person_names at 82ff00c."""
    empty = text_series("", first.index)
    nickname = empty
    if full is not None:
        parsed = per_unique(full, _parse_full)
        blank = (first == "") & (last == "")
        first = first.where(~blank, parsed.str[0]).astype(STR)
        last = last.where(~blank, parsed.str[1]).astype(STR)
        nickname = parsed.str[2].where(blank, "").astype(STR)
    if middle is not None:
        initial = first.str.replace(".", "", regex=False).str.len() == 1
        with_middle = (first + " " + middle).str.strip()
        first = first.where(~(initial & (middle != "")), with_middle).astype(STR)
    given = first
    chosen = preferred if preferred is not None else empty
    chosen = chosen.where(chosen != "", nickname)
    first = chosen.where(chosen != "", first).astype(STR)
    names = clean_names_frame(first, last)
    shown_first = Coded.of(names["first_name"])
    recased = _recased(Coded.of(names["last_name"]))
    family_cjk = np.fromiter(map(is_cjk, recased.values), bool, len(recased.values))
    first_cjk = np.fromiter(map(is_cjk, shown_first.values), bool, len(shown_first.values))
    cjk = family_cjk[recased.codes] & ((shown_first.values == "") | first_cjk)[shown_first.codes]
    full = full_names((shown_first.values, shown_first.codes), (recased.values, recased.codes), cjk)
    names["full_name"] = pd.Series(full, index=first.index, copy=False)
    names["last_name"] = recased.series(first.index)
    same = (given == first).to_numpy()
    shown = Coded.of(given)
    shown = Coded(shown.codes, display_values(shown.values, particles=False))
    given_name = text_column(
        np.concatenate([shown_first.values, shown.values]),
        np.where(same, shown_first.codes, len(shown_first.values) + shown.codes),
    )
    names["given_name"] = pd.Series(given_name, index=first.index, copy=False)
    return names


FIRSTS = ["", " ", "Ada", "ADA", "ada", "J.", "Dr. Ann", "Ann, MBA", "JEAN-LUC", "小明", "민준",
          "Zoë", "ZOË", "TJ", "mary ann", "Bob ", "\u200bEve", "=SUM(A1)", "O'NEIL"]  # fmt: skip
LASTS = ["", "DOE", "Doe", "doe", "O'BRIEN", "VAN DER BERG", "van der berg", "Smith, PhD",
         "SMITH, P.ENG", "王", "欧阳", "Lee ", "MCDONALD", "Núñez", "X", "Li"]  # fmt: skip
FULLS = ["", "MCDONALD, Mary", "Robert (Bob) Smith", "王小明", "Smith, John A.", "Dr. Jane Doe",
         "LEE", "Ann Lee, MBA"]  # fmt: skip
PREFERRED = ["", "", "Bob", "BOBBY", "  ", "小"]
MIDDLES = ["", "", "Robert", "M.", "ANNE"]


def _column(rng, pool, n):
    return pd.Series(rng.choice(np.array(pool, dtype=object), n), dtype=STR)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("optional", [(), ("full",), ("preferred", "middle"), ("full", "middle"),
                                      ("full", "preferred", "middle")])  # fmt: skip
def test_person_names_as_the_old_code_made_them(seed, optional):
    rng = np.random.default_rng(seed)
    n = 300
    index = pd.RangeIndex(n)
    first, last = _column(rng, FIRSTS, n), _column(rng, LASTS, n)
    pools = {"full": FULLS, "preferred": PREFERRED, "middle": MIDDLES}
    given = {k: _column(rng, pools[k], n).set_axis(index) for k in optional}
    new = person_names(first, last, **given)
    old = _old_person_names(first, last, **given)
    pd.testing.assert_frame_equal(new, old, check_exact=True)


def test_no_preferred_name_gives_the_first_name_as_given_name():
    first = pd.Series(["ADA", "bob", "Cy"], dtype=STR)
    last = pd.Series(["LOVELACE", "", "Twombly"], dtype=STR)
    new = person_names(first, last)
    pd.testing.assert_frame_equal(new, _old_person_names(first, last), check_exact=True)
    assert new["given_name"].tolist() == new["first_name"].tolist() == ["Ada", "Bob", "Cy"]


def test_a_nickname_in_the_full_name_is_the_first_name_shown():
    first = pd.Series(["", "", "Ann", ""], dtype=STR)
    last = pd.Series(["", "", "Lee", ""], dtype=STR)
    full = pd.Series(["Robert (Bob) Smith", "MCDONALD, Mary", "Zed Zee", ""], dtype=STR)
    new = person_names(first, last, full)
    pd.testing.assert_frame_equal(new, _old_person_names(first, last, full), check_exact=True)
    assert new["first_name"].tolist()[:3] == ["Bob", "Mary", "Ann"]
    assert new["given_name"].tolist()[0] == "Robert"
