"""pipeline.cli.params converts every parameter of every command as Typer's own (Pydantic)
conversion does, errors included, and a run of the commands never imports Pydantic."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer._click.core import Context
from typer._coercion import RuntimeParam

from pipeline.cli import app, params


def _parameters():
    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        for param in command.params:
            yield f"{name} {param.name}", command, param


def _outcome(runtime: RuntimeParam, value, param, ctx):
    try:
        got = runtime.coerce(value, param=param, ctx=ctx)
    except Exception as error:  # the same kind of error with the same words
        return ("error", type(error).__name__, str(error))
    return ("value", type(got).__name__, got)


@pytest.fixture(scope="module")
def places(tmp_path_factory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("params")
    (root / "file.csv").write_text("a\n")
    (root / "folder").mkdir()
    return {
        "file": str(root / "file.csv"),
        "folder": str(root / "folder"),
        "missing": str(root / "no such file.xlsx"),
    }


def _values(places: dict[str, str]) -> list[object]:
    texts = ["a.csv", "-", " ", "x\u00e9 (1).zip", "--out", "~/f.xlsx", *places.values()]
    return [
        None,
        "",
        *texts,
        tuple(texts),
        (places["file"], ""),
        (),
        True,
        False,
        3,
        "3",
        "yes",
    ]


@pytest.mark.parametrize(("name", "command", "param"), list(_parameters()))
def test_plain_conversion_equals_typers(name, command, param, places):
    ctx = Context(command, info_name=command.name)
    descriptor = param.type_descriptor
    ours = params.build_runtime_param(descriptor)
    theirs = params._typer_build(descriptor)
    for value in _values(places):
        if isinstance(value, tuple) != (param.multiple or param.nargs == -1):
            continue  # click hands a multiple parameter a tuple, another one a single value
        assert _outcome(ours, value, param, ctx) == _outcome(theirs, value, param, ctx), (
            name,
            value,
        )


def test_the_commands_parameters_are_plain():
    # what makes the fast path worth having: the numbers (int) aside, every parameter is plain
    kinds = {
        (params.is_plain(p.type_descriptor), p.type_descriptor.annotation)
        for _n, _c, p in _parameters()
    }
    assert {annotation for plain, annotation in kinds if not plain} <= {int}


def test_a_run_does_not_import_pydantic(tmp_path):
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from pipeline.cli import app\n"
        f"r = CliRunner().invoke(app, ['init', '--out', {str(tmp_path / 's.toml')!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == "[]"
    assert Path(tmp_path / "s.toml").is_file()
