"""What the user reads is in the user's words: every command, run on the sample, and every help
page, without the technical terms a notebook uses (those appear with --verbose only)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from pipeline.cli import app

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "pipeline" / "sample"
EXPORT = str(SAMPLE / "Basic_LinkedInDataExport_11-28-2026.zip")
ALUMNI = str(SAMPLE / "alumni.xlsx")
# Terms a non-programmer does not know, each with the words used instead.
JARGON = {
    "school key": "schools not recognised",
    "role family": "kind of work",
    "duplicate records": "records matched to someone found in another record",
    "NDCG": "agreement",
    "log2": "evidence (bits)",
    "m / u": "evidence (bits)",
    "list[": "<file>",
    "candidate pairs": "pairs of records that could be the same person",
    "blocking rule": "(verbose only)",
}
runner = CliRunner()


def answered(workbook: Path) -> None:
    """Interested answered on 24 rows, as a user does before `learn`."""
    wb = load_workbook(workbook)
    ws = wb["Shortlist"]
    row = next(r for r in range(1, 6) if "Interested" in [c.value for c in ws[r]])
    col = [c.value for c in ws[row]].index("Interested") + 1
    for i in range(24):
        ws.cell(row + 1 + i, col).value = "yes" if i % 3 == 0 else "no"
    wb.save(workbook)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, str]:
    """stdout + stderr of each command on the sample, by command line."""
    tmp = tmp_path_factory.mktemp("plain")
    workbook = tmp / "shortlist.xlsx"
    config = tmp / "shortlist.toml"
    commands = [
        ["shortlist", "--out", str(workbook)],
        ["init", EXPORT, "--out", str(config)],
        ["ingest", EXPORT, ALUMNI],
        ["inspect", ALUMNI],
        ["link", EXPORT, ALUMNI, "--out", str(tmp / "matches.csv")],
        ["explain", "Emeka Moreau"],
        ["learn", str(workbook), "--config", str(config)],
        ["--help"],
        *([name, "--help"] for name in ("shortlist", "ingest", "init", "inspect", "explain")),
        *([name, "--help"] for name in ("learn", "link")),
    ]
    seen = {}
    for args in commands:
        if args[0] == "learn":
            shutil.copyfile(workbook, tmp / "reviewed.xlsx")
            answered(tmp / "reviewed.xlsx")
            args = ["learn", str(tmp / "reviewed.xlsx"), *args[2:]]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.output)
        seen[" ".join(args)] = result.stdout + result.stderr
    return seen


def test_no_user_facing_line_has_jargon(outputs):
    for command, text in outputs.items():
        for term in JARGON:
            assert term.lower() not in text.lower(), f"{term!r} in the output of {command}"


def test_the_plain_words_are_there(outputs):
    shortlist = next(t for c, t in outputs.items() if c.startswith("shortlist --out"))
    assert "schools not recognised" in shortlist and "kind of work" in shortlist
    assert re.search(r"Matched [\d,]+ records to someone found in another record", shortlist)
    assert "agreement" in next(t for c, t in outputs.items() if c.startswith("learn "))


def test_verbose_keeps_the_technical_terms(tmp_path):
    result = runner.invoke(app, ["shortlist", "--verbose", "--out", str(tmp_path / "s.xlsx")])
    assert result.exit_code == 0, result.output
    assert "role family" in result.stdout and "no school key" in result.stdout
    assert "duplicate records" in result.stdout
    link = runner.invoke(app, ["link", EXPORT, ALUMNI, "-v", "--out", str(tmp_path / "m.csv")])
    assert link.exit_code == 0 and "blocking rule" in link.stdout


def test_notebook_axes_and_titles_are_in_plain_words():
    for notebook in sorted((ROOT / "notebooks").glob("[0-9]*.py")):
        labels = re.findall(r"set_(?:x|y)label\((.*)\)|set_title\((.*)\)", notebook.read_text())
        for label in (a or b for a, b in labels):
            assert "log2" not in label and "m / u" not in label, (notebook.name, label)
