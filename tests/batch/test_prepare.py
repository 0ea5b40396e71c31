"""prospects prepare: the alumni database read, normalized and deduplicated once, as Parquet."""

from __future__ import annotations

import pandas as pd
import pytest
from centre_data import TODAY
from typer.testing import CliRunner

from pipeline import run
from pipeline.batch.dataset import is_dataset, load, prepare
from pipeline.cli import app
from pipeline.errors import OutputError

pytest_plugins = ["centre_data"]  # the tiny inputs and their fixtures


def test_prepare_reports_rows_read_set_aside_and_merged(alumni_csv, centre_settings, tmp_path):
    report = prepare([alumni_csv], centre_settings, tmp_path / "a.parquet", today=TODAY)
    assert (report.read, report.set_aside, report.records, report.prospects) == (63, 2, 61, 60)
    assert sum(report.reasons.values()) == 2
    assert any("duplicate" in r for r in report.reasons)
    assert "Merged 1 duplicate records: 60 distinct alumni." in report.lines()


def test_dataset_keeps_ids_cleaned_fields_keys_and_the_ingest_report(dataset):
    d = load(dataset)
    assert is_dataset(dataset)
    assert len(d.prospects) == 60 and len(d.records) == 61
    assert d.prospects["prospect_id"].is_unique
    # every record belongs to a prospect, and the twin's two records to the same one
    assert set(d.records["prospect_id"]) == set(d.prospects["prospect_id"])
    twin = d.records[d.records["first_name"].eq("Hal") & d.records["last_name"].eq("Park")]
    assert len(twin) == 2 and twin["prospect_id"].nunique() == 1
    for column in ("company_key", "role_family", "seniority", "career_years"):
        assert column in d.prospects and column in d.records
    assert "name_key" in d.records  # the keys the next dedupe or link needs
    assert d.prospects["company_key"].dtype == "str"
    assert d.reports[0].read == 63 and d.reports[0].rejected == 2
    assert set(d.ledger["outcome"]) == {"rejected"} and len(d.ledger) == 2
    assert d.sources[0][0] == "alumni.csv" and len(d.sources[0][1]) == 64
    assert d.prepared_on == TODAY


def _ranked(inputs: run.Inputs, settings) -> pd.DataFrame:
    result = run.shortlist(inputs, settings, today=TODAY)
    return result.ranked[["prospect_id", "score"]].reset_index(drop=True)


@pytest.mark.parametrize("export", [None, run.SAMPLE_EXPORT], ids=["alumni only", "with export"])
def test_the_dataset_ranks_like_the_list_it_was_made_from(
    export, alumni_csv, dataset, centre_settings
):
    from dataclasses import replace

    settings = replace(
        centre_settings,
        targets=replace(centre_settings.targets, roles=("data scientist",), companies=("Google",)),
    )
    from_list = _ranked(run.Inputs(export, (alumni_csv,)), settings)
    from_dataset = _ranked(run.Inputs(export, (dataset,)), settings)
    pd.testing.assert_frame_equal(from_list, from_dataset)
    assert len(from_dataset) >= 60


def test_prepare_never_writes_over_an_input_or_another_folder(
    alumni_csv, centre_settings, tmp_path
):
    with pytest.raises(OutputError, match="is one of the inputs"):
        prepare([alumni_csv], centre_settings, alumni_csv)
    other = tmp_path / "photos"
    other.mkdir()
    (other / "keep.jpg").write_bytes(b"x")
    with pytest.raises(OutputError, match="not a prepared alumni dataset"):
        prepare([alumni_csv], centre_settings, other)
    assert (other / "keep.jpg").read_bytes() == b"x"


def test_preparing_again_replaces_the_dataset_whole(alumni_csv, centre_settings, tmp_path):
    out = tmp_path / "alumni.parquet"
    prepare([alumni_csv], centre_settings, out, today=TODAY)
    prepare([alumni_csv], centre_settings, out, today=TODAY)
    assert len(load(out).prospects) == 60
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alumni.parquet"]


def test_prepare_command_prints_counts_and_no_names(alumni_csv, tmp_path):
    out = tmp_path / "alumni.parquet"
    result = CliRunner().invoke(app, ["prepare", str(alumni_csv), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Read 63 rows from 1 file(s): 61 people, 2 set aside." in result.output
    assert "60 distinct alumni" in result.output and is_dataset(out)
    assert "Park" not in result.output and "example.org" not in result.output


def test_prepare_command_missing_file_is_one_sentence(tmp_path):
    result = CliRunner().invoke(
        app, ["prepare", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "x")]
    )
    assert result.exit_code == 1
    assert "nope.csv does not exist" in result.output and "Traceback" not in result.output


def test_alumni_option_accepts_a_dataset_in_shortlist(dataset, tmp_path):
    out = tmp_path / "shortlist.xlsx"
    result = CliRunner().invoke(
        app, ["shortlist", str(run.SAMPLE_EXPORT), "--alumni", str(dataset), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.is_file()
    from openpyxl import load_workbook

    ws = load_workbook(out, read_only=True)["Settings"]
    cells = {c for row in ws.iter_rows(values_only=True) for c in row}
    assert "alumni.csv" in cells  # the dataset is listed by the list it was made from
