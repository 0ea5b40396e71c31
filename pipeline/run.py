"""shortlist(): the composed pipeline, called by the CLI and the notebooks alike.

ingest -> normalize -> link -> rank; ``write`` hands the result to export. Stages are pure
functions; this module only wires them together and reports progress.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from pipeline import __version__, schema
from pipeline import settings as settings_mod
from pipeline.ingest import ledger as ledger_mod
from pipeline.ingest.alumni import read_alumni
from pipeline.ingest.linkedin import read_export
from pipeline.ingest.previous import Previous, read_previous
from pipeline.ingest.profile import Profile, read_profile
from pipeline.ingest.targets import read_targets
from pipeline.link import Linked, link
from pipeline.normalize import normalize, unknowns_line
from pipeline.rank import rank
from pipeline.rank.features import Context, context
from pipeline.safety import file_signature
from pipeline.settings import Settings

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "sample"
SAMPLE_EXPORT = SAMPLE / "Basic_LinkedInDataExport_11-28-2026.zip"
SAMPLE_ALUMNI = SAMPLE / "alumni.xlsx"
SAMPLE_CONFIG = SAMPLE / "shortlist.toml"


@dataclass(frozen=True)
class Inputs:
    """The user's files. ``export``: a Connections.csv, an archive zip or an extracted folder."""

    export: Path | None = None
    alumni: tuple[Path, ...] = ()
    targets: Path | None = None
    previous: Path | None = None  # the workbook of the last run: the user's columns and rows

    @classmethod
    def sample(cls) -> Inputs:
        return cls(SAMPLE_EXPORT, (SAMPLE_ALUMNI,))

    @property
    def files(self) -> tuple[Path, ...]:
        files = (self.export, *self.alumni, self.targets, self.previous)
        return tuple(p for p in files if p is not None)


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

    @property
    def counts(self) -> pd.DataFrame:
        return ledger_mod.counts_frame(self.ingested.reports)

    def summary(self) -> str:
        """A few lines for the terminal: people read, linked, shortlisted (no personal data)."""
        counts = self.counts
        c = counts[counts["kind"] != "targets"]  # a target list holds employers, not people
        read, rejected = int(c["read"].sum()), int(c["rejected"].sum())
        prospects = self.linked.prospects
        merged = len(self.people) - len(prospects)
        both = int((prospects["is_connection"] & prospects["is_alum"]).sum())
        shown = min(len(self.ranked), self.settings.output.top_n)
        return "\n".join(
            [
                f"Read {read:,} rows from {len(c)} file(s): {read - rejected:,} people, "
                f"{rejected:,} set aside (see the Ingest report).",
                f"Linked {merged:,} duplicate records: {len(prospects):,} distinct people, "
                f"{both:,} of them both a connection and an alum.",
                f"Ranked {len(self.ranked):,} ({len(self.filtered):,} filtered out); "
                f"shortlisted the top {shown:,}.",
                *(
                    f"Target employers: {t.accepted:,} from {t.file}."
                    for t in counts[counts["kind"] == "targets"].itertuples()
                ),
                unknowns_line(self.people),
            ]
        )


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
) -> Result:
    """Run ingest, normalize, link and rank on the user's files."""
    today = today or date.today()
    say = progress or (lambda _msg: None)
    say("Reading the LinkedIn export")
    parts: list[ledger_mod.Ingested] = []
    profile = Profile()
    max_bytes = settings.ingest.max_archive_mb * 1_000_000
    if inputs.export is not None:
        connections, export = read_export(inputs.export, max_bytes=max_bytes)
        parts.append(connections)
        if export is not None:
            profile = read_profile(export)
    school = (settings.me.schools or profile.schools or ("",))[0]
    for path in inputs.alumni:
        say(f"Reading {Path(path).name}")
        parts.append(
            read_alumni(
                path,
                overrides=settings.alumni.columns,
                default_school=school,
                max_bytes=max_bytes,
            )
        )
    lamp = None
    targets_path = inputs.targets or (
        Path(settings.targets.lamp_file) if settings.targets.lamp_file else None
    )
    if targets_path is not None:
        say(f"Reading {Path(targets_path).name}")
        lamp, report = read_targets(targets_path, max_bytes=max_bytes)
        # The target list joins the Ingest report's counts; its rows are employers, not people.
        nobody = ledger_mod.people_frame({}, 0)
        parts.append(ledger_mod.Ingested(nobody, schema.empty(schema.LEDGER), (report,)))
    previous = None
    if inputs.previous is not None:
        say(f"Reading your notes from {Path(inputs.previous).name}")
        previous = read_previous(inputs.previous, max_bytes=max_bytes)
        parts.append(previous.manual)  # people added by hand are an input of their own
    ingested = ledger_mod.combine(parts)
    ctx = context(settings, profile, lamp, today)
    say("Normalizing names, companies, titles and schools")
    people = normalize(ingested.people, settings, today, my_career_years=ctx.my_career_years)
    say("Linking records of the same person")
    linked = link(people, settings)
    say("Ranking")
    ranked, filtered = rank(linked.prospects, ctx)
    return Result(
        inputs, settings, ingested, profile, people, linked, ranked, filtered, ctx, today, previous
    )


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
    ``what_changed`` (``pipeline.history.Pending.what_changed()``) adds the What changed sheet;
    ``messages`` receives lines for the user (notes carried over, where the backup is …)."""
    from pipeline.export.workbook import write_csv, write_workbook

    top_n = result.settings.output.top_n
    if fmt == "csv":
        return write_csv(Path(out), result.ranked, top_n=top_n)
    inputs: Sequence[tuple[str, str]] = [
        (p.name, file_signature(p)) for p in result.inputs.files if Path(p).is_file()
    ]
    return write_workbook(
        Path(out),
        result.ranked,
        top_n=top_n,
        ledger=result.ingested.ledger,
        counts=result.counts,
        matches=result.linked.matches[
            result.linked.matches["probability"] >= result.settings.match.review_band
        ],
        settings_rows=settings_mod.flatten(result.settings),
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
