"""The run's entry in the history worked out on a second thread while the workbook is begun.

``prepare`` read the history file and then, on the main thread, made the run's snapshot
(``record.snapshot_table``), compared it with the last run's (``delta.compare``, ``may_differ``)
and wrote the report, before the workbook was begun: at the large size 0.8 s on a first run,
1.5 s with a run before. Here the file is read on the caller's thread as before (``begin``:
the same checks, the same lines said, a damaged file set aside), and the rest is one worker
thread's (``Begun.finish``, then the commit's blobs, ``blobs.make``): the workbook needs only
who is due (``with_due``: from the marks, at once) until its first sheet, What changed, which
waits for the worker (``what_changed``). The worker touches no file and prints nothing; its
error, if any, is raised where its answer is asked for, as ``prepare`` would have raised it.

    later = Background(record.begin(result, path, say=warn), result.ranked, result.filtered)
    ranked = later.with_due(result.ranked)
    run.write(replace(result, ranked=ranked), out, what_changed=later.what_changed)
    later.commit()
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pyarrow as pa

from pipeline.history import blobs
from pipeline.history.record import Begun, Pending, snapshot_table, with_due

if TYPE_CHECKING:
    import pandas as pd

    from pipeline.export.whatchanged import WhatChanged


class Background:
    """``begun.finish(snapshot_table(ranked, filtered))`` on a worker thread, started at once;
    then the blobs its commit writes (``blobs.make``), on the same thread. ``threaded=False``:
    all of it now, on this thread (the same answers)."""

    def __init__(
        self,
        begun: Begun,
        ranked: pd.DataFrame,
        filtered: pd.DataFrame | None,
        *,
        threaded: bool = True,
    ) -> None:
        self._begun = begun
        self._ready = threading.Event()
        self._pending: Pending | None = None
        self._error: BaseException | None = None
        self._blobs: blobs.Blobs | None = None
        self._thread = threading.Thread(
            target=self._work, args=(ranked, filtered), name="prospects-history", daemon=True
        )
        if threaded:
            self._thread.start()
        else:
            self._work(ranked, filtered)

    def _work(self, ranked: pd.DataFrame, filtered: pd.DataFrame | None) -> None:
        try:
            table = snapshot_table(ranked, filtered)
            self._pending = self._begun.finish(table)
        except BaseException as error:  # raised to whoever asks for the answer
            self._error = error
            return
        finally:
            self._ready.set()
        if isinstance(table, pa.Table):
            try:
                self._blobs = blobs.make(table)
            except Exception:  # the commit makes them itself, and reports what fails
                self._blobs = None

    def with_due(self, ranked: pd.DataFrame) -> pd.DataFrame:
        """``Pending.with_due``, without waiting: who is due comes from the marks alone."""
        return with_due(ranked, self._begun.due())

    def pending(self) -> Pending:
        """The run's Pending (``prepare``'s), once the worker has made it; its error else."""
        self._ready.wait()
        if self._error is not None:
            raise self._error
        assert self._pending is not None
        return self._pending

    def failed(self) -> BaseException | None:
        """The worker's error (waiting for it), or None."""
        self._ready.wait()
        return self._error

    def what_changed(self) -> WhatChanged:
        """``Pending.what_changed`` (waits for the worker)."""
        return self.pending().what_changed()

    def summary(self) -> str:
        return self.pending().summary()

    def commit(self) -> int:
        """``Pending.commit`` with the blobs the worker made (it waits for them)."""
        pending = self.pending()
        pending.ahead = self
        return pending.commit()

    def get(self) -> blobs.Blobs | None:
        """The commit's blobs (``blobs.Ahead.get``): None when they could not be made."""
        if self._thread.ident is not None:
            self._thread.join()
        return self._blobs

    def close(self) -> None:
        """Wait for the worker and close the history unwritten (a run that stops before its
        commit); nothing after a commit, which closed it."""
        if self._thread.ident is not None:
            self._thread.join()
        self._begun.conn.close()
