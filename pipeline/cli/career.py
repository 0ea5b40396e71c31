"""The career centre's commands: prepare (an alumni database read, normalized and deduplicated
once) and batch (every student's shortlist from it, on Dask).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli.common import Alumni, Config, echo, started, user_errors


def prepare(
    alumni: Annotated[list[Path], typer.Argument(help="Alumni lists (.xlsx, .ods, .csv).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Dataset folder to write.")] = Path(
        "alumni.parquet"
    ),
    config: Config = None,
) -> None:
    """Read, normalize and deduplicate an alumni database once, for many students' runs.

    Writes a Parquet dataset that --alumni accepts everywhere an alumni list is.

    Example:

    \b
        prospects prepare alumni-2025.xlsx alumni-2026.csv --out alumni.parquet
    """
    progress = started()
    with user_errors(progress):
        from pipeline import run
        from pipeline.batch.dataset import prepare as prepare_dataset

        report = prepare_dataset(alumni, run.load_settings(config), out, progress=progress)
    echo("\n".join(report.lines()))
    echo(f"Wrote {out}")


def batch(
    students: Annotated[Path, typer.Argument(help="The students table (.csv or .xlsx).")],
    alumni: Alumni = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the workbooks.")] = Path(
        "out/students"
    ),
    config: Config = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Dask scheduler, tcp://HOST:8786 (default: DASK_SCHEDULER_ADDRESS, "
            "else this machine)."
        ),
    ] = None,
    workers: Annotated[int | None, typer.Option(help="Local workers (default: cores).")] = None,
    resume: Annotated[bool, typer.Option(help="Skip students whose workbook is complete.")] = False,
    cap: Annotated[
        int | None, typer.Option(help="At most this many students' top 10 per alum.")
    ] = None,
) -> None:
    """Write every student's shortlist from one prepared alumni dataset, and summary.xlsx.

    Example:

    \b
        prospects batch students.csv --alumni alumni.parquet --out out/students --cap 5
    """
    from pipeline import run
    from pipeline.batch.engine import run_batch, terminal_progress
    from pipeline.batch.students import read_students

    with user_errors():
        loaded = run.load_settings(config)
        table = read_students(students, loaded)
        result = run_batch(table, alumni or [], out, loaded, scheduler=scheduler, workers=workers,
                           resume=resume, cap=cap, progress=terminal_progress())  # fmt: skip
    echo("\n".join(result.lines()))
