"""Spreadsheets through python-calamine: .xlsx, .xlsm, .xlsb, .xls (Excel 97-2003) and .ods.

Rows that cannot belong to a form table (past the first rows of a sheet, away from any header)
are scanned and dropped. A sheet of up to a million cells is converted to Python values in one
call; a larger one row by row, so that a 1,000,000-row data sheet beside a form costs its scan,
not its rows in memory.

Calamine gives values only. Number formats come afterwards: for .xlsx/.xlsm from the located
rows (egov_xl/workbook/xlsx_details.py), for .xls from its BIFF records (xls_formats, with
xlrd, imported only for an .xls) and for .ods from the text each cell shows (ods_formats), so
100 % stays 100 and not 1.

The sheets that declare fewer cells come first (a workbook's forms before its data sheet), and
a large last sheet is parsed in a thread while the others are scanned and sent (`Beside`).
"""

from __future__ import annotations

import importlib
from collections import deque
from collections.abc import Iterator, Mapping
from itertools import islice
from pathlib import Path

import python_calamine

from ..core.grid import SheetGrid, WorkbookGrid
from ..core.row_hints import CODE_SEARCH_ROWS, HEADER_HINT, MAX_GAP, TITLE_ROWS, may_head_table, may_hold_code
from ..settings import Limits
from .budget import CellBudget
from .formats import required

ERRORS = (python_calamine.CalamineError,)

_DROPPED = ()  # a row no table can use: its values are not kept
_CHUNK = 256  # rows searched for a header at once
WHOLE_SHEET_CELLS = 1_000_000  # a sheet converted to Python values in one call up to this many cells (≈ 60 MB)


def read(path: Path, limits: Limits) -> WorkbookGrid:
    return WorkbookGrid(str(path), [grid for _, grid in sheets(path, limits)])


def sheets(path: Path, limits: Limits, cells: Mapping[str, int] | None = None) -> Iterator[tuple[int, SheetGrid]]:
    """Each worksheet's (place in the workbook, grid) as soon as it is read, the sheets that
    declare fewer `cells` first (a workbook's forms before its data sheet); for a kind whose
    number formats are read over the whole workbook afterwards (.xls, .ods), each once they are
    applied, in the workbook's order."""
    formats = required(path).number_formats  # its record names the module with apply(path, workbook)
    if formats is None:
        yield from _sheets(path, limits, cells or {})
        return
    workbook = WorkbookGrid(str(path), [grid for _, grid in _sheets(path, limits, {})])
    importlib.import_module(f"..{formats}", __name__).apply(path, workbook)
    for grid in workbook.sheets:
        grid.near = None  # of the values before the formats were applied
    yield from enumerate(workbook.sheets)


def _sheets(path: Path, limits: Limits, cells: Mapping[str, int]) -> Iterator[tuple[int, SheetGrid]]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    budget = CellBudget(path, limits)  # the cells calamine really gave, whatever the file declared
    beside = None
    try:
        names = [meta.name for meta in book.sheets_metadata if meta.typ == python_calamine.SheetTypeEnum.WorkSheet]
        order = sorted(range(len(names)), key=lambda place: cells.get(names[place], 0))  # stable: ties keep their order
        last = order.pop() if _beside_worth(order, names, cells) else None
        held: list[tuple[int, python_calamine.CalamineSheet]] = []  # parsed, to be scanned while `last` is parsed
        held_cells = 0
        for place in order:
            held.append((place, _counted(names[place], book.get_sheet_by_name(names[place]), budget)))
            held_cells += _cells(held[-1][1])
            if last is None or held_cells > BESIDE_HELD_CELLS:  # nothing to wait for, or too much to hold
                yield from _scanned(held, names)
        if last is not None:
            beside = Beside(book.get_sheet_by_name, names[last])  # the workbook is the thread's until taken
            yield from _scanned(held, names)
            yield last, _grid(names[last], _counted(names[last], beside.take(), budget))
    finally:
        if beside is not None:
            beside.wait()  # interrupted, it leaves the workbook to the thread: closing it would fail
        book.close()


def _beside_worth(order: list[int], names: list[str], cells: Mapping[str, int]) -> bool:
    """Whether the last sheet of `order` (the largest the file declares) is parsed beside the
    others: in a thread, as calamine parses without the interpreter's lock, while the sheets
    parsed before it are scanned and sent (the workbook is lent to one parse at a time)."""
    return len(order) > 1 and cells.get(names[order[-1]], 0) >= BESIDE_FROM_CELLS


BESIDE_FROM_CELLS = 50_000  # the largest sheet's declared cells from which it is parsed beside the others
BESIDE_HELD_CELLS = 200_000  # the most cells (as parsed, not as declared) of smaller sheets held parsed meanwhile


def _cells(sheet: python_calamine.CalamineSheet) -> int:
    return 0 if sheet.end is None else (sheet.end[0] + 1) * (sheet.end[1] + 1)


