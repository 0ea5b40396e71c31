"""Execute every notebook under notebooks/ and write its rendered HTML to an output folder.

Usage (from the repository root): uv run --group notebooks python notebooks/render.py [OUT_DIR]
(`make notebooks`; OUT_DIR defaults to out/notebooks). Notebooks are jupytext percent-format
.py files: jupytext turns each into a notebook in memory, nbclient runs it with the repository
root as the working folder, and nbconvert writes HTML with the figures embedded.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext
import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbconvert import HTMLExporter

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def notebooks() -> list[Path]:
    """The notebooks, in name order (1.0-…, 2.0-…)."""
    return sorted(HERE.glob("[0-9]*.py"))


def render(notebook: Path, out_dir: Path, timeout: int = 600) -> Path:
    """Run one notebook top to bottom and write OUT_DIR/<name>.html; raises if a cell fails."""
    nb = jupytext.read(notebook)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    # The kernel talks to this process over local Unix sockets (IPC), not TCP ports: nothing
    # listens on the network, and ipykernel has no reason to warn about unencrypted TCP.
    km = KernelManager(kernel_name="python3", transport="ipc")
    NotebookClient(
        nb, km=km, timeout=timeout, resources={"metadata": {"path": str(ROOT)}}
    ).execute()
    out_dir.mkdir(parents=True, exist_ok=True)
    html, _ = HTMLExporter().from_notebook_node(nb)
    target = out_dir / f"{notebook.stem}.html"
    target.write_text(html, encoding="utf-8")
    nbformat.write(nb, out_dir / f"{notebook.stem}.ipynb")
    return target


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "out" / "notebooks")
    for nb in notebooks():
        print(f"{nb.name} -> {render(nb, out)}")
