"""Run every notebook under notebooks/ top to bottom and keep what it printed.

Usage: python notebooks/run_all.py [OUT_DIR]   (default out/notebooks; run from the repository root)
Notebooks are jupytext percent-format .py files, so each is also a plain Python script.
"""

from __future__ import annotations

import runpy
import sys
from contextlib import redirect_stdout
from io import StringIO
from pathlib import Path

HERE = Path(__file__).resolve().parent


def notebooks() -> list[Path]:
    return sorted(p for p in HERE.glob("[0-9]*.py"))


def run(notebook: Path, out_dir: Path) -> Path:
    """Execute one notebook as a script; write its printed output to OUT_DIR/<name>.txt."""
    out_dir.mkdir(parents=True, exist_ok=True)
    buffer = StringIO()
    with redirect_stdout(buffer):
        runpy.run_path(str(notebook), run_name="__main__")
    target = out_dir / f"{notebook.stem}.txt"
    target.write_text(buffer.getvalue(), encoding="utf-8")
    return target


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "out/notebooks")
    for nb in notebooks():
        print(f"{nb.name} -> {run(nb, out)}")
