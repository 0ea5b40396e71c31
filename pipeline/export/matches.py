"""matches.csv (``prospects link --out``): linked pairs with their evidence, injection-safe."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from pipeline.export.cells import safe_csv_text
from pipeline.export.csv_fields import safe_csv_arrow
from pipeline.export.files import replace_atomically
from pipeline.text.arrow_text import STR


def write_matches_csv(
    pairs: pd.DataFrame, path: Path, check: Callable[[], object] | None = None
) -> Path:
    """Write ``pairs`` (pipeline.link.explain's layout: left_file, left_row, right_file,
    right_row, probability, one column per comparison ...) as UTF-8 CSV, atomically.
    ``check``: called before the old file is replaced (``replace_atomically``)."""
    frame = pairs.copy()
    for col in frame.columns:
        if frame[col].dtype == "str" or frame[col].dtype == object:
            # Column-wise: the text that needs nothing (nearly all) is found by one match in
            # Arrow, the rest goes through safe_csv_text (was: it, per distinct value, for the
            # names and jobs of 30,000 pairs at the large size).
            fields = safe_csv_arrow(frame[col])
            frame[col] = pd.Series(pd.array(fields, dtype=STR), index=frame.index, copy=False)
    frame.columns = [safe_csv_text(c) for c in frame.columns]
    return replace_atomically(
        Path(path),
        lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8"),
        backup=False,
        check=check,
    )
