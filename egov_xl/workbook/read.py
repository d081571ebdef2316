"""Files → `WorkbookGrid`: the limits guard first, then the reader for the file's kind, both in
a reader process (egov_xl/workbook/isolated.py: an abort, a panic, a timeout or too much memory
is the file's sentence, never the caller's end).

Values come from egov_xl/sources (python-calamine for spreadsheets, row by row, keeping only
the rows a form table can use). Number formats and formula text of an .xlsx/.xlsm, which
calamine does not expose, are read by the same reader process for the rows under a header only
(`_Near`, or `load_details` for the located rows when a table has no header), so a workbook
with a 20,000-row data sheet costs little more than calamine's own read. The reader sends each
sheet as soon as it has read it (`stream_sheets`): a caller may check one sheet's forms while
the next is read.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from pathlib import Path

from ..settings import Limits
from ..sources.errors import ReadError, existing_file, reason
from ..sources.formats import SUFFIXES, format_of, required
from . import isolated

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing in a reader's first milliseconds
if TYPE_CHECKING:
    from ..core.grid import WorkbookGrid
    from ..core.locate import Region

# The checks and readers are imported by the reader process that runs them (`_read`,
# `_details`): a command starts its first read before it imports the rest of the package.

__all__ = ["ReadError", "SUFFIXES", "adopt_early", "collect", "load_details", "read_workbook", "start_early",
           "start_reading", "stream_sheets", "take_near"]

_early: dict[tuple[str, Limits], object] = {}  # reads started before the command asked (start_early)
_DETAIL_ERRORS = (zipfile.BadZipFile, KeyError, OSError, SyntaxError, ValueError, EOFError, zlib.error)


def read_workbook(path: str | Path, limits: Limits | None = None) -> WorkbookGrid:
    """Any supported file → grids, once the limits guard has passed it (egov_xl/sources: one
    reader per kind of file), in a reader process."""
    return start_reading(path, limits)()[0]


def start_reading(path: str | Path, limits: Limits | None = None):
    """`read_workbook` started: the returned callable waits for the grids (or raises the file's
    ReadError), so the caller can prepare the check while the reader process reads. It answers
    (grids, details): the details are the formats and formulas of the rows that may be table
    rows under a header, read in the same trip (`load_details` takes them), or None."""
    parts = stream_sheets(path, limits)
    return lambda: collect(path, parts)


def stream_sheets(path: str | Path, limits: Limits | None = None):
    """The file's read started in a reader process: an iterator of (place, grid, rows,
    details), one per sheet as soon as the reader has it (the smaller sheets first: place is
    the sheet's among the workbook's), where rows are the sheet's rows that may be table rows
    under a header and details their formats and formulas (None, None: not read, for other
    kinds of file or when they could not be read). A failure at any point raises the
    file's ReadError from the iterator: nothing of the sheets already given may be kept."""
    path = Path(path)
    existing_file(path)
    required(path)  # a kind with a record in sources/formats.py, else its sentence
    limits = limits or Limits()
    started = _early.pop((os.path.abspath(path), limits), None)
    return started or isolated.stream(_read, path, limits)


def collect(path: str | Path, parts) -> tuple[WorkbookGrid, tuple[dict, dict] | None]:
    """The whole workbook of a `stream_sheets` iterator (its sheets in the workbook's order),
    and its near details: (rows, details) by sheet, or None when they were not read for every
    sheet."""
    from ..core.grid import WorkbookGrid
    from ..sources import in_order

    grids, rows, details, whole = [], {}, {}, True
    for place, grid, near, found in parts:
        grids.append((place, grid))
        whole = whole and near is not None
        if near:
            rows[grid.name] = near
        if found is not None:
            details[grid.name] = found
    return WorkbookGrid(str(Path(path)), in_order(grids)), ((rows, details) if whole else None)


def start_early(path: str | Path, limits: Limits) -> None:
    """Start reading `path` now, for the `start_reading` of the same file and limits that
    follows (a command that knows its file before it has imported the rest of the package).
    Nothing is started for a file `start_reading` would refuse: it says why itself."""
    path = Path(path)
    if path.is_file() and format_of(path) is not None:
        _early.setdefault((os.path.abspath(path), limits), isolated.stream(_read, path, limits))


def adopt_early(path: str | Path, limits: Limits, pid: int, fd: int) -> None:
    """The read of `path` by the reader workbook/forked.py forked, for the `start_reading` of
    the same file and limits that follows."""
    _early[(os.path.abspath(path), limits)] = isolated.adopt(pid, fd, Path(path), limits)


def _read(path: Path, limits: Limits):
    """In the reader process, a generator (isolated.stream sends each sheet as it is made):
    the cheap checks, then each sheet with the details of its rows that may be table rows (one
    trip instead of two for a workbook whose tables have headers), the sheets that declare
    fewer cells first."""
    from .. import sources
    from .limits import guard

    try:
        cells = guard(path, limits)
    except OSError as exc:
        raise ReadError("file_unreadable", path=str(path), reason=reason(exc)) from None
    near = _Near(path)
    try:
        for place, grid in sources.read_sheets(path, limits, cells):
            yield (place, grid, *near.of(grid))
    finally:
        near.close()


class _Near:
    """The details of the rows under a header (core.row_hints.table_rows), sheet by sheet; for
    the kinds whose formats and formulas are read from their parts. Once they cannot be read,
    none are (load_details then says why)."""

    def __init__(self, path: Path) -> None:
        kind = format_of(path)
        self.path, self.reader, self.failed = path, None, kind is None or not kind.details

    def of(self, grid):
        """(rows, details or None) of one sheet, or (None, None)."""
        rows, grid.near = grid.near, None  # what the reader found in its pass over the rows, sent once
        if self.failed:
            return None, None
        if rows is None:
            from ..core.row_hints import table_rows

            rows = table_rows(grid.values)
        if not rows:
            return rows, None
        try:
            if self.reader is None:
                from .xlsx_details import SheetDetails

                self.reader = SheetDetails(self.path)
            return rows, self.reader.of(grid.name, rows)
        except _DETAIL_ERRORS:
            self.failed = True
            return None, None

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()


def load_details(path: str | Path, workbook: WorkbookGrid, regions: list[Region], limits: Limits | None = None,
                 near=None) -> None:
    """Fill number formats and formulas of the located rows into the workbook's grids: from
    `near` (what start_reading's trip read) when it holds every located row, otherwise read in
    a reader process."""
    path = Path(path)
    kind = format_of(path)
    if kind is None or not kind.details or not regions:  # the kinds whose formats and formulas are read
        return
    if not take_near(workbook, regions, near):
        _fill(workbook, isolated.run(_details, path, limits or Limits(), _wanted(regions)))


def take_near(workbook: WorkbookGrid, regions: list[Region], near) -> bool:
    """Fill the details of the located rows from `near` when it holds every one of them (True);
    otherwise fill nothing (False)."""
    wanted = _wanted(regions)
    if near is None or not all(rows <= near[0].get(sheet, set()) for sheet, rows in wanted.items()):
        return False
    _fill(workbook, {sheet: _only(near[1].get(sheet), rows) for sheet, rows in wanted.items()})
    return True


def _wanted(regions: list[Region]) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = {}
    for region in regions:
        wanted.setdefault(region.sheet, set()).update(region.code_rows)
    return wanted


def _fill(workbook: WorkbookGrid, details) -> None:
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
    except _DETAIL_ERRORS as exc:
        raise ReadError("file_unreadable", path=str(path), reason=reason(exc)) from None
