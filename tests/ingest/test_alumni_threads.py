"""alumni_from_table on two threads: each column cleaned by the thread that encoded it
(coded.coded_and_cleaned), the names made on a second thread while the other columns are made
(threads.beside), and the names and class years read from the cleaned columns' codes
(alumni_names.coded_person_names, alumni_fields.coded_class_years) instead of made columns and
encoded again. Oracles: the old calls on the columns, and the one-thread run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.ingest import alumni as alumni_mod
from pipeline.ingest import coded as coded_mod
from pipeline.ingest.alumni import read_alumni
from pipeline.ingest.alumni_fields import coded_class_years, parse_class_years
from pipeline.ingest.alumni_names import coded_person_names
from pipeline.ingest.coded import Coded, clean_coded, coded_and_cleaned, coded_columns
from pipeline.text.arrow_text import STR
from tests.ingest.test_person_names_parts import FIRSTS, LASTS, _old_person_names

# Values that clean to the same text ("Ada " and "Ada"): a cleaned column's values repeat.
DIRTY = ["Ada ", " Ada", "Ada  Lovelace", "A\u200bda", "ＡＤＡ", "\tBob", "Bob\u00a0"]
YEARS = ["", " ", "0", "2019", "2019.0", "T2019", "'96", "'96 MA, '02 PhD", "Class of 2019",
         " 2019 ", "2019\u200b", "n/a", "２０１９", "2002 PhD; 1996 MA"]  # fmt: skip


def _cleaned(rng, pool, n, arrow: bool) -> Coded:
    values = rng.choice(np.array(pool, dtype=object), n)
    if arrow:  # Arrow text, as the CSV reader gives it
        return clean_coded(Coded.of(pd.Series(pd.array(values, dtype=STR))))
    values[rng.random(n) < 0.1] = None  # object cells with gaps, as a sheet gives
    return clean_coded(Coded.of(values))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("arrow", [True, False])
def test_coded_person_names_are_the_old_person_names(seed, arrow):
    rng = np.random.default_rng(seed)
    n = 400
    first = _cleaned(rng, FIRSTS + DIRTY, n, arrow)
    last = _cleaned(rng, LASTS + DIRTY, n, arrow)
    assert len(set(first.values)) < len(first.values) or not arrow  # repeated values
    got = coded_person_names(first, last)
    old = _old_person_names(first.series(), last.series())
    pd.testing.assert_frame_equal(got, old, check_exact=True)
    full = pd.Series(rng.choice(np.array(["", "LEE, Ann", "王小明"], dtype=object), n), dtype=STR)
    got = coded_person_names(first, last, full)  # another column: the columns' way
    pd.testing.assert_frame_equal(got, _old_person_names(first.series(), last.series(), full))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("arrow", [True, False])
def test_coded_class_years_are_parse_class_years(seed, arrow):
    rng = np.random.default_rng(seed)
    n = 500
    preferred, actual = _cleaned(rng, YEARS, n, arrow), _cleaned(rng, YEARS, n, arrow)
    index = pd.RangeIndex(n)
    for cols in ([preferred, actual], [Coded.empty(n), actual], [actual]):
        got = coded_class_years(cols, index)
        old = parse_class_years(*(c.series() for c in cols))
        for g, o in zip(got, old, strict=True):
            pd.testing.assert_series_equal(g, o, check_exact=True)


def _same(a: Coded, b: Coded) -> None:
    np.testing.assert_array_equal(a.codes, b.codes)
    assert a.values.tolist() == b.values.tolist()


@pytest.mark.parametrize("threaded", [True, False])
def test_coded_and_cleaned_are_coded_columns_then_clean_coded(threaded, monkeypatch):
    rng = np.random.default_rng(3)
    n = 2000
    frame = pd.DataFrame(
        {
            "a": pd.array(rng.choice(np.array(FIRSTS + DIRTY, dtype=object), n), dtype=STR),
            "b": rng.choice(np.array(LASTS + DIRTY + [None], dtype=object), n),
            "c": pd.array(rng.choice(np.array(YEARS, dtype=object), n), dtype=STR),
        }
    )
    monkeypatch.setattr(coded_mod, "THREADED_ROWS", 1 if threaded else 1 << 62)
    raw, clean = coded_and_cleaned(frame, {"a", "b"})
    assert list(raw) == ["a", "b", "c"] and list(clean) == ["a", "b"]
    for name, col in coded_columns(frame).items():
        _same(raw[name], col)
    for name in clean:
        _same(clean[name], clean_coded(coded_columns(frame)[name]))


def test_an_error_while_cleaning_reaches_the_caller(monkeypatch):
    frame = pd.DataFrame({c: pd.array(["x ", "y"] * 10, dtype=STR) for c in "abc"})
    monkeypatch.setattr(coded_mod, "THREADED_ROWS", 1)

    def failing(col):
        raise RuntimeError("cleaning failed")

    monkeypatch.setattr(coded_mod, "clean_coded", failing)
    with pytest.raises(RuntimeError, match="cleaning failed"):
        coded_and_cleaned(frame, {"b"})


def _alumni_file(tmp_path, seed: int, header: str):
    rng = np.random.default_rng(seed)
    n = 600
    pools = {
        "First Name": FIRSTS + DIRTY,
        "Last Name": LASTS + DIRTY,
        "Full Name": ["", "LEE, Ann", "Robert (Bob) Smith", "王小明"],
        "Class Year": YEARS,
        "Preferred Class Year": ["", "2001", "'96"],
        "Degree": ["BA", "BA; MA", "BSc | MSc", ""],
        "Employer": ["Acme", " Acme ", "", "Freelance"],
        "City": ["Paris", "", "Rome"],
        "Country": ["France", "", "Italy"],
        "Email": ["a@b.c", " A@B.C ", "none", ""],
        "LinkedIn URL": ["", "https://www.linkedin.com/in/Mar%C3%ADa-G/", "linkedin.com/in/x"],
        "Maiden Name": ["", "SMITH", "o'neil"],
        "Notes": ["", "17", "x"],
    }
    columns = header.split(",")
    rows = [[str(rng.choice(np.array(pools[c], dtype=object))) for c in columns] for _ in range(n)]
    rows[5] = rows[3]  # an exact duplicate
    rows[7] = [""] * len(columns)  # an empty row
    path = tmp_path / "alumni.csv"
    lines = [header] + [",".join(f'"{v}"' for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


HEADERS = [
    "First Name,Last Name,Class Year,Degree,Employer,City,Country,Email,LinkedIn URL,Notes",
    "First Name,Last Name,Full Name,Preferred Class Year,Class Year,Maiden Name,Email,Notes",
]


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("header", HEADERS)
def test_threaded_alumni_equal_one_thread(tmp_path, seed, header, monkeypatch):
    path = _alumni_file(tmp_path, seed, header)
    monkeypatch.setattr(alumni_mod, "THREADED_ROWS", 1)
    monkeypatch.setattr(coded_mod, "THREADED_ROWS", 1)
    threaded = read_alumni(path, default_school="Waterloo")
    monkeypatch.setattr(alumni_mod, "THREADED_ROWS", 1 << 62)
    monkeypatch.setattr(coded_mod, "THREADED_ROWS", 1 << 62)
    serial = read_alumni(path, default_school="Waterloo")
    pd.testing.assert_frame_equal(threaded.people, serial.people, check_exact=True)
    pd.testing.assert_frame_equal(threaded.ledger, serial.ledger, check_exact=True)
    assert threaded.reports == serial.reports
    assert len(serial.ledger) >= 2  # the duplicate and the empty row


@pytest.mark.parametrize("threaded", [True, False])
def test_the_names_error_comes_first(tmp_path, threaded, monkeypatch):
    path = _alumni_file(tmp_path, 0, HEADERS[0])
    monkeypatch.setattr(alumni_mod, "THREADED_ROWS", 1 if threaded else 1 << 62)

    def names_fail(*args):
        raise RuntimeError("names failed")

    def location_fails(*args):
        raise ValueError("location failed")

    def fails(what):
        def fail(*args):
            raise LookupError(f"{what} failed")

        return fail

    monkeypatch.setattr(alumni_mod, "_location", location_fails)
    with pytest.raises(ValueError, match="location failed"):
        read_alumni(path)
    monkeypatch.setattr(alumni_mod.clean, "email", fails("email"))
    with pytest.raises(LookupError, match="email failed"):  # the e-mails before the location
        read_alumni(path)
    monkeypatch.setattr(alumni_mod, "coded_person_names", names_fail)
    with pytest.raises(RuntimeError, match="names failed"):  # the names come first
        read_alumni(path)
    monkeypatch.undo()
    monkeypatch.setattr(alumni_mod, "THREADED_ROWS", 1 if threaded else 1 << 62)
    monkeypatch.setattr(alumni_mod, "people_frame", fails("frame"))
    with pytest.raises(LookupError, match="frame failed"):
        read_alumni(path)
    monkeypatch.setattr(alumni_mod, "_reasons", fails("reasons"))
    with pytest.raises(LookupError, match="reasons failed"):  # begun before the frame
        read_alumni(path)
