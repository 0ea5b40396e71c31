"""`make shortlist`'s recipe: turn the make variables into one `./prospects shortlist` command.

Make splits values on spaces and the shell reads parentheses, so paths such as
``~/Downloads/Basic_LinkedInDataExport_11-28-2026 (1).zip`` or ``Waterloo Alumni.xlsx`` cannot be
pasted into a recipe. The Makefile exports EXPORT, ALUMNI, TARGETS, CONFIG and OUT instead, and
this script reads them from the environment (no shell in between), prints the equivalent command
line, quoted so it can be copied, and runs it.

EXPORT, TARGETS, CONFIG and OUT are one path each, spaces included. ALUMNI holds one or several
paths separated by spaces: a space ends a path only where the words so far name an existing file
(or, for a file that does not exist, end in a spreadsheet suffix), so ``Waterloo Alumni.xlsx
Queens Alumni.csv`` is two files.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from pathlib import Path

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt")


def _expand(path: str) -> str:
    """``~/x`` as the shell would have expanded it, had the value not been quoted."""
    return os.path.expanduser(path.strip())


def split_paths(value: str) -> list[str]:
    """The paths in a space-separated list whose paths may themselves contain spaces.

    >>> split_paths("a.xlsx  b c.csv")  # neither exists: each ends at a spreadsheet suffix
    ['a.xlsx', 'b c.csv']
    """
    words = [w for w in re.split(r"( +)", value.strip()) if w]
    paths: list[str] = []
    i = 0
    while i < len(words):
        ends = range(i, len(words), 2)  # words[i], words[i..i+2], ...: separators kept inside
        joined = ["".join(words[i : j + 1]) for j in ends]
        pick = next((k for k, p in enumerate(joined) if Path(_expand(p)).exists()), None)
        if pick is None:
            pick = next(
                (k for k, p in enumerate(joined) if p.lower().endswith(SUFFIXES)),
                len(joined) - 1,  # no suffix anywhere: the rest is one (missing) path
            )
        paths.append(_expand(joined[pick]))
        i += 2 * pick + 2
    return paths


def command(env: dict[str, str]) -> list[str]:
    """The `prospects shortlist` arguments for the make variables in ``env``."""
    args = ["shortlist"]
    if env.get("EXPORT", "").strip():
        args.append(_expand(env["EXPORT"]))
    for path in split_paths(env.get("ALUMNI", "")):
        args += ["--alumni", path]
    for name, option in (("TARGETS", "--targets"), ("CONFIG", "--config")):
        if env.get(name, "").strip():
            args += [option, _expand(env[name])]
    args += ["--out", _expand(env.get("OUT", "") or "out/shortlist.xlsx")]
    return args


def main() -> None:
    args = command(dict(os.environ))
    print("./prospects " + shlex.join(args), file=sys.stderr, flush=True)
    program = str(Path(sys.executable).parent / "prospects")  # beside the venv's python
    os.execv(program, [program, *args])


if __name__ == "__main__":
    main()
