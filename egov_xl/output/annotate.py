"""An annotated copy of the workbook: flagged cells coloured by severity, a note on each, and a
sheet "Kiểm tra" listing the findings with links to their cells. The original is not touched.
A CSV input gets an .xlsx copy (a CSV has no colours or notes). What goes where is the plan
of output/plan.py (the add-in writes the same plan); this module writes it with openpyxl.
Text from the workbook is written as text (output/safe_text.py), the file through
output/files.py."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.styles import Alignment, Font, PatternFill

from ..core.findings import FormReport
from ..core.messages import Catalogue
from ..core.grid import SheetGrid
from ..workbook import read_workbook
from .files import SameFileError, write_file
from .plan import HEADER_FILL, MESSAGE_COLUMN, SEVERITY_COLUMN, Link, Mark, ReportPlan, marks, report_plan
from .safe_text import append_text, set_text

AUTHOR = "egov-xl"
LINK_FONT = Font(color="0563C1", underline="single")


__all__ = ["SameFileError", "annotate", "annotated_path"]
_CSV_TITLE_BAD = str.maketrans({ch: "_" for ch in "[]:*?/\\"})


def annotated_path(source: Path, target: Path, into_folder: bool) -> Path:
    """Where the copy of `source` goes: `target` itself, or `<stem>.kiem-tra<suffix>` in the
    folder `target`. A CSV's copy is an .xlsx workbook."""
    suffix = ".xlsx" if source.suffix.lower() == ".csv" else source.suffix
    if into_folder:
        return target / f"{source.stem}.kiem-tra{suffix}"
    return target.with_suffix(".xlsx") if target.suffix.lower() == ".csv" else target


def annotate(source: str | Path, target: str | Path, reports: list[FormReport], catalogue: Catalogue) -> Path:
    """Write the annotated copy. Raises SameFileError, OSError, ReadError (a CSV read again)."""
    source, target = Path(source), Path(target)
    if source.suffix.lower() == ".csv":
        book, titles = _book_of_grid(read_workbook(source).sheets[0])
    else:
        book, titles = load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm"), {}
    findings = [f for report in reports for f in report.findings]
    _mark_cells(book, marks(findings, catalogue, titles))
    _report_sheet(book, report_plan(reports, findings, catalogue, titles))
    return write_file(target, book.save, inputs=[source])


def _book_of_grid(grid: SheetGrid) -> tuple[Workbook, dict[str, str]]:
    """A workbook holding a CSV's values (sheet titles have rules a file name has not)."""
    book = Workbook()
    sheet = book.active
    sheet.title = grid.name.translate(_CSV_TITLE_BAD)[:31].strip("'") or "CSV"
    for r, line in enumerate(grid.values, start=1):
        for c, value in enumerate(line, start=1):
            if value not in ("", None):
                set_text(sheet.cell(r, c), value)
                sheet.cell(r, c).number_format = grid.number_format(r - 1, c - 1)
    return book, {grid.name: sheet.title}


def _fill(colour: str) -> PatternFill:
    return PatternFill("solid", start_color=colour, end_color=colour)


def _mark_cells(book, planned: list[Mark]) -> None:
    for mark in planned:
        if mark.ref.sheet not in book.sheetnames:
            continue
        cell = book[mark.ref.sheet].cell(mark.ref.row + 1, mark.ref.col + 1)
        cell.fill = _fill(mark.fill)
        comment = Comment(mark.note, AUTHOR)
        comment.width, comment.height = 420, 40 + 60 * mark.count
        cell.comment = comment


def _report_sheet(book, plan: ReportPlan) -> None:
    if plan.sheet in book.sheetnames:
        del book[plan.sheet]
    sheet = book.create_sheet(plan.sheet)
    for title in plan.titles:
        append_text(sheet, [title])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=12)
    append_text(sheet, list(plan.header))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.fill = _fill(HEADER_FILL)
    for line in plan.lines:
        _line(sheet, line)
    for col, width in enumerate(plan.widths, start=1):
        sheet.column_dimensions[chr(64 + col)].width = width
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"


def _line(sheet, line) -> None:
    links = {col: value for col, value in enumerate(line.values) if isinstance(value, Link)}
    append_text(sheet, [value.text if isinstance(value, Link) else value for value in line.values])
    row = sheet.max_row
    if line.height is not None:
        sheet.row_dimensions[row].height = line.height
    if line.fill is not None:
        sheet.cell(row, SEVERITY_COLUMN + 1).fill = _fill(line.fill)
    sheet.cell(row, MESSAGE_COLUMN + 1).alignment = Alignment(wrap_text=True, vertical="top")
    for col, link in links.items():
        cell = sheet.cell(row, col + 1)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=link.location)
        cell.font = LINK_FONT
