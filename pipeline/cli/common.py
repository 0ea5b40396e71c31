"""What every `prospects` command shares: its options, the one-line error handling, the first
progress line, and the run's inputs (the bundled sample when none are given).

Nothing here imports pandas or a stage: `prospects --help` must stay fast
(benchmarks/first_line.py).
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from pipeline.errors import ProspectsError
from pipeline.progress import Progress


@contextmanager
def user_errors(progress: Progress | None = None) -> Iterator[None]:
    """A user's mistake becomes one line on stderr and exit 1; never a traceback.

    ``progress`` is closed first, so its live line never runs into the error or the results.
    """
    try:
        yield
    except ProspectsError as exc:
        if progress is not None:
            progress.close()
        from pipeline.safety import forget

        echo(f"Error: {exc.message}", err=True)
        forget(exc)
        raise typer.Exit(exc.exit_code) from None
    finally:
        if progress is not None:
            progress.close()


def echo(message: str, *, err: bool = False) -> None:
    """typer.echo with terminal escapes removed: file names and cells come from people's files."""
    from pipeline.safety import plain

    typer.echo(plain(message), err=err)


def started(total: int | None = None) -> Progress:
    """The first line after Enter, before the slow imports (pandas, scikit-learn) begin."""
    progress = Progress(total=total)
    progress("Starting up")
    return progress


def warn(message: str) -> None:
    echo(f"Warning: {message}", err=True)


def file_option(*names: str, help: str) -> typer.models.OptionInfo:
    """An option whose value is a file, shown as ``<file>`` in ``--help``."""
    return typer.Option(*names, help=help, metavar="<file>")


def flag(*names: str, help: str) -> typer.models.OptionInfo:
    """An on/off option (``--write``, ``--verbose``); named, so typer adds no ``--no-`` twin."""
    return typer.Option(*names, help=help)


Export = Annotated[
    Path | None,
    typer.Argument(
        help="Connections.csv, the archive zip or its extracted folder (default: the sample).",
        metavar="EXPORT",
    ),
]
Config = Annotated[Path | None, file_option("--config", "-c", help="Settings file (TOML).")]
Alumni = Annotated[
    list[Path] | None,
    file_option("--alumni", "-a", help="Alumni list; repeat for several: -a a.xlsx -a b.csv."),
]
Targets = Annotated[
    Path | None, file_option("--targets", "-t", help="LAMP list of target employers.")
]
Verbose = Annotated[
    bool, flag("--verbose", "-v", help="Also print the technical terms and figures.")
]


def stage_count(export, alumni, targets, previous) -> int:
    """How many stages a run will report: starting, each file, normalize, link, rank."""
    files = (1 + len(alumni or ())) if export or alumni else 2  # the sample: export + alumni
    return 1 + files + bool(targets) + bool(previous) + 3


History = Annotated[
    Path | None,
    file_option("--history", help="Run history (default: history.sqlite beside the workbook)."),
]
DEFAULT_HISTORY = Path("out/history.sqlite")


def run_inputs(export, alumni, targets, config, previous=None):
    """The run's inputs and settings file: the bundled sample (and its settings) when no export
    and no alumni list is given."""
    from pipeline import run

    if export is None and not alumni:
        base, config = run.Inputs.sample(), config or run.SAMPLE_CONFIG
    else:
        base = run.Inputs(export, tuple(alumni or ()))
    return run.Inputs(base.export, base.alumni, targets, previous), config


@contextmanager
def startup_imports() -> Iterator[None]:
    """Around a command's first imports of pandas and the stages: no cyclic garbage collection
    while they load, then what they made is frozen (``gc.freeze``: kept out of later
    collections; modules live as long as the process anyway).

    Loading pandas, NumPy, pyarrow and the stages makes hundreds of thousands of objects, and the
    collector went through them again and again while they loaded, then twice more in full: a
    tenth of a second of the sample's run. Collection during the run itself is as before. In a
    process where pandas is already loaded (a notebook, the tests) this does nothing.
    """
    if "pandas" in sys.modules:
        yield
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


# Set by a command whose files are all written and closed (the last thing it does); ``main``
# then ends the process at once. A list, so that ``main`` can clear it before each command.
_DONE_AND_CLOSED: list[bool] = []
# What a command run by ``main`` hands to ``done_and_closed`` to keep; None in any other caller.
_KEPT: list[object] | None = None


def done_and_closed(*kept: object) -> None:
    """Say that this command wrote and closed everything it had to: ``quick_exit`` may end the
    process without Python freeing the run's objects one by one (about 2 s at 200,000 alumni).
    Call it last, after the workbook is closed, the history committed and the summary echoed.

    ``kept``: the command's big objects (the run's Result). Under the console script (``main``)
    they are held until the process ends, else returning from the command would free them one
    by one before the quick exit (half a second at the large size); an in-process caller (tests,
    notebooks) keeps nothing."""
    _DONE_AND_CLOSED.append(True)
    if _KEPT is not None:
        _KEPT.extend(kept)


def quick_exit(code: object) -> None:
    """End the process with ``os._exit`` when the command succeeded (exit code 0) and said it is
    ``done_and_closed``; else return, and the caller exits as Python does.

    Only the console script (``main``) calls this, never an in-process caller (tests, notebooks):
    the run's frames are then freed by the OS, not by the interpreter's teardown. Standard
    streams are flushed first; one that cannot be written (a closed pipe) gives exit code 120,
    as Python's own exit does.
    """
    if code not in (0, None) or not _DONE_AND_CLOSED:
        return
    status = 0
    if "logging" in sys.modules:  # its handlers flush at exit; none is set up, but be sure
        import logging

        logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            status = 120
    os._exit(status)
