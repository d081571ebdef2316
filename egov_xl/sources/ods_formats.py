"""Number formats and hidden rows of an OpenDocument spreadsheet (.ods), from content.xml.

ODF stores each number cell's type (float, percentage) beside the text it shows; the shown
text gives the precision ("98,65 %" shows two decimals). Repeated rows and columns are
counted, never expanded, so a sheet styled down to row 1,048,576 costs nothing.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from ..core.grid import SheetGrid, WorkbookGrid

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_DECIMALS = re.compile(r"[.,](\d+)\s*%?\s*$")


def apply(path: Path, workbook: WorkbookGrid) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            root = ElementTree.fromstring(archive.read("content.xml"))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        return
    grids = {grid.name: grid for grid in workbook.sheets}
    for table in root.iter(f"{_TABLE}table"):
        grid = grids.get(table.get(f"{_TABLE}name"))
        if grid is not None:
            _table(table, grid)


def _table(table, grid: SheetGrid) -> None:
    row = 0
    for element in table.iter(f"{_TABLE}table-row"):
        repeat = int(element.get(f"{_TABLE}number-rows-repeated", "1"))
        if element.get(f"{_TABLE}visibility") in ("collapse", "filter"):
            grid.hidden_rows.update(range(row, row + min(repeat, 1000)))
        _cells(element, row, grid)
        row += repeat


def _cells(row_element, row: int, grid: SheetGrid) -> None:
    col = 0
    for cell in row_element:
        repeat = int(cell.get(f"{_TABLE}number-columns-repeated", "1"))
        kind = cell.get(f"{_OFFICE}value-type")
        if kind in ("float", "percentage", "currency"):
            decimals = _shown_decimals("".join(cell.itertext()), cell.get(f"{_OFFICE}value", "0"), kind)
            fmt = ("0." + "0" * decimals if decimals else "0") + ("%" if kind == "percentage" else "")
            for offset in range(min(repeat, 100)):
                grid.formats[(row, col + offset)] = fmt
        col += repeat


def _shown_decimals(shown: str, value: str, kind: str | None) -> int:
    """Digits shown after the decimal separator; a group of three after a whole value
    ("8.334" showing 8334) is a thousands group, not decimals."""
    match = _DECIMALS.search(shown.strip())
    if not match:
        return 0
    try:
        number = float(value) * (100 if kind == "percentage" else 1)
    except ValueError:
        return 0
    if len(match.group(1)) == 3 and round(number, 9).is_integer():
        return 0
    return len(match.group(1))
