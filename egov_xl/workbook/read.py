"""Files → `WorkbookGrid`: the limits guard first, then the reader for the file's kind, both in
a reader process (egov_xl/workbook/isolated.py: an abort, a panic, a timeout or too much memory
is the file's sentence, never the caller's end).

Values come from egov_xl/sources (python-calamine for spreadsheets, row by row, keeping only
the rows a form table can use). Number formats and formula text of an .xlsx/.xlsm, which
calamine does not expose, are read afterwards for the located table rows only
(`load_details`), so a workbook with a 20,000-row data sheet costs little more than
calamine's own read.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from ..settings import Limits
from ..sources.errors import ReadError, reason
from ..sources.formats import SUFFIXES, format_of, required
from . import isolated

if TYPE_CHECKING:
    from ..core.grid import WorkbookGrid
    from ..core.locate import Region

# The checks and readers are imported by the reader process that runs them (`_read`,
# `_details`): a command starts its first read before it imports the rest of the package.

__all__ = ["ReadError", "SUFFIXES", "load_details", "read_workbook", "start_reading"]


def read_workbook(path: str | Path, limits: Limits | None = None) -> WorkbookGrid:
    """Any supported file → grids, once the limits guard has passed it (egov_xl/sources: one
    reader per kind of file), in a reader process."""
    return start_reading(path, limits)()


def start_reading(path: str | Path, limits: Limits | None = None):
    """`read_workbook` started: the returned callable waits for the grids (or raises the file's
    ReadError), so the caller can prepare the check while the reader process reads."""
    path = Path(path)
    if not path.is_file():
        raise ReadError("file_missing", path=str(path))
    required(path)  # a kind with a record in sources/formats.py, else its sentence
    return isolated.submit(_read, path, limits or Limits())


def _read(path: Path, limits: Limits) -> WorkbookGrid:
    """In the reader process: the cheap checks, then the reader."""
    from .. import sources
    from .limits import guard

    try:
        guard(path, limits)
    except OSError as exc:
        raise ReadError("file_unreadable", path=str(path), reason=reason(exc)) from None
    return sources.read_source(path, limits)


def load_details(path: str | Path, workbook: WorkbookGrid, regions: list[Region], limits: Limits | None = None) -> None:
    """Fill number formats and formulas of the located rows into the workbook's grids (read in
    a reader process)."""
    path = Path(path)
    kind = format_of(path)
    if kind is None or not kind.details or not regions:  # the kinds whose formats and formulas are read
        return
    wanted: dict[str, set[int]] = {}
    for region in regions:
        wanted.setdefault(region.sheet, set()).update(region.code_rows)
    details = isolated.run(_details, path, limits or Limits(), wanted)
    for grid in workbook.sheets:
        formats, formulas, uncomputed, hidden = details.get(grid.name, ({}, {}, set(), set()))
        grid.formats.update(formats)
        grid.formulas.update(formulas)
        grid.uncomputed.update(uncomputed)
        grid.hidden_rows.update(hidden)


def _details(path: Path, limits: Limits, wanted: dict[str, set[int]]):
    from .xlsx_details import read_details

    try:
        return read_details(path, wanted)
    except (zipfile.BadZipFile, KeyError, OSError, SyntaxError, ValueError, EOFError, zlib.error) as exc:
        raise ReadError("file_unreadable", path=str(path), reason=reason(exc)) from None
