"""The `prospects` command line: parses arguments, calls the library, maps errors to exit codes.

Exit codes: 0 ok, 1 a problem with the user's input (one sentence on stderr), 2 a usage error.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from pipeline.errors import ProspectsError

app = typer.Typer(
    name="prospects",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals would print people's data in a traceback
    rich_markup_mode=None,
    help="""Turn your LinkedIn export and alumni lists into a ranked shortlist of people to ask
for informational interviews.

Example:

    prospects shortlist Basic_LinkedInDataExport_11-28-2026.zip --alumni alumni.xlsx
""",
)


@contextmanager
def user_errors() -> Iterator[None]:
    """A user's mistake becomes one line on stderr and exit 1; never a traceback."""
    try:
        yield
    except ProspectsError as exc:
        typer.echo(f"Error: {exc.message}", err=True)
        raise typer.Exit(exc.exit_code) from None


def _progress(message: str) -> None:
    if sys.stderr.isatty():
        typer.echo(f"… {message}", err=True)


Export = Annotated[
    Path | None,
    typer.Argument(
        help="Connections.csv, the archive zip or its extracted folder (default: the sample)."
    ),
]
Config = Annotated[Path | None, typer.Option("--config", "-c", help="Settings file (TOML).")]


@app.command()
def shortlist(
    export: Export = None,
    alumni: Annotated[
        list[Path] | None, typer.Option("--alumni", "-a", help="Alumni list (repeatable).")
    ] = None,
    targets: Annotated[
        Path | None, typer.Option("--targets", "-t", help="LAMP target employer list.")
    ] = None,
    config: Config = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output workbook.")] = Path(
        "out/shortlist.xlsx"
    ),
    fmt: Annotated[str, typer.Option("--format", help="xlsx or csv.")] = "xlsx",
) -> None:
    """Rank the people most worth an informational interview and write the workbook.

    Without arguments it runs on the bundled sample.

    Example:

        prospects shortlist Basic_LinkedInDataExport_11-28-2026.zip -a alumni.xlsx -c shortlist.toml
    """
    if fmt not in ("xlsx", "csv"):
        raise typer.BadParameter("use xlsx or csv", param_hint="--format")
    from pipeline import run, settings

    with user_errors():
        if export is None and not alumni:
            inputs = run.Inputs.sample()
            config = config or run.SAMPLE_CONFIG
        else:
            inputs = run.Inputs(export, tuple(alumni or ()), targets)
        if targets is not None:
            inputs = run.Inputs(inputs.export, inputs.alumni, targets)
        result = run.shortlist(inputs, settings.load(config), progress=_progress)
        path = run.write(result, out if fmt == "xlsx" else out.with_suffix(".csv"), fmt)
    typer.echo(result.summary())
    typer.echo(f"Wrote {path}")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Connections.csv, archive zip or folder.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write People as CSV.")] = None,
    config: Config = None,
) -> None:
    """Read exports and alumni lists, and show how each file was read and what was set aside.

    Example:

        prospects ingest Basic_LinkedInDataExport_11-28-2026.zip alumni.xlsx --out people.csv
    """
    from pipeline import settings
    from pipeline.ingest import read_any

    with user_errors():
        loaded = settings.load(config)
        ingested, profile = read_any(paths, loaded)
        if out is not None:
            from pipeline.export.people import write_people_csv

            write_people_csv(ingested.people, out)
    for report in ingested.reports:
        typer.echo(
            f"{report.file}: read {report.read:,}, accepted {report.accepted:,}, "
            f"rejected {report.rejected:,}"
        )
        for key, value in report.details.items():
            typer.echo(f"    {key}: {value}")
        reasons = ingested.ledger[ingested.ledger["source_file"] == report.file]
        for (outcome, reason), count in reasons.groupby(["outcome", "reason"]).size().items():
            typer.echo(f"    {outcome}: {count:,} × {reason}")
    if profile is not None and profile.name:
        typer.echo(f"Me: {profile.name}")
        if profile.headline:
            typer.echo(f"    headline: {profile.headline}")
        for e in profile.education:
            years = "–".join(str(y) for y in (e.start_year, e.end_year) if y)
            typer.echo(f"    school: {e.school}, {e.degree} {years}".rstrip())
        for p in profile.positions:
            kind = " (internship/co-op)" if p.is_training else ""
            typer.echo(f"    position: {p.title} at {p.company}, from {p.start[0] or '?'}{kind}")
        grad, start = profile.grad_year(), profile.career_start()
        typer.echo(f"    first graduation: {grad or 'unknown'}; career start: {start or 'unknown'}")
    if out is not None:
        typer.echo(f"Wrote {out}")


@app.command()
def init(
    export: Export = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Settings file to write.")] = Path(
        "shortlist.toml"
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented starter settings file, filled from your profile when an archive is given.

    Example:

        prospects init Basic_LinkedInDataExport_11-28-2026.zip --out shortlist.toml
    """
    from pipeline.starter import starter_toml

    with user_errors():
        if out.exists() and not force:
            typer.echo(f"Error: {out.name} already exists; use --force to overwrite it.", err=True)
            raise typer.Exit(1)
        out.write_text(starter_toml(export), encoding="utf-8")
    typer.echo(f"Wrote {out}; edit it, then run: prospects shortlist EXPORT --config {out}")


def main() -> None:  # pragma: no cover - the console script calls app directly
    app()
