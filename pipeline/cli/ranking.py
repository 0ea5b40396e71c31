"""The commands that run the whole pipeline for one user: shortlist (the workbook), explain (one
person's score, links and history) and learn (weights from the user's answers).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli.common import (
    DEFAULT_HISTORY,
    Alumni,
    Config,
    Export,
    History,
    Targets,
    Verbose,
    done_and_closed,
    echo,
    file_option,
    flag,
    run_inputs,
    stage_count,
    started,
    startup_imports,
    user_errors,
    warn,
)

NoHistory = Annotated[bool, flag("--no-history", help="Neither read nor add to the run history.")]
WriteWeights = Annotated[bool, flag("--write", help="Save better weights into the --config file.")]


def shortlist(
    export: Export = None,
    alumni: Alumni = None,
    targets: Targets = None,
    config: Config = None,
    out: Annotated[Path, file_option("--out", "-o", help="Output workbook.")] = Path(
        "out/shortlist.xlsx"
    ),
    fmt: Annotated[
        str, typer.Option("--format", help="xlsx or csv.", metavar="<xlsx|csv>")
    ] = "xlsx",
    previous: Annotated[
        Path | None,
        file_option(
            "--previous", help="Carry your notes over from this workbook (default: --out)."
        ),
    ] = None,
    history: History = None,
    no_history: NoHistory = False,
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
    progress = started(stage_count(export, alumni, targets, previous or out.is_file()) + 1)
    with user_errors(progress):
        with startup_imports():
            from pipeline import history as hist
            from pipeline import run
            from pipeline.export.files import files_beside, refuse_if_open
            from pipeline.safety import check_beside, check_output

        # The previous workbook is the one input --out may replace (a .bak keeps it).
        written = out if fmt == "xlsx" else out.with_suffix(".csv")
        given = [*(alumni or ()), export, targets, config]
        check_output(written, given)
        if fmt == "xlsx":
            check_beside(out, files_beside(out), given)
            refuse_if_open(out)  # before the work, not after: the user has unsaved edits
        previous = previous or (out if fmt == "xlsx" and out.is_file() else None)
        inputs, config = run_inputs(export, alumni, targets, config, previous)
        early = hist.read_early(out, history, off=no_history)  # read beside the stages
        try:
            result = run.shortlist(
                inputs,
                run.load_settings(config),
                progress=progress,
                after_reading=early.start if early is not None else None,
            )
            progress("Writing the workbook" if fmt == "xlsx" else "Writing the CSV file")
            pending = hist.for_run(result, out, history, off=no_history, say=warn, early=early)
        finally:
            if early is not None:
                early.close()
        lines: list[str] = []
        result = replace(result, ranked=pending.with_due(result.ranked)) if pending else result
        # What changed is asked for (the history's worker waited for) once the workbook's work
        # that does not need it is under way.
        changed = pending.what_changed if pending else None
        try:
            path = run.write(result, written, fmt, changed, messages=lines)
            if pending:
                pending.commit()  # after the workbook: a history problem never costs a workbook
        except BaseException:
            if pending is not None:
                pending.close()
                failed = pending.failed()
                if failed is not None:  # met before the workbook was begun, when not threaded
                    raise failed from None
            raise
    echo(result.summary(verbose=verbose))
    for line in lines:
        echo(line)
    if pending:
        echo(pending.summary())
    echo(f"Wrote {path}")
    # The workbook and the history are closed: the process may end at once, the run's frames
    # kept, not freed on the way out.
    done_and_closed(result, pending)


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
    progress = started(stage_count(export, alumni, targets, None))
    with user_errors(progress):
        from pipeline import run
        from pipeline.link.audit import links_text
        from pipeline.rank import explain as how

        inputs, config = run_inputs(export, alumni, targets, config)
        result = run.shortlist(inputs, run.load_settings(config), progress=progress)
        progress.close()
        found = how.find(how.scored(result.ranked, result.filtered), who)
        if len(found) > 1:
            echo(how.candidates_text(found))
            raise how.AmbiguousName("Several people match that name; use one of the IDs above.")
        row = found.iloc[0]
        echo(how.report(row, result.context, total=len(result.ranked)))
        ids = str(row.get("record_ids") or "").split("|")
        records = result.people[result.people["record_id"].isin(ids)]
        matches, threshold = result.linked.matches, result.settings.match.threshold
        echo("\n  How its records were linked:\n" + links_text(matches, records, threshold))
        from pipeline import history as hist

        if (history or DEFAULT_HISTORY).is_file():
            past = hist.person(history or DEFAULT_HISTORY, str(row["prospect_id"]))
            echo("\n  Over your runs:\n" + hist.person_text(past))


def learn(
    workbook: Annotated[Path, typer.Argument(help="The shortlist workbook you reviewed.")],
    config: Config = None,
    write: WriteWeights = False,
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
    progress = started(3)
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
        echo(learned.summary(verbose=verbose))
        if write and config is not None and learned.accepted:
            text = lrn.with_weights(config.read_text(encoding="utf-8-sig"), learned.new)
            replace_atomically(config, lambda p: p.write_text(text, encoding="utf-8"), backup=True)
            echo(f"Wrote the learned weights to {config} (the old file is kept as a backup).")
