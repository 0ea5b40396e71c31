"""The Settings sheet shows the graduation year the run read from the profile, not 0."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from pipeline import run, settings


def test_settings_sheet_shows_grad_year_read_from_the_profile(tmp_path: Path) -> None:
    result = run.shortlist(run.Inputs.sample(), settings.load(run.SAMPLE_CONFIG))
    assert result.settings.me.grad_year == 0  # the sample's settings leave it to the profile
    path = run.write(result, tmp_path / "s.xlsx")
    rows = {r[0]: r[1] for r in load_workbook(path)["Settings"].iter_rows(values_only=True)}
    assert rows["me.grad_year"] == f"{result.context.my_grad_year} (from your profile)"
    assert result.context.my_grad_year and result.context.my_grad_year > 2000


def test_a_grad_year_set_in_the_settings_is_shown_as_set(tmp_path: Path) -> None:
    config = tmp_path / "s.toml"
    config.write_text("[me]\ngrad_year = 2019\n", encoding="utf-8")
    result = run.shortlist(run.Inputs.sample(), settings.load(config))
    assert dict(run.settings_rows(result))["me.grad_year"] == "2019"
