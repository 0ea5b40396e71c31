"""The shipped reference tables under ``pipeline/data/``, read from the installed package."""

from __future__ import annotations

from importlib import resources

import pandas as pd

__all__ = ["read_table"]


def read_table(name: str) -> pd.DataFrame:
    """A CSV of ``pipeline/data`` as strings, empty cells as "" (never NaN).

    >>> read_table("company_placeholders.csv").columns.tolist()[:2]
    ['text', 'match']
    """
    with resources.as_file(resources.files("pipeline.data").joinpath(name)) as path:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
