"""Record one section of benchmarks/results.md, leaving the other sections as they are.

Each benchmark script owns a section, delimited by HTML comments, so scripts can be rerun in
any order: ``record("ingest-linkedin", markdown)``.
"""

from __future__ import annotations

import platform
import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.md"
HEADER = """# Benchmark results

Every figure comes from a committed script under `benchmarks/`; each section names its command.
Machine: {machine}, CPython {python}, 2 cores, 24 GiB, shared with other work, so timings are
medians of several runs and ratios matter more than the last digit.
"""


def record(name: str, markdown: str, path: Path = RESULTS) -> None:
    """Replace (or append) the section ``name`` of results.md with ``markdown``."""
    start, end = f"<!-- section: {name} -->", f"<!-- end: {name} -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if not text:
        text = HEADER.format(machine=platform.machine(), python=platform.python_version())
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    text = (
        pattern.sub(lambda _m: block, text)
        if pattern.search(text)
        else f"{text.rstrip()}\n\n{block}\n"
    )
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
