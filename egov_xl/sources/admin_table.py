"""An administrator's table (units, clerks) from .xlsx/.xlsm/.xls/.ods (its first worksheet) or
.csv (Excel's "CSV UTF-8" with BOM and CRLF, plain UTF-8 or Windows-1258; "," ";" or tab):
every row as it is, cells as the sheet holds them. Not the form reader: a form reader keeps
only rows a form table can use, an admin's table needs all of them, and a CSV's "001" stays
text. Spreadsheets pass the same limits guard as forms first."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import python_calamine

from ..core.text import fold
from ..settings import Limits
from ..workbook.limits import guard
from . import csv_text
from .errors import ReadError, existing_file, reason
from .formats import format_of, unreadable


def read_table(path: Path, limits: Limits | None = None, sheets: tuple[str, ...] = ()) -> list[list[object]]:
    """The rows of the worksheet named one of `sheets` (compared folded: "Đơn vị" = "don vi"),
    else of the first worksheet, or of the CSV; one ReadError sentence otherwise. So one
    workbook may hold both the units and the clerks, on two sheets."""
    existing_file(path)
    kind = format_of(path)  # sources/formats.py: the kinds an administrator's table may come in
    if kind is None or not kind.admin_table:
        raise unreadable(path)
    try:
        if kind.reader == "csv_text":  # its text rows; any other kind: its first (or named) worksheet
            return [list(line) for line in csv_text.text_rows(path)[0]]
        guard(path, limits or Limits())
        return _sheet(path, sheets)
    except ReadError:
        raise
    except (OSError, ValueError, UnicodeDecodeError, csv.Error, zipfile.BadZipFile,
            python_calamine.CalamineError) as exc:
        raise ReadError("file_unreadable", path=str(path), reason=reason(exc)) from None


def _sheet(path: Path, wanted: tuple[str, ...]) -> list[list[object]]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        names = [meta.name for meta in book.sheets_metadata if meta.typ == python_calamine.SheetTypeEnum.WorkSheet]
        if not names:
            return []
        name = next((n for n in names if fold(n) in wanted), names[0])
        return book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    finally:
        book.close()
