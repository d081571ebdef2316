"""An annotated copy of the workbook: flagged cells coloured by severity, a note on each, and a
sheet "Kiểm tra" listing the findings with links to their cells. The original is not touched."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.styles import Alignment, Font, PatternFill

from ..core.findings import Finding, FormReport, Severity
from ..core.messages import Catalogue
from .rows import form_name
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


class SameFileError(ValueError):
    pass


def annotate(source: str | Path, target: str | Path, reports: list[FormReport], catalogue: Catalogue) -> Path:
    source, target = Path(source), Path(target)
    if source.resolve() == target.resolve():
        raise SameFileError(str(target))
    book = load_workbook(source, keep_vba=source.suffix.lower() == ".xlsm")
    findings = [f for report in reports for f in report.findings]
    _mark_cells(book, findings, catalogue)
    _report_sheet(book, reports, catalogue)
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return target


def _mark_cells(book, findings: list[Finding], catalogue: Catalogue) -> None:
    by_cell: dict = {}
    for finding in findings:
        if finding.cell is not None:
            by_cell.setdefault(finding.cell, []).append(finding)
    for ref, items in by_cell.items():
        if ref.sheet not in book.sheetnames:
            continue
        cell = book[ref.sheet].cell(ref.row + 1, ref.col + 1)
        worst = min(items, key=lambda f: f.severity.rank).severity
        cell.fill = PatternFill("solid", start_color=FILLS[worst], end_color=FILLS[worst])
        text = "\n".join(f"[{catalogue.severity(f.severity)}] {catalogue.message(f)}" for f in items)
        comment = Comment(text, AUTHOR)
        comment.width, comment.height = 420, 40 + 60 * len(items)
        cell.comment = comment


def _report_sheet(book, reports: list[FormReport], catalogue: Catalogue) -> None:
    name = catalogue.text("report_sheet")
    if name in book.sheetnames:
        del book[name]
    sheet = book.create_sheet(name)
    for report in reports:
        title = catalogue.text("report_title", form=form_name(report, catalogue),
                               path=Path(report.path).name, sheet=report.sheet)
        sheet.append([title])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=12)
    sheet.append([catalogue.text(c) if c.startswith("col_") else c for c in _COLUMNS])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", start_color="D9D9D9", end_color="D9D9D9")
    index = 0
    for report in reports:
        for finding in report.findings:
            index += 1
            _finding_line(sheet, index, finding, catalogue)
    if index == 0:
        sheet.append(["", "", "", "", catalogue.text("clean")])
    for col, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[chr(64 + col)].width = width
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"


def _finding_line(sheet, index: int, finding: Finding, catalogue: Catalogue) -> None:
    sheet.append([
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
        link.hyperlink = Hyperlink(ref=link.coordinate, location=finding.cell.excel)
        link.font = Font(color="0563C1", underline="single")
