"""replace_atomically turns a failed write into one sentence when the disk or the folder is to
blame (an OSError, or lxml's SerialisationError, lxml's word for a full disk) and lets any other
error through; lxml is never imported to tell (issue 18: start-up)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from pipeline.errors import OutputError
from pipeline.export.files import _is_write_error, replace_atomically


def _serialisation_error() -> Exception:
    return etree.SerialisationError("disk full")


def test_which_errors_are_the_disks():
    assert _is_write_error(OSError(28, "No space left on device"))
    assert _is_write_error(PermissionError("read-only"))
    assert _is_write_error(_serialisation_error())
    assert not _is_write_error(ValueError("a bug"))
    assert not _is_write_error(KeyError("x"))


@pytest.mark.parametrize("make", [lambda: OSError(28, "full"), _serialisation_error])
def test_a_disk_error_is_one_sentence_and_the_old_file_stays(tmp_path: Path, make):
    out = tmp_path / "shortlist.xlsx"
    out.write_bytes(b"old")

    def write(temp: Path) -> None:
        temp.write_bytes(b"half")
        raise make()

    with pytest.raises(OutputError, match="cannot be written"):
        replace_atomically(out, write, backup=False)
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["shortlist.xlsx"]  # no temporary file left


def test_any_other_error_goes_through_and_leaves_nothing(tmp_path: Path):
    out = tmp_path / "shortlist.xlsx"

    def write(temp: Path) -> None:
        temp.write_bytes(b"half")
        raise ValueError("a bug, not the disk")

    with pytest.raises(ValueError, match="a bug"):
        replace_atomically(out, write, backup=False)
    assert list(tmp_path.iterdir()) == []


def test_a_write_without_lxml_loaded_imports_none(tmp_path: Path):
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from pipeline.errors import OutputError\n"
        "from pipeline.export.files import replace_atomically\n"
        f"out = Path({str(tmp_path / 'a.xlsx')!r})\n"
        "replace_atomically(out, lambda p: p.write_bytes(b'x'), backup=False)\n"
        "def fail(p):\n"
        "    raise OSError(28, 'full')\n"
        "try:\n"
        "    replace_atomically(out, fail, backup=False)\n"
        "except OutputError:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('lxml')), out.read_bytes())\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[] b'x'"
