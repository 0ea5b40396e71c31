"""`make shortlist` with the paths people really have: spaces, brackets, quotes, several lists."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from make_shortlist import command, split_paths  # noqa: E402

SAMPLE = ROOT / "pipeline" / "sample"


def test_make_shortlist_with_spaces_brackets_and_several_alumni_lists(tmp_path):
    downloads = tmp_path / "My Downloads (work)"
    downloads.mkdir()
    export = downloads / "Basic_LinkedInDataExport_11-28-2026 (1).zip"
    shutil.copyfile(SAMPLE / "Basic_LinkedInDataExport_11-28-2026.zip", export)
    first, second = downloads / "Waterloo Alumni.xlsx", downloads / "Alumni list (Eng's copy).xlsx"
    for alumni in (first, second):
        shutil.copyfile(SAMPLE / "alumni.xlsx", alumni)
    out = tmp_path / "out dir (new)" / "my shortlist.xlsx"
    done = subprocess.run(
        [
            "make",
            "-s",
            "shortlist",
            f"EXPORT={export}",
            f"ALUMNI={first} {second}",
            f"OUT={out}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert out.is_file()
    assert "from 3 file(s)" in done.stdout  # the export and both alumni lists were read
    # The command it ran, printed so that it can be copied, each path quoted whole.
    assert f"--alumni '{first}'" in done.stderr
    assert f"'{export}'" in done.stderr


def test_make_shortlist_names_a_missing_file_whole(tmp_path):
    missing = tmp_path / "Waterloo Alumni.xlsx"
    done = subprocess.run(
        ["make", "-s", "shortlist", f"ALUMNI={missing}", f"OUT={tmp_path / 's.xlsx'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode != 0
    assert "Waterloo Alumni.xlsx" in done.stderr  # not "Waterloo does not exist"
    assert "Traceback" not in done.stderr


def test_split_paths_prefers_existing_files_then_spreadsheet_suffixes(tmp_path):
    spaced = tmp_path / "a b.xlsx"
    spaced.write_bytes(b"")
    plain = tmp_path / "c.csv"
    plain.write_bytes(b"")
    assert split_paths(f"{spaced} {plain}") == [str(spaced), str(plain)]
    assert split_paths("x y.ods  z.csv") == ["x y.ods", "z.csv"]
    assert split_paths("") == []
    assert split_paths("no suffix here") == ["no suffix here"]


def test_command_expands_home_and_keeps_every_option(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    args = command({"EXPORT": "~/Downloads/x (1).zip", "CONFIG": "my settings.toml", "OUT": ""})
    assert args == [
        "shortlist",
        f"{tmp_path}/Downloads/x (1).zip",
        "--config",
        "my settings.toml",
        "--out",
        "out/shortlist.xlsx",
    ]
