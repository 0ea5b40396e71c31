"""The sample's whole run (read, rank, write the workbook and the history) imports none of the
libraries only some inputs need (issue 18: start-up): nameparser (a one-cell name column), lxml
and defusedxml (only reading a previous workbook loads them), charset-normalizer (a file that is
not UTF-8), SciPy and sparse_dot_topn (link's nearest names on many keys: pipeline.text.csr does
the sample's products; SciPy's array-API layer alone imports numpy.f2py, numpy.testing and
charset-normalizer, and sparse_dot_topn psutil) and scikit-learn (labelled pairs). Each still
loads, and works, when its input comes."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

LAZY = (
    "nameparser",
    "charset_normalizer",
    "lxml",
    "defusedxml",
    "scipy",
    "sparse_dot_topn",
    "psutil",
    "sklearn",
)


def _loaded_after(code: str) -> list[str]:
    loaded = f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({LAZY!r})))"
    probe = f"import sys\n{code}\n{loaded}"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return ast.literal_eval(done.stdout.strip().splitlines()[-1])


def test_the_sample_command_loads_none(tmp_path: Path):
    out = tmp_path / "shortlist.xlsx"
    code = (
        "from pipeline.cli import app\n"
        "try:\n"
        f"    app(['shortlist', '--out', {str(out)!r}], prog_name='prospects')\n"
        "except SystemExit as done:\n"
        "    assert not done.code, done.code\n"
    )
    assert _loaded_after(code) == []
    assert out.is_file() and (tmp_path / "history.sqlite").is_file()


def test_importing_the_stages_loads_none():
    code = "import pipeline.cli, pipeline.run, pipeline.history, pipeline.export.files"
    assert _loaded_after(code) == []


def test_a_cp1252_file_loads_charset_normalizer_and_decodes():
    text = "Name,Company\nRené Müller,Café Crème\n" * 20
    code = (
        "from pipeline.ingest.decode import decode\n"
        f"text, encoding = decode({text.encode('cp1252')!r}, 'a.csv')\n"
        f"assert text == {text!r}, text\n"
        "assert encoding == 'cp1252', encoding\n"
    )
    assert _loaded_after(code) == ["charset_normalizer"]
