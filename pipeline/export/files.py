"""Writing output files safely: refuse when the file is open, keep a backup, replace atomically;
files beside the workbook written on a second thread while it is written (``Alongside``)."""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

from pipeline.errors import OutputError
from pipeline.safety import check_output, file_signature, forget


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


def _remove_stale_temps(path: Path) -> None:
    """Remove the temporary files a killed run left beside ``path`` (its pid is in the name)."""
    for temp in path.parent.glob(f".{glob.escape(path.stem)}.*.tmp"):
        pid = temp.name[len(path.stem) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                temp.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def _is_write_error(error: Exception) -> bool:
    """An OSError (locked, read-only, disk full …), or lxml's SerialisationError, which is how
    lxml reports a full disk. lxml is not imported for this (10-25 ms at start-up): when no
    module loaded it, nothing can have raised its error."""
    if isinstance(error, OSError):
        return True
    etree = sys.modules.get("lxml.etree")
    return etree is not None and isinstance(error, etree.SerialisationError)


#: Backups kept beside a workbook; older ones are removed when a new one is made.
KEEP_BACKUPS = 5


def check_unchanged(path: Path, signature: str | None) -> None:
    """Refuse (OutputError) when ``path`` no longer holds what was read as ``signature``."""
    if signature is None:
        return
    try:
        now = file_signature(path) if path.exists() else None
    except OSError:
        now = None
    if now != signature:
        raise OutputError(
            f"{path.name} was changed (saved in Excel?) while prospects was running; nothing was "
            "written, so your changes are safe: close it and run again."
        )


def backups(path: Path) -> list[Path]:
    """The backups of ``path`` (``name.YYYYMMDD-HHMMSS[-n].bak.xlsx``), oldest first."""
    found = path.parent.glob(f"{glob.escape(path.stem)}.*.bak{glob.escape(path.suffix)}")
    pattern = re.compile(re.escape(path.stem) + r"\.(\d{8}-\d{6})(?:-(\d+))?\.bak" +
                         re.escape(path.suffix))  # fmt: skip
    stamped = []
    for candidate in found:
        match = pattern.fullmatch(candidate.name)
        if match:
            stamped.append((match[1], int(match[2] or 1), candidate))
    return [p for _, _, p in sorted(stamped)]


def latest_backup(path: Path) -> Path | None:
    """The newest backup of ``path``, or None."""
    found = backups(path)
    return found[-1] if found else None


def _prune_backups(path: Path, keep: int) -> None:
    for old in backups(path)[:-keep]:
        with contextlib.suppress(OSError):
            old.unlink()


def replace_atomically(
    path: Path,
    write: Callable[[Path], object],
    *,
    backup: bool,
    check: Callable[[], object] | None = None,
) -> Path:
    """Write via ``write(temp)`` in the same folder, then rename over ``path`` (no half files).

    ``path`` must not be a folder, a device or a pipe (check_output); a temporary file left by a
    killed run is removed first. ``backup``: copy the old file to
    ``name.YYYYMMDD-HHMMSS.bak.xlsx`` first, keeping the newest KEEP_BACKUPS. ``check``: called
    just before the old file is replaced; raising there leaves everything as it was.
    """
    check_output(path)
    refuse_if_open(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        raise OutputError(
            f"The folder for {path.name} cannot be created (a file has its name, or it is "
            "read-only); choose another."
        ) from None
    _remove_stale_temps(path)
    temp: Path | None = None
    failed: BaseException | None = None
    try:
        handle, temp_name = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.stem}.{os.getpid()}.", suffix=".tmp"
        )
        os.close(handle)
        temp = Path(temp_name)
        write(temp)
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; the user expects a normal file
        if check is not None:
            check()
        if backup and path.exists():
            shutil.copy2(path, _backup_name(path))
        os.replace(temp, path)
        if backup:
            _prune_backups(path, KEEP_BACKUPS)
    except Exception as error:  # locked by another program, read-only folder, disk full …
        if not _is_write_error(error):
            raise
        failed = error
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                temp.unlink()
    if failed is not None:
        forget(failed)
        raise OutputError(
            f"{path.name} cannot be written; close it in any program, check that the folder is "
            "writable and has free space, and run again."
        )
    return path


def files_beside(book: Path) -> tuple[Path, Path]:
    """The CSVs written beside a workbook whose sheets cannot hold everything, named after it:
    everyone (``<name>.all-candidates.csv``) and every linked pair (``<name>.matches.csv``)."""
    book = Path(book)
    return (
        book.with_name(f"{book.stem}.all-candidates.csv"),
        book.with_name(f"{book.stem}.matches.csv"),
    )


class _JobFailed(Exception):
    """A job of ``Alongside`` failed: the main file stops short of replacing the old one (not an
    OSError, so replace_atomically removes its temporary file and lets it through)."""


class Alongside:
    """``jobs`` (functions of no argument, each writing a file) run one after the other on one
    worker thread while the main file is written, with the errors they had when they ran first.

    Serially the files beside the workbook were written before it: a job that failed stopped
    the run before the workbook was begun, with the job's error. So here ``wait()``, called by
    the main file's ``write`` before replace_atomically renames it into place, raises when a job
    failed (the old main file stays, and its temporary file goes), and leaving the block raises
    the first failed job's own error, whatever the main file's write raised meanwhile; a job
    after a failed one is not run. No jobs: no thread. The thread ends with the block.
    ``helpers`` are called by ``wait`` first, on the main file's thread, its own work done:
    ``table_csv.Chunks.help`` makes rows of the CSV being written meanwhile.

    Example::

        with Alongside([lambda: write_table_csv(csv, frame)]) as side:
            replace_atomically(path, lambda temp: (write_book(temp), side.wait()), backup=True)
    """

    def __init__(
        self, jobs: Sequence[Callable[[], object]], helpers: Sequence[Callable[[], None]] = ()
    ) -> None:
        self._jobs = list(jobs)
        self._helpers = list(helpers)
        self._pool: ThreadPoolExecutor | None = None
        self._done: Future[None] | None = None

    def __enter__(self) -> Alongside:
        if self._jobs:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="prospects-alongside")
            self._done = self._pool.submit(_one_by_one, self._jobs)
        return self

    def wait(self) -> None:
        """Lend this thread to the jobs (``helpers``: each helps a job finish sooner, and
        never raises), then wait for them; raise (``_JobFailed``) when one failed."""
        for help_ in self._helpers if self._done is not None else ():
            help_()
        if self._done is not None and self._done.exception() is not None:
            raise _JobFailed

    def __exit__(self, *_: object) -> None:
        if self._pool is None or self._done is None:
            return
        try:
            failed = self._done.exception()  # waits: the files are whole before the run goes on
        finally:
            self._pool.shutdown()
        if failed is not None:
            failed.__suppress_context__ = True  # the job's error, as when it ran first
            raise failed


def _one_by_one(jobs: Sequence[Callable[[], object]]) -> None:
    for job in jobs:
        job()
