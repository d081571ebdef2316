"""CSV as Excel writes it: UTF-8 (with or without BOM) or Windows-1258, "," or ";" between
fields, numbers written the way the PC's locale shows them.

The locale is decided from the file: values such as "98.65" or "12,450.5" say en-US ("."
decimals, "," thousands), "98,65" or "8.334,5" say vi-VN; with no such value the delimiter
decides (en-US Excel separates fields with ",", vi-VN with ";"). Every cell of a CSV is text,
so the grid says so (`typed=False`) and no check asks the clerk to type a number as a number.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ..core.grid import SheetGrid, WorkbookGrid
from ..core.numbers import decide_decimal
from ..settings import Limits
from .budget import CellBudget

ERRORS = (UnicodeDecodeError, csv.Error)

_CSV_INTEGER = re.compile(r"^-?\d+$")
_CSV_PERCENT = re.compile(r"^(\d+)%$")
_DECIMAL_OF_DELIMITER = {",": ".", ";": ",", "\t": None}


def read(path: Path, limits: Limits) -> WorkbookGrid:
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig") if raw.startswith(b"\xef\xbb\xbf") else _decode(raw)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    _count(path, text, dialect, limits)
    lines = list(csv.reader(io.StringIO(text), dialect))
    grid = SheetGrid(path.stem, [], typed=False)
    grid.decimal = decide_decimal(cell for line in lines for cell in line) \
        or _DECIMAL_OF_DELIMITER.get(dialect.delimiter)
    for r, line in enumerate(lines):
        grid.values.append([_cell(grid, r, c, cell) for c, cell in enumerate(line)])
    return WorkbookGrid(str(path), [grid])


def _count(path: Path, text: str, dialect, limits: Limits) -> None:
    """The CSV's cells (lines × the longest line, as the grid holds them from A1) against the
    budget, counted before any line is kept."""
    rows = cols = 0
    for line in csv.reader(io.StringIO(text), dialect):
        rows, cols = rows + 1, max(cols, len(line))
        if rows * cols > limits.max_sheet_cells:
            break  # over already: no need to read on
    CellBudget(path, limits).take(path.stem, rows, cols)


def _cell(grid: SheetGrid, row: int, col: int, text: str) -> object:
    """What Excel stores when it opens a CSV in any locale: whole numbers and whole
    percentages become numbers; everything else ("8.334", "59,26") stays text."""
    stripped = text.strip()
    if _CSV_INTEGER.match(stripped):
        return int(stripped)
    percent = _CSV_PERCENT.match(stripped)
    if percent:
        grid.formats[(row, col)] = "0%"
        return int(percent.group(1)) / 100
    return text


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1258")  # Windows Vietnamese, what older Excel saves as CSV
