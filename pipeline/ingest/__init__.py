"""ingest: the only stage that reads files. Every row ends up in People or in the Ledger."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipeline.errors import InputError
from pipeline.ingest.alumni import read_alumni
from pipeline.ingest.ledger import Ingested, combine
from pipeline.ingest.linkedin import looks_like_connections, read_export
from pipeline.ingest.profile import Profile, read_profile
from pipeline.safety import check_input
from pipeline.settings import Settings

__all__ = ["Ingested", "Profile", "read_any"]


def is_linkedin(path: Path) -> bool:
    """An archive (zip or folder), a file named like Connections.csv, or a renamed one whose
    header says it is a connections export; anything else is a list of people."""
    if (
        path.is_dir()
        or path.suffix.lower() == ".zip"
        or path.name.lower().startswith("connections")
    ):
        return True
    return path.suffix.lower() in (".csv", ".txt", ".tsv") and looks_like_connections(path)


def read_any(paths: Sequence[Path], settings: Settings) -> tuple[Ingested, Profile | None]:
    """Read LinkedIn exports and alumni lists in the order given; the first archive gives Me."""
    max_bytes = settings.ingest.max_archive_mb * 1_000_000
    parts: list[Ingested] = []
    profile: Profile | None = None
    for path in map(check_input, map(Path, paths)):
        if not path.exists():
            raise InputError(f"{path.name} does not exist; check the path.")
        if is_linkedin(path):
            ingested, export = read_export(path, max_bytes=max_bytes)
            parts.append(ingested)
            if export is not None and profile is None:
                profile = read_profile(export)
        else:
            school = (settings.me.schools or (profile.schools if profile else ()) or ("",))[0]
            parts.append(
                read_alumni(
                    path,
                    overrides=settings.alumni.columns,
                    default_school=school,
                    max_bytes=max_bytes,
                )
            )
    return combine(parts), profile
