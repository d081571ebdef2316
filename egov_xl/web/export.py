"""The board as an .xlsx workbook ready to print: a title with the office's name, the period,
the export date (office clock), a frozen header row with filters, A4 landscape fitted to the
page width, one language. Workbook text (unit names, reasons) is written as text, never as a
formula, whatever it starts with."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..archive.calendar import Calendar
from ..core.clock import local
from ..core.messages import Catalogue
from ..output.safe_text import set_text
from .board import Board

HEADS = ("web_col_unit", "web_col_name", "web_kind", "web_col_period", "web_col_status", "web_col_revisions",
         "web_col_errors", "web_col_warnings", "web_col_accepted", "web_col_first", "web_col_by",
         "web_col_review", "web_col_reason")
WIDTHS = (12, 40, 22, 16, 24, 9, 7, 9, 10, 22, 24, 18, 40)
FILLS = {"missing": "F8D7DA", "late": "FFF3CD", "on_time": "D1E7DD"}
FIRST = 5  # the header's row: title, period, export date and a blank line above it


def _put(sheet, row: int, col: int, value) -> None:
    set_text(sheet.cell(row, col), value)  # "=HYPERLINK(…)" stays text; a reason's control character is no error


def board_xlsx(board: Board, words: Catalogue, calendar: Calendar, now: datetime | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = words.text("web_export_sheet")
    kinds = {k.key: k.vi if words.lang == "vi" else k.en for k in calendar.kinds}
    period = board.focus.label if len(board.periods) == 1 and board.focus else ", ".join(p.label for p in board.periods)
    _put(sheet, 1, 1, words.text("web_export_title", unit=f"{board.root.name} ({board.root.code})"))
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    _put(sheet, 2, 1, words.text("web_export_period", period=period))
    _put(sheet, 3, 1, words.text("web_export_date", date=local(now or datetime.now(calendar.zone), calendar.zone)))
    for col, key in enumerate(HEADS, 1):
        _put(sheet, FIRST, col, words.text(key))
        sheet.cell(FIRST, col).font = Font(bold=True)
        sheet.cell(FIRST, col).alignment = Alignment(wrap_text=True, vertical="top")
    line = FIRST + 1
    for row in board.matched:
        for period in board.periods:
            for col, value in enumerate(_values(row, period, words, kinds, calendar), 1):
                _put(sheet, line, col, value)
            state = "missing" if row.cells[period.key] is None else (
                "on_time" if row.cells[period.key].on_time else "late")
            sheet.cell(line, 5).fill = PatternFill("solid", fgColor=FILLS[state])
            line += 1
    _print_setup(sheet, line - 1)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _values(row, period, words: Catalogue, kinds: dict, calendar: Calendar) -> list:
    cell = row.cells[period.key]
    head = [row.unit.code, row.unit.name, kinds.get(row.kind, words.text("web_kind_other")), period.label]
    if cell is None:
        return [*head, words.text("web_state_missing")]
    status = [words.text("web_on_time" if cell.on_time else "web_late")]
    if cell.errors:
        status.append(words.text("web_state_errors").lower())
    if cell.unchanged is not None:
        review = words.text("web_unchanged", revision=cell.unchanged)
    elif cell.review:
        review = words.text(f"web_{cell.review.decision}")
    else:
        review = words.text("web_state_pending")
    return [*head, ", ".join(status), cell.revisions, cell.errors, cell.warnings, cell.current.accepted,
            local(cell.first.archived_at, calendar.zone), cell.current.archived_by, review,
            (cell.review.reason or "") if cell.review else ""]


def _print_setup(sheet, last: int) -> None:
    for col, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    end = get_column_letter(len(HEADS))
    sheet.freeze_panes = sheet.cell(FIRST + 1, 1)
    sheet.auto_filter.ref = f"A{FIRST}:{end}{max(last, FIRST)}"
    sheet.print_title_rows = f"{FIRST}:{FIRST}"
    sheet.print_area = f"A1:{end}{max(last, FIRST)}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddFooter.center.text = "&P / &N"
