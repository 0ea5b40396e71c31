"""read_inputs reads the export's connections on a second thread while it reads Me and a big
alumni list: the same parts, profile and errors as reading them one after the other."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from pipeline.errors import InputError
from pipeline.ingest import Inputs, inputs, read_inputs
from pipeline.ingest.inputs import SAMPLE_ALUMNI, SAMPLE_EXPORT
from pipeline.settings import Settings


@pytest.fixture(scope="module")
def alumni_csv(tmp_path_factory) -> Path:
    """The sample's alumni list as a CSV file (read by Arrow's CSV reader)."""
    path = tmp_path_factory.mktemp("beside") / "alumni.csv"
    pd.read_excel(SAMPLE_ALUMNI, dtype=str, engine="calamine").to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def alumni_copy(tmp_path_factory) -> Path:
    """The sample's alumni workbook under another name (one file is not given twice)."""
    path = tmp_path_factory.mktemp("beside") / "alumni-copy.xlsx"
    path.write_bytes(SAMPLE_ALUMNI.read_bytes())
    return path


def _read(files: Inputs, monkeypatch, *, beside: bool):
    monkeypatch.setattr(inputs, "BESIDE_BYTES", 0 if beside else 1 << 62)
    said: list[str] = []
    return read_inputs(files, Settings(), said.append), said


@pytest.mark.parametrize("csv", [False, True])
def test_threaded_and_serial_reads_are_equal(
    csv: bool, alumni_csv: Path, alumni_copy: Path, monkeypatch
) -> None:
    files = Inputs(SAMPLE_EXPORT, (alumni_csv if csv else alumni_copy, SAMPLE_ALUMNI))
    threaded, said_threaded = _read(files, monkeypatch, beside=True)
    serial, said_serial = _read(files, monkeypatch, beside=False)
    pd.testing.assert_frame_equal(threaded.ingested.people, serial.ingested.people)
    pd.testing.assert_frame_equal(threaded.ingested.ledger, serial.ingested.ledger)
    assert threaded.ingested.reports == serial.ingested.reports
    assert threaded.profile == serial.profile and serial.profile is not None
    assert said_threaded == said_serial
    assert threaded.ingested.reports[0].kind == "connections"  # the export first


def _archive(tmp_path: Path, connections: bytes) -> Path:
    with zipfile.ZipFile(SAMPLE_EXPORT) as sample:
        members = {n: sample.read(n) for n in sample.namelist()}
    path = tmp_path / "Basic_LinkedInDataExport_11-28-2026.zip"
    with zipfile.ZipFile(path, "w") as out:
        for name, data in members.items():
            out.writestr(name, connections if name.endswith("Connections.csv") else data)
    return path


def _error(files: Inputs, monkeypatch, *, beside: bool) -> str:
    with pytest.raises(InputError) as raised:
        _read(files, monkeypatch, beside=beside)
    return raised.value.message


def test_an_error_in_the_connections_thread_reaches_the_caller(tmp_path, monkeypatch) -> None:
    broken = _archive(tmp_path, b"nothing, like, a, header\n1,2,3,4\n")
    files = Inputs(broken, (SAMPLE_ALUMNI,))
    message = _error(files, monkeypatch, beside=True)
    assert message == _error(files, monkeypatch, beside=False)
    assert "Connections.csv" in message


def test_the_connections_error_comes_first_as_when_read_first(tmp_path, monkeypatch) -> None:
    broken = _archive(tmp_path, b"nothing, like, a, header\n1,2,3,4\n")
    empty = tmp_path / "alumni.csv"
    empty.write_bytes(b"")  # its own error, met while the connections are read
    files = Inputs(broken, (empty,))
    message = _error(files, monkeypatch, beside=True)
    assert message == _error(files, monkeypatch, beside=False)
    assert "Connections.csv" in message
    # with good connections the alumni list's error is the one met
    alone = _error(Inputs(SAMPLE_EXPORT, (empty,)), monkeypatch, beside=True)
    assert alone == _error(Inputs(SAMPLE_EXPORT, (empty,)), monkeypatch, beside=False)
    assert "alumni.csv" in alone
