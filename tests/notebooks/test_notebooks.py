"""Every notebook runs top to bottom on the bundled fixtures, and the settings files the tuning
notebooks write are accepted by `prospects shortlist --config`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.py"))
WRITES_SETTINGS = {
    "1.0-tune-matching.py": "tuned-matching.toml",
    "2.0-tune-ranking.py": "tuned-ranking.toml",
}
# The settings file each tuning notebook starts from (its SETTINGS parameter).
TUNES = {
    "1.0-tune-matching.py": ROOT / "pipeline" / "sample" / "shortlist.toml",
    "2.0-tune-ranking.py": ROOT / "fixtures" / "ranking" / "settings.toml",
}


def run_notebook(notebook: Path, out_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "MPLBACKEND": "Agg", "PROSPECTS_NOTEBOOK_OUT": str(out_dir)}
    return subprocess.run(
        [sys.executable, str(notebook)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def test_the_three_notebooks_exist():
    names = {p.name for p in NOTEBOOKS}
    assert {"1.0-tune-matching.py", "2.0-tune-ranking.py", "3.0-explore-network.py"} <= names


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_and_its_settings_are_accepted(notebook, tmp_path):
    out = run_notebook(notebook, tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    written = WRITES_SETTINGS.get(notebook.name)
    if written:
        config = tmp_path / written
        assert config.is_file()
        # The tuned file is the user's file with the tuned keys changed: every comment kept.
        source = TUNES[notebook.name].read_text(encoding="utf-8")
        assert f'SETTINGS = "{TUNES[notebook.name].relative_to(ROOT)}"' in notebook.read_text()
        comments = [x.split("#", 1)[1] for x in source.splitlines() if "#" in x]
        kept = [x.split("#", 1)[1] for x in config.read_text("utf-8").splitlines() if "#" in x]
        assert comments and kept == comments
        result = CliRunner().invoke(
            app, ["shortlist", "--config", str(config), "--out", str(tmp_path / "s.xlsx")]
        )
        assert result.exit_code == 0, result.output
        assert (tmp_path / "s.xlsx").is_file()


def test_notebooks_are_percent_format_with_a_parameters_cell():
    for notebook in NOTEBOOKS:
        text = notebook.read_text(encoding="utf-8")
        assert "format_name: percent" in text
        assert '# %% tags=["parameters"]' in text, notebook.name
