"""Shared fixtures: tiny-frame builders and archive makers, so a test states only what it needs.

Tests never import this module; they name a fixture as a parameter (``people``, ``today``,
``make_zip``, ``make_folder``) and pytest passes it in. They are session-scoped (each is a
constant or a pure builder), so module-scoped fixtures may use them too.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pipeline.ingest.ledger import people_frame

# Every date-dependent test runs on the sample export's own date, so career years never drift.
TODAY = date(2026, 11, 28)


def _people(*rows: dict) -> pd.DataFrame:
    n = len(rows)
    columns: dict[str, object] = {}
    keys = {k for r in rows for k in r}
    for key in keys:
        values = [r.get(key, pd.NA if key == "grad_year" else "") for r in rows]
        columns[key] = pd.array(values, dtype="Int64") if key == "grad_year" else values
    frame = people_frame(columns, n)
    frame["source"] = [r.get("source", "connections") for r in rows]
    frame["source_file"] = [
        r.get("source_file", f"{r.get('source', 'connections')}.csv") for r in rows
    ]
    frame["source_row"] = range(5, 5 + n)
    frame["record_id"] = frame["source"] + ":" + frame["source_row"].astype(str)
    frame["full_name"] = (frame["first_name"] + " " + frame["last_name"]).str.strip()
    return frame


@pytest.fixture(scope="session")
def people() -> Callable[..., pd.DataFrame]:
    """A builder: ``people({...}, ...)`` is a People frame, record_id and full_name filled."""
    return _people


@pytest.fixture(scope="session")
def today() -> date:
    """The fixed 'today' of every date-dependent test (the sample export's date)."""
    return TODAY


def _make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _make_folder(root: Path, members: dict[str, bytes]) -> Path:
    for name, data in members.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


@pytest.fixture(scope="session")
def make_zip() -> Callable[[Path, dict[str, bytes]], Path]:
    """A maker: ``make_zip(path, {name: bytes})`` writes a zip as a LinkedIn archive would."""
    return _make_zip


@pytest.fixture(scope="session")
def make_folder() -> Callable[[Path, dict[str, bytes]], Path]:
    """A maker: ``make_folder(root, {name: bytes})`` writes the members as an unpacked archive."""
    return _make_folder
