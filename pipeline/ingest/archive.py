"""The LinkedIn data archive, zipped or extracted, read safely into memory.

`Basic_LinkedInDataExport_MM-DD-YYYY.zip` (or `Complete_…`, `Initial_…`, or the folder it unpacks
to) holds CSVs at its root or under one top-level folder. File names drift between exports (case,
spaces vs underscores, numeric suffixes), so members are found by a loose logical key. Nothing is
ever extracted to disk, and a zip is refused before reading when it has unsafe paths or would
unpack to more than a size bound (which is enforced again while reading, against lying headers).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pipeline.errors import InputError

CORE_FILES = (
    "Connections",
    "Profile",
    "Positions",
    "Education",
    "Invitations",
    "Skills",
    "Email Addresses",
)
_CORE_KEYS = frozenset(name.lower() for name in CORE_FILES)
_SUFFIX = re.compile(r"[\s_\-]*(?:\(\d+\)|\d+)$")
_EXPORT_ZIP = re.compile(
    r"(?:basic|complete|initial)_linkedindataexport_\d{1,2}-\d{1,2}-\d{4}"
    r"(?:\s*\(\d+\)|-\d+)?\.zip",
    re.IGNORECASE,
)
_CHUNK = 1 << 20
_ADVICE = "raise [ingest] max_archive_mb in the settings if this export is genuine"


def mb(size: float) -> str:
    """A byte count in megabytes for messages: mb(2_500_000) -> "2.5 MB", mb(6e8) -> "600 MB"."""
    digits = 0 if size % 1_000_000 == 0 or size >= 10e6 else 2 if size < 1e6 else 1
    return f"{size / 1e6:,.{digits}f} MB"


def logical_key(member_name: str) -> str:
    """The loose name of an archive member: no folder, extension, case, underscores or suffix.

    Example: logical_key("Export/Email_Addresses_2.csv") -> "email addresses";
    logical_key("Shares_997361.csv") -> "shares".
    """
    stem = PurePosixPath(member_name.replace("\\", "/")).name
    if stem.lower().endswith(".csv"):
        stem = stem[:-4]
    stem = " ".join(stem.replace("_", " ").split()).lower()
    return _SUFFIX.sub("", stem) or stem


def is_export_zip_name(name: str) -> bool:
    """Whether a file name is LinkedIn's archive name, browser " (1)" copies included.

    Example: is_export_zip_name("Basic_LinkedInDataExport_11-28-2026 (1).zip") -> True.
    """
    return _EXPORT_ZIP.fullmatch(Path(name).name.strip()) is not None


@dataclass(frozen=True)
class Export:
    """An opened archive: `members` maps a logical key ("connections") to the member path."""

    name: str
    members: dict[str, str]
    source: Path = field(default=Path(), repr=False)
    max_bytes: int = field(default=500_000_000, repr=False)

    def read(self, key: str) -> bytes | None:
        """The bytes of the member behind `key`, or None when the archive has no such file."""
        member = self.members.get(key)
        if member is None:
            return None
        if self.source.is_dir():
            return _read_file(self.source / member, self.name, self.max_bytes)
        return _read_member(self.source, member, self.name, self.max_bytes)


def open_export(path: Path, *, max_bytes: int = 500_000_000) -> Export:
    """Open a LinkedIn export given as a .zip or as its extracted folder; both behave the same.

    Example: open_export(Path("Basic_LinkedInDataExport_11-28-2026.zip")).members ->
    {"connections": "Connections.csv", "profile": "Profile.csv", ...}.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path.name} was not found; check the path to the LinkedIn export.")
    names = _folder_names(path) if path.is_dir() else _zip_names(path, max_bytes)
    return Export(path.name, _match_members(names), path.resolve(), max_bytes)


def _folder_names(root: Path, depth: int = 3) -> list[str]:
    """Files at most `depth` levels down (top folder / subfolder / file), never deeper."""
    names: list[str] = []
    level = [root]
    for _ in range(depth):
        below = []
        for folder in level:
            try:
                entries = list(folder.iterdir())
            except OSError:
                continue
            names += [e.relative_to(root).as_posix() for e in entries if e.is_file()]
            below += [e for e in entries if e.is_dir() and not e.is_symlink()]
        level = below
    return names


