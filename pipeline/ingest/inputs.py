"""The user's files, each with an explicit role, and the one function every command reads them with.

Roles: ``export`` (LinkedIn Connections.csv, archive zip or its folder), ``alumni`` (lists of
people), ``targets`` (a LAMP employer list) and ``previous`` (the workbook of the last run, for the
user's own columns). ``shortlist`` names each role with an option; ``ingest`` and ``link`` take
files positionally and ``Inputs.of`` recognises each by its content. See docs/architecture.md.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline import schema, threads
from pipeline.errors import InputError
from pipeline.ingest.alumni import read_alumni
from pipeline.ingest.ledger import Ingested, combine, people_frame
from pipeline.ingest.linkedin import export_reader, looks_like_connections
from pipeline.ingest.previous import Previous, read_previous
from pipeline.ingest.profile import Profile, read_profile
from pipeline.ingest.targets import read_targets
from pipeline.safety import check_input, same_file
from pipeline.settings import Settings
from pipeline.workbook_contract import SHORTLIST_SHEET

__all__ = ["ROLES", "SAMPLE", "Inputs", "Read", "read_inputs", "role_of"]

ROLES = ("export", "alumni", "targets", "previous")
#: The bundled synthetic sample, package data (pipeline/sample/, made by
#: fixtures/sample/make_sample.py): the default of `shortlist`, found beside the installed package.
SAMPLE = Path(__file__).resolve().parent.parent / "sample"
SAMPLE_EXPORT = SAMPLE / "Basic_LinkedInDataExport_11-28-2026.zip"
SAMPLE_ALUMNI = SAMPLE / "alumni.xlsx"
SAMPLE_CONFIG = SAMPLE / "shortlist.toml"


def role_of(path: Path) -> str:
    """The role of a file given without one, from its content.

    An archive (zip or folder), a file named like Connections.csv or a text file whose header is
    a connections export is ``export``; a workbook with our Shortlist sheet is ``previous``;
    anything else is ``alumni`` (a target list is only ever named with ``--targets``).
    """
    if (
        path.is_dir()
        or path.suffix.lower() == ".zip"
        or path.name.lower().startswith("connections")
    ):
        return "export"
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv") and looks_like_connections(path):
        return "export"
    if suffix in (".xlsx", ".xlsm") and _has_shortlist_sheet(path):
        return "previous"
    return "alumni"


def _has_shortlist_sheet(path: Path) -> bool:
    """True when the workbook's sheet list (xl/workbook.xml, read bounded) names Shortlist."""
    try:
        with zipfile.ZipFile(path) as book:
            info = book.getinfo("xl/workbook.xml")
            if info.file_size > 1_000_000:
                return False
            text = book.read(info).decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return f'name="{SHORTLIST_SHEET}"' in text


@dataclass(frozen=True)
class Inputs:
    """The user's files by role. ``more_exports``: further LinkedIn files; only ``export``
    (the first) gives Me, the user's own profile."""

    export: Path | None = None
    alumni: tuple[Path, ...] = ()
    targets: Path | None = None
    previous: Path | None = None
    more_exports: tuple[Path, ...] = ()

    @classmethod
    def sample(cls) -> Inputs:
        """The bundled sample: its archive and its alumni list."""
        return cls(SAMPLE_EXPORT, (SAMPLE_ALUMNI,))

    @classmethod
    def of(cls, paths: Iterable[Path]) -> Inputs:
        """Files given positionally, each put in its role by ``role_of``, in the order given."""
        by_role: dict[str, list[Path]] = {role: [] for role in ROLES}
        for path in map(Path, paths):
            by_role[role_of(_checked(path))].append(path)
        exports, previous = by_role["export"], by_role["previous"]
        if len(previous) > 1:
            raise InputError(
                f"{previous[1].name} and {previous[0].name} are both shortlist workbooks; "
                "give one of them."
            )
        return cls(
            exports[0] if exports else None,
            tuple(by_role["alumni"]),
            None,
            previous[0] if previous else None,
            tuple(exports[1:]),
        )

    @property
    def files(self) -> tuple[Path, ...]:
        files = (self.export, *self.more_exports, *self.alumni, self.targets, self.previous)
        return tuple(p for p in files if p is not None)


