"""Number formats and hidden rows of an OpenDocument spreadsheet (.ods), from content.xml.

ODF stores each number cell's type (float, percentage) beside the text it shows; the shown
text gives the precision ("98,65 %" shows two decimals). content.xml is streamed (iterparse,
each row dropped once read) and formats are kept only for the cells of rows the reader kept
(form rows, calamine_book.form_rows): repeated rows and columns are counted, never expanded, so
neither a sheet styled down to row 1,048,576 nor a data sheet of repeated cells costs memory.
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
    grids = {grid.name: grid for grid in workbook.sheets}
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as stream:
            _walk(stream, grids)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        return


def _walk(stream, grids: dict[str, SheetGrid]) -> None:
    grid, row = None, 0
    for event, element in ElementTree.iterparse(stream, events=("start", "end")):
        if event == "start":
            if element.tag == f"{_TABLE}table":
                grid, row = grids.get(element.get(f"{_TABLE}name")), 0
            continue
        if element.tag == f"{_TABLE}table-row":
            repeat = _count(element.get(f"{_TABLE}number-rows-repeated"))
            if grid is not None:
                _row(element, row, repeat, grid)
            row += repeat
            element.clear()
        elif element.tag == f"{_TABLE}table":
            grid = None
            element.clear()


def _row(element, row: int, repeat: int, grid: SheetGrid) -> None:
    if element.get(f"{_TABLE}visibility") in ("collapse", "filter"):
        grid.hidden_rows.update(range(row, row + min(repeat, 1000)))
    if row < len(grid.values) and isinstance(grid.values[row], list):  # a row the reader kept
        _cells(element, row, len(grid.values[row]), grid)


def _count(text: str | None) -> int:
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and int(text) > 0 else 1


def _cells(row_element, row: int, width: int, grid: SheetGrid) -> None:
    col = 0
    for cell in row_element:
        if col >= width:
            return
        repeat = _count(cell.get(f"{_TABLE}number-columns-repeated"))
        kind = cell.get(f"{_OFFICE}value-type")
        if kind in ("float", "percentage", "currency"):
            decimals = _shown_decimals("".join(cell.itertext()), cell.get(f"{_OFFICE}value", "0"), kind)
            fmt = ("0." + "0" * decimals if decimals else "0") + ("%" if kind == "percentage" else "")
            for offset in range(min(repeat, width - col)):
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
