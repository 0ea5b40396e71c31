"""The Ledger past a worksheet's 1,048,576 rows: summarised, never cut silently (issue 16, 8)."""

from __future__ import annotations

import re

import pandas as pd

from pipeline.ingest.ledger import EXCEL_ROWS, fit_ledger


def _ledger(reasons: dict[str, int]) -> pd.DataFrame:
    rows = [(r, n) for r, count in reasons.items() for n in range(count)]
    return pd.DataFrame(
        {
            "source_file": pd.Series(["alumni.csv"] * len(rows), dtype="str"),
            "source_row": pd.Series([n + 2 for _, n in rows], dtype="int64"),
            "outcome": pd.Series(["rejected"] * len(rows), dtype="str"),
            "reason": pd.Series([r for r, _ in rows], dtype="str"),
        }
    )


def test_a_ledger_that_fits_is_unchanged() -> None:
    ledger = _ledger({"no name": 5})
    assert fit_ledger(ledger, 5) is ledger


def test_a_ledger_too_long_is_summarised_and_every_row_accounted_for() -> None:
    ledger = _ledger({"no name": 50, "empty row": 5})
    fitted = fit_ledger(ledger, 20)
    assert len(fitted) <= 20
    assert list(fitted.columns) == list(ledger.columns)
    assert dict(fitted.dtypes) == dict(ledger.dtypes)
    more = fitted["reason"].str.extract(r"and ([\d,]+) more rows like it", expand=False)
    summarised = more.dropna().str.replace(",", "").astype(int).sum()
    assert (fitted["reason"].str.contains("more rows like it")).sum() >= 1
    assert len(fitted) - more.notna().sum() + summarised == len(ledger)
    summary = fitted.loc[more.notna()].iloc[0, 3]
    assert re.search(r"lines \d+ to \d+: more than a sheet holds", summary)
    assert "empty row" in set(fitted["reason"].str.split(" \\(").str[0])  # no reason vanishes


def test_excel_limit_is_the_sheet_limit() -> None:
    assert EXCEL_ROWS == 1_048_576
