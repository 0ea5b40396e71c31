import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from pipeline import run, settings
from pipeline.cli import app

runner = CliRunner()


def command_names() -> list[str]:
    return sorted(typer.main.get_command(app).commands)


def test_there_are_commands():
    assert {"shortlist", "ingest", "init"} <= set(command_names())


def test_top_level_help_has_an_example():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "Example" in result.output and "prospects shortlist" in result.output


@pytest.mark.parametrize("name", command_names())
def test_every_command_help_shows_an_example_call(name):
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output, f"`prospects {name} --help` has no example"
    assert f"prospects {name}" in result.output


def test_python_dash_m_help():
    out = subprocess.run(
        [sys.executable, "-m", "pipeline", "--help"], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0
    assert "Example" in out.stdout and "shortlist" in out.stdout


def test_missing_export_is_one_line_and_exit_1(tmp_path):
    result = runner.invoke(app, ["shortlist", "missing.csv", "--out", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "missing.csv" in lines[0]
    assert "Traceback" not in result.output


def test_misspelt_settings_key_is_one_line_naming_the_key(tmp_path):
    config = tmp_path / "shortlist.toml"
    config.write_text("[output]\ntopn = 5\n", encoding="utf-8")
    result = runner.invoke(
        app, ["shortlist", "--config", str(config), "--out", str(tmp_path / "x.xlsx")]
    )
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "output.topn" in lines[0] and "top_n" in lines[0]


def test_usage_error_exits_2():
    result = runner.invoke(app, ["shortlist", "--no-such-option"])
    assert result.exit_code == 2


def test_shortlist_on_the_sample_writes_the_workbook(tmp_path):
    out = tmp_path / "shortlist.xlsx"
    result = runner.invoke(app, ["shortlist", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file()
    assert "Read " in result.stdout and "shortlisted the top 50" in result.stdout
    assert f"Wrote {out}" in result.stdout

    from openpyxl import load_workbook

    wb = load_workbook(out)
    ws = wb["Shortlist"]
    assert ws.cell(1, 1).value == "Rank"
    assert ws.cell(2, 1).value == 1
    assert ws.max_row == 51  # header + top 50


def test_shortlist_csv_format(tmp_path):
    result = runner.invoke(app, ["shortlist", "--format", "csv", "--out", str(tmp_path / "s.xlsx")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "s.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_ingest_prints_counts_and_me(tmp_path):
    out = tmp_path / "people.csv"
    result = runner.invoke(
        app, ["ingest", str(run.SAMPLE_EXPORT), str(run.SAMPLE_ALUMNI), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Connections.csv: read" in result.stdout
    assert "ghost row" in result.stdout
    assert "Me: Avery Chen" in result.stdout
    assert "first graduation: 2025" in result.stdout
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("record_id,source,source_file,source_row,first_name")


def test_init_writes_settings_that_load(tmp_path):
    out = tmp_path / "shortlist.toml"
    result = runner.invoke(app, ["init", str(run.SAMPLE_EXPORT), "--out", str(out)])
    assert result.exit_code == 0, result.output
    loaded = settings.load(out)
    assert loaded.me.name == "Avery Chen"
    assert loaded.me.grad_year == 2025
    assert "University of Waterloo" in loaded.me.schools
    again = runner.invoke(app, ["init", "--out", str(out)])
    assert again.exit_code == 1 and "--force" in again.stderr


def test_not_a_connections_file_is_one_sentence(tmp_path):
    bad = tmp_path / "Connections.csv"
    bad.write_bytes(b"\x00\x01\x02binary\x00" * 50)
    result = runner.invoke(app, ["shortlist", str(bad), "--out", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 1
    assert "Connections.csv" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_no_personal_data_in_error_for_a_bad_alumni_file(tmp_path):
    alumni = tmp_path / "club.csv"
    alumni.write_text("Zebra,Quokka\nSecretName,Value\n", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "shortlist",
            str(run.SAMPLE_EXPORT),
            "--alumni",
            str(alumni),
            "--out",
            str(tmp_path / "x.xlsx"),
        ],
    )
    assert result.exit_code == 1
    assert "club.csv" in result.stderr and "SecretName" not in result.stderr


def test_readme_commands_exist():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "make shortlist" in readme and "make test" in readme
