"""The People frame as a CSV file (``prospects ingest --out``), with the same injection safety."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline import schema
from pipeline.export.cells import safe_csv_text
from pipeline.export.files import replace_atomically


def write_people_csv(people: pd.DataFrame, path: Path, *, raw: bool = False) -> Path:
    """Canonical People columns first, then extras; UTF-8; written atomically.

    Every text cell and header goes through safe_csv_text, so a spreadsheet cannot run one as a
    formula ("-slug" is written "'-slug"). ``raw=True`` writes the text exactly as read, for
    scripts: such a file is unsafe to open in a spreadsheet.
    """
    path = Path(path)
    ordered = [*schema.PEOPLE, *(c for c in people.columns if c not in schema.PEOPLE)]
    frame = people.reindex(columns=ordered).copy()
    frame["connected_on"] = frame["connected_on"].dt.strftime("%Y-%m-%d").fillna("")
    if not raw:
        for col in frame.columns:
            if frame[col].dtype == "str" or frame[col].dtype == object:
                frame[col] = frame[col].map(safe_csv_text)
        # Extra columns keep the input's own headers, which a hostile file can make formulas.
        frame.columns = [safe_csv_text(c) for c in frame.columns]

    return replace_atomically(
        path, lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8"), backup=False
    )
