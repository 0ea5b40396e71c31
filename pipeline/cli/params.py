"""Typer's conversion of plain arguments (text, a path, paths), without Pydantic.

Typer 0.29 converts every argument through a Pydantic ``TypeAdapter`` built when the command
runs: importing Pydantic and building the adapters was 0.07-0.1 s of every ``prospects`` run,
a twentieth of the sample's whole run. Our commands take text, paths and lists of paths (and
flags, which Typer leaves alone), whose conversion is plain: text stays text, a path is
``Path(text)`` checked by Typer's own ``coerce_cli_path`` (the checks its Pydantic adapter
runs, with the same messages). Anything else (a number, a choice, a custom parser, a value
that is not text) goes to Typer's own conversion, built the first time it is needed.
``tests/cli/test_cli_params.py`` holds this to Typer's conversion for every parameter of every
command.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer.core
from typer._coercion import RuntimeParam, TypeDescriptor
from typer._param_types import coerce_cli_path
from typer._typing import get_args, get_origin

_typer_build = typer.core.build_runtime_param  # Typer's own, for everything not plain


_LEAVES = (str, Path, bool)


def _plain_leaf(annotation: Any) -> bool:
    return any(annotation is leaf for leaf in _LEAVES)


def _plain_value(leaf: Any, value: Any) -> bool:
    """Whether Typer's adapter for ``leaf`` would simply take ``value``: text that is not empty
    for text and paths (a flag's value is already a bool: Typer converts none)."""
    if leaf is bool:
        return isinstance(value, bool)
    return isinstance(value, str) and bool(value)


def is_plain(descriptor: TypeDescriptor) -> bool:
    """Text, a ``Path``, a flag or a list of text or paths, with no parser, choices, file
    opening or path type of its own (Typer's other options keep its conversion)."""
    info = descriptor.parameter_info
    if descriptor.file_annotation is not None or info.parser is not None:
        return False
    if getattr(info, "click_type", None) is not None or info.path_type is not None:
        return False
    annotation = descriptor.annotation
    if get_origin(annotation) is list:
        args = get_args(annotation)
        return len(args) == 1 and _plain_leaf(args[0]) and descriptor.choices is None
    return _plain_leaf(annotation) and descriptor.choices is None


@dataclass(frozen=True)
class PlainParam(RuntimeParam):
    """Converts text, paths, flags and lists of them as Typer's Pydantic adapter does; any other
    value goes to that adapter (``fallback``, built on first use)."""

    descriptor: TypeDescriptor = field(compare=False)
    _full: list[RuntimeParam] = field(default_factory=list, compare=False, repr=False)

    def _fallback(self) -> RuntimeParam:
        if not self._full:
            self._full.append(_typer_build(self.descriptor))
        return self._full[0]

    def _one(self, leaf: Any, value: Any, param, ctx) -> Any:
        if leaf is not Path:
            return value
        # Typer's path adapter: Path(text), then its checks (exists, readable, ...) as set
        return coerce_cli_path(
            Path(value), self.parameter_info, path_type=Path, param=param, ctx=ctx
        )

    def _coerce_value(self, value: Any, param, ctx) -> Any:
        annotation = self.annotation
        if get_origin(annotation) is list:
            leaf = get_args(annotation)[0]
            items = value if isinstance(value, list | tuple) else [value]
            if all(_plain_value(leaf, item) for item in items):
                return [self._one(leaf, item, param, ctx) for item in items]
        elif _plain_value(annotation, value):
            return self._one(annotation, value, param, ctx)
        return self._fallback()._coerce_value(value, param=param, ctx=ctx)


def build_runtime_param(descriptor: TypeDescriptor) -> RuntimeParam:
    """``PlainParam`` for a plain parameter (``is_plain``), else Typer's own conversion."""
    if is_plain(descriptor):
        return PlainParam(descriptor.parameter_info, descriptor.annotation, descriptor)
    return _typer_build(descriptor)


def install() -> None:
    """Make Typer build its parameters' conversions with ``build_runtime_param``."""
    typer.core.build_runtime_param = build_runtime_param  # type: ignore[assignment]
