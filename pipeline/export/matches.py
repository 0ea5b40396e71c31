"""matches.csv (``prospects link --out``): linked pairs with their evidence, injection-safe."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.export.cells import safe_csv_text
from pipeline.export.files import replace_atomically


def write_matches_csv(pairs: pd.DataFrame, path: Path) -> Path:
    """Write ``pairs`` (pipeline.link.explain's layout: left_file, left_row, right_file,
    right_row, probability, one column per comparison ...) as UTF-8 CSV, atomically."""
    frame = pairs.copy()
    for col in frame.columns:
        if frame[col].dtype == "str" or frame[col].dtype == object:
            # once per distinct value: level labels and file names repeat on every row
            codes, uniques = pd.factorize(frame[col], use_na_sentinel=False)
            safe = np.asarray([safe_csv_text(v) for v in uniques], dtype=object)
            frame[col] = safe[codes] if len(codes) else frame[col]
    frame.columns = [safe_csv_text(c) for c in frame.columns]
    return replace_atomically(
        Path(path), lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8"), backup=False
    )
