"""Checks every command makes on the paths it is given, and text made safe for a terminal.

An input must be a regular file or a folder: a device (`/dev/zero`) would be read forever and a
FIFO would block the run. An output must be a new or regular file that is none of the inputs:
`--out alumni.xlsx` would replace the list it read, `--out /dev/null` (as root) the device node.
Text printed to a terminal comes from people's files, so escape sequences (OSC 52 writes the
clipboard, OSC 8 hides a link) are removed before it is shown.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import stat
import sys
import traceback
from collections.abc import Iterable, Mapping
from pathlib import Path

from pipeline.errors import InputError, OutputError

# CSI (ESC [ … final byte), OSC/DCS/PM/APC (ESC ] … BEL or ESC \), and two-byte ESC sequences;
# then any control character left (C0 but tab and newline, DEL, C1) and bidi overrides.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]"
    r"|[\x1b\x9d\x90\x9e\x9f][\]PX^_].*?(?:\x07|\x1b\\|\x9c|$)|[\x9d\x90\x9e\x9f].*?(?:\x07|\x9c|$)"
    r"|\x1b[@-Z\\-_]?",
    re.DOTALL,
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def plain(text: str) -> str:
    """Text safe to print: terminal escape sequences and control characters removed.

    Tabs and newlines stay. Example: plain("Ada\\x1b]52;c;ZWNobw==\\x07 Park\\x1b[31m") ->
    "Ada Park".
    """
    if text.isprintable():
        return text
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


def forget(error: BaseException) -> None:
    """Free what a failed run left in ``error``'s frames, quietly: a workbook writer stopped half
    way (read-only folder, full disk) otherwise prints "Exception ignored … Traceback" from its
    XML streams' finalisers after the one error line."""
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _unraisable: None
    try:
        traceback.clear_frames(error.__traceback__)
        gc.collect()
    finally:
        sys.unraisablehook = hook


def _kind(mode: int) -> str | None:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return None


def check_input(path: Path) -> Path:
    """The path, when it is a regular file or a folder; a device, pipe or socket is refused.

    A missing path is left to the reader, which knows what the file was meant to be.
    Example: check_input(Path("/dev/zero")) raises InputError.
    """
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except OSError:
        return path
    kind = _kind(mode)
    if kind is not None:
        raise InputError(f"{path.name} is {kind}, not a file; give the path of a saved file.")
    return path


def check_output(out: Path, inputs: Iterable[Path | None] = ()) -> Path:
    """The output path, when writing it replaces no input, device, pipe or folder.

    Example: check_output(Path("alumni.xlsx"), [Path("alumni.xlsx")]) raises OutputError.
    """
    out = Path(out)
    try:
        mode = out.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError:
        mode = None  # e.g. a parent that is a file: the write reports it with one line
    if mode is not None:
        if stat.S_ISDIR(mode):
            raise OutputError(f"{out.name} is a folder; give --out a file name inside it.")
        kind = _kind(mode)
        if kind is not None:
            raise OutputError(f"{out.name} is {kind}; give --out the name of a file to write.")
    _refuse_input(out, inputs, out.name)
    return out


def check_beside(out: Path, beside: Iterable[Path], inputs: Iterable[Path | None]) -> None:
    """Files written beside ``out`` and named after it (a workbook's CSVs) replace no input
    either: an alumni list saved as ``shortlist.all-candidates.csv`` stays as it is.

    Example: check_beside(Path("s.xlsx"), [Path("s.matches.csv")], [Path("s.matches.csv")])
    raises OutputError.
    """
    inputs = list(inputs)
    for path in beside:
        _refuse_input(Path(path), inputs, f"{Path(path).name} (written beside {Path(out).name})")


def _refuse_input(out: Path, inputs: Iterable[Path | None], named: str) -> None:
    for path in inputs:
        if path is None:
            continue
        if same_file(out, Path(path)):
            raise OutputError(
                f"{named} is one of the input files; give --out another name so it is not "
                "overwritten."
            )


def same_file(a: Path, b: Path) -> bool:
    """True when the two paths name one file: the same path once resolved, or hard links.

    Example: same_file(Path("a.csv"), Path("./a.csv")) is True.
    """
    return _resolved(Path(a)) == _resolved(Path(b)) or _same_file(Path(a), Path(b))


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)  # hard links too
    except OSError:
        return False


def file_signature(path: Path) -> str:
    """The SHA-256 of a file's bytes: read before a run uses the file, compared before the run
    replaces it (Excel may have saved it in between)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_signatures(paths: Iterable[Path], limit: int) -> dict[Path, str]:
    """``file_signature`` of each of ``paths`` that is a file of at most ``limit`` bytes and can
    be read, by path. Another is left out: ``signature_of`` hashes it where it is needed and
    meets its error there, as before (a file over ingest's size limit is refused before that).
    ``run.shortlist`` calls this on a second thread while the files are parsed (hashlib leaves
    Python's lock while it hashes); the workbook and the history share the result, so a run
    hashes each input file once."""
    found: dict[Path, str] = {}
    for path in map(Path, paths):
        try:
            if path.is_file() and path.stat().st_size <= limit:
                found[path] = file_signature(path)
        except OSError:
            continue
    return found


def signature_of(path: Path, known: Mapping[Path, str]) -> str:
    """``path``'s signature from ``known`` (``file_signatures``), else hashed now."""
    return known.get(Path(path)) or file_signature(path)
