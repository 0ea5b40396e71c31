"""The `prospects` command line: parses arguments, calls the library, maps errors to exit codes.

Exit codes: 0 ok, 1 a problem with the user's input (one sentence on stderr), 2 a usage error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
import typer.core

from pipeline.errors import ProspectsError
from pipeline.progress import Progress

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

        _echo(f"Error: {exc.message}", err=True)
        forget(exc)
        raise typer.Exit(exc.exit_code) from None
    finally:
        if progress is not None:
            progress.close()


def _echo(message: str, *, err: bool = False) -> None:
    """typer.echo with terminal escapes removed: file names and cells come from people's files."""
    from pipeline.safety import plain

    typer.echo(plain(message), err=err)


def _started(total: int | None = None) -> Progress:
    """The first line after Enter, before the slow imports (pandas, scikit-learn) begin."""
    progress = Progress(total=total)
    progress("Starting up")
    return progress


def _warn(message: str) -> None:
    _echo(f"Warning: {message}", err=True)


Export = Annotated[
    Path | None,
    typer.Argument(
        help="Connections.csv, the archive zip or its extracted folder (default: the sample).",
        metavar="EXPORT",
    ),
]
Config = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Settings file (TOML).", metavar="<file>"),
]
Alumni = Annotated[
    list[Path] | None,
    typer.Option(
        "--alumni",
        "-a",
        help="Alumni list; repeat for several: -a a.xlsx -a b.csv.",
        metavar="<file>",
    ),
]
Targets = Annotated[
    Path | None,
    typer.Option("--targets", "-t", help="LAMP list of target employers.", metavar="<file>"),
]
Verbose = Annotated[
    bool,
    typer.Option("--verbose", "-v", help="Also print the technical terms and figures."),
]


def _stages(export, alumni, targets, previous) -> int:
    """How many stages a run will report: starting, each file, normalize, link, rank."""
    files = (1 + len(alumni or ())) if export or alumni else 2  # the sample: export + alumni
    return 1 + files + bool(targets) + bool(previous) + 3


History = Annotated[
    Path | None,
    typer.Option(
        "--history",
        help="Run history (default: history.sqlite beside the workbook).",
        metavar="<file>",
    ),
]
DEFAULT_HISTORY = Path("out/history.sqlite")


def _inputs(export, alumni, targets, config, previous=None):
    """The run's inputs and settings file: the bundled sample (and its settings) when no export
    and no alumni list is given."""
    from pipeline import run

    if export is None and not alumni:
        base, config = run.Inputs.sample(), config or run.SAMPLE_CONFIG
    else:
        base = run.Inputs(export, tuple(alumni or ()))
    return run.Inputs(base.export, base.alumni, targets, previous), config


@app.command()
def shortlist(
    export: Export = None,
    alumni: Alumni = None,
    targets: Targets = None,
    config: Config = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Output workbook.", metavar="<file>")
    ] = Path("out/shortlist.xlsx"),
    fmt: Annotated[
        str, typer.Option("--format", help="xlsx or csv.", metavar="<xlsx|csv>")
    ] = "xlsx",
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous",
            help="Carry your notes over from this workbook (default: --out).",
            metavar="<file>",
        ),
    ] = None,
    history: History = None,
    no_history: Annotated[
        bool, typer.Option("--no-history", help="Neither read nor add to the run history.")
    ] = False,
    verbose: Verbose = False,
) -> None:
    """Rank the people most worth an informational interview and write the workbook.

    Without arguments it runs on the bundled sample. When the workbook already exists, your own
    columns (Status, dates, Notes, columns you added) and the people you added by hand are
    carried over; the old file is kept as a .bak.xlsx beside it. Each run is added to the
    history (history.sqlite beside the workbook): what changed since the last run comes first
    in the workbook (What changed) and in one line here.

    Example:

    \b
        prospects shortlist Basic_LinkedInDataExport_11-28-2026.zip -a alumni.xlsx -c shortlist.toml
    """
    if fmt not in ("xlsx", "csv"):
        raise typer.BadParameter("use xlsx or csv", param_hint="--format")
    progress = _started(_stages(export, alumni, targets, previous or out.is_file()) + 1)
    with user_errors(progress):
        from pipeline import history as hist
        from pipeline import run
        from pipeline.export.files import refuse_if_open
        from pipeline.safety import check_output

        # The previous workbook is the one input --out may replace (a .bak keeps it).
        written = out if fmt == "xlsx" else out.with_suffix(".csv")
        check_output(written, [*(alumni or ()), export, targets, config])
        if fmt == "xlsx":
            refuse_if_open(out)  # before the work, not after: the user has unsaved edits
        previous = previous or (out if fmt == "xlsx" and out.is_file() else None)
        inputs, config = _inputs(export, alumni, targets, config, previous)
        result = run.shortlist(inputs, run.load_settings(config), progress=progress)
        progress("Writing the workbook" if fmt == "xlsx" else "Writing the CSV file")
        lines: list[str] = []
        pending = hist.for_run(result, out, history, off=no_history, say=_warn)
        changed = pending.what_changed() if pending else None
        result = replace(result, ranked=pending.with_due(result.ranked)) if pending else result
        path = run.write(result, written, fmt, changed, messages=lines)
        if pending:
            pending.commit()  # after the workbook: a history problem never costs a workbook
    _echo(result.summary(verbose=verbose))
    for line in lines:
        _echo(line)
    if pending:
        _echo(pending.summary())
    _echo(f"Wrote {path}")


