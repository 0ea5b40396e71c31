"""What 28 real Connections.csv files taught us (issue 22), one test per case.

The fixtures are synthetic rebuilds of each input feature (fixtures/linkedin/, see its README).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.errors import InputError
from pipeline.ingest import is_linkedin, read_any
from pipeline.ingest.clean import text as clean_text
from pipeline.ingest.decode import decode
from pipeline.ingest.display_names import clean_display
from pipeline.ingest.linkedin import read_connections
from pipeline.settings import Settings

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "linkedin"
IN = "https://www.linkedin.com/in/"
runner = CliRunner()


def _read(name: str):
    return read_connections((FIXTURES / name).read_bytes(), name)


# 1. Mixed encodings ------------------------------------------------------------------------


def test_mixed_encodings_are_read_line_by_line_and_counted() -> None:
    got = _read("connections_mixed_encodings.csv")
    report = got.reports[0]
    assert report.details["encoding"] == "UTF-8, 2 lines partly in cp1252, LF line endings"
    names = got.people.set_index("source_row")["full_name"].to_dict()
    assert names == {5: "Zoë Ødegård", 6: "José Müller", 7: "Renée Dupré Ruiz", 8: "Ana Li"}
    assert not any("Ã" in n or "\ufffd" in n for n in names.values())  # no mojibake either way


def test_decode_prefers_utf8_where_a_sequence_is_valid_utf8() -> None:
    data = "Zoë,".encode() + "Zoë\n".encode("cp1252") + "Åsa\n".encode() * 3
    text, how = decode(data, "a.csv")
    assert text == "Zoë,Zoë\n" + "Åsa\n" * 3
    assert how == "utf-8, 1 line partly in cp1252"
    # With no UTF-8 at all the file is one legacy code page, as before.
    assert decode("José\n".encode("cp1252"), "a.csv") == ("José\n", "cp1252")
    # Another script's code page is not taken for accents (bytes valid as UTF-8 by accident).
    gb = "姓名,公司\n李明,华为技术有限公司\n王芳,腾讯\n".encode("gb18030")
    assert decode(gb, "a.csv")[0] == "姓名,公司\n李明,华为技术有限公司\n王芳,腾讯\n"


# 2. Damaged UTF-8 --------------------------------------------------------------------------


def test_damaged_utf8_stays_utf8_with_bad_bytes_replaced_and_counted() -> None:
    got = _read("connections_damaged_utf8.csv")
    assert got.reports[0].details["encoding"].startswith("UTF-8, 2 damaged bytes replaced by")
    names = got.people.set_index("source_row")["first_name"].to_dict()
    assert names == {5: "Jo\ufffdo", 6: "M\ufffdra", 7: "Ren\ufffde", 8: "Zoë"}
    joined = "".join(names.values())
    assert "ï¿½" not in joined and "ý" not in joined  # not read as cp1252


# 3. A renamed connections file with a column deleted ----------------------------------------


def test_renamed_connections_file_missing_a_column_is_read_as_connections(tmp_path) -> None:
    renamed = tmp_path / "my contacts 2024.csv"
    shutil.copy(FIXTURES / "connections_missing_last_name.csv", renamed)
    assert is_linkedin(renamed)
    ingested, _ = read_any([renamed], Settings())
    report = ingested.reports[0]
    assert (report.kind, report.read, report.accepted) == ("connections", 2, 2)
    assert "Last Name" in report.details["columns missing"]
    people = ingested.people
    assert people["source"].eq("connections").all()
    assert people["connected_on"].notna().all()  # not lost, as the alumni reader lost it
    assert people["first_name"].tolist() == ["Ana", "Bo"]


@pytest.mark.parametrize(
    ("header", "connections"),
    [
        ("First Name,Company,Position,Connected On", True),  # Connected On + usual columns
        ("Name,URL,Email Address,Company", True),  # two distinctive columns
        ("First Name,Last Name,Company,Position", False),  # an alumni list
        ("First Name,Last Name,Email Address,Class Year", False),  # one distinctive: alumni
    ],
)
def test_connections_are_recognised_by_their_distinctive_columns(tmp_path, header, connections):
    path = tmp_path / "people.csv"
    path.write_text(header + "\nAna,Acme,x,08 Jan 2024\n", encoding="utf-8")
    assert is_linkedin(path) is connections


# 4. No name column ----------------------------------------------------------------------------


def test_no_name_column_is_said_plainly_and_company_never_proposed(tmp_path) -> None:
    path = tmp_path / "export renamed.csv"
    path.write_text("Company,Position\nAcme,Analyst\nGlobex,Engineer\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_any([path], Settings())
    message = error.value.message
    assert "no column holds people's names" in message
    assert "full_name" not in message and '"Company" =' not in message
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "no column holds people's names" in result.output


def test_connections_without_any_name_column_say_so(tmp_path) -> None:
    data = f"URL,Company,Connected On\n{IN}ana,Acme,08 Jan 2024\n".encode()
    with pytest.raises(InputError, match="has no column of names \\(First Name or Last Name\\)"):
        read_connections(data, "Connections.csv")


# 5. Display text as typed -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Brand™ Labs", "Brand™ Labs"),  # not "BrandTM Labs"
        ("Acme\u200b Inc.", "Acme Inc."),  # zero-width characters go
        ("Ｆｕｌｌ width", "Full width"),  # folding that changes nothing a reader sees
    ],
)
def test_company_and_title_text_kept_as_typed(typed, shown) -> None:
    import pandas as pd

    assert clean_text(pd.Series([typed])).tolist() == [shown]


def test_emoji_between_words_leaves_one_space_and_credentials_leave_names() -> None:
    assert clean_display("Yi🌍Jun") == "Yi Jun"
    assert clean_display("Jo👍🏽 Sá") == "Jo Sá"  # the skin tone goes with its emoji
    got = _read("connections_display_text.csv").people.set_index("source_row")
    assert got.loc[7, ["last_name", "credentials"]].tolist() == ["Ng", "CPA (Canada)"]
    assert got.loc[8, ["last_name", "credentials"]].tolist() == ["Wu", "MBA, PMP"]
    assert got.loc[5, "company"] == "Brand™ Labs"


# 6. CSV for scripts: --raw --------------------------------------------------------------------


def test_ingest_out_keeps_the_guard_by_default_and_raw_writes_text_as_read(tmp_path) -> None:
    source = tmp_path / "Connections.csv"
    source.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        f"Ana,Ruiz,{IN}-ana-ruiz,,=HYPERLINK(1),@Lead,08 Jan 2024\n",
        encoding="utf-8",
    )
    guarded, raw = tmp_path / "people.csv", tmp_path / "people-raw.csv"
    assert runner.invoke(app, ["ingest", str(source), "--out", str(guarded)]).exit_code == 0
    assert runner.invoke(app, ["ingest", str(source), "--out", str(raw), "--raw"]).exit_code == 0
    safe = next(csv.DictReader(guarded.open(encoding="utf-8")))
    plain = next(csv.DictReader(raw.open(encoding="utf-8")))
    assert (safe["linkedin_slug"], safe["company"], safe["title"]) == (
        "'-ana-ruiz",
        "'=HYPERLINK(1)",
        "'@Lead",
    )
    assert (plain["linkedin_slug"], plain["company"], plain["title"]) == (
        "-ana-ruiz",
        "=HYPERLINK(1)",
        "@Lead",
    )
    help_text = " ".join(runner.invoke(app, ["ingest", "--help"]).output.split())
    assert "--raw" in help_text and "UNSAFE to open in a spreadsheet" in help_text
