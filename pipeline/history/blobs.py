"""The two blobs a run's commit compresses (the columnar snapshot, zstd, and the volatile
columns, zlib), made on a second thread while the workbook is written: ``prepare`` starts
``Ahead(table)``, ``Pending.commit`` takes ``ahead.get()``. Both compressors leave Python's lock
while they work, so at the large size about 0.7 s of the commit runs beside the export instead
of after it. Nothing is written from the thread; the commit writes exactly what it wrote before.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.history import snapshot, volatile

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class Blobs:
    """``snapshot.to_bytes(table)`` (None when Arrow could not make it: the commit then does
    as it did without) and ``volatile.encode(table)``."""

    snapshot: bytes | None
    volatile: bytes


def make(table: pa.Table) -> Blobs:
    import pyarrow as pa

    try:
        data = snapshot.to_bytes(table)
    except pa.ArrowException:
        data = None
    return Blobs(data, volatile.encode(table))


class Ahead:
    """``make(table)`` on a daemon thread (a run that stops before its commit does not wait
    for it); ``get`` waits for it, and gives None when it failed (the commit makes them)."""

    def __init__(self, table: pa.Table) -> None:
        self._found: Blobs | None = None
        self._thread = threading.Thread(target=self._make, args=(table,), daemon=True)
        self._thread.start()

    def _make(self, table: pa.Table) -> None:
        try:
            self._found = make(table)
        except Exception:  # the commit makes them itself, and reports what fails
            self._found = None

    def get(self) -> Blobs | None:
        self._thread.join()
        return self._found
