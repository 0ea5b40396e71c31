"""Linkage tests' records from the synthetic generator (fixtures/linkage/generate.py), loaded
once and shared, with the blocking columns a link stage would add."""

import importlib.util
from datetime import date
from pathlib import Path

import pandas as pd

from pipeline.link.block import blocking_columns
from pipeline.normalize import normalize
from pipeline.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "linkage_generate_shared", ROOT / "fixtures" / "linkage" / "generate.py"
)
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)


def blocking_frame(connections: int, alumni: int, seed: int = 5) -> pd.DataFrame:
    """``connections`` LinkedIn rows and ``alumni`` alumni rows, normalized as of 2026-11-28,
    with ``blocking_columns``."""
    people = generate.people(generate.make(connections, alumni, seed=seed))
    return blocking_columns(normalize(people, Settings(), date(2026, 11, 28)))
