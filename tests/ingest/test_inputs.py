"""read_inputs and Inputs.of: one way to read the user's files, each in its role."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from pipeline.errors import InputError
from pipeline.ingest import Inputs, read_inputs, role_of
from pipeline.ingest.inputs import SAMPLE_ALUMNI, SAMPLE_EXPORT
from pipeline.settings import Settings


def _workbook(path: Path, sheet: str) -> Path:
    book = Workbook()
    book.active.title = sheet
    book.active.append(["Name", "Company"])
    book.save(path)
    return path


def test_roles_are_recognised_by_content(tmp_path: Path) -> None:
    previous = _workbook(tmp_path / "mine.xlsx", "Shortlist")
    alumni = _workbook(tmp_path / "club.xlsx", "Members")
    inputs = Inputs.of([alumni, SAMPLE_EXPORT, previous])
    assert inputs.export == SAMPLE_EXPORT
    assert inputs.alumni == (alumni,)
    assert inputs.previous == previous
    assert role_of(previous) == "previous" and role_of(alumni) == "alumni"


def test_two_previous_workbooks_are_one_sentence(tmp_path: Path) -> None:
    a = _workbook(tmp_path / "a.xlsx", "Shortlist")
    b = _workbook(tmp_path / "b.xlsx", "Shortlist")
    with pytest.raises(InputError, match="both shortlist workbooks"):
        Inputs.of([a, b])


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.csv does not exist"):
        read_inputs(Inputs(alumni=(tmp_path / "nope.csv",)), Settings())


def test_the_sample_read_accounts_for_every_row_and_finds_me() -> None:
    heard: list[str] = []
    read = read_inputs(Inputs(SAMPLE_EXPORT, (SAMPLE_ALUMNI,)), Settings(), heard.append)
    assert heard == ["Reading the LinkedIn export", f"Reading {SAMPLE_ALUMNI.name}"]
    assert read.profile is not None and read.lamp is None and read.previous is None
    for r in read.ingested.reports:
        assert r.read == r.accepted + r.rejected
    assert sum(r.accepted for r in read.ingested.reports) == len(read.ingested.people)
