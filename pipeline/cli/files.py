"""The commands that look at files before a run: ingest (how each file was read), inspect (how an
alumni list's columns map), link (who is the same person across two files) and init (a starter
settings file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli.common import (
    Config,
    Export,
    Verbose,
    echo,
    file_option,
    flag,
    started,
    user_errors,
)


def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Your LinkedIn export (zip, folder or Connections.csv), alumni lists."),
    ],
    out: Annotated[
        Path | None, file_option("--out", "-o", help="Write the people read as CSV.")
    ] = None,
    config: Config = None,
    raw: Annotated[
        bool,
        flag(
            "--raw",
            help="With --out: text exactly as read, for scripts. UNSAFE to open in a spreadsheet "
            "(a cell starting with = + - @ may run as a formula).",
        ),
    ] = False,
) -> None:
    """Read exports and alumni lists, and show how each file was read and what was set aside.

    Example:

    \b
        prospects ingest Basic_LinkedInDataExport_11-28-2026.zip alumni.xlsx --out people.csv
    """
    progress = started(2)
    with user_errors(progress):
        from pipeline import run
        from pipeline.ingest import Inputs, read_inputs
        from pipeline.safety import check_output

        if out is not None:
            check_output(out, [*paths, config])
        progress("Reading the files")
        loaded = run.load_settings(config)
        read = read_inputs(Inputs.of(paths), loaded)
        ingested, profile = read.ingested, read.profile
        if out is not None:
            from pipeline.export.people import write_people_csv

            write_people_csv(ingested.people, out, raw=raw)
    from pipeline.ingest.ledger import reason_lines
    from pipeline.ingest.profile import describe

    for report in ingested.reports:
        echo(
            f"{report.file}: read {report.read:,} {report.kind} "
            f"{'row' if report.read == 1 else 'rows'}, accepted "
            f"{report.accepted:,}, rejected {report.rejected:,}"
        )
        details = [f"{k}: {v}" for k, v in report.details.items()]
        for line in details + reason_lines(ingested.ledger, report.file):
            echo(f"    {line}")
    if profile is not None:
        echo(f"Me: {profile.name or 'no name found'} (from the archive's own profile)")
        for line in describe(profile):
            echo(f"    {line}")
    if out is not None:
        echo(f"Wrote {len(ingested.people):,} people to {out}")


def init(
    export: Export = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Settings file to write.")] = Path(
        "shortlist.toml"
    ),
    force: Annotated[bool, flag("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented starter settings file, filled from your profile when an archive is given.

    Example:

    \b
        prospects init Basic_LinkedInDataExport_11-28-2026.zip --out shortlist.toml
    """
    from pipeline.export.files import replace_atomically
    from pipeline.safety import check_output
    from pipeline.starter import starter_toml

    with user_errors():
        check_output(out, [export])
        if out.exists() and not force:
            echo(f"Error: {out.name} already exists; use --force to overwrite it.", err=True)
            raise typer.Exit(1)
        text = starter_toml(export)
        replace_atomically(out, lambda p: p.write_text(text, encoding="utf-8"), backup=False)
    echo(f"Wrote {out}; edit it, then run: ./prospects shortlist EXPORT --config {out}")


def inspect(
    file: Annotated[
        Path, typer.Argument(help="An alumni list or a students table: .xlsx, .ods, .csv, .txt.")
    ],
    config: Config = None,
) -> None:
    """Show how an alumni list (or a career centre's students table) will be read: sheets,
    header row, column mapping, sample rows.

    The sample rows are printed on your terminal only. Correct a mapping in the settings, under
    [alumni.columns]: "Pref Class Year" = "grad_year", or "ignore" to drop a column.

    Example:

        prospects inspect alumni.xlsx --config shortlist.toml
    """
    progress = started(2)
    with user_errors(progress):
        from pipeline import run
        from pipeline.batch.students import inspect_students, is_students_table
        from pipeline.ingest.inspect import inspect_file, render

        progress(f"Reading {file.name}")
        loaded = run.load_settings(config)
        students = is_students_table(file, loaded.ingest.max_archive_mb * 1_000_000)
        inspection = inspect_students(file, loaded) if students else inspect_file(file, loaded)
    render(inspection, hint=not students)


def link_files(
    left: Annotated[Path, typer.Argument(help="A person table: Connections.csv, archive, list.")],
    right: Annotated[Path | None, typer.Argument(help="A second table; omit to dedupe.")] = None,
    out: Annotated[
        Path, file_option("--out", "-o", help="Who was matched to whom, as CSV.")
    ] = Path("matches.csv"),
    config: Config = None,
    verbose: Verbose = False,
) -> None:
    """Find the same person across two files (or twice in one) and write who was matched to whom.

    Each row of the CSV is one match: both people's names, their file and row, how sure the
    match is, and the evidence.

    Example:

    \b
        prospects link Connections.csv alumni.xlsx --config shortlist.toml --out matches.csv
    """
    progress = started(5)
    with user_errors(progress):
        from pipeline import run
        from pipeline.export.matches import write_matches_csv
        from pipeline.ingest import Inputs, read_inputs
        from pipeline.link import linked_pairs
        from pipeline.normalize import normalize
        from pipeline.safety import check_output

        check_output(out, [left, right, config])
        progress("Reading the files")
        loaded = run.load_settings(config)
        ingested = read_inputs(Inputs.of([left, *([right] if right else [])]), loaded).ingested
        progress("Normalizing names, companies, titles and schools")
        people = normalize(ingested.people, loaded)
        progress("Linking records of the same person")
        pairs, scored = linked_pairs(people, loaded)
        progress("Writing the matches")
        write_matches_csv(pairs, out)
    echo(
        f"Compared {len(scored.pairs):,} pairs of records that could be the same person "
        f"(of {len(scored.frame):,} records); matched {len(pairs):,}."
    )
    if verbose:
        echo("Candidate pairs per blocking rule:")
        for rule, count in scored.per_rule.items():
            echo(f"    {rule}: {count:,}")
    echo(f"Wrote {out} (who was matched to whom)")