@app.command()
def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Your LinkedIn export (zip, folder or Connections.csv), alumni lists."),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the people read as CSV.", metavar="<file>"),
    ] = None,
    config: Config = None,
    raw: Annotated[
        bool,
        typer.Option(
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
    progress = _started(2)
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
        _echo(
            f"{report.file}: read {report.read:,} {report.kind} rows, accepted "
            f"{report.accepted:,}, rejected {report.rejected:,}"
        )
        details = [f"{k}: {v}" for k, v in report.details.items()]
        for line in details + reason_lines(ingested.ledger, report.file):
            _echo(f"    {line}")
    if profile is not None:
        _echo(f"Me: {profile.name or 'no name found'} (from the archive's own profile)")
        for line in describe(profile):
            _echo(f"    {line}")
    if out is not None:
        _echo(f"Wrote {len(ingested.people):,} people to {out}")


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

    \b
        prospects init Basic_LinkedInDataExport_11-28-2026.zip --out shortlist.toml
    """
    from pipeline.export.files import replace_atomically
    from pipeline.safety import check_output
    from pipeline.starter import starter_toml

    with user_errors():
        check_output(out, [export])
        if out.exists() and not force:
            _echo(f"Error: {out.name} already exists; use --force to overwrite it.", err=True)
            raise typer.Exit(1)
        text = starter_toml(export)
        replace_atomically(out, lambda p: p.write_text(text, encoding="utf-8"), backup=False)
    _echo(f"Wrote {out}; edit it, then run: ./prospects shortlist EXPORT --config {out}")


@app.command()
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
    progress = _started(2)
    with user_errors(progress):
        from pipeline import run
        from pipeline.batch.students import inspect_students, is_students_table
        from pipeline.ingest.inspect import inspect_file, render

        progress(f"Reading {file.name}")
        loaded = run.load_settings(config)
        students = is_students_table(file, loaded.ingest.max_archive_mb * 1_000_000)
        inspection = inspect_students(file, loaded) if students else inspect_file(file, loaded)
    render(inspection, hint=not students)


@app.command()
def explain(
    who: Annotated[str, typer.Argument(help="A name (or part of one), or an ID (keep) value.")],
    export: Export = None,
    alumni: Alumni = None,
    targets: Targets = None,
    config: Config = None,
    history: History = None,
) -> None:
    """Show how one person's score was made: each feature's value, weight, share and evidence,
    how their records were linked (each comparison and the bits it added), and their history
    over your runs (employers, titles, ranks, statuses) when there is one.

    Takes the same inputs as shortlist (without any, the bundled sample).

    Example:

    \b
        prospects explain "Emeka Moreau" Basic_LinkedInDataExport_11-28-2026.zip -a alumni.xlsx
    """
    progress = _started(_stages(export, alumni, targets, None))
    with user_errors(progress):
        from pipeline import run
        from pipeline.link.audit import links_text
        from pipeline.rank import explain as how

        inputs, config = _inputs(export, alumni, targets, config)
        result = run.shortlist(inputs, run.load_settings(config), progress=progress)
        progress.close()
        found = how.find(how.scored(result.ranked, result.filtered), who)
        if len(found) > 1:
            _echo(how.candidates_text(found))
            raise how.AmbiguousName("Several people match that name; use one of the IDs above.")
        row = found.iloc[0]
        _echo(how.report(row, result.context, total=len(result.ranked)))
        ids = str(row.get("record_ids") or "").split("|")
        records = result.people[result.people["record_id"].isin(ids)]
        matches, threshold = result.linked.matches, result.settings.match.threshold
        _echo("\n  How its records were linked:\n" + links_text(matches, records, threshold))
        from pipeline import history as hist

        if (history or DEFAULT_HISTORY).is_file():
            past = hist.person(history or DEFAULT_HISTORY, str(row["prospect_id"]))
            _echo("\n  Over your runs:\n" + hist.person_text(past))


@app.command()
def learn(
    workbook: Annotated[Path, typer.Argument(help="The shortlist workbook you reviewed.")],
    config: Config = None,
    write: Annotated[
        bool, typer.Option("--write", help="Save better weights into the --config file.")
    ] = False,
    verbose: Verbose = False,
) -> None:
    """Learn the weights from your Interested answers (yes, maybe, no) in a reviewed workbook.

    Prints the current and the learned weights and how well each puts the people you said yes
    to above the others, tested on answers it did not learn from; the learned weights are kept
    only when they do better, and written to the settings file only with --write.

    Example:

    \b
        prospects learn out/shortlist.xlsx --config shortlist.toml --write
    """
    if write and config is None:
        raise typer.BadParameter(
            "--write needs --config FILE, the file to update", param_hint="--write"
        )
    progress = _started(3)
    with user_errors(progress):
        from pipeline import run
        from pipeline.export.files import replace_atomically
        from pipeline.ingest.reviewed import read_reviewed
        from pipeline.rank import learn as lrn

        progress("Reading your answers")
        reviewed = read_reviewed(workbook)
        progress("Learning the weights")
        learned = lrn.learn(reviewed, run.load_settings(config))
        progress.close()
        _echo(learned.summary(verbose=verbose))
        if write and config is not None and learned.accepted:
            text = lrn.with_weights(config.read_text(encoding="utf-8-sig"), learned.new)
            replace_atomically(config, lambda p: p.write_text(text, encoding="utf-8"), backup=True)
            _echo(f"Wrote the learned weights to {config} (the old file is kept as a backup).")


@app.command("link")
def link_files(
    left: Annotated[Path, typer.Argument(help="A person table: Connections.csv, archive, list.")],
    right: Annotated[Path | None, typer.Argument(help="A second table; omit to dedupe.")] = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Who was matched to whom, as CSV.", metavar="<file>")
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
    progress = _started(5)
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
    _echo(
        f"Compared {len(scored.pairs):,} pairs of records that could be the same person "
        f"(of {len(scored.frame):,} records); matched {len(pairs):,}."
    )
    if verbose:
        _echo("Candidate pairs per blocking rule:")
        for rule, count in scored.per_rule.items():
            _echo(f"    {rule}: {count:,}")
    _echo(f"Wrote {out} (who was matched to whom)")


@app.command("history")
def history_runs(history: History = None) -> None:
    """List the runs in the history: when, how many people, which files.

    Example:

    \b
        prospects history --history out/history.sqlite
    """
    from pipeline import history as hist

    with user_errors():
        _echo(hist.runs_text(hist.runs(history or DEFAULT_HISTORY)))


@app.command()
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
    _echo(hist.changes_text(report))


@app.command()
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
    progress = _started()
    with user_errors(progress):
        from pipeline import run
        from pipeline.batch.dataset import prepare as prepare_dataset

        report = prepare_dataset(alumni, run.load_settings(config), out, progress=progress)
    _echo("\n".join(report.lines()))
    _echo(f"Wrote {out}")


@app.command()
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
    _echo("\n".join(result.lines()))


def main() -> None:  # pragma: no cover - the console script calls app directly
    app()
