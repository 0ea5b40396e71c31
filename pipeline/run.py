"""shortlist(): the composed pipeline, called by the CLI and the notebooks alike.

The stages, frames, settings and layers are described in docs/architecture.md.

ingest -> normalize -> link -> rank; ``write`` hands the result to export. Stages are pure
functions; this module only wires them together and reports progress.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pandas as pd

from pipeline import __version__, schema, threads
from pipeline import settings as settings_mod
from pipeline.ingest import ledger as ledger_mod
from pipeline.ingest.inputs import SAMPLE as SAMPLE  # re-exported: the CLI, tests and notebooks
from pipeline.ingest.inputs import SAMPLE_ALUMNI as SAMPLE_ALUMNI
from pipeline.ingest.inputs import SAMPLE_CONFIG as SAMPLE_CONFIG
from pipeline.ingest.inputs import SAMPLE_EXPORT as SAMPLE_EXPORT
from pipeline.ingest.inputs import Inputs, read_inputs
from pipeline.ingest.previous import Previous
from pipeline.ingest.profile import Profile
from pipeline.link import Linked, link
from pipeline.normalize import normalize, unknowns_line
from pipeline.rank import rank
from pipeline.rank.features import Context, context
from pipeline.safety import check_beside, file_signatures, signature_of
from pipeline.settings import Settings


@dataclass(frozen=True)
class Result:
    """Everything a run produced: the frames of each stage, and how the inputs were read."""

    inputs: Inputs
    settings: Settings
    ingested: ledger_mod.Ingested
    profile: Profile
    people: pd.DataFrame  # normalized People
    linked: Linked
    ranked: pd.DataFrame
    filtered: pd.DataFrame  # prospects left out by the settings' filters, with the reason
    context: Context
    today: date = field(default_factory=date.today)
    previous: Previous | None = None
    signatures: Mapping[Path, str] = field(default_factory=dict)  # safety.file_signatures

    @property
    def counts(self) -> pd.DataFrame:
        return ledger_mod.counts_frame(self.ingested.reports)

    def summary(self, *, verbose: bool = False) -> str:
        """A few lines for the terminal: people read, matched, shortlisted (no personal data).

        In the user's words; ``verbose`` adds the technical terms (duplicate records, role
        family, school key) that the notebooks and the Matches sheet use.
        """
        counts = self.counts
        c = counts[counts["kind"] != "targets"]  # a target list holds employers, not people
        read, rejected = int(c["read"].sum()), int(c["rejected"].sum())
        prospects = self.linked.prospects
        merged = len(self.people) - len(prospects)
        both = int((prospects["is_connection"] & prospects["is_alum"]).sum())
        shown = min(len(self.ranked), self.settings.output.top_n)
        lines = [
            f"Read {read:,} rows from {len(c)} file(s): {read - rejected:,} people, "
            f"{rejected:,} set aside (see the Ingest report).",
            *_nobody_from(c),
            f"Matched {merged:,} records to someone found in another record (a connection who "
            f"is also an alum, an alum listed twice): {len(prospects):,} different people, "
            f"{both:,} of them both a connection and an alum.",
            f"Ranked {len(self.ranked):,} ({len(self.filtered):,} filtered out); "
            f"shortlisted the top {shown:,}.",
            *(
                f"Target employers: {t.accepted:,} from {t.file}."
                for t in counts[counts["kind"] == "targets"].itertuples()
            ),
            unknowns_line(self.people, plain=True),
        ]
        if verbose:
            lines += [
                f"Details: {len(self.people):,} records linked into {len(prospects):,} "
                f"prospects ({merged:,} duplicate records merged).",
                "Details: " + unknowns_line(self.people),
            ]
        return "\n".join(lines)


def _nobody_from(counts: pd.DataFrame) -> list[str]:
    """A line per export or alumni list that gave no one: an empty list (a header alone, a
    filter left on before exporting) or one whose every row was set aside would otherwise pass
    unseen inside the total."""
    none = counts[counts["kind"].isin(["connections", "alumni"]) & (counts["accepted"] == 0)]
    return [
        f"{r.file} has no rows below its header, so no one was read from it; check that it "
        "is the file you meant."
        if r.read == 0
        else f"All {r.read:,} rows of {r.file} were set aside; the Ingest report says why."
        for r in none.itertuples()
    ]


def load_settings(path: Path | None) -> Settings:
    """Settings from a TOML file (defaults when None), checked whole before any file is read.

    ``settings.load`` checks names, types and ranges; each stage then checks the part it owns
    (alumni column names, declared comparisons, seniority rules), so a mistake in any of them is
    one sentence before the run starts. Here, above the stages, so settings imports no stage.
    """
    from pipeline.ingest.alumni_fields import check_overrides
    from pipeline.link.compare import from_spec
    from pipeline.normalize.titles import rules_from_settings

    loaded = settings_mod.load(path)
    check_overrides(loaded.alumni.columns)
    for column, spec in loaded.match.comparisons.items():
        from_spec(column, spec)
    rules_from_settings(loaded.normalize.seniority_rules)
    return loaded


def shortlist(
    inputs: Inputs,
    settings: Settings,
    *,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
    indexed: bool = False,
    after_reading: Callable[[], object] | None = None,
) -> Result:
    """Run ingest, normalize, link and rank on the user's files.

    ``after_reading`` is called once the files are read (ingest's threads are done): the CLI
    starts reading the run history there, beside the later stages (``history.read_early``).

    An alumni path may be a dataset made by ``prospects prepare``: its records come already
    normalized and deduplicated. With ``indexed`` (career-centre batches) only the candidates
    its indexes find for the user's targets are drawn from it (pipeline.batch.candidates).
    """
    from pipeline.batch.dataset import is_dataset

    today = today or date.today()
    say = progress or (lambda _msg: None)
    prepared = [Path(p) for p in inputs.alumni if is_dataset(Path(p))]
    # Prepared datasets are read by pipeline.batch.candidates below, not by the ingest readers.
    files = replace(inputs, alumni=tuple(p for p in inputs.alumni if Path(p) not in prepared))
    with threads.beside(threaded=True) as start:  # each input file hashed once, while parsed
        limit = settings.ingest.max_archive_mb * 1_000_000  # ingest refuses a bigger file
        hashing = start(file_signatures, inputs.files, limit)
        read = read_inputs(files, settings, say)
        signatures = hashing.result()
    if after_reading is not None:
        after_reading()
    profile, lamp, previous = read.profile or Profile(), read.lamp, read.previous
    parts: list[ledger_mod.Ingested] = [read.ingested]
    ctx = context(settings, profile, lamp, today)
    pool = None
    if prepared:
        from pipeline.batch.candidates import draw

        say("Reading the prepared alumni")
        pool = draw(prepared, ctx, indexed=indexed)
        parts.append(pool.ingested)
    ingested = ledger_mod.combine(parts)
    if pool is not None and not len(ingested.people):
        # Only prepared alumni: already normalized and deduplicated, nothing left to link.
        people, linked = pool.records, Linked(pool.prospects, pool.matches, {})
    else:
        everyone = ingested
        if pool is not None:  # the user's own records join the alumni's and are linked to them
            raw = ledger_mod.Ingested(pool.raw, schema.empty(schema.LEDGER))
            everyone = ledger_mod.combine([ingested, raw])
        say("Normalizing names, companies, titles and schools")
        people = normalize(everyone.people, settings, today)
        say("Linking records of the same person")
        linked = link(people, settings)
    say("Ranking")
    ranked, filtered = rank(linked.prospects, ctx)
    return Result(
        inputs, settings, ingested, profile, people, linked, ranked, filtered, ctx, today, previous,
        signatures,
    )  # fmt: skip


def shortlist_files(
    export: str | Path | None,
    alumni: Sequence[str | Path] = (),
    settings: str | Path | None = None,
    **options,
) -> Result:
    """``shortlist`` on files named as a notebook or a script names them (strings or paths):
    the export, the alumni lists and the settings file (defaults when None); ``options`` go to
    ``shortlist`` (``today``, ``progress``).

    Usage, from the repository's root::

        result = shortlist_files(
            "pipeline/sample/Basic_LinkedInDataExport_11-28-2026.zip",
            ["pipeline/sample/alumni.xlsx"],
            "pipeline/sample/shortlist.toml",
        )
    """
    inputs = Inputs(None if export is None else Path(export), tuple(Path(a) for a in alumni))
    return shortlist(inputs, load_settings(None if settings is None else Path(settings)), **options)


def settings_rows(result: Result) -> list[tuple[str, str]]:
    """The settings as (key, value) for the Settings sheet, with the values the run worked out
    itself in place of "0 = read it": me.grad_year as read from the profile."""
    rows = settings_mod.flatten(result.settings)
    grad = result.context.my_grad_year
    if not result.settings.me.grad_year and grad:
        rows = [(k, f"{grad} (from your profile)" if k == "me.grad_year" else v) for k, v in rows]
    return rows


def shown_features(settings: Settings) -> tuple[str, ...]:
    """The signals the Shortlist shows: location and industry fit only when the settings name
    locations or industries (else they measure nothing)."""
    hidden = {"location_fit": not settings.targets.locations,
              "industry_fit": not settings.targets.industries}  # fmt: skip
    return tuple(f for f in schema.FEATURES if not hidden.get(f, False))


def write(
    result: Result,
    out: Path,
    fmt: str = "xlsx",
    what_changed: object = None,
    *,
    messages: list[str] | None = None,
) -> Path:
    """Write the shortlist workbook (or CSV) for a run; returns the path written.
    ``what_changed`` (``pipeline.history.Pending.what_changed()``, or a function giving it:
    ``pipeline.history.for_run``'s, asked once the workbook's other work is under way) adds
    the What changed sheet; ``messages`` receives lines for the user (notes carried over, where
    the backup is …). A prepared alumni dataset among the inputs is listed by the lists it was
    made from."""
    from pipeline.export.files import files_beside
    from pipeline.export.workbook import write_csv, write_workbook

    top_n = result.settings.output.top_n
    if fmt == "csv":
        if callable(what_changed):
            what_changed()  # not shown in a CSV; its error before the file, as when it came first
        return write_csv(Path(out), result.ranked, top_n=top_n)
    check_beside(Path(out), files_beside(Path(out)), result.inputs.files)
    inputs: Sequence[tuple[str, str]] = [
        (p.name, signature_of(p, result.signatures))
        for p in result.inputs.files
        if Path(p).is_file()
    ]
    for path in (Path(p) for p in result.inputs.alumni if Path(p).is_dir()):
        from pipeline.batch.dataset import is_dataset, load

        if is_dataset(path):
            inputs = [*inputs, *load(path).sources]
    return write_workbook(
        Path(out),
        result.ranked,
        top_n=top_n,
        ledger=result.ingested.ledger,
        counts=result.counts,
        matches=result.linked.matches[
            result.linked.matches["probability"] >= result.settings.match.review_band
        ],
        settings_rows=settings_rows(result),
        inputs=inputs,
        version=__version__,
        today=result.today,
        previous=result.previous,
        filtered=result.filtered,
        targets=result.context.target_companies,
        features=shown_features(result.settings),
        messages=messages,
        what_changed=what_changed,  # type: ignore[arg-type]
    )
