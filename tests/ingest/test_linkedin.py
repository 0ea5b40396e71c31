import pandas as pd
import pytest

from pipeline import schema
from pipeline.errors import InputError
from pipeline.ingest.linkedin import read_connections, read_export
from pipeline.run import SAMPLE_EXPORT

PREAMBLE = (
    'Notes:\n"When exporting your connection data, you may notice that some of the email '
    'addresses are missing."\n\n'
)
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def test_current_format_counts_lines_and_cleaning():
    body = (
        'Jane,"Doe, MBA",https://www.linkedin.com/in/Jane-Doe-1,,Shopify,Data Scientist,'
        "08 Jan 2024\n"
        ",,,,,,07 Jan 2024\n"
        "NA,None,https://www.linkedin.com/in/na-none,,None,Analyst,06 Jan 2024\n"
        "Bob,Smith,https://www.linkedin.com/in/jane-doe-1,,RBC,PM,05 Jan 2024\n"
        ",,https://www.linkedin.com/in/x,,Acme,,04 Jan 2024\n"
        "Zoë 🇨🇦,Ødegård (She/Her),https://www.linkedin.com/in/zo%C3%AB,,EY,Manager,31 Dec 2023"
    )
    got = read_connections((PREAMBLE + HEADER + body).encode(), "Connections.csv")
    people, ledger = got.people, got.ledger
    assert list(people.columns[: len(schema.PEOPLE)]) == list(schema.PEOPLE)
    assert people["source_row"].tolist() == [5, 7, 10]  # the first data row is line 5
    jane = people.iloc[0]
    assert (jane["last_name"], jane["credentials"], jane["linkedin_slug"]) == (
        "Doe",
        "MBA",
        "jane-doe-1",
    )
    assert jane["connected_on"] == pd.Timestamp("2024-01-08")
    na = people.iloc[1]
    assert (na["first_name"], na["last_name"], na["company"]) == ("NA", "None", "None")
    zoe = people.iloc[2]
    assert (zoe["first_name"], zoe["last_name"], zoe["linkedin_slug"]) == ("Zoë", "Ødegård", "zoë")
    reasons = dict(zip(ledger["source_row"], ledger["reason"], strict=True))
    assert reasons[6].startswith("ghost row")
    assert reasons[8] == "duplicate of row 5"
    assert reasons[9] == "no name"
    report = got.reports[0]
    assert (report.read, report.accepted, report.rejected) == (6, 3, 3)
    assert report.details["header line"] == "4 (the 3 lines above it skipped)"


def test_unparseable_date_is_kept_empty_and_noted():
    data = (HEADER + "Ann,Lee,,,Acme,Analyst,someday\n").encode()
    got = read_connections(data, "Connections.csv")
    assert len(got.people) == 1 and pd.isna(got.people["connected_on"].iloc[0])
    note = got.ledger.iloc[0]
    assert (note["outcome"], note["reason"], note["source_row"]) == (
        "kept",
        "unparseable date kept empty",
        2,
    )


def test_columns_are_mapped_by_name_not_position():
    data = b"Company,Last Name,Connected On,First Name\nAcme,Lee,01 Feb 2020,Ann\n"
    row = read_connections(data, "Connections.csv").people.iloc[0]
    assert (row["first_name"], row["last_name"], row["company"]) == ("Ann", "Lee", "Acme")


def test_not_a_connections_file():
    with pytest.raises(InputError, match=r"Connections\.csv"):
        read_connections(b"Zebra,Quokka\n1,2\n", "Connections.csv")


def test_archive_and_missing_path(tmp_path):
    got, export = read_export(SAMPLE_EXPORT, max_bytes=500_000_000)
    assert export is not None and "profile" in export.members
    assert got.reports[0].read == got.reports[0].accepted + got.reports[0].rejected
    with pytest.raises(InputError, match=r"nothing\.zip"):
        read_export(tmp_path / "nothing.zip", max_bytes=1000)


def test_connections_keep_the_case_their_owners_typed():
    data = (
        HEADER + "JANE,DOE,,,Acme,Analyst,01 Jan 2024\nann,lee,,,Acme,Analyst,01 Jan 2024\n"
    ).encode()
    people = read_connections(data, "Connections.csv").people
    assert people["full_name"].tolist() == ["JANE DOE", "ann lee"]
