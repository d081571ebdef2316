"""Tổng hợp in the open workbook: the consolidated values into the form's value cells, and the
sheets "Chi tiết tổng hợp" and "Thiếu và lỗi" beside it.

The choices are egov_xl.output.consolidation's (the file `egov-xl consolidate -o` writes): ratio
rows keep the workbook's own formulas, a percentage without parts gets the median and a coded
row the lowest status, each explained in Ghi chú. Values go straight into the request's actions
(book.write_block); text from the archive (unit names) is written as text (output.safe_text).
"""

from __future__ import annotations

import xlwings as xw

from ..core.grid import WorkbookGrid
from ..core.messages import Catalogue
from ..core.spec import Kind
from ..output.consolidation import DETAIL_SHEET, GAPS_SHEET, detail_rows, form_values, gap_lines
from ..output.safe_text import as_excel_text
from ..flows.check import Checked
from .book import fresh_sheet, write_block


def write_consolidated(book: xw.Book, grids: WorkbookGrid, checked: Checked, result, catalogue: Catalogue) -> int:
    """Fill the form and write the two sheets; returns the number of value cells written."""
    written = _fill_form(book, grids, checked, result, catalogue)
    _write_sheet(book, DETAIL_SHEET, [[as_excel_text(v) for v in row] for row in detail_rows(result, catalogue)])
    _write_sheet(book, GAPS_SHEET, [[as_excel_text(line)] for line in gap_lines(result, catalogue)])
    return written


def _fill_form(book: xw.Book, grids: WorkbookGrid, checked: Checked, result, catalogue: Catalogue) -> int:
    form = checked.form
    sheet = book.sheets[form.sheet]
    grid = next(g for g in grids.sheets if g.name == form.sheet)
    columns = form.table.region.columns
    note_col = columns.note if columns.note is not None else columns.value + 1  # 0-based
    written = 0
    for row, value, text in form_values(result, catalogue):
        located = form.rows.get(row.code)
        if located is None:
            continue  # the open workbook lacks this row: the detail sheet still lists it
        ref = located.cells.value_ref
        if row.kind is Kind.RATIO and (ref.row, ref.col) in grid.formulas:
            continue  # the workbook computes it from the summed parts
        write_block(sheet.range((ref.row + 1, ref.col + 1)), [[value]])
        written += 1
        if text:
            write_block(sheet.range((ref.row + 1, note_col + 1)), [[as_excel_text(text)]])
    return written


def _write_sheet(book: xw.Book, name: str, rows: list[list[object]]) -> None:
    """`rows` into A1 of sheet `name`, cleared first, or added after the last sheet."""
    sheet = fresh_sheet(book, name)
    width = max(len(row) for row in rows)
    write_block(sheet["A1"], [row + [None] * (width - len(row)) for row in rows])
