"""Writing output files safely: refuse when the file is open, keep a backup, replace atomically."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from pipeline.errors import OutputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def refuse_if_open(path: Path) -> None:
    # Excel keeps "~$name" beside an open file, LibreOffice ".~lock.name#"; writing anyway would
    # lose whatever the user has not saved yet.
    for lock, program in ((f"~${path.name}", "Excel"), (f".~lock.{path.name}#", "LibreOffice")):
        if (path.parent / lock).exists():
            raise OutputError(f"{path.name} is open in {program}; close it and run again.")


def _backup_name(path: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.stem}.{stamp}.bak{path.suffix}")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.{stamp}-{n}.bak{path.suffix}")
        n += 1
    return candidate


def replace_atomically(path: Path, write: Callable[[Path], object], *, backup: bool) -> Path:
    """Write via ``write(temp)`` in the same folder, then rename over ``path`` (no half files)."""
    refuse_if_open(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(
            f"The folder for {path.name} cannot be created; choose another."
        ) from error
    temp: Path | None = None
    try:
        handle, temp_name = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp"
        )
        os.close(handle)
        temp = Path(temp_name)
        write(temp)
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; the user expects a normal file
        if backup and path.exists():
            shutil.copy2(path, _backup_name(path))
        os.replace(temp, path)
    except OSError as error:  # locked by another program, read-only folder, disk full …
        raise OutputError(
            f"{path.name} cannot be written; close it in any program, check that the folder is "
            "writable and has free space, and run again."
        ) from error
    finally:
        if temp is not None:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
    return path
