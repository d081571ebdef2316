"""Reading input files into grids (the first step of the flow: workbook → grid).

The names below are imported when first asked for: `egov-xl validate` imports `forked` alone
to fork its first file's reader in its first milliseconds (cli/early.py)."""

from __future__ import annotations

__all__ = ["ReadError", "load_details", "read_workbook", "start_reading"]


def __getattr__(name: str):
    if name in {"load_details", "read_workbook", "start_reading"}:
        from . import read

        return getattr(read, name)
    if name == "ReadError":
        from ..sources.errors import ReadError

        return ReadError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
