"""The installed command without the repository: build the wheel, install it into an empty venv,
and run ``prospects shortlist`` with no arguments from an empty folder (issue 14).

Slow (about a minute: a build and an install, from uv's cache after ``make install``), and never
skipped: a wheel that lost the sample or the data tables fails here, not on a user's laptop.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from pipeline import run
from pipeline.workbook_contract import ALL_SHEET, SHORTLIST_SHEET

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_FILES = ("Basic_LinkedInDataExport_11-28-2026.zip", "alumni.xlsx", "shortlist.toml")


def _uv() -> str:
    """uv as the Makefile finds it: on PATH, else the private copy ``make install`` made."""
    found = shutil.which("uv") or (ROOT / ".tools" / "bin" / "uv")
    assert Path(found).is_file(), "uv not found: run `make install` first"
    return str(found)


def _env() -> dict[str, str]:
    """The environment without anything that points back at the repository or its .venv."""
    drop = {"PYTHONPATH", "VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "PYTHONHOME", "CONDA_PREFIX"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(ROOT))
    )
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built from a copy of its sources (so no build/ or egg-info lands in
    the repository)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(
        ROOT / "pipeline", src / "pipeline", ignore=shutil.ignore_patterns("__pycache__")
    )
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [_uv(), "build", "--wheel", "--out-dir", str(dist), str(src)],
        check=True, env=_env(), capture_output=True, text=True,
    )  # fmt: skip
    (built,) = dist.glob("*.whl")
    return built


def test_the_wheel_ships_the_sample_and_the_data_tables(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as whl:
        names = set(whl.namelist())
    for name in SAMPLE_FILES:
        assert f"pipeline/sample/{name}" in names
    tables = {
        p.name for p in (ROOT / "pipeline" / "data").iterdir() if p.suffix in (".csv", ".toml")
    }
    assert tables and {f"pipeline/data/{t}" for t in tables} <= names
    assert not any(n.startswith(("tests/", "fixtures/", "notebooks/")) for n in names)


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty venv with the wheel and the locked runtime dependencies (uv's cache)."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    assert subprocess.run(
        [str(python), "-c", "import pandas"], capture_output=True, env=_env()
    ).returncode, "the new venv is not empty"
    locked = tmp_path_factory.mktemp("req") / "requirements.txt"
    subprocess.run(
        [_uv(), "export", "--locked", "--no-dev", "--no-emit-project", "--no-hashes",
         "--format", "requirements-txt", "--output-file", str(locked)],
        check=True, cwd=ROOT, env=_env(), capture_output=True, text=True,
    )  # fmt: skip
    subprocess.run(
        [_uv(), "pip", "install", "--python", str(python), "-r", str(locked), str(wheel)],
        check=True, env=_env(), capture_output=True, text=True,
    )  # fmt: skip
    return venv


def test_installed_shortlist_with_no_arguments_writes_the_samples_workbook(
    installed: Path, tmp_path: Path
) -> None:
    where = subprocess.run(
        [str(installed / "bin" / "python"), "-c", "import pipeline; print(pipeline.__file__)"],
        check=True, cwd=tmp_path, env=_env(), capture_output=True, text=True,
    ).stdout  # fmt: skip
    assert Path(where.strip()).is_relative_to(installed)  # the wheel's copy, not the repository's
    done = subprocess.run(
        [str(installed / "bin" / "prospects"), "shortlist"],
        cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    out = tmp_path / "out" / "shortlist.xlsx"
    assert f"Wrote {Path('out') / 'shortlist.xlsx'}" in done.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing else beside it

    # The same run from the repository, in this process: the same sheets and the same people.
    expected = run.shortlist(run.Inputs.sample(), run.load_settings(run.SAMPLE_CONFIG))
    mine = tmp_path.parent / f"{tmp_path.name}-repository.xlsx"
    run.write(expected, mine)
    book, same = openpyxl.load_workbook(out), openpyxl.load_workbook(mine)
    assert book.sheetnames == same.sheetnames
    assert {SHORTLIST_SHEET, ALL_SHEET, "Matches", "Ingest report", "Settings"} <= set(
        book.sheetnames
    )
    for sheet in (SHORTLIST_SHEET, ALL_SHEET, "Ingest report"):
        assert _rows(book[sheet]) == _rows(same[sheet]), sheet
    shortlist = _rows(book[SHORTLIST_SHEET])
    header, body = shortlist[0], shortlist[1:]
    assert len(body) == expected.settings.output.top_n == 50
    assert [r[header.index("Name")] for r in body] == expected.ranked["full_name"][:50].tolist()
    ahead = [r[header.index("Years ahead")] for r in body]
    assert ahead == pytest.approx(expected.ranked["years_ahead"][:50].tolist(), nan_ok=True)


def _rows(sheet) -> list[tuple]:
    """A sheet's rows that hold a value."""
    return [r for r in sheet.iter_rows(values_only=True) if any(v is not None for v in r)]
