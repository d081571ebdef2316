"""Files → `WorkbookGrid`.

Values come from python-calamine (fast, every sheet), row by row: rows that cannot belong to a
form table (past the first rows of a sheet, away from any header) are scanned and dropped,
so a 1,000,000-row data sheet beside a form costs its scan, not its rows in memory. Number formats and formula text, which
calamine does not expose, are read afterwards for the located table rows only
(`load_details`), so a workbook with a 20,000-row data sheet costs little more than
calamine's own read.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections import deque
from pathlib import Path

import python_calamine

from ..core.grid import SheetGrid, WorkbookGrid
from ..core.locate import CODE_SEARCH_ROWS, MAX_GAP, TITLE_ROWS, Region, may_head_table, may_hold_code
from ..settings import Limits
from .errors import ReadError
from .limits import guard
from .xlsx_details import read_details

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")
SUFFIXES = (*SPREADSHEET_SUFFIXES, ".csv")


def read_workbook(path: str | Path, limits: Limits | None = None) -> WorkbookGrid:
    path = Path(path)
    if not path.is_file():
        raise ReadError("file_missing", path=str(path))
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ReadError("file_format", path=str(path))
    try:
        guard(path, limits or Limits())
        if suffix == ".csv":
            return WorkbookGrid(str(path), [_read_csv(path)])
        return _read_xlsx(path)
    except ReadError:
        raise
    except (python_calamine.CalamineError, zipfile.BadZipFile, OSError, UnicodeDecodeError, ValueError,
            csv.Error) as exc:
        raise ReadError("file_unreadable", path=str(path), reason=_reason(exc)) from None


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]


def _read_xlsx(path: Path) -> WorkbookGrid:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        sheets = []
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            sheets.append(SheetGrid(meta.name, _form_rows(book.get_sheet_by_name(meta.name))))
        return WorkbookGrid(str(path), sheets)
    finally:
        book.close()


_DROPPED = ()  # a row no table can use: its values are not kept


def _form_rows(sheet: python_calamine.CalamineSheet) -> list:
    """The sheet's rows from A1, as `to_python(skip_empty_area=False)` gives them, except that
    rows which cannot belong to a table are dropped: kept are the first rows (where a table
    without a header is searched), every row that may head a table with the rows above it
    (its title) and below it, as long as indicator codes keep coming."""
    if sheet.start is None:
        return []
    pad = [""] * sheet.start[1]  # iter_rows starts at row 1 but at the first used column
    rows: list = []
    title: deque[tuple[int, list]] = deque(maxlen=TITLE_ROWS)
    keep_until = -1
    for index, row in enumerate(sheet.iter_rows()):
        if pad:
            row = pad + row
        if may_head_table(row):
            for dropped, line in title:
                rows[dropped] = line
            title.clear()
            keep_until = index + MAX_GAP + 2
        elif index <= keep_until and may_hold_code(row):
            keep_until = index + MAX_GAP + 2
        if index < CODE_SEARCH_ROWS or index <= keep_until:
            rows.append(row)
        else:
            rows.append(_DROPPED)
            title.append((index, row))
    return rows


def _read_csv(path: Path) -> SheetGrid:
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig") if raw.startswith(b"\xef\xbb\xbf") else _decode(raw)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    grid = SheetGrid(path.stem, [])
    for r, line in enumerate(csv.reader(io.StringIO(text), dialect)):
        grid.values.append([_csv_cell(grid, r, c, cell) for c, cell in enumerate(line)])
    return grid


_CSV_INTEGER = re.compile(r"^-?\d+$")
_CSV_PERCENT = re.compile(r"^(\d+)%$")


def _csv_cell(grid: SheetGrid, row: int, col: int, text: str) -> object:
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
        raise ReadError("file_unreadable", path=str(path), reason=_reason(exc)) from None
    for grid in workbook.sheets:
        formats, formulas, uncomputed = details.get(grid.name, ({}, {}, set()))
        grid.formats.update(formats)
        grid.formulas.update(formulas)
        grid.uncomputed.update(uncomputed)
