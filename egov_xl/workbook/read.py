"""Files → `WorkbookGrid`: the limits guard first, then the reader for the file's kind, both in
a reader process (egov_xl/workbook/isolated.py: an abort, a panic, a timeout or too much memory
is the file's sentence, never the caller's end).

Values come from egov_xl/sources (python-calamine for spreadsheets, row by row, keeping only
the rows a form table can use). Number formats and formula text of an .xlsx/.xlsm, which
calamine does not expose, are read by the same reader process for the rows under a header only
(`_near_details`, or `load_details` for the located rows when a table has no header), so a
workbook with a 20,000-row data sheet costs little more than calamine's own read.
"""

from __future__ import annotations

import os
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

__all__ = ["ReadError", "SUFFIXES", "load_details", "read_workbook", "start_early", "start_reading"]

_early: dict[tuple[str, Limits], object] = {}  # reads started before the command asked (start_early)


def read_workbook(path: str | Path, limits: Limits | None = None) -> WorkbookGrid:
    """Any supported file → grids, once the limits guard has passed it (egov_xl/sources: one
    reader per kind of file), in a reader process."""
    return start_reading(path, limits)()[0]


def start_reading(path: str | Path, limits: Limits | None = None):
    """`read_workbook` started: the returned callable waits for the grids (or raises the file's
    ReadError), so the caller can prepare the check while the reader process reads. It answers
    (grids, details): the details are the formats and formulas of the rows that may be table
    rows under a header, read in the same trip (`load_details` takes them), or None."""
    path = Path(path)
    if not path.is_file():
        raise ReadError("file_missing", path=str(path))
    required(path)  # a kind with a record in sources/formats.py, else its sentence
    limits = limits or Limits()
    started = _early.pop((os.path.abspath(path), limits), None)
    return started or isolated.submit(_read, path, limits)


def start_early(path: str | Path, limits: Limits) -> None:
    """Start reading `path` now, for the `start_reading` of the same file and limits that
    follows (a command that knows its file before it has imported the rest of the package).
    Nothing is started for a file `start_reading` would refuse: it says why itself."""
    path = Path(path)
    if path.is_file() and format_of(path) is not None:
        _early.setdefault((os.path.abspath(path), limits), isolated.submit(_read, path, limits))


def _read(path: Path, limits: Limits):
    """In the reader process: the cheap checks, then the reader; then the details of the rows
    that may be table rows (one trip instead of two for a workbook whose tables have headers)."""
    from .. import sources
    from .limits import guard

    try:
        guard(path, limits)
    except OSError as exc:
        raise ReadError("file_unreadable", path=str(path), reason=reason(exc)) from None
    workbook = sources.read_source(path, limits)
    return workbook, _near_details(path, limits, workbook)


def _near_details(path: Path, limits: Limits, workbook: WorkbookGrid):
    """(rows, details) of the rows under a header (core.row_hints.table_rows), or None: for
    other kinds of file, and when they cannot be read here (load_details then says why)."""
    kind = format_of(path)
    if kind is None or not kind.details:  # the kinds whose formats and formulas are read
        return None
    from ..core.row_hints import table_rows

    near = {grid.name: rows for grid in workbook.sheets if (rows := table_rows(grid.values))}
    try:
        return near, _details(path, limits, near)
    except ReadError:
        return None


def load_details(path: str | Path, workbook: WorkbookGrid, regions: list[Region], limits: Limits | None = None,
                 near=None) -> None:
    """Fill number formats and formulas of the located rows into the workbook's grids: from
    `near` (what start_reading's trip read) when it holds every located row, otherwise read in
    a reader process."""
    path = Path(path)
    kind = format_of(path)
    if kind is None or not kind.details or not regions:  # the kinds whose formats and formulas are read
        return
    wanted: dict[str, set[int]] = {}
    for region in regions:
        wanted.setdefault(region.sheet, set()).update(region.code_rows)
    if near is not None and all(rows <= near[0].get(sheet, set()) for sheet, rows in wanted.items()):
        details = {sheet: _only(near[1].get(sheet), rows) for sheet, rows in wanted.items()}
    else:
        details = isolated.run(_details, path, limits or Limits(), wanted)
    for grid in workbook.sheets:
        formats, formulas, uncomputed, hidden = details.get(grid.name, ({}, {}, set(), set()))
        grid.formats.update(formats)
        grid.formulas.update(formulas)
        grid.uncomputed.update(uncomputed)
        grid.hidden_rows.update(hidden)


def _only(details, rows: set[int]):
    """A sheet's details (formats, formulas, uncomputed, hidden) on `rows` alone."""
    if details is None:
        return {}, {}, set(), set()
    formats, formulas, uncomputed, hidden = details
    return ({k: v for k, v in formats.items() if k[0] in rows}, {k: v for k, v in formulas.items() if k[0] in rows},
            {k for k in uncomputed if k[0] in rows}, hidden & rows)


def _details(path: Path, limits: Limits, wanted: dict[str, set[int]]):
    from .xlsx_details import read_details

    try:
        return read_details(path, wanted)
    except (zipfile.BadZipFile, KeyError, OSError, SyntaxError, ValueError, EOFError, zlib.error) as exc:
        raise ReadError("file_unreadable", path=str(path), reason=reason(exc)) from None
