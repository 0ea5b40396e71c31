"""Shared builders of tiny frames, so each test states only the columns it cares about."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pipeline.ingest.ledger import people_frame

TODAY = date(2026, 11, 28)


def people(*rows: dict) -> pd.DataFrame:
    """A People frame from dicts; record_id, source_row and full_name are filled in."""
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


@pytest.fixture
def today() -> date:
    return TODAY


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    """A zip at ``path`` holding ``members`` (name -> bytes), as a LinkedIn archive would."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def make_folder(root: Path, members: dict[str, bytes]) -> Path:
    """The same members as files under ``root``: an extracted archive."""
    for name, data in members.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root
