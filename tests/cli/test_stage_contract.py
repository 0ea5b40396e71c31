"""The typed contract between stages (pipeline/schema.py), checked at each boundary."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline import run, schema
from pipeline.errors import SchemaError


def test_every_stage_hands_over_the_contracts_columns_and_dtypes(monkeypatch, today) -> None:
    monkeypatch.setenv(schema.DEBUG_ENV, "1")  # each stage's own schema.check now checks dtypes
    result = run.shortlist(run.Inputs.sample(), run.load_settings(run.SAMPLE_CONFIG), today=today)
    schema.check_dtypes(result.ingested.people, schema.PEOPLE, "People")
    schema.check_dtypes(result.people, schema.NORMALIZED, "normalized People")
    schema.check_dtypes(result.linked.prospects, schema.PROSPECTS, "Prospects")
    schema.check_dtypes(result.ranked, schema.RANKED, "Ranked")
    schema.check_dtypes(result.ingested.ledger, schema.LEDGER, "Ledger")


def test_a_wrong_dtype_is_named_in_debug_mode_only(monkeypatch) -> None:
    frame = pd.DataFrame({"grad_year": ["2020"]})  # text where the contract says Int64
    schema.check(frame, ["grad_year"], "People")  # names only: fine
    monkeypatch.setenv(schema.DEBUG_ENV, "1")
    with pytest.raises(SchemaError, match="grad_year is str, not Int64"):
        schema.check(frame, ["grad_year"], "People")


def test_empty_frames_follow_the_contract() -> None:
    ledger = schema.empty(schema.LEDGER)
    schema.check_dtypes(ledger, schema.LEDGER, "Ledger")
    assert ledger["source_row"].dtype == "int64"
