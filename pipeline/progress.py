"""Progress of a run's stages on stderr, from the first moment after Enter.

On a terminal: one live line, redrawn ten times a second, with a bar of the stages done, the
stage's name and its seconds so far, so a long stage (linking, ranking 200,000 people) visibly
moves; each finished stage leaves a line with its time. Elsewhere (a pipe, a CI log, a notebook):
a line when each stage starts, with the seconds since Enter, and a "still …" line every 10 s of a
long stage. Every line starts with PREFIX, so an error line ("Error: …") stands apart.

This module imports nothing heavy: the CLI shows its first line before pandas is loaded.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

PREFIX = "… "
HEARTBEAT = 10.0  # seconds between "still …" lines when not on a terminal
_SPIN = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


def is_progress_line(line: str) -> bool:
    """Whether a line of stderr is a progress line (not an error or a result)."""
    return line.startswith(PREFIX)


class Progress:
    """Call it with a stage's name when the stage begins; ``close`` when the work is done.

    ``total`` (stages expected) draws a bar on a terminal; without it only the spinner runs.
    ``live`` forces the terminal style on or off (default: whether ``stream`` is a terminal).

    >>> import io
    >>> out = io.StringIO()
    >>> p = Progress(out, live=False)
    >>> p("Reading the LinkedIn export"); p.close()
    >>> out.getvalue().splitlines()[0]
    '… Reading the LinkedIn export (0.0 s)'
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        total: int | None = None,
        live: bool | None = None,
        start: float | None = None,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.live = self._isatty() if live is None else live
        self.total = total
        self.start = start if start is not None else time.perf_counter()
        self.done = 0
        self.stage: str | None = None
        self.stage_start = self.start
        self._next_beat = self.start + HEARTBEAT
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _isatty(self) -> bool:
        try:
            return self.stream.isatty()
        except (AttributeError, ValueError):
            return False

    def __call__(self, message: str) -> None:
        from pipeline.safety import plain  # a file name may carry terminal escapes

        message = plain(message)
        now = time.perf_counter()
        with self._lock:
            self._finish(now)
            self.stage, self.stage_start = message, now
            self._next_beat = now + HEARTBEAT
            if not self.live:
                self._write(f"{PREFIX}{message} ({now - self.start:.1f} s)\n")
            else:
                self._draw(now)
        if self._thread is None:
            self._thread = threading.Thread(target=self._tick, daemon=True)
            self._thread.start()

    def close(self) -> None:
        """End the last stage (its line, on a terminal) and stop the clock."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            self._finish(time.perf_counter())
            self.stage = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _finish(self, now: float) -> None:
        if self.stage is None:
            return
        self.done += 1
        if self.live:  # the live line becomes the finished stage's line
            self._write(f"\r\033[K{PREFIX}{self.stage}: {now - self.stage_start:.1f} s\n")

    def _tick(self) -> None:
        while not self._stop.wait(0.1 if self.live else 0.5):
            now = time.perf_counter()
            with self._lock:
                if self.stage is None:
                    continue
                if self.live:
                    self._draw(now)
                elif now >= self._next_beat:
                    self._write(f"{PREFIX}still {self._lower()}: {now - self.stage_start:.0f} s\n")
                    self._next_beat += HEARTBEAT

    def _lower(self) -> str:
        stage = self.stage or ""
        return stage[:1].lower() + stage[1:]

    def _draw(self, now: float) -> None:
        spin = _SPIN[int((now - self.start) * 10) % len(_SPIN)]
        bar = ""
        if self.total:
            width = 20
            filled = min(width, round(width * self.done / self.total))
            bar = f"[{'█' * filled}{'·' * (width - filled)}] {self.done + 1}/{self.total} "
        line = f"{PREFIX}{spin} {bar}{self.stage}  {now - self.stage_start:.0f} s"
        self._write(f"\r\033[K{line}")

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            pass  # a closed pipe must not turn progress into a failure


def without_progress(text: str) -> str:
    """``text`` (a captured stderr) without its progress lines: the errors and warnings."""
    return "".join(line for line in text.splitlines(keepends=True) if not is_progress_line(line))
