"""XlsxWriter's streamed rows live in a folder named after the writing process; the folders of
processes that no longer run (a run killed while it wrote) are removed by the next writer."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from pipeline.export import sheets


@pytest.fixture
def tmpdir_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def _ended_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _folder(where: Path, name: str) -> Path:
    folder = where / name
    folder.mkdir()
    (folder / "tmp1234").write_text("Ada Park,Shopify\n", encoding="utf-8")
    return folder


@pytest.mark.skipif(os.name != "posix", reason="whether a process runs is asked on POSIX only")
def test_a_killed_writers_folder_goes_and_others_stay(tmpdir_here: Path) -> None:
    ended = _ended_pid()
    dead = _folder(tmpdir_here, f"prospects-xlsx-{ended}-k3x9q_ab")
    alive = _folder(tmpdir_here, f"prospects-xlsx-{os.getppid()}-zz9")
    old_style = _folder(tmpdir_here, "prospects-xlsx-xh4gs6i6")
    someone_elses = _folder(tmpdir_here, f"other-{ended}-x")
    a_file = tmpdir_here / f"prospects-xlsx-{ended}-file"
    a_file.write_text("not a folder", encoding="utf-8")

    with sheets.Book(tmpdir_here / "out.xlsx") as book:
        own = Path(book._tmp)
        assert own.parent == tmpdir_here and own.name.startswith(f"prospects-xlsx-{os.getpid()}-")
        assert own.is_dir()
        sheets.print_setup(book.sheet("Shortlist"))

    assert not dead.exists()
    assert alive.exists() and old_style.exists() and someone_elses.exists() and a_file.exists()
    assert not own.exists()  # its own folder is removed on close
    assert (tmpdir_here / "out.xlsx").stat().st_size > 0


def test_whether_a_process_runs() -> None:
    assert sheets._runs(os.getpid())
    if os.name == "posix":
        assert not sheets._runs(_ended_pid())
