"""The whole LinkedIn archive as users download it: names, layouts, missing files, folder == zip."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.errors import InputError
from pipeline.ingest.linkedin import read_export
from pipeline.ingest.profile import read_profile

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "linkedin"
CONNECTIONS = (FIXTURES / "connections_current.csv").read_bytes()
PROFILE = (
    b"First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,Zip Code,"
    b"Geo Location,Twitter Handles,Websites,Instant Messengers\n"
    b"Robin,Vale,,,,Student at Somewhere U,,Higher Education,,,,,\n"
)
EDUCATION = (
    b"School Name,Start Date,End Date,Notes,Degree Name,Activities\n"
    b"Somewhere U,2021,2025,,Bachelor of Science - BS,\n"
)
MAX = 500_000_000


@pytest.mark.parametrize(
    "zip_name",
    [
        "Basic_LinkedInDataExport_11-28-2026.zip",
        "Complete_LinkedInDataExport_01-05-2026.zip",
        "Initial_LinkedInDataExport_3-7-2025.zip",
        "Basic_LinkedInDataExport_11-28-2026 (1).zip",
        "my linkedin.zip",  # renamed by the user: the content decides
    ],
)
@pytest.mark.parametrize("top", ["", "Basic_LinkedInDataExport_11-28-2026/"])
def test_archive_names_and_top_folder(tmp_path: Path, zip_name: str, top: str, make_zip) -> None:
    members = {
        f"{top}Connections.csv": CONNECTIONS,
        f"{top}Profile.csv": PROFILE,
        f"{top}Education.csv": EDUCATION,
        f"{top}Jobs/Job Applications.csv": b"Application Date,Company Name\n",
    }
    got, export = read_export(make_zip(tmp_path / zip_name, members), max_bytes=MAX)
    report = got.reports[0]
    assert (report.file, report.read, report.accepted, report.rejected) == (
        "Connections.csv",
        9,
        8,
        1,
    )
    assert got.people["source_row"].iloc[0] == 5
    assert export is not None
    me = read_profile(export)
    assert (me.name, me.industry, me.grad_year()) == ("Robin Vale", "Higher Education", 2025)


@pytest.mark.parametrize(
    ("connections", "profile"),
    [
        ("connections.CSV", "PROFILE.csv"),
        ("Connections_2.csv", "Profile (1).csv"),
        ("connections 1.csv", "profile_3.csv"),
    ],
)
def test_member_names_are_matched_loosely(
    tmp_path: Path, connections: str, profile: str, make_zip
) -> None:
    path = make_zip(tmp_path / "export.zip", {connections: CONNECTIONS, profile: PROFILE})
    got, export = read_export(path, max_bytes=MAX)
    assert got.reports[0].accepted == 8
    assert export is not None and read_profile(export).name == "Robin Vale"


def test_only_connections_present_gives_an_empty_profile(tmp_path: Path, make_zip) -> None:
    path = tmp_path / "Basic_LinkedInDataExport_11-28-2026.zip"
    path = make_zip(path, {"Connections.csv": CONNECTIONS})
    got, export = read_export(path, max_bytes=MAX)
    assert got.reports[0].accepted == 8
    me = read_profile(export)
    assert (me.name, me.education, me.positions, me.grad_year()) == ("", (), (), None)


def test_extracted_folder_reads_exactly_like_the_zip(tmp_path: Path, make_folder, make_zip) -> None:
    members = {
        "Basic_LinkedInDataExport_11-28-2026/Connections.csv": CONNECTIONS,
        "Basic_LinkedInDataExport_11-28-2026/Profile.csv": PROFILE,
        "Basic_LinkedInDataExport_11-28-2026/Education.csv": EDUCATION,
    }
    from_zip, zip_export = read_export(make_zip(tmp_path / "a.zip", members), max_bytes=MAX)
    folder = make_folder(tmp_path / "unzipped", members)
    from_folder, folder_export = read_export(folder, max_bytes=MAX)
    pd.testing.assert_frame_equal(from_zip.people, from_folder.people)
    pd.testing.assert_frame_equal(from_zip.ledger, from_folder.ledger)
    assert from_zip.reports == from_folder.reports
    assert read_profile(zip_export) == read_profile(folder_export)
    # The folder the zip unpacks into, given one level up, works too.
    again, _ = read_export(folder / "Basic_LinkedInDataExport_11-28-2026", max_bytes=MAX)
    pd.testing.assert_frame_equal(from_zip.people, again.people)


def test_archive_without_connections_says_what_to_download(tmp_path: Path, make_zip) -> None:
    path = make_zip(tmp_path / "Basic_LinkedInDataExport_11-28-2026.zip", {"Profile.csv": PROFILE})
    with pytest.raises(InputError, match=r"holds no Connections\.csv; download the archive again"):
        read_export(path, max_bytes=MAX)


@pytest.mark.parametrize("bad", ["/etc/Connections.csv", "../Connections.csv", "a/../../x.csv"])
def test_unsafe_members_refuse_the_whole_archive(tmp_path: Path, bad: str, make_zip) -> None:
    path = make_zip(tmp_path / "export.zip", {"Connections.csv": CONNECTIONS, bad: b"x"})
    with pytest.raises(InputError, match=r"^export\.zip contains a file with an unsafe path"):
        read_export(path, max_bytes=MAX)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.zip"]  # nothing extracted


def test_size_bound_names_the_setting(tmp_path: Path, make_zip) -> None:
    path = make_zip(tmp_path / "export.zip", {"Connections.csv": CONNECTIONS * 50})
    with pytest.raises(InputError, match=r"raise \[ingest\] max_archive_mb"):
        read_export(path, max_bytes=10_000)
    loose = tmp_path / "Connections.csv"
    loose.write_bytes(CONNECTIONS * 50)
    with pytest.raises(
        InputError, match=r"^Connections\.csv is 0\.06 MB, more than the 0\.01 MB allowed"
    ):
        read_export(loose, max_bytes=10_000)
