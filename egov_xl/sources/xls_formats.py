"""Number formats and hidden rows of an Excel 97-2003 (.xls) workbook, read with xlrd.

Calamine reads the values; xlrd is asked only for what calamine does not expose: the format
of each numeric cell (a 100 % cell holds 1) and which rows are hidden. These are a bonus on
values already read: a damaged file xlrd cannot walk (IndexError, struct.error... on records
calamine skipped) keeps its values, and decimals then come from the values themselves.
"""

from __future__ import annotations

from pathlib import Path

import io

import xlrd

from ..core.grid import WorkbookGrid

_QUIET = io.StringIO()  # xlrd's diagnostics ("*** xf #5 ...") go nowhere


def apply(path: Path, workbook: WorkbookGrid) -> None:
    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True, logfile=_QUIET)
    except Exception:  # noqa: BLE001 - see above: no formats, the values stand
        return
    try:
        grids = {grid.name: grid for grid in workbook.sheets}
        for index, name in enumerate(book.sheet_names()):
            grid = grids.get(name)
            if grid is not None:
                _sheet(book, book.sheet_by_index(index), grid)
    except Exception:  # noqa: BLE001 - see above
        return
    finally:
        book.release_resources()


def _sheet(book, sheet, grid) -> None:
    for row, info in sheet.rowinfo_map.items():
        if info.hidden:
            grid.hidden_rows.add(row)
    for row in range(sheet.nrows):
        for col in range(sheet.ncols):
            if sheet.cell_type(row, col) != xlrd.XL_CELL_NUMBER:
                continue
            xf = book.xf_list[sheet.cell_xf_index(row, col)]
            fmt = book.format_map.get(xf.format_key)
            if fmt is not None and fmt.format_str and fmt.format_str != "General":
                grid.formats[(row, col)] = fmt.format_str