def _zip_names(path: Path, max_bytes: int) -> list[str]:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise InputError(
            f"{path.name} is not a readable zip file; download the export from LinkedIn again "
            "(or give the folder it unpacks to)."
        ) from None
    for info in infos:
        parts = info.filename.replace("\\", "/").split("/")
        if (
            info.filename.startswith(("/", "\\"))
            or ".." in parts
            or re.match(r"[A-Za-z]:", parts[0])
        ):
            raise InputError(
                f"{path.name} contains a file with an unsafe path (absolute or with '..'), so it "
                "was not opened; download the export from LinkedIn again."
            )
    total = sum(info.file_size for info in infos)
    if total > max_bytes:
        raise InputError(
            f"{path.name} would unpack to {mb(total)}, more than the {mb(max_bytes)} allowed; "
            f"{_ADVICE}."
        )
    return [info.filename for info in infos if not info.is_dir()]


def _ignored(parts: tuple[str, ...]) -> bool:
    return any(p.startswith((".", "__MACOSX")) for p in parts)


def _match_members(names: list[str]) -> dict[str, str]:
    """Logical key -> member path; core files only at the export's top level, shallowest first."""
    paths = [PurePosixPath(n) for n in names if not _ignored(PurePosixPath(n).parts)]
    csvs = [p for p in paths if p.suffix.lower() == ".csv"]
    # The export's top level is the root, or its single folder when the root has no CSV.
    base: tuple[str, ...] = ()
    tops = {p.parts[0] for p in paths if len(p.parts) > 1}
    if not any(len(p.parts) == 1 for p in csvs) and len(tops) == 1:
        base = (next(iter(tops)),)
    ranked: dict[str, tuple[tuple[int, int, int, str], str]] = {}
    for p in csvs:
        if p.parts[: len(base)] != base:
            continue
        depth = len(p.parts) - len(base) - 1
        key = logical_key(p.name)
        if depth > 1 or (depth > 0 and key in _CORE_KEYS):
            continue
        stem = " ".join(p.stem.replace("_", " ").split()).lower()
        rank = (depth, int(stem != key), len(p.name), p.as_posix())
        if key not in ranked or rank < ranked[key][0]:
            ranked[key] = (rank, p.as_posix())
    return {key: member for key, (_, member) in sorted(ranked.items())}


def _too_big(name: str, member: str, max_bytes: int) -> InputError:
    return InputError(
        f"{PurePosixPath(member).name} in {name} is larger than the {mb(max_bytes)} allowed; "
        f"{_ADVICE}."
    )


def _read_member(source: Path, member: str, name: str, max_bytes: int) -> bytes:
    """Read one member into memory in chunks, stopping as soon as it passes max_bytes."""
    chunks: list[bytes] = []
    size = 0
    try:
        with zipfile.ZipFile(source) as archive, archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise _too_big(name, member, max_bytes)
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, KeyError, NotImplementedError):
        raise InputError(
            f"{PurePosixPath(member).name} in {name} is damaged or uses an unsupported "
            "compression; download the export from LinkedIn again."
        ) from None
    except RuntimeError:  # zipfile's way of saying "encrypted"
        raise InputError(
            f"{name} is password-protected; unzip it yourself and give the folder instead."
        ) from None
    return b"".join(chunks)


def _read_file(path: Path, name: str, max_bytes: int) -> bytes:
    """Read a file of an extracted export in chunks: read(max_bytes + 1) would reserve the whole
    bound up front (a MemoryError with a large max_archive_mb)."""
    chunks: list[bytes] = []
    size = 0
    try:
        if not path.is_file():
            raise OSError(f"{path.name} is not a regular file")
        with path.open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise _too_big(name, path.name, max_bytes)
                chunks.append(chunk)
    except OSError:
        raise InputError(
            f"{path.name} in {name} could not be read; check that the file is not open elsewhere."
        ) from None
    return b"".join(chunks)
