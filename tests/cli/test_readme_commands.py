"""Every command line of README.md runs as written, in order, from a clean clone of the repository.

A new user copies the README's lines into a terminal. This test does the same: it clones the
repository into a temporary folder, puts the bundled sample where the README's lines look for
the user's files (``~/Downloads/...``, with HOME pointing into the temporary folder), and runs
each line with bash in the clone, failing on the first that exits non-zero. Nothing is
rewritten: the line in the README is the line that runs. The clone gets its own ``.venv`` from
``make`` itself (uv installs from its cache), so what ``make shortlist`` installs is checked too.

Only these lines are not run, each for a stated reason (they are listed, so a new README line is
run by default):
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "fixtures" / "sample"
NOT_RUN = {
    "make test": "the test suite this test belongs to (CI runs it)",
    "make bench": "the 15-minute benchmark; its numbers are checked by benchmarks/check.py",
    "make bench-check": "a timing comparison, meaningful only on a quiet machine",
    "make lab": "starts JupyterLab, which waits for the user until stopped",
    "./prospects batch students.csv --alumni /shared/alumni.parquet --out /shared/out/students "
    "--scheduler tcp://HOST:8786": "needs a Dask cluster (tests/batch runs one on LocalCluster)",
}
# The user's files the README's lines name, and the sample file standing in for each.
EXPORT = SAMPLE / "Basic_LinkedInDataExport_11-28-2026.zip"
DOWNLOADS = {
    "Basic_LinkedInDataExport_11-28-2026 (1).zip": EXPORT,
    "Basic_LinkedInDataExport_11-28-2026.zip": EXPORT,
    "Waterloo Alumni.xlsx": SAMPLE / "alumni.xlsx",
    "alumni.xlsx": SAMPLE / "alumni.xlsx",
}
# A career centre's files, which its README lines name in the folder they run in.
CENTRE = {
    "alumni-2025.xlsx": (SAMPLE / "alumni.xlsx").read_bytes(),
    "alumni-2026.csv": b"First Name,Last Name,Class Year,Company,Title\n"
    b"Ines,Okafor,2019,Shopify,Data Scientist\nTomas,Reyes,2018,RBC,Product Manager\n",
    "students.csv": b"Student ID,Name,Graduation year,Target roles,Target companies\n"
    b"S0012,Ada Park,2024,Data Scientist,Shopify;RBC\nS0013,Bo Lee,2023,Product Manager,Google\n",
    "centre.toml": b'[me]\nschools = ["University of Waterloo"]\n',
}


def readme_commands(text: str) -> list[str]:
    """The lines of the README's code blocks (indented by 4 spaces, or fenced), in order."""
    commands, in_fence, in_block, blank_before = [], False, False, True
    for line in text.splitlines():
        if line.strip().startswith("```"):
            in_fence = not in_fence
        elif in_fence and line.strip():
            commands.append(line.strip())
        elif line.startswith("    ") and line.strip() and (blank_before or in_block):
            in_block = True
            commands.append(line.strip())
        elif line.strip():
            in_block = False
        blank_before = not line.strip()
    return commands


def words(command: str) -> str:
    """The command without its comment, as the shell splits it (to name and dedupe lines)."""
    return " ".join(shlex.split(command, comments=True))


def test_readme_commands_are_found():
    commands = [words(c) for c in readme_commands((ROOT / "README.md").read_text("utf-8"))]
    assert "make shortlist" in commands and "./prospects --help" in commands
    assert all(c.startswith(("make ", "./prospects ")) for c in commands), commands
    assert not [c for c in commands if c.startswith(("uv ", "python"))]  # nothing a user lacks


def answer_interested(workbook: Path, answers: int = 24) -> None:
    """What the README asks of the user before `learn`: Interested answered on the Shortlist."""
    wb = load_workbook(workbook)
    ws = wb["Shortlist"]
    for header_row in range(1, 6):
        headers = [str(c.value or "").strip() for c in ws[header_row]]
        if "Interested" in headers:
            break
    col = headers.index("Interested") + 1
    for i in range(answers):
        ws.cell(header_row + 1 + i, col).value = "yes" if i % 3 == 0 else "no"
    wb.save(workbook)


def uv_binary() -> str | None:
    return shutil.which("uv") or next(
        (str(p) for p in [ROOT / ".tools" / "bin" / "uv"] if p.is_file()), None
    )


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A clean clone of the committed repository, a HOME with the user's files, and the env."""
    base = tmp_path_factory.mktemp("readme")
    repo = base / "prospects"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(repo)], check=True)
    for name, content in CENTRE.items():
        (repo / name).write_bytes(content)
    home = base / "home"
    (home / "Downloads").mkdir(parents=True)
    for name, source in DOWNLOADS.items():
        shutil.copyfile(source, home / "Downloads" / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "UV_"))}
    bin_dir = base / "bin"  # uv alone on PATH, as a user who installed it has it
    bin_dir.mkdir()
    uv = uv_binary()
    if uv:
        (bin_dir / "uv").symlink_to(uv)
        # The moved HOME must not hide uv's caches: the clone installs from them.
        for var, ask in (("UV_CACHE_DIR", "cache"), ("UV_PYTHON_INSTALL_DIR", "python")):
            where = subprocess.run([uv, ask, "dir"], capture_output=True, text=True, check=True)
            env[var] = where.stdout.strip()
    env.update(
        HOME=str(home),
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        UV_PYTHON=sys._base_executable,  # the interpreter of this run, whatever HOME says
        MPLBACKEND="Agg",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return repo, env


def test_every_readme_command_runs_from_a_clean_clone(clone):
    repo, env = clone
    commands = readme_commands((repo / "README.md").read_text("utf-8"))
    ran: list[str] = []
    for command in commands:
        key = words(command)
        if key in NOT_RUN or key in ran:
            continue
        if key.split()[1:2] == ["learn"]:
            answer_interested(repo / "out" / "shortlist.xlsx")
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        output = done.stdout + done.stderr
        assert done.returncode == 0, f"README line failed: {command}\n{output[-3000:]}"
        assert "Traceback" not in output, f"{command}\n{output[-3000:]}"
        assert "eavesdropping" not in output, f"{command}: the kernel's TCP warning\n{output}"
        ran.append(key)
        venv = repo / ".venv" / "bin"
        if key == "make shortlist":  # the first line of the README: the runtime, no dev tools
            assert (venv / "prospects").is_file()
            for tool in ("pytest", "ruff", "jupyter"):
                assert not (venv / tool).exists(), f"make shortlist installed {tool}"
        if key == "make install":  # what make test runs on: the dev tools
            assert (venv / "pytest").is_file() and (venv / "ruff").is_file()
    assert set(ran) | set(NOT_RUN) == {words(c) for c in commands}
    assert (repo / "out" / "notebooks" / "tuned-ranking.toml").is_file()
    assert (repo / "shortlist.toml").is_file() and (repo / "matches.csv").is_file()
    assert {p.name for p in (repo / "out" / "students").glob("*.xlsx")} >= {"summary.xlsx"}
    assert len(list((repo / "out" / "students").glob("*s0012.xlsx"))) == 1


__doc__ += "".join(f"\n- ``{line}``: {why}" for line, why in NOT_RUN.items())
