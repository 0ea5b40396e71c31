"""The console script ends a finished shortlist at once (os._exit), with every file written and
closed and the streams flushed; any other ending (an error, --help, an in-process caller) is
Python's own exit."""

from __future__ import annotations

import io
import sqlite3
import subprocess
import sys
import weakref
import zipfile
from pathlib import Path

import pytest

import pipeline.cli as cli
from pipeline.cli import common, main

# The CLI as `python -m pipeline` runs it, with an atexit line: os._exit skips atexit handlers,
# so the line is there only when the process ended the ordinary way.
SCRIPT = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('ATEXIT-RAN', file=sys.stderr))\n"
    "sys.argv = ['prospects', *sys.argv[1:]]\n"
    "from pipeline.cli import main\n"
    "main()\n"
)


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_a_finished_shortlist_ends_at_once_with_everything_written(tmp_path: Path) -> None:
    out = tmp_path / "s.xlsx"
    done = _run("shortlist", "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "ATEXIT-RAN" not in done.stderr  # the quick exit was taken
    # stdout (a pipe: block-buffered) was flushed to its last line
    assert done.stdout.rstrip().splitlines()[-1] == f"Wrote {out}"
    assert "Ranked" in done.stdout
    with zipfile.ZipFile(out) as book:  # a complete workbook: the zip's directory is written
        assert book.testzip() is None
        assert "xl/workbook.xml" in book.namelist()
    with sqlite3.connect(tmp_path / "history.sqlite") as history:  # the run was committed
        assert history.execute("SELECT count(*) FROM runs").fetchone() == (1,)


def test_a_failed_run_exits_the_ordinary_way_with_its_code(tmp_path: Path) -> None:
    done = _run("shortlist", str(tmp_path / "missing.zip"), cwd=tmp_path)
    assert done.returncode == 1
    assert "missing.zip" in done.stderr and "Traceback" not in done.stderr
    assert "ATEXIT-RAN" in done.stderr


def test_help_exits_the_ordinary_way(tmp_path: Path) -> None:
    done = _run("--help", cwd=tmp_path)
    assert done.returncode == 0 and "shortlist" in done.stdout
    assert "ATEXIT-RAN" in done.stderr


def test_in_process_main_raises_system_exit_even_after_a_finished_command(monkeypatch) -> None:
    common.done_and_closed()  # as a shortlist run in this process (CliRunner) leaves it
    monkeypatch.setattr(sys, "argv", ["prospects", "--help"])
    with pytest.raises(SystemExit) as ended:
        main()  # main clears what an earlier command said: only its own command counts
    assert ended.value.code == 0
    common._DONE_AND_CLOSED.clear()


class _Ended(Exception):
    pass


def _exit_recorder(monkeypatch) -> list[int]:
    codes: list[int] = []

    def fake_exit(code: int) -> None:
        codes.append(code)
        raise _Ended

    monkeypatch.setattr(common.os, "_exit", fake_exit)
    return codes


class _ClosedPipe(io.StringIO):
    def flush(self) -> None:
        raise BrokenPipeError


def test_quick_exit_only_after_success_and_done(monkeypatch) -> None:
    codes = _exit_recorder(monkeypatch)
    monkeypatch.setattr(common, "_DONE_AND_CLOSED", [])
    common.quick_exit(0)  # nothing said it is done: return, Python exits as usual
    common.done_and_closed()
    common.quick_exit(1)  # a failure keeps its ordinary exit (and its code)
    common.quick_exit("an error text")
    assert codes == []
    with pytest.raises(_Ended):
        common.quick_exit(None)
    assert codes == [0]


def test_quick_exit_flushes_and_reports_a_closed_pipe_as_python_does(monkeypatch) -> None:
    codes = _exit_recorder(monkeypatch)
    monkeypatch.setattr(common, "_DONE_AND_CLOSED", [True])
    out = io.StringIO()
    out.write("last line\n")
    flushed: list[bool] = []
    monkeypatch.setattr(out, "flush", lambda: flushed.append(True))
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with pytest.raises(_Ended):
        common.quick_exit(0)
    assert flushed == [True] and codes == [0]
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    with pytest.raises(_Ended):
        common.quick_exit(0)
    assert codes == [0, 120]  # Python's own exit status when stdout cannot be flushed


class _Frames:
    """Stands for a run's Result: something weakref can watch."""


def _app(code: int, seen: list[weakref.ref]):
    """An app whose command keeps a _Frames, returns (its locals gone), then exits with
    ``code`` as typer does after a command."""

    def command() -> None:
        frames = _Frames()
        seen.append(weakref.ref(frames))
        common.done_and_closed(frames)

    def app(prog_name: str) -> None:
        command()
        sys.exit(code)

    return app


def test_main_holds_what_the_command_kept_until_the_quick_exit(monkeypatch) -> None:
    alive_at_exit: list[bool] = []
    seen: list[weakref.ref] = []

    def ending(code: object) -> None:
        alive_at_exit.append(seen[-1]() is not None)
        if code:
            return  # as quick_exit does after a failure: the ordinary exit follows
        raise _Ended

    monkeypatch.setattr(common, "quick_exit", ending)
    monkeypatch.setattr(cli, "app", _app(0, seen))
    with pytest.raises(_Ended):
        main()
    assert alive_at_exit == [True]
    assert common._KEPT is None and seen[-1]() is None  # released once main is left

    monkeypatch.setattr(cli, "app", _app(1, seen))
    with pytest.raises(SystemExit):
        main()
    assert alive_at_exit == [True, True]  # kept to the exit, no later
    assert common._KEPT is None and seen[-1]() is None
    common._DONE_AND_CLOSED.clear()


def test_an_in_process_command_keeps_nothing() -> None:
    frames = _Frames()
    seen = weakref.ref(frames)
    common.done_and_closed(frames)  # as a CliRunner run of shortlist calls it
    del frames
    assert seen() is None
    common._DONE_AND_CLOSED.clear()
