"""The `prospects` command line: parses arguments, calls the library, maps errors to exit codes.

Exit codes: 0 ok, 1 a problem with the user's input (one sentence on stderr), 2 a usage error.

This module makes the ``app`` (the console script ``prospects`` and ``python -m pipeline``) and
registers the commands, in the order `prospects --help` lists them; each lives with its kind:

- ``ranking``: shortlist, explain, learn (the whole pipeline for one user);
- ``files``: ingest, init, inspect, link (looking at files before a run);
- ``tracking``: history, changes (the run history, without pandas);
- ``career``: prepare, batch (the career centre's);
- ``common``: the shared options, one-line errors, the first progress line, the run's inputs.

A command imports pandas and the stages only when it runs, so `prospects --help` stays fast.
"""

from __future__ import annotations

import typer
import typer.core

from pipeline.cli import career, common, files, params, ranking, tracking

params.install()  # text and paths converted without Pydantic (pipeline/cli/params.py)

app = typer.Typer(
    name="prospects",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals would print people's data in a traceback
    rich_markup_mode=None,
    help="""Turn your LinkedIn export and alumni lists into a ranked shortlist of people to ask
for informational interviews.

Example:

\b
    prospects shortlist Basic_LinkedInDataExport_11-28-2026.zip --alumni alumni.xlsx
""",
)


_type_shown = typer.core.TyperArgument.display_type
_PLAIN_TYPES = {"<list[Path]>": "<file>...", "<path>": "<file>", "<str>": ""}


def _plain_type(self: typer.core.TyperArgument, ctx) -> str:
    # Typer shows an argument's Python type ("<list[Path]>"), which means nothing to a user.
    shown = _type_shown(self, ctx)
    return _PLAIN_TYPES.get(shown, shown)


typer.core.TyperArgument.display_type = _plain_type  # type: ignore[method-assign,assignment]


# In this order in `prospects --help`: the everyday command first, the career centre's last.
app.command()(ranking.shortlist)
app.command()(files.ingest)
app.command()(files.init)
app.command()(files.inspect)
app.command()(ranking.explain)
app.command()(ranking.learn)
app.command("link")(files.link_files)
app.command("history")(tracking.history_runs)
app.command()(tracking.changes)
app.command()(career.prepare)
app.command()(career.batch)


def main() -> None:
    """The console script ``prospects`` and ``python -m pipeline``: ``app``, then, after a
    command that finished with everything written and closed (``common.done_and_closed``), the
    process ends at once (``common.quick_exit``): freeing a real-size run's frames object by
    object took Python about 2 s after the last line was printed."""
    common._DONE_AND_CLOSED.clear()  # only what this command says counts
    common._KEPT = []
    try:
        app(prog_name="prospects")
    except SystemExit as done:
        common.quick_exit(done.code)
        raise
    finally:
        common._KEPT = None  # not ended at once: what the command kept is freed as usual
