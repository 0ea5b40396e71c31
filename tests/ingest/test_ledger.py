import numpy as np
import pandas as pd
import pytest

from pipeline import schema
from pipeline.ingest.ledger import (
    FileReport,
    Ingested,
    combine,
    counts_frame,
    duplicate_reasons,
    people_frame,
    placeholder_flags,
    split_rows,
)
from pipeline.text.placeholders import is_placeholder


def test_report_checks_the_accounting():
    FileReport("a.csv", "connections", 3, 2, 1)
    with pytest.raises(AssertionError):
        FileReport("a.csv", "connections", 3, 2, 0)


def test_split_rows_sends_rejected_rows_to_the_ledger_with_their_lines():
    rows = pd.DataFrame({"x": ["a", "b", "c"]})
    accepted, ledger = split_rows(
        rows, np.array([5, 6, 9]), pd.Series(["", "no name", ""]), "f.csv"
    )
    assert accepted["x"].tolist() == ["a", "c"]
    assert accepted["source_row"].tolist() == [5, 9]
    assert ledger[["source_row", "outcome", "reason"]].values.tolist() == [
        [6, "rejected", "no name"]
    ]


def test_duplicate_reasons_point_at_the_first_line():
    keys = pd.Series(["a", "b", "a", "", "", "a"])
    out = duplicate_reasons(keys, np.array([5, 6, 7, 8, 9, 10]))
    assert out.tolist() == ["", "", "duplicate of row 5", "", "", "duplicate of row 5"]


def test_people_frame_has_every_canonical_column_and_types():
    frame = people_frame({"first_name": ["Ann"], "extra": ["x"]}, 1)
    assert list(frame.columns[: len(schema.PEOPLE)]) == list(schema.PEOPLE)
    assert frame["extra"].tolist() == ["x"]
    assert str(frame["grad_year"].dtype) == "Int64"
    assert frame["last_name"].tolist() == [""]


def test_combine_and_counts():
    a = Ingested(
        people_frame({"first_name": ["A"]}, 1),
        schema.empty(schema.LEDGER),
        (FileReport("a.csv", "connections", 2, 1, 1),),
    )
    b = Ingested(
        people_frame({"first_name": ["B", "C"]}, 2),
        schema.empty(schema.LEDGER),
        (FileReport("b.xlsx", "alumni", 2, 2, 0),),
    )
    both = combine([a, b])
    assert both.people["first_name"].tolist() == ["A", "B", "C"]
    counts = counts_frame(both.reports)
    assert counts[["file", "read", "accepted", "rejected"]].values.tolist() == [
        ["a.csv", 2, 1, 1],
        ["b.xlsx", 2, 2, 0],
    ]


def test_placeholder_flags_per_row_on_its_index_with_missing_false():
    companies = ["Freelance", None, "Acme", "", "Stealth Startup", "Freelance", "-"]
    company = pd.Series(companies, dtype="str", index=[9, 3, 5, 1, 2, 8, 0])
    flags = placeholder_flags(company)
    assert flags.dtype == bool and flags.index.equals(company.index)
    assert flags.tolist() == [c is not None and bool(is_placeholder(c)) for c in companies]
    assert flags.tolist() == [True, False, False, False, True, True, True]


def test_combine_flags_only_rows_without_a_flag_and_keeps_the_given_ones():
    given = people_frame({"company": ["Freelance", "Acme"], "record_id": ["a:1", "a:2"]}, 2)
    given["company_placeholder"] = [False, True]  # as a file said, not recomputed
    bare = people_frame({"company": ["Freelance", "Acme"], "record_id": ["b:1", "b:2"]}, 2)
    bare = bare.drop(columns="company_placeholder")
    report = FileReport("a.csv", "connections", 2, 2, 0)
    empty = schema.empty(schema.LEDGER)
    out = combine([Ingested(given, empty, (report,)), Ingested(bare, empty, (report,))])
    assert out.people["company_placeholder"].tolist() == [False, True, True, False]
    assert out.people["company_placeholder"].dtype == bool
