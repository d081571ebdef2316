"""Files → `WorkbookGrid`: the limits guard first, then the reader for the file's kind.

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

from .. import sources
from ..core.grid import WorkbookGrid
from ..core.locate import Region
from ..settings import Limits
from ..sources.errors import ReadError, reason
from .limits import guard
from .xlsx_details import read_details

__all__ = ["ReadError", "SUFFIXES", "load_details", "read_workbook"]

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")  # the kinds whose formats and formulas load_details reads
SUFFIXES = sources.SUFFIXES


def read_workbook(path: str | Path, limits: Limits | None = None) -> WorkbookGrid:
    """Any supported file → grids, once the limits guard has passed it (egov_xl/sources: one
    reader per kind of file)."""
    path = Path(path)
    if not path.is_file():
        raise ReadError("file_missing", path=str(path))
    if path.suffix.lower() not in SUFFIXES:
        raise ReadError("file_format", path=str(path))
    try:
        guard(path, limits or Limits())
    except OSError as exc:
        raise ReadError("file_unreadable", path=str(path), reason=reason(exc)) from None
    return sources.read_source(path)


def load_details(path: str | Path, workbook: WorkbookGrid, regions: list[Region]) -> None:
    """Fill number formats and formulas of the located rows into the workbook's grids."""
    path = Path(path)
    if path.suffix.lower() not in SPREADSHEET_SUFFIXES or not regions:
        return
    wanted: dict[str, set[int]] = {}
    for region in regions:
        wanted.setdefault(region.sheet, set()).update(region.code_rows)
    try:
        details = read_details(path, wanted)
    except (zipfile.BadZipFile, KeyError, OSError, SyntaxError, ValueError, EOFError, zlib.error) as exc:
        raise ReadError("file_unreadable", path=str(path), reason=reason(exc)) from None
    for grid in workbook.sheets:
        formats, formulas, uncomputed, hidden = details.get(grid.name, ({}, {}, set(), set()))
        grid.formats.update(formats)
        grid.formulas.update(formulas)
        grid.uncomputed.update(uncomputed)
        grid.hidden_rows.update(hidden)
