"""Spreadsheets through python-calamine: .xlsx, .xlsm, .xlsb, .xls (Excel 97-2003) and .ods.

Calamine gives values only. Number formats come afterwards: for .xlsx/.xlsm from the located
rows (egov_xl/workbook/xlsx_details.py), for .xls from its BIFF records (xls_formats) and for
.ods from the text each cell shows (ods_formats), so 100 % stays 100 and not 1.
"""

from __future__ import annotations

from pathlib import Path

import python_calamine

from ..core.grid import SheetGrid, WorkbookGrid
from . import ods_formats, xls_formats

SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
ERRORS = (python_calamine.CalamineError,)

_FORMATS = {".xls": xls_formats.apply, ".ods": ods_formats.apply}


def read(path: Path) -> WorkbookGrid:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        sheets = []
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            sheets.append(SheetGrid(meta.name, sheet.to_python(skip_empty_area=False)))
    finally:
        book.close()
    workbook = WorkbookGrid(str(path), sheets)
    apply_formats = _FORMATS.get(path.suffix.lower())
    if apply_formats is not None:
        apply_formats(path, workbook)
    return workbook
