"""Files → `WorkbookGrid`.

Values come from python-calamine (fast, every sheet). Number formats and formula text, which
calamine does not expose, are read afterwards for the located table rows only
(`load_details`), so a workbook with a 20,000-row data sheet costs little more than
calamine's own read.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .. import sources
from ..core.grid import WorkbookGrid
from ..core.locate import Region
from ..sources.errors import ReadError
from ..sources.errors import reason as _reason
from .xlsx_details import read_details

__all__ = ["ReadError", "SUFFIXES", "load_details", "read_workbook"]

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")  # the kinds whose formats and formulas load_details reads
SUFFIXES = sources.SUFFIXES


def read_workbook(path: str | Path) -> WorkbookGrid:
    """Any supported file → grids (egov_xl/sources: one reader per kind of file)."""
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
    except (zipfile.BadZipFile, KeyError, OSError, SyntaxError) as exc:
        raise ReadError("file_unreadable", path=str(path), reason=_reason(exc)) from None
    for grid in workbook.sheets:
        formats, formulas, uncomputed, hidden = details.get(grid.name, ({}, {}, set(), set()))
        grid.formats.update(formats)
        grid.formulas.update(formulas)
        grid.uncomputed.update(uncomputed)
        grid.hidden_rows.update(hidden)
