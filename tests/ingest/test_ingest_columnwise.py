"""Ingest's column-wise paths against the value-by-value code they replaced (issue 18):
``Coded.of`` factorizes Arrow text in Arrow, ``ledger._unique_ids`` checks record ids by
hashing an Index, ``person_names`` finds CJK names per distinct value. Each gives what the old
code gave, on hostile text and on colliding files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import InputError
from pipeline.ingest.alumni_names import is_cjk, person_names
from pipeline.ingest.coded import Coded, clean_coded
from pipeline.ingest.decode import decode
from pipeline.ingest.display_names import clean_names_frame
from pipeline.ingest.ledger import _unique_ids

HOSTILE = [
    "",
    " ",
    "Ada",
    "ada",
    "Ada ",
    "Zoë",
    "Zoe\u0308",  # the same letter decomposed: another value
    "\u00a0",
    "\x00",
    "=SUM(A1)",
    "王小明",
    "🙂" * 40,
    "x" * 5000,
    "\ufeffAda",
    "\u200b",
    "  two  spaces ",
    "Acme\u200b   Inc. ",
    "tab\there",
]


def _old_of(column) -> Coded:
    """Coded.of as it was: every row made a Python object, then the object hashtable."""
    codes, uniques = pd.factorize(np.asarray(column, dtype=object))
    values = np.asarray(uniques, dtype=object)
    if (codes < 0).any():
        codes = np.where(codes < 0, len(values), codes)
        values = np.append(values, "")
    return Coded(codes, values)


def _same(new: Coded, old: Coded) -> None:
    assert new.codes.dtype == old.codes.dtype
    np.testing.assert_array_equal(new.codes, old.codes)
    assert new.values.dtype == old.values.dtype == object
    assert [type(v) for v in new.values] == [type(v) for v in old.values]
    assert new.values.tolist() == old.values.tolist()
    # The Arrow text kept beside the values gives what the values gave (old has none).
    made = [Coded.series, Coded.distinct]
    if all(isinstance(v, str) for v in old.values):  # what a reader gives the cleaner
        made.append(lambda c: clean_coded(c).series())
    for make in made:
        pd.testing.assert_series_equal(make(new), make(old), check_exact=True)


@pytest.mark.parametrize(
    "values",
    [
        HOSTILE,
        HOSTILE[::-1] * 3,
        [None, "a", np.nan, "", "a", None],  # missing cells: the empty value, added last
        [None, None],
        [],
        ["only"],
    ],
)
def test_arrow_text_codes_as_the_object_hashtable_gave(values):
    column = pd.Series(values, dtype="str")
    assert column.dtype == "str"
    _same(Coded.of(column), _old_of(column))
    _same(Coded.of(column), _old_of(column.to_numpy(dtype=object)))  # the object path too


def test_a_column_on_another_index_and_object_columns_unchanged():
    column = pd.Series(HOSTILE * 2, index=range(100, 100 + 2 * len(HOSTILE)), dtype="str")
    _same(Coded.of(column), _old_of(column))
    mixed = pd.Series(["a", 1, 2.5, None, "a", True], dtype=object)  # grid cells as read
    _same(Coded.of(mixed), _old_of(mixed))
    _same(Coded.of(mixed.to_numpy()), _old_of(mixed.to_numpy()))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.sampled_from(HOSTILE),
            st.text(st.characters(exclude_categories=["Cs"]), max_size=12),
        ),
        max_size=60,
    )
)
def test_any_text_column(values):
    column = pd.Series(values, dtype="str")
    _same(Coded.of(column), _old_of(column))


def _old_unique_ids(frames: list[pd.DataFrame]) -> list[pd.DataFrame]:
    used: set[str] = set()
    out = []
    for k, frame in enumerate(frames):
        ids = frame["record_id"].astype("str")
        if used.intersection(ids):
            frame = frame.copy()
            ids = (
                frame["source"] + ":" + frame["source_file"] + ":" + frame["source_row"].astype(str)
            )
            if used.intersection(ids):
                ids = ids + f"#{k + 1}"
            frame["record_id"] = ids.astype("str")
        used.update(ids)
        out.append(frame)
    return out


def _people(source: str, file: str, rows: range, ids: list[str] | None = None) -> pd.DataFrame:
    rows_ = list(rows)
    made = [f"{source}:{r}" for r in rows_] if ids is None else ids
    return pd.DataFrame(
        {
            "record_id": pd.Series(made, dtype="str"),
            "source": pd.Series([source] * len(rows_), dtype="str"),
            "source_file": pd.Series([file] * len(rows_), dtype="str"),
            "source_row": pd.Series(rows_, dtype="int64"),
        }
    )


@pytest.mark.parametrize(
    "frames",
    [
        [],
        [_people("connections", "Connections.csv", range(5, 9))],
        # two Connections.csv: the second gets its file name in its ids
        [
            _people("connections", "Connections.csv", range(5, 9)),
            _people("connections", "Connections (1).csv", range(5, 12)),
        ],
        # the same file name twice (two archives): the second also gets "#2"
        [
            _people("connections", "Connections.csv", range(5, 9)),
            _people("connections", "Connections.csv", range(5, 9)),
        ],
        # one shared id among many, then a third file that collides with the renamed second
        [
            _people("alumni", "a.xlsx", range(2, 6)),
            _people("alumni", "b.xlsx", range(2, 4), ids=["x:1", "alumni:3"]),
            _people("alumni", "b.xlsx", range(2, 4), ids=["alumni:b.xlsx:2", "y"]),
        ],
        # no collision: frames come back as they were
        [_people("alumni", "a.xlsx", range(2, 6)), _people("connections", "C.csv", range(5, 9))],
        # hostile ids: an empty id, text that only looks alike
        [
            _people("alumni", "a.xlsx", range(2, 5), ids=["", "Zoë", "\x00"]),
            _people("alumni", "b.xlsx", range(2, 5), ids=["Zoe\u0308", " ", "\x00 "]),
            _people("alumni", "c.xlsx", range(2, 3), ids=[""]),
        ],
    ],
)
def test_unique_ids_as_the_set_code_gave(frames):
    new, old = _unique_ids(frames), _old_unique_ids(frames)
    assert len(new) == len(old)
    for a, b in zip(new, old, strict=True):
        pd.testing.assert_frame_equal(a, b, check_exact=True)


# person_names: the CJK order of a full name from one flag per distinct first and last name.
FIRSTS = [
    "",
    "小明",
    "ヒロシ",
    "민준",
    "Ming",
    "小明 Ming",
    " 小明",
    "ÉLÉA",
    "AB-C",
    "X1Y2Z3W",
    "々",
]
LASTS = ["王", "田中", "김", "Wang", "", "王 ", "DOE", "欧阳", "ー"]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(FIRSTS), st.sampled_from(LASTS)), min_size=1, max_size=30)
)
def test_person_names_full_name_as_each_row_gives_it(pairs):
    first = pd.Series([f for f, _ in pairs], dtype="str")
    last = pd.Series([s for _, s in pairs], dtype="str")
    names = person_names(first, last)
    for given_, family, full in zip(
        names["first_name"], names["last_name"], names["full_name"], strict=True
    ):
        # The row-by-row rule the column code replaced: a CJK family name with a CJK (or no)
        # given name reads family first, with no space.
        both_cjk = is_cjk(family) and (not given_ or is_cjk(given_))
        expected = family + given_ if both_cjk else f"{given_} {family}".strip()
        assert full == expected


@pytest.mark.parametrize(
    ("first", "shown"),
    [
        ("ABCD", "Abcd"),  # four letters in capitals: a name, recased
        ("ABC", "ABC"),  # three: initials, as typed
        ("AB-C", "AB-C"),
        ("X1Y2Z3W", "X1y2z3w"),  # digits are no letters: four letters
        ("ÉLÉA", "Éléa"),
    ],
)
def test_capitals_recased_by_their_count_of_letters(first, shown):
    out = clean_names_frame(pd.Series([first, first]), pd.Series(["Smith", "Smith"]))
    assert out["first_name"].tolist() == [shown, shown]


# decode: a NUL anywhere makes a file binary; strict UTF-8 is searched as bytes.
BODY = "Name,Company\n" + "王小明,Café 🙂\n" * 2000  # past the 4,096 characters sampled


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
@pytest.mark.parametrize("where", [None, 20, len(BODY) - 2])
def test_a_nul_anywhere_is_binary(encoding, where):
    body = BODY if encoding != "cp1252" else BODY.replace("王小明", "Zoë").replace("🙂", "é")
    if where is not None:
        body = body[:where] + "\x00" + body[where:]
    data = body.encode(encoding)
    if where is None:
        text, _ = decode(data, "a.csv")
        assert text == body
    else:
        with pytest.raises(InputError, match=r"a\.csv is not a text file"):
            decode(data, "a.csv")


@settings(max_examples=100, deadline=None)
@given(
    st.text(st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=50),
    st.booleans(),
)
def test_utf8_text_is_binary_exactly_when_it_holds_a_nul(text, nul):
    body = "Name\n" + text + ("\x00" if nul else "") + "\n"
    if nul:
        with pytest.raises(InputError):
            decode(body.encode("utf-8"), "a.csv")
    else:
        assert decode(body.encode("utf-8"), "a.csv") == (body, "utf-8")
