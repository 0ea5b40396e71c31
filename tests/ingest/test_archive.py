"""Tests for pipeline.ingest.archive: loose member names, folders, and zip safety."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.ingest.archive import (
    CORE_FILES,
    is_export_zip_name,
    logical_key,
    open_export,
)

ZIP_NAME = "Basic_LinkedInDataExport_11-28-2026.zip"


@pytest.mark.parametrize(
    ("member", "key"),
    [
        ("Connections.csv", "connections"),
        ("connections.CSV", "connections"),
        ("Email Addresses.csv", "email addresses"),
        ("email_addresses.csv", "email addresses"),
        ("Email_Addresses_2.csv", "email addresses"),
        ("Shares_997361.csv", "shares"),
        ("Connections (1).csv", "connections"),
        ("Export/Jobs/Job Applications.csv", "job applications"),
        ("Rich_Media.csv", "rich media"),
    ],
)
def test_logical_key(member: str, key: str) -> None:
    assert logical_key(member) == key


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Basic_LinkedInDataExport_11-28-2026.zip", True),
        ("Complete_LinkedInDataExport_01-02-2025.zip", True),
        ("Initial_LinkedInDataExport_1-2-2025.zip", True),
        ("Basic_LinkedInDataExport_11-28-2026 (1).zip", True),
        ("basic_linkedindataexport_11-28-2026.ZIP", True),
        ("Basic_LinkedInDataExport_11-28-2026.csv", False),
        ("Connections.zip", False),
        ("Basic_LinkedInDataExport.zip", False),
    ],
)
def test_is_export_zip_name(name: str, expected: bool) -> None:
    assert is_export_zip_name(name) is expected


MEMBERS = {
    "Connections.csv": b"connections",
    "Profile.csv": b"profile",
    "Email_Addresses.csv": b"emails",
    "Shares_997361.csv": b"shares",
    "Jobs/Job Applications.csv": b"jobs",
    "Jobs/Connections.csv": b"not the core connections",
    "Articles/Articles/draft.html": b"<p>",
    "Invitations.csv": b"invitations",
    "Invitations_2.csv": b"older invitations",
}


@pytest.mark.parametrize("kind", ["zip", "folder"])
def test_zip_and_folder_behave_identically(
    tmp_path: Path, kind: str, make_folder, make_zip
) -> None:
    if kind == "zip":
        path = make_zip(tmp_path / ZIP_NAME, MEMBERS)
    else:
        path = make_folder(tmp_path / "Basic_LinkedInDataExport_11-28-2026", MEMBERS)
    export = open_export(path)
    assert export.name == path.name
    assert export.members == {
        "connections": "Connections.csv",
        "email addresses": "Email_Addresses.csv",
        "invitations": "Invitations.csv",
        "job applications": "Jobs/Job Applications.csv",
        "profile": "Profile.csv",
        "shares": "Shares_997361.csv",
    }
    assert export.read("connections") == b"connections"
    assert export.read("invitations") == b"invitations"
    assert export.read("email addresses") == b"emails"
    assert export.read("positions") is None


@pytest.mark.parametrize("kind", ["zip", "folder"])
def test_files_under_one_top_level_folder(tmp_path: Path, kind: str, make_folder, make_zip) -> None:
    inner = {f"Basic_LinkedInDataExport_11-28-2026/{k}": v for k, v in MEMBERS.items()}
    inner["__MACOSX/Basic_LinkedInDataExport_11-28-2026/._Connections.csv"] = b"junk"
    if kind == "zip":
        path = make_zip(tmp_path / "export.zip", inner)
    else:
        path = make_folder(tmp_path / "unzipped", inner)
    export = open_export(path)
    assert export.members["connections"] == "Basic_LinkedInDataExport_11-28-2026/Connections.csv"
    assert export.read("connections") == b"connections"
    assert export.read("profile") == b"profile"


def test_core_files_are_not_taken_from_subfolders(tmp_path: Path, make_zip) -> None:
    path = make_zip(tmp_path / ZIP_NAME, {"Jobs/Connections.csv": b"x", "Profile.csv": b"p"})
    assert "connections" not in open_export(path).members


def test_suffixed_member_used_when_it_is_the_only_one(tmp_path: Path, make_zip) -> None:
    path = make_zip(tmp_path / ZIP_NAME, {"connections_2.csv": b"c2", "Skills.csv": b"s"})
    export = open_export(path)
    assert export.read("connections") == b"c2"
    assert {"connections", "skills"} <= set(export.members)
    assert len(CORE_FILES) == 7


@pytest.mark.parametrize(
    "bad", ["../evil.csv", "Export/../../evil.csv", "/etc/evil.csv", "C:/evil.csv", "..\\evil.csv"]
)
def test_unsafe_member_paths_are_refused(tmp_path: Path, bad: str) -> None:
    path = tmp_path / ZIP_NAME
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Connections.csv", b"ok")
        archive.writestr(zipfile.ZipInfo(bad), b"evil")
    with pytest.raises(InputError, match=rf"^{ZIP_NAME} contains a file with an unsafe path"):
        open_export(path)
    assert not (tmp_path / "evil.csv").exists()


def test_declared_size_over_limit_is_refused(tmp_path: Path, make_zip) -> None:
    path = make_zip(tmp_path / ZIP_NAME, {"Connections.csv": b"a" * 5_000})
    with pytest.raises(InputError, match="raise \\[ingest\\] max_archive_mb in the settings"):
        open_export(path, max_bytes=1_000)


def test_lying_size_header_is_caught_while_reading(tmp_path: Path, make_zip) -> None:
    path = make_zip(tmp_path / ZIP_NAME, {"Connections.csv": b"a" * 3_000_000})
    # Rewrite the declared sizes in both headers to claim a tiny file (a zip bomb's trick).
    raw = bytearray(path.read_bytes())
    real = (3_000_000).to_bytes(4, "little")
    for offset in range(len(raw) - 3):
        if raw[offset : offset + 4] == real:
            raw[offset : offset + 4] = (10).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    export = open_export(path, max_bytes=1_000_000)
    with pytest.raises(InputError, match=rf"Connections\.csv in {ZIP_NAME}"):
        export.read("connections")


def test_member_bigger_than_limit_while_reading(tmp_path: Path, make_zip) -> None:
    export = open_export(make_zip(tmp_path / ZIP_NAME, {"Connections.csv": b"a" * 3_000_000}))
    small = type(export)(export.name, export.members, export.source, max_bytes=2_000_000)
    with pytest.raises(InputError, match="larger than the 2 MB allowed"):
        small.read("connections")


def test_folder_file_over_limit_is_refused(tmp_path: Path, make_folder) -> None:
    folder = make_folder(tmp_path / "export", {"Connections.csv": b"a" * 5_000})
    export = open_export(folder, max_bytes=1_000)
    with pytest.raises(InputError, match=r"^Connections\.csv in export is larger than"):
        export.read("connections")


@pytest.mark.parametrize("content", [b"not a zip at all", b"PK\x03\x04 truncated", b""])
def test_corrupt_or_non_zip_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / ZIP_NAME
    path.write_bytes(content)
    with pytest.raises(InputError, match=rf"^{ZIP_NAME} is not a readable zip file"):
        open_export(path)


def test_damaged_member_is_reported(tmp_path: Path, make_zip) -> None:
    path = make_zip(tmp_path / ZIP_NAME, {"Connections.csv": b"First Name,Last Name\n" * 2_000})
    raw = bytearray(path.read_bytes())
    raw[100:140] = b"\xff" * 40  # inside the compressed data
    path.write_bytes(bytes(raw))
    export = open_export(path)
    with pytest.raises(InputError, match=r"^Connections\.csv in .* is damaged"):
        export.read("connections")


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=rf"^{ZIP_NAME} was not found"):
        open_export(tmp_path / ZIP_NAME)


def test_error_messages_name_only_the_base_name(tmp_path: Path) -> None:
    path = tmp_path / "private" / ZIP_NAME
    path.parent.mkdir()
    path.write_bytes(b"junk")
    with pytest.raises(InputError) as caught:
        open_export(path)
    assert "private" not in str(caught.value)
