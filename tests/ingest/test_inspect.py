from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.ingest.inspect import inspect_file

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "alumni"
runner = CliRunner()


def test_inspect_file_describes_sheets_mapping_and_sample():
    got = inspect_file(FIXTURES / "advancement_export.xlsx")
    assert dict(got.skipped) == {"Notes": "no header row naming people", "Pivot": "no name column"}
    (view,) = got.tables
    assert (view.sheet, view.header_row, view.read, view.accepted) == ("Alumni", 4, 12, 7)
    assert view.reasons == {"exact duplicate of row 5": 1, "no name": 1, "empty template row": 3}
    fields = {m.column: (m.field, m.via) for m in view.mapping}
    assert fields["Pref Class Year"] == ("preferred_class_year", "exact synonym")
    assert fields["Phone"] == ("", "unmapped")
    assert len(view.sample) == 5
    assert view.sample["name"][3] == "Lana Nguyen (given name Thi Lan)"
    assert view.sample["class"][2] == "1996 also 2002"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("advancement_export.xlsx", ["Sheet “Alumni” · header on row 4", "preferred_class_year",
                                     "Sheet skipped: Pivot (no name column)", "Mary McDonald",
                                     "12 rows: 7 people, 5 set aside"]),
        ("by_class_year.xlsx", ["Class year 2019 for every row, from the sheet name",
                                "Sheets read: Class of 2019, 2020",
                                "Bob Smith (given name Robert)"]),
        ("club_list.xlsm", ["12 rows: 4 people, 8 set aside (8 × empty template row)",
                            "kept as extra", "J. Robert Doe"]),
        ("graduates.ods", ["header on row 3", "Employer's name", "Chloé Dubois"]),
        ("salesforce_utf8.csv", ["utf-8, delimiter ','", "companyName", "2016 also 2017"]),
        ("graduway_utf16.txt", ["utf-16, delimiter tab", "header on line 3", "Anna Müller"]),
        ("club_cp1252_semicolon.csv", ["cp1252, delimiter ';'", "Iñaki Núñez"]),
        ("peoplegrove.tsv", ["GRAD DATE", "Maya Patel"]),
    ],
)  # fmt: skip
def test_cli_inspect_each_fixture(name, expected):
    result = runner.invoke(app, ["inspect", str(FIXTURES / name)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for text in expected:
        assert text in result.output
    assert "[alumni.columns]" in result.output


def test_cli_inspect_with_settings_override(tmp_path):
    config = tmp_path / "shortlist.toml"
    config.write_text('[alumni.columns]\n"Nom complet" = "full_name"\n"Promotion" = "grad_year"\n')
    path = FIXTURES / "no_name_column.csv"
    result = runner.invoke(app, ["inspect", str(path), "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "settings" in result.output and "Camille Martin" in result.output


def test_cli_inspect_no_name_column_error():
    result = runner.invoke(app, ["inspect", str(FIXTURES / "no_name_column.csv")])
    assert result.exit_code == 1
    assert "'Nom complet', 'Promotion', 'Entreprise'" in result.output
    assert '"Nom complet" = "full_name"' in result.output
    assert "Traceback" not in result.output and "Camille" not in result.output


@pytest.mark.parametrize("command", ["inspect", "ingest"])
def test_cli_not_a_spreadsheet_and_too_big(tmp_path, command):
    bogus = tmp_path / "holiday.pdf"
    bogus.write_bytes(b"%PDF-1.4 ...")
    result = runner.invoke(app, [command, str(bogus)])
    assert result.exit_code == 1
    assert "holiday.pdf is not a spreadsheet or CSV file" in result.output
    config = tmp_path / "small.toml"
    config.write_text("[ingest]\nmax_archive_mb = 0\n")
    big = FIXTURES / "salesforce_utf8.csv"
    result = runner.invoke(app, [command, str(big), "--config", str(config)])
    assert result.exit_code == 1
    assert "salesforce_utf8.csv is larger than the size limit" in result.output


def test_cli_shortlist_reads_targets_from_option_and_settings(tmp_path):
    from pipeline import run, settings

    lamp = FIXTURES.parent / "targets" / "lamp_template.xlsx"
    config = tmp_path / "shortlist.toml"
    text = run.SAMPLE_CONFIG.read_text(encoding="utf-8")
    config.write_text(text.replace("[targets]", f"[targets]\nlamp_file = '{lamp}'", 1))
    assert settings.load(config).targets.lamp_file == str(lamp)
    for extra in ([], ["--targets", str(lamp)]):
        out = tmp_path / f"shortlist{len(extra)}.xlsx"
        args = ["shortlist", "--config", str(config), "--out", str(out), *extra]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert out.exists()
