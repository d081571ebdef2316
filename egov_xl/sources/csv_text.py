"""CSV as Excel writes it: UTF-8 (with or without BOM) or Windows-1258, "," or ";" between
fields, numbers written the way the PC's locale shows them.

The locale is decided once for the whole file (core.numbers.decide_file_decimal): the delimiter
says it first (en-US Excel separates fields with "," and writes "." decimals, vi-VN separates
with ";" and writes "," decimals); values that can only be read the other way ("98.65",
"12,450.5" for en-US; "98,65", "8.334,5" for vi-VN), with none read the delimiter's way,
overrule it. A column of indicator codes ("1.1") is no evidence. Every cell, "gần 50.000"
included, is then read with that one decision. Every cell of a CSV is text,
so the grid says so (`typed=False`) and no check asks the clerk to type a number as a number.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ..core.grid import SheetGrid, WorkbookGrid
from ..core.numbers import decide_file_decimal
from ..settings import Limits
from .budget import CellBudget

ERRORS = (UnicodeDecodeError, csv.Error)

_CSV_INTEGER = re.compile(r"^-?\d+$")
_CSV_PERCENT = re.compile(r"^(\d+)%$")
_DECIMAL_OF_DELIMITER = {",": ".", ";": ",", "\t": None}


def read(path: Path, limits: Limits) -> WorkbookGrid:
    text, dialect = _text(path)
    _count(path, text, dialect, limits)
    lines = list(csv.reader(io.StringIO(text), dialect))
    grid = SheetGrid(path.stem, [], typed=False)
    width = max((len(line) for line in lines), default=0)
    columns = ([line[c] for line in lines if c < len(line)] for c in range(width))
    grid.decimal = decide_file_decimal(columns, _DECIMAL_OF_DELIMITER.get(dialect.delimiter))
    for r, line in enumerate(lines):
        grid.values.append([_cell(grid, r, c, cell) for c, cell in enumerate(line)])
    return WorkbookGrid(str(path), [grid])


class _Semicolon(csv.excel):
    delimiter = ";"


class _Tab(csv.excel):
    delimiter = "\t"


def _by_count(sample: str) -> type[csv.Dialect]:
    """The delimiter found on the most lines (";" on a tie: Excel's vi-VN CSV)."""
    lines = sample.splitlines()
    counts = {d: sum(d in line for line in lines) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ";"))
    return {";": _Semicolon, "\t": _Tab}.get(best, csv.excel) if counts[best] else csv.excel


def text_rows(path: Path) -> tuple[list[list[str]], type[csv.Dialect]]:
    """The file's fields as text (decoded as below, BOM dropped, CRLF or LF) and its dialect."""
    text, dialect = _text(path)
    return list(csv.reader(io.StringIO(text), dialect)), dialect


def _text(path: Path) -> tuple[str, type[csv.Dialect]]:
    """The file's text and its dialect."""
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig") if raw.startswith(b"\xef\xbb\xbf") else _decode(raw)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:  # a title line unlike the rest ("UBND xã A, huyện B") defeats the sniffer
        dialect = _by_count(text[:4096])
    return text, dialect


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
