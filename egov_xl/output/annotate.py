"""An annotated copy of the workbook: flagged cells coloured by severity, a note on each, and a
sheet "Kiểm tra" listing the findings with links to their cells. The original is not touched.
A CSV input gets an .xlsx copy (a CSV has no colours or notes). Text from the workbook is
written as text (output/safe_text.py), the file through output/files.py."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.styles import Alignment, Font, PatternFill

from ..core.findings import Finding, FormReport, Severity
from ..core.messages import Catalogue
from ..core.grid import CellRef, SheetGrid
from ..workbook import read_workbook
from .files import SameFileError, write_file
from .rows import form_name
from .safe_text import append_text, set_text
from .sheet_layout import wrapped_height

FILLS = {
    Severity.ERROR: "FFC7CE",
    Severity.WARNING: "FFEB9C",
    Severity.INFO: "DDEBF7",
}
AUTHOR = "egov-xl"
_COLUMNS = ("STT", "col_severity", "col_code", "col_cell", "col_message", "col_expected", "col_actual", "col_rule")
_WIDTHS = (6, 12, 10, 18, 90, 14, 14, 26)
_MESSAGE_CHARS = 95  # characters per line in the message column (width 90)


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
    _mark_cells(book, findings, catalogue, titles)
    _report_sheet(book, reports, catalogue, titles)
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


def _mark_cells(book, findings: list[Finding], catalogue: Catalogue, titles: dict[str, str]) -> None:
    by_cell: dict = {}
    for finding in findings:
        if finding.cell is not None:
            by_cell.setdefault(finding.cell, []).append(finding)
    for ref, items in by_cell.items():
        title = titles.get(ref.sheet, ref.sheet)
        if title not in book.sheetnames:
            continue
        cell = book[title].cell(ref.row + 1, ref.col + 1)
        worst = min(items, key=lambda f: f.severity.rank).severity
        cell.fill = PatternFill("solid", start_color=FILLS[worst], end_color=FILLS[worst])
        text = "\n".join(f"[{catalogue.severity(f.severity)}] {catalogue.message(f)}" for f in items)
        comment = Comment(text, AUTHOR)
        comment.width, comment.height = 420, 40 + 60 * len(items)
        cell.comment = comment


def _report_sheet(book, reports: list[FormReport], catalogue: Catalogue, titles: dict[str, str]) -> None:
    name = catalogue.text("report_sheet")
    if name in book.sheetnames:
        del book[name]
    sheet = book.create_sheet(name)
    for report in reports:
        title = catalogue.text("report_title", form=form_name(report, catalogue),
                               path=Path(report.path).name, sheet=report.sheet)
        append_text(sheet, [title])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=12)
    append_text(sheet, [catalogue.text(c) if c.startswith("col_") else c for c in _COLUMNS])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", start_color="D9D9D9", end_color="D9D9D9")
    index = 0
    for report in reports:
        for finding in report.findings:
            index += 1
            _finding_line(sheet, index, finding, catalogue, titles)
    if index == 0:
        append_text(sheet, ["", "", "", "", catalogue.text("clean")])
    for col, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[chr(64 + col)].width = width
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"


def _finding_line(sheet, index: int, finding: Finding, catalogue: Catalogue, titles: dict[str, str]) -> None:
    append_text(sheet, [
        index,
        catalogue.severity(finding.severity),
        finding.code or "",
        str(finding.cell) if finding.cell else "",
        catalogue.message(finding),
        finding.expected or "",
        finding.actual or "",
        finding.rule,
    ])
    row = sheet.max_row
    sheet.row_dimensions[row].height = wrapped_height((catalogue.message(finding), _MESSAGE_CHARS))
    colour = FILLS[finding.severity]
    sheet.cell(row, 2).fill = PatternFill("solid", start_color=colour, end_color=colour)
    sheet.cell(row, 5).alignment = Alignment(wrap_text=True, vertical="top")
    if finding.cell:
        link = sheet.cell(row, 4)
        ref = finding.cell
        location = CellRef(titles.get(ref.sheet, ref.sheet), ref.row, ref.col).excel
        link.hyperlink = Hyperlink(ref=link.coordinate, location=location)
        link.font = Font(color="0563C1", underline="single")