@dataclass(frozen=True)
class Read:
    """What ``read_inputs`` read: People and Ledger of every file, Me (None without an
    archive), the target employers (None without a list) and the previous workbook."""

    ingested: Ingested
    profile: Profile | None
    lamp: pd.DataFrame | None
    previous: Previous | None


def _checked(path: Path) -> Path:
    check_input(path)
    if not path.exists():
        raise InputError(f"{path.name} does not exist; check the path.")
    return path


def read_inputs(
    inputs: Inputs, settings: Settings, report: Callable[[str], None] | None = None
) -> Read:
    """Read every file of ``inputs`` in its role; ``report`` hears one line per file read.

    Every row ends up in People or in the Ledger (read = accepted + rejected, per file). The
    target list is ``inputs.targets``, else ``[targets] lamp_file`` of the settings.
    """
    say = report or (lambda _line: None)
    _each_once(inputs)
    max_bytes = settings.ingest.max_archive_mb * 1_000_000
    exports = [Path(p) for p in (inputs.export, *inputs.more_exports) if p is not None]
    beside = len(exports) == 1 and _bytes(inputs.alumni) >= BESIDE_BYTES
    with threads.beside(threaded=beside) as start:
        parts, profile = _people(exports, inputs.alumni, settings, max_bytes, say, start)
    lamp = None
    lamp_file = settings.targets.lamp_file
    targets = inputs.targets or (Path(lamp_file) if lamp_file else None)
    if targets is not None:
        say(f"Reading {Path(targets).name}")
        lamp, file_report = read_targets(_checked(Path(targets)), max_bytes=max_bytes)
        # The target list joins the Ingest report's counts; its rows are employers, not people.
        parts.append(Ingested(people_frame({}, 0), schema.empty(schema.LEDGER), (file_report,)))
    previous = None
    if inputs.previous is not None:
        say(f"Reading your notes from {Path(inputs.previous).name}")
        previous = read_previous(_checked(Path(inputs.previous)), max_bytes=max_bytes)
        parts.append(previous.manual)  # people added by hand are an input of their own
    return Read(combine(parts), profile, lamp, previous)


def _each_once(inputs: Inputs) -> None:
    """Each export and each alumni list is given once. The same list twice reads everyone in
    it twice, and the likelier mistake is a second path meant for another file. One file in
    two roles is left to the readers, whose message says which role it belongs in (an archive
    given as an alumni list); a target list may be the alumni workbook itself."""
    exports = [Path(p) for p in (inputs.export, *inputs.more_exports) if p is not None]
    for given in (exports, [Path(p) for p in inputs.alumni]):
        for i, later in enumerate(given):
            if any(same_file(earlier, later) for earlier in given[:i]):
                raise InputError(
                    f"{later.name} is given twice; give each file once (was one of the two "
                    "paths meant to be another file?)."
                )


#: Alumni lists at least this big (in bytes, all together) are read while a second thread reads
#: the export's connections (Arrow's CSV reader and compute kernels leave Python's lock); for
#: small files a thread is not worth its start.
BESIDE_BYTES = 16_000_000


def _bytes(paths: Sequence[Path]) -> int:
    return sum(Path(p).stat().st_size for p in paths if Path(p).is_file())


def _people(
    exports: Sequence[Path],
    alumni: Sequence[Path],
    settings: Settings,
    max_bytes: int,
    say: Callable[[str], None],
    start: threads.Start,
) -> tuple[list[Ingested], Profile | None]:
    """The connections of each export, Me from the first archive, then each alumni list (whose
    default school is Me's). The connections are read by ``start`` (``threads.beside``: on its
    thread, when there is one, while Me and the alumni lists are read here); the parts and any
    error are those of reading in that order (the connections' error first, then the
    others')."""
    connections: list[Future[Ingested]] = []
    alumni_parts: list[Ingested] = []
    profile: Profile | None = None
    for path in exports:
        say("Reading the LinkedIn export")
        read, export = export_reader(_checked(path), max_bytes=max_bytes)
        connections.append(start(read))
        if export is not None and profile is None:
            profile = read_profile(export)
    school = (settings.me.schools or (profile.schools if profile else ()) or ("",))[0]
    for path in alumni:
        say(f"Reading {Path(path).name}")
        read_list = read_alumni(
            _checked(Path(path)),
            overrides=settings.alumni.columns,
            default_school=school,
            max_bytes=max_bytes,
        )
        alumni_parts.append(read_list)
    return [*(job.result() for job in connections), *alumni_parts], profile
