"""The commands that read the run history without running the pipeline: history (the runs) and
changes (what changed since the last run, who is due). They import no pandas and no stage, so
they answer in well under 2 s (benchmarks/bench_history.py).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from pipeline.cli.common import DEFAULT_HISTORY, Config, History, echo, user_errors


def history_runs(history: History = None) -> None:
    """List the runs in the history: when, how many people, which files.

    Example:

    \b
        prospects history --history out/history.sqlite
    """
    from pipeline import history as hist

    with user_errors():
        echo(hist.runs_text(hist.run_rows(history or DEFAULT_HISTORY)))


def changes(
    history: History = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Compare with your last run on or before DATE.")
    ] = None,
    config: Config = None,
) -> None:
    """Print what changed between your last two runs (or since DATE, YYYY-MM-DD): job changes,
    promotions, moves into or out of target employers, new and lost connections, who is due.
    Writes no workbook.

    Example:

    \b
        prospects changes --since 2026-09-01
    """
    try:
        day = date.fromisoformat(since) if since else None
    except ValueError:
        raise typer.BadParameter("give a date as YYYY-MM-DD", param_hint="--since") from None
    # Only the history and the settings: no pandas, no stages (issue 21: the command in < 2 s).
    from pipeline import history as hist
    from pipeline import settings

    with user_errors():
        report = hist.changes_since(
            history or DEFAULT_HISTORY, day, settings.load(config).history, date.today()
        )
    echo(hist.changes_text(report))
