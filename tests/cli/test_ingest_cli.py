"""`prospects ingest` as a user runs it: what it prints, what it writes, how it refuses files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline import schema
from pipeline.cli import app
from pipeline.run import SAMPLE_EXPORT

runner = CliRunner()
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "linkedin"


def test_sample_archive_prints_format_counts_reasons_and_me() -> None:
    result = runner.invoke(app, ["ingest", str(SAMPLE_EXPORT)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Connections.csv: read 300 connections rows, accepted 298, rejected 2" in out
    for line in (
        "format: current layout with URL (mid-2023 on)",
        "encoding: UTF-8, LF line endings",
        "delimiter: comma",
        "header line: 4 (the 3 lines above it skipped)",
        "date formats: DD Mon YYYY (300)",
        "rejected: 2 × ghost row (deleted member: only a date), lines ",
        "Me: Avery Chen",
        "education: Master of Mathematics - MMath, Data Science, University of Waterloo, 2025–2027",
        "[internship/co-op]",
        "first graduation: 2025",
    ):
        assert line in out, line
    assert result.stderr == ""


def test_several_fixtures_and_out_csv(tmp_path: Path) -> None:
    out = tmp_path / "people.csv"
    files = [FIXTURES / "connections_mixed_dates.csv", FIXTURES / "connections_utf16_tab.txt"]
    result = runner.invoke(app, ["ingest", *map(str, files), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "connections_mixed_dates.csv: read 13 connections rows, accepted 13, rejected 0" in (
        result.stdout
    )
    assert "kept: 1 × unparseable date kept empty, line 12" in result.stdout
    assert "encoding: UTF-16 (Excel “Unicode text”), CRLF line endings" in result.stdout
    assert "delimiter: tab" in result.stdout
    assert f"Wrote 16 people to {out}" in result.stdout
    people = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8")
    assert list(people.columns[: len(schema.PEOPLE)]) == list(schema.PEOPLE)
    assert people["record_id"].is_unique
    assert people.loc[people["first_name"] == "李", "company"].tolist() == ["华为"]
    assert people["connected_on"].iloc[0] == "2024-01-08"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"Date,Amount,Payee\n2024-01-02,5.00,Cafe\n", "does not look like a LinkedIn connections"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "is not a text file"),
        (b"", "is empty"),
    ],
    ids=["wrong columns", "binary", "empty"],
)
def test_a_file_that_is_not_a_connections_export_exits_1(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "Connections.csv"
    path.write_bytes(content)
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message.startswith("Error: Connections.csv ") and expected in message
    assert message.count("\n") == 0 and "Traceback" not in message
    assert str(tmp_path) not in message  # never the folder (it can carry the user's name)


def test_archive_with_a_bad_connections_file_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "Basic_LinkedInDataExport_11-28-2026.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Connections.csv", "Zebra,Quokka\n1,2\n")
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 1
    assert "Connections.csv does not look like a LinkedIn connections export" in result.stderr


def test_unsafe_archive_and_size_bound_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "Basic_LinkedInDataExport_11-28-2026.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("Connections.csv", (FIXTURES / "connections_current.csv").read_bytes())
        archive.writestr("../evil.csv", "x")
    result = runner.invoke(app, ["ingest", str(bad)])
    assert result.exit_code == 1 and "unsafe path" in result.stderr

    big = tmp_path / "big" / "Basic_LinkedInDataExport_11-28-2026.zip"
    big.parent.mkdir()
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "Connections.csv", b"First Name,Last Name,Company\n" + b"a,b,c\n" * 400_000
        )
    config = tmp_path / "shortlist.toml"
    config.write_text("[ingest]\nmax_archive_mb = 1\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(big), "--config", str(config)])
    assert result.exit_code == 1
    assert "more than the 1 MB allowed; raise [ingest] max_archive_mb" in result.stderr


def test_reason_lines_show_the_first_lines_then_a_count() -> None:
    from pipeline.ingest.ledger import ledger_rows, reason_lines

    ledger = pd.concat(
        [
            ledger_rows("a.csv", [9, 5, 6, 7, 8, 10, 11], ["no name"] * 7, "rejected"),
            ledger_rows("a.csv", [12], ["unparseable date kept empty"], "kept"),
            ledger_rows("b.csv", [3], ["no name"], "rejected"),
        ],
        ignore_index=True,
    )
    assert reason_lines(ledger, "a.csv") == [
        "rejected: 7 × no name, lines 5, 6, 7, 8, 9 and 2 more",
        "kept: 1 × unparseable date kept empty, line 12",
    ]


def test_combine_keeps_record_ids_unique_and_flags_every_company() -> None:
    from pipeline.ingest.ledger import Ingested, combine, people_frame

    def part(file: str, companies: list[str], flag: bool) -> Ingested:
        columns = {"company": companies, "source": ["connections"] * len(companies)}
        frame = people_frame(columns, len(companies))
        frame["source_file"] = file
        frame["source_row"] = range(5, 5 + len(companies))
        frame["record_id"] = "connections:" + frame["source_row"].astype(str)
        if not flag:
            frame = frame.drop(columns="company_placeholder")
        return Ingested(frame, schema.empty(schema.LEDGER))

    both = combine(
        [
            part("Connections.csv", ["Acme", "Freelance"], True),
            part("Connections.csv", ["Retired"], False),
            part("Connections (1).csv", ["Globex"], True),
            part("Connections.csv", ["Initech"], True),  # a third archive's Connections.csv
        ]
    )
    assert both.people["record_id"].tolist() == [
        "connections:5",
        "connections:6",
        "connections:Connections.csv:5",
        "connections:Connections (1).csv:5",
        "connections:Connections.csv:5#4",
    ]
    assert both.people["company_placeholder"].tolist() == [False, True, True, False, False]
    assert both.people["company_placeholder"].dtype == bool


def test_a_renamed_connections_file_is_read_as_connections(tmp_path):
    from pipeline.ingest import is_linkedin

    renamed = tmp_path / "my contacts.csv"
    renamed.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ann,Lee,,,Acme,Analyst,01 Jan 2024\n",
        encoding="utf-8",
    )
    alumni = tmp_path / "club.csv"
    alumni.write_text("First Name,Last Name,Company\nAnn,Lee,Acme\n", encoding="utf-8")
    assert is_linkedin(renamed)
    assert not is_linkedin(alumni)
