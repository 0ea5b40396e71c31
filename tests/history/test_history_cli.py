"""The history through the command line: shortlist --history / --no-history, prospects history,
prospects changes [--since], and the person's runs in prospects explain."""

from __future__ import annotations

from pathlib import Path

from history_exports import SETTINGS, write_version
from openpyxl import load_workbook
from typer.testing import CliRunner

from pipeline.cli import app


def _args(tmp_path: Path, k: int) -> list[str]:
    inputs = write_version(tmp_path / f"v{k}", k)
    (tmp_path / "s.toml").write_text(SETTINGS, encoding="utf-8")
    return [str(inputs.export), "-a", str(inputs.alumni[0]), "-c", str(tmp_path / "s.toml")]


def test_two_runs_put_what_changed_first_and_the_commands_read_the_history(tmp_path):
    book = tmp_path / "out" / "shortlist.xlsx"
    runner = CliRunner()
    first = runner.invoke(app, ["shortlist", *_args(tmp_path, 1), "--out", str(book)])
    assert first.exit_code == 0, first.output
    assert "First run in the history: nothing changed." in first.stdout
    assert (tmp_path / "out" / "history.sqlite").is_file()  # beside the workbook by default
    assert load_workbook(book, read_only=True).sheetnames[0] == "Shortlist"  # nothing to say

    second = runner.invoke(app, ["shortlist", *_args(tmp_path, 2), "--out", str(book)])
    assert second.exit_code == 0, second.output
    assert "1 person moved to a target employer; 1 person changed jobs;" in second.stdout
    wb = load_workbook(book, read_only=True)
    assert wb.sheetnames[:2] == ["What changed", "Shortlist"]
    rows = list(wb["What changed"].values)
    assert rows[0][0].startswith("What changed since your run of ")
    assert rows[1][0] == "• 1 person moved to a target employer"
    at = [r[0] for r in rows].index("Change")
    assert not any(rows[at - 1])  # a blank row between the summary and the table
    assert rows[at][:4] == ("Change", "Name", "Before", "Now")
    body = {(r[0], r[1]) for r in rows[at + 1 :]}
    assert body == {
        ("Moved to a target employer", "Pia Lindqvist"),
        ("Changed jobs", "Ilsa Brandt"),
        ("Promoted", "Oren Vasquez"),
        ("New connection", "Yara Haddad"),
        ("Found in an alumni list", "Bruno Achterberg"),
        ("Left your files", "Tomas Keller"),
    }

    db = str(tmp_path / "out" / "history.sqlite")
    listed = runner.invoke(app, ["history", "--history", db])
    assert listed.exit_code == 0 and len(listed.stdout.strip().splitlines()) == 2
    assert "#2" in listed.stdout and "Connections.csv, alumni.csv" in listed.stdout
    changes = runner.invoke(app, ["changes", "--history", db, "-c", str(tmp_path / "s.toml")])
    assert changes.exit_code == 0, changes.output
    assert "  Promoted: Oren Vasquez (Entry: Data Scientist at TD -> Senior: Senior" in (
        changes.stdout
    )
    assert len(changes.stdout.strip().splitlines()) == 1 + 6
    explained = runner.invoke(
        app, ["explain", "Pia Lindqvist", *_args(tmp_path, 2), "--history", db]
    )
    assert explained.exit_code == 0, explained.output
    runs = explained.stdout.split("Over your runs:")[1].strip().splitlines()
    assert len(runs) == 2
    assert "Machine Learning Engineer at Deloitte" in runs[0]
    assert "Machine Learning Engineer at Shopify" in runs[1]


def test_no_history_reads_and_writes_none(tmp_path):
    book = tmp_path / "out" / "shortlist.xlsx"
    out = CliRunner().invoke(
        app, ["shortlist", *_args(tmp_path, 1), "--out", str(book), "--no-history"]
    )
    assert out.exit_code == 0, out.output
    assert not (tmp_path / "out" / "history.sqlite").exists()
    assert "Since your run" not in out.stdout and "First run" not in out.stdout


def test_changes_without_a_history_or_with_a_bad_date_says_so_in_one_line(tmp_path):
    missing = CliRunner().invoke(app, ["changes", "--history", str(tmp_path / "none.sqlite")])
    assert missing.exit_code == 1
    assert missing.stderr.strip() == (
        "Error: There is no history at none.sqlite yet; run prospects shortlist first "
        "(or give --history PATH)."
    )
    bad = CliRunner().invoke(app, ["changes", "--since", "last week"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
