"""A file given in the wrong place is refused with one sentence naming where it belongs.

Each case is a real mix-up of downloads; the kind is told by content, whatever the file is named.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.ingest import kinds
from pipeline.progress import without_progress

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "pipeline" / "sample"
ARCHIVE = SAMPLE / "Basic_LinkedInDataExport_11-28-2026.zip"
ALUMNI = SAMPLE / "alumni.xlsx"
LAMP = ROOT / "fixtures" / "targets" / "lamp_template.xlsx"
runner = CliRunner()


@pytest.fixture
def connections(tmp_path) -> Path:
    with zipfile.ZipFile(ARCHIVE) as archive:
        path = tmp_path / "Connections.csv"
        path.write_bytes(archive.read("Connections.csv"))
    return path


def refused(args: list[str], tmp_path: Path) -> str:
    """The error line of a shortlist run that must refuse its input; nothing may be written."""
    out = tmp_path / "out" / "shortlist.xlsx"
    result = runner.invoke(app, ["shortlist", *map(str, args), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert not out.exists()
    lines = without_progress(result.stderr).strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def test_connections_csv_given_as_alumni_belongs_to_the_export(tmp_path, connections):
    line = refused([ARCHIVE, "--alumni", connections], tmp_path)
    assert "Connections.csv is your LinkedIn connections, not an alumni list" in line
    assert "EXPORT=" in line and "first argument" in line


def test_a_renamed_connections_file_is_still_recognised(tmp_path, connections):
    renamed = connections.rename(tmp_path / "waterloo people.csv")
    line = refused(["--alumni", renamed], tmp_path)
    assert "waterloo people.csv is your LinkedIn connections" in line


def test_connections_saved_as_a_workbook_given_as_alumni(tmp_path, connections):
    wb = Workbook()
    ws = wb.active
    for row in connections.read_text("utf-8").splitlines()[3:8]:
        ws.append(row.split(","))
    wb.save(tmp_path / "my network.xlsx")
    line = refused([ARCHIVE, "--alumni", tmp_path / "my network.xlsx"], tmp_path)
    assert "my network.xlsx is your LinkedIn connections, not an alumni list" in line


def test_the_archive_given_as_alumni_belongs_to_the_export(tmp_path):
    line = refused(["--alumni", ARCHIVE], tmp_path)
    assert "is a LinkedIn archive, not an alumni list" in line and "EXPORT=" in line


def test_an_alumni_workbook_given_as_the_export_belongs_to_alumni(tmp_path):
    line = refused([ALUMNI], tmp_path)
    assert "alumni.xlsx is a spreadsheet (an alumni list?), not a LinkedIn export" in line
    assert "--alumni" in line
    assert "not a text file" not in line and "save it as" not in line


def test_an_alumni_workbook_renamed_to_csv_is_still_a_spreadsheet(tmp_path):
    renamed = tmp_path / "Connections.csv"
    shutil.copyfile(ALUMNI, renamed)
    assert kinds.sniff(renamed) == kinds.SPREADSHEET
    assert "is a spreadsheet (an alumni list?)" in refused([renamed], tmp_path)


def test_a_lamp_list_given_as_the_export_or_as_alumni_belongs_to_targets(tmp_path):
    assert "list of target employers" in refused([LAMP], tmp_path)
    line = refused([ARCHIVE, "--alumni", LAMP], tmp_path)
    assert "lamp_template.xlsx is a list of target employers" in line and "--targets" in line


def test_right_files_in_the_right_places_are_accepted(tmp_path, connections):
    assert kinds.sniff(ARCHIVE) == kinds.ARCHIVE
    assert kinds.sniff(ALUMNI) == kinds.SPREADSHEET
    assert kinds.sniff(connections) == kinds.CONNECTIONS
    kinds.check_export(connections)
    kinds.check_alumni(ALUMNI)
    out = tmp_path / "s.xlsx"
    result = runner.invoke(
        app, ["shortlist", str(connections), "--alumni", str(ALUMNI), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.is_file()


def test_one_alumni_list_given_twice_is_refused(tmp_path):
    copy = tmp_path / "alumni.xlsx"
    shutil.copyfile(ALUMNI, copy)
    line = refused(
        [ARCHIVE, "--alumni", copy, "--alumni", tmp_path / "." / "alumni.xlsx"], tmp_path
    )
    assert line == (
        "Error: alumni.xlsx is given twice; give each file once (was one of the two paths meant "
        "to be another file?)."
    )
    linked = tmp_path / "the same list.xlsx"
    linked.hardlink_to(copy)  # another name, one file
    assert "the same list.xlsx is given twice" in refused(
        [ARCHIVE, "--alumni", copy, "--alumni", linked], tmp_path
    )


def test_two_copies_of_one_list_are_two_files(tmp_path):
    first, second = tmp_path / "alumni.xlsx", tmp_path / "alumni (1).xlsx"
    shutil.copyfile(ALUMNI, first)
    shutil.copyfile(ALUMNI, second)
    out = tmp_path / "s.xlsx"
    args = [str(ARCHIVE), "--alumni", str(first), "--alumni", str(second), "--out", str(out)]
    result = runner.invoke(app, ["shortlist", *args, "--no-history"])
    assert result.exit_code == 0, result.output
    assert "given twice" not in result.output


def test_the_archive_given_again_as_alumni_says_where_it_belongs(tmp_path):
    line = refused([ARCHIVE, "--alumni", ARCHIVE], tmp_path)
    assert "is a LinkedIn archive, not an alumni list" in line


def test_link_refuses_one_file_given_as_both_tables(tmp_path):
    out = tmp_path / "matches.csv"
    result = runner.invoke(app, ["link", str(ALUMNI), str(ALUMNI), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "alumni.xlsx is given twice" in without_progress(result.stderr)
    assert not out.exists()
