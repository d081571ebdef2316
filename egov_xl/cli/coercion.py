"""Option values without pydantic: typer 0.29 builds a pydantic TypeAdapter for every parameter
of the command it runs (≈ 60 ms of imports and schema building per process, before the command
does anything). The values this CLI takes are plain: text, paths, choices (StrEnum) and lists of
them. `install()` makes typer coerce those here, with typer's own helpers, and hands anything
else — and every value these helpers refuse — to typer's pydantic path, so a value is accepted,
converted and refused exactly as before (same message, same exit code).

Kept apart from typer's internals except one name: `typer.core.build_runtime_param`. If a typer
release moves it, `install()` does nothing and typer works as it always did (only slower);
tests/test_cli_coercion.py compares both paths on every parameter of every command.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

import typer.core
from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer._param_types import coerce_cli_choice, coerce_cli_path

_typer_builder = build_runtime_param


@dataclass(frozen=True)
class LightRuntimeParam(RuntimeParam):
    """Coerces text, Path and StrEnum values (and lists of them); the rest goes to typer."""

    descriptor: TypeDescriptor

    def _coerce_value(self, value: Any, param, ctx) -> Any:
        annotation = self.annotation
        if get_origin(annotation) is list:
            items = value if isinstance(value, (list, tuple)) else [value]
            leaf = get_args(annotation)[0]
            coerced = [_leaf(leaf, item, self.parameter_info, param, ctx) for item in items]
            if all(item is not _REFUSED for item in coerced):
                return coerced
        else:
            coerced = _leaf(annotation, value, self.parameter_info, param, ctx)
            if coerced is not _REFUSED:
                return coerced
        return self.typer()._coerce_value(value, param=param, ctx=ctx)

    def typer(self) -> RuntimeParam:
        """Typer's own (pydantic) coercion: for values this module does not take, and errors."""
        return _typer_builder(self.descriptor)


_REFUSED = object()


def _leaf(annotation: Any, value: Any, info, param, ctx) -> Any:
    if annotation is str:
        return value if isinstance(value, str) else _REFUSED
    if annotation is Path and isinstance(value, (str, Path)):
        return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        try:
            return coerce_cli_choice(value, choices=list(annotation), case_sensitive=info.case_sensitive, ctx=ctx)
        except ValueError:
            return _REFUSED  # typer words the refusal
    return _REFUSED


def light(descriptor: TypeDescriptor) -> RuntimeParam:
    """Typer's builder, minus pydantic for the plain parameters (no parser, no path options)."""
    info = descriptor.parameter_info
    plain = (info.parser is None and descriptor.file_annotation is None and info.path_type is None
             and not info.resolve_path and not info.allow_dash)
    if not plain:
        return _typer_builder(descriptor)
    return LightRuntimeParam(annotation=descriptor.annotation, parameter_info=info, descriptor=descriptor)


def install() -> None:
    """Make typer build option values through `light` (once per process; harmless if repeated)."""
    if getattr(typer.core, "build_runtime_param", None) is _typer_builder:
        typer.core.build_runtime_param = light