def _counted(name: str, sheet: python_calamine.CalamineSheet, budget: CellBudget) -> python_calamine.CalamineSheet:
    """`sheet`, its cells taken from the file's budget as soon as it is parsed."""
    if sheet.end is not None:
        budget.take(name, sheet.end[0] + 1, sheet.end[1] + 1)
    return sheet


def _scanned(held: list, names: list[str]) -> Iterator[tuple[int, SheetGrid]]:
    """Each held sheet's grid, the sheet let go once scanned (before its grid is sent)."""
    held.reverse()
    while held:
        place, sheet = held.pop()
        grid = _grid(names[place], sheet)
        del sheet
        yield place, grid


def _grid(name: str, sheet: python_calamine.CalamineSheet) -> SheetGrid:
    rows, near = scan(sheet)
    return SheetGrid(name, rows, near=near)


class Beside:
    """`parse(name)` in a thread of its own, started at once; `take` waits for its sheet (or
    raises what it raised, a calamine panic included). Where no thread can be started (the
    address-space limit reached), the parse is made in `take` instead."""

    def __init__(self, parse, name: str) -> None:
        import threading

        self.parse, self.name, self.outcome = parse, name, None
        self.thread: threading.Thread | None = threading.Thread(target=self._run, daemon=True)
        try:
            self.thread.start()
        except RuntimeError:  # can't start new thread
            self.thread = None

    def _run(self) -> None:
        try:
            self.outcome = (self.parse(self.name), None)
        except BaseException as exc:  # noqa: BLE001 - a panic too: raised again in take
            self.outcome = (None, exc)

    def take(self):
        self.wait()
        outcome, self.outcome = self.outcome, None  # the sheet is the caller's alone
        if outcome is None:  # no thread, or one that ended before it could parse
            return self.parse(self.name)
        sheet, failure = outcome
        if failure is not None:
            raise failure
        return sheet

    def wait(self) -> None:
        """The thread ended: nobody else may use the workbook until then."""
        if self.thread is not None:
            self.thread.join()


def form_rows(sheet: python_calamine.CalamineSheet) -> list:
    """The sheet's rows from A1, as `to_python(skip_empty_area=False)` gives them, except that
    rows which cannot belong to a table are dropped: kept are the first rows (where a table
    without a header is searched), every row that may head a table with the rows above it
    (its title) and below it, as long as indicator codes keep coming."""
    return scan(sheet)[0]


def scan(sheet: python_calamine.CalamineSheet) -> tuple[list, set[int]]:
    """`form_rows`, and in the same pass the rows that may be table rows under a header
    (core.row_hints.table_rows of those rows: the same tests, made once)."""
    near: set[int] = set()
    if sheet.start is None:
        return [], near
    rows: list = []
    title: deque[tuple[int, list]] = deque(maxlen=TITLE_ROWS)
    keep_until = -1
    index = -1
    for chunk in _chunks(sheet):
        hinted = _may_head_any(chunk)  # most chunks of a data sheet hold no header: one search for all
        first = index + 1
        if not hinted and first > keep_until and first >= CODE_SEARCH_ROWS:  # no row of it is kept
            rows.extend([_DROPPED] * len(chunk))
            title.extend(enumerate(chunk[-TITLE_ROWS:], first + max(len(chunk) - TITLE_ROWS, 0)))
            index += len(chunk)
            continue
        for row in chunk:
            index += 1
            if hinted and may_head_table(row):
                for dropped, line in title:
                    rows[dropped] = line
                title.clear()
                keep_until = index + MAX_GAP + 2
            elif index <= keep_until and may_hold_code(row):
                keep_until = index + MAX_GAP + 2
            if index <= keep_until:
                rows.append(row)
                if row:
                    near.add(index)
            elif index < CODE_SEARCH_ROWS:
                rows.append(row)
            else:
                rows.append(_DROPPED)
                title.append((index, row))
    return rows, near


def _chunks(sheet: python_calamine.CalamineSheet):
    """The sheet's rows from A1 in lists of `_CHUNK`: a sheet of at most WHOLE_SHEET_CELLS
    cells converted in one call (to_python pads the columns before the first used one; one
    call costs less than one a row), a larger one row by row, so that it is never held whole
    (iter_rows starts at row 1 but at the first used column: the columns before it are padded)."""
    if _cells(sheet) <= WHOLE_SHEET_CELLS:
        rows = sheet.to_python(skip_empty_area=False)
        for start in range(0, len(rows), _CHUNK):
            yield rows[start:start + _CHUNK]
        return
    pad = [""] * sheet.start[1]
    rows = iter(sheet.iter_rows())
    while chunk := list(islice(rows, _CHUNK)):
        yield [pad + row for row in chunk] if pad else chunk


def _may_head_any(chunk: list) -> bool:
    """Whether any row of `chunk` may head a table: each row's joined text is a part of the
    chunk's, so no row that may_head_table accepts is missed (its empty strings only lengthen
    runs of the separator, which the hint's spaces take alike)."""
    text = "\x1f".join([v for row in chunk for v in row if type(v) is str])
    return HEADER_HINT.search(text) is not None
