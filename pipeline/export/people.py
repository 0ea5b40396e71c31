"""The People frame as a CSV file (``prospects ingest --out``), with the same injection safety."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline import schema
from pipeline.export.cells import safe_csv_text
from pipeline.export.files import replace_atomically


def write_people_csv(people: pd.DataFrame, path: Path) -> Path:
    """Canonical People columns first, then extras; UTF-8; written atomically."""
    path = Path(path)
    ordered = [*schema.PEOPLE, *(c for c in people.columns if c not in schema.PEOPLE)]
    frame = people.reindex(columns=ordered).copy()
    for col in frame.columns:
        if frame[col].dtype == "str" or frame[col].dtype == object:
            frame[col] = frame[col].map(safe_csv_text)
    frame["connected_on"] = frame["connected_on"].dt.strftime("%Y-%m-%d").fillna("")
    return replace_atomically(
        path, lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8"), backup=False
    )
