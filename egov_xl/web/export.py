"""The board as an .xlsx workbook. Workbook text (unit names, reasons) is written as text,
never as a formula, whatever it starts with."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from .board import Board


def _put(sheet, row: int, col: int, value) -> None:
    cell = sheet.cell(row, col, value)
    if isinstance(value, str):
        cell.data_type = "s"  # "=HYPERLINK(…)" in a unit's name stays the text it is


def board_xlsx(board: Board, heads: list[str], words: dict[str, str]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Tinh hinh nop"
    for col, head in enumerate(heads, 1):
        _put(sheet, 1, col, head)
        sheet.cell(1, col).font = Font(bold=True)
    line = 2
    for row in board.rows:
        for period in board.periods:
            cell = row.cells[period.key]
            values = [row.unit.code, row.unit.name, period.label, words["missing"]] if cell is None else [
                row.unit.code, row.unit.name, period.label,
                words["on_time"] if cell.on_time else words["late"], cell.revisions, cell.errors, cell.warnings,
                cell.current.accepted, cell.first.archived_at.strftime("%Y-%m-%d %H:%M"),
                cell.current.archived_by, words[cell.review.decision] if cell.review else "",
                (cell.review.reason or "") if cell.review else ""]
            for col, value in enumerate(values, 1):
                _put(sheet, line, col, value)
            line += 1
    for col, width in enumerate((14, 40, 22, 14, 8, 8, 8, 8, 18, 24, 16, 50), 1):
        sheet.column_dimensions[sheet.cell(1, col).column_letter].width = width
    out = BytesIO()
    book.save(out)
    return out.getvalue()
