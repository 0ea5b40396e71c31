"""The last run's state read from the history on a second thread while the stages run.

``Early(path)`` is made before the stages and started once the files are read; ``prepare``
takes ``early.get(path)`` after it has opened the history for writing, and reads the state
itself, as before, unless the file is still exactly as the thread read it. The thread changes
nothing: its own read-only connection (a file that needs a rollback, a newer or older schema or
any error: it gives up, and ``prepare`` reads as it always did), inside one read transaction,
with the file's mark taken within it. Nothing is printed from it. At the large size this takes
the last snapshot's decompression and the marks (0.27 s CPU) off the path between the stages
and the workbook.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

_Mark = tuple[bytes, int, int, int]


def _mark(path: Path) -> _Mark:
    """What changes when SQLite writes the file (in its rollback-journal mode): the header's
    change counter, schema cookie and user version (bytes 24-64), and the file's size, inode
    and modification time."""
    with open(path, "rb") as handle:
        header = handle.read(64)[24:64]
        stat = os.fstat(handle.fileno())
    return header, stat.st_size, stat.st_ino, stat.st_mtime_ns


class Early:
    """``record._last_state`` of the history at ``path``, read on a daemon thread from
    ``start`` (``run.shortlist`` calls it once the input files are read, so that it never runs
    beside ingest's own threads; a run that stops does not wait for it; ``close`` joins it).
    ``get`` before ``start`` gives None."""

    def __init__(self, path: Path) -> None:
        self._path = Path(path)
        self._found: tuple[_Mark, Any] | None = None
        self._thread = threading.Thread(target=self._read, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _read(self) -> None:
        from pipeline.history.record import _last_state
        from pipeline.history.store import SCHEMA_VERSION

        try:
            if not self._path.is_file():
                return
            uri = f"{self._path.resolve().as_uri()}?mode=ro"
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=True)
            try:
                mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
                if mode != "delete":  # the change counter is kept up to date only there
                    return
                conn.execute("BEGIN")  # no writer can commit until the state and mark are read
                try:
                    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
                    if version == SCHEMA_VERSION:
                        self._found = (_mark(self._path), _last_state(conn))
                finally:
                    conn.execute("COMMIT")
            finally:
                conn.close()
        except Exception:  # prepare reads the state itself, and meets any error there
            self._found = None

    def get(self, path: Path) -> Any:
        """The state read, when ``path`` is the file read and it is unchanged since; else None."""
        if self._thread.ident is not None:
            self._thread.join()
        if self._found is None or Path(path).resolve() != self._path.resolve():
            return None
        mark, state = self._found
        try:
            return state if _mark(Path(path)) == mark else None
        except OSError:
            return None

    def close(self) -> None:
        if self._thread.ident is not None:
            self._thread.join()
        self._found = None
