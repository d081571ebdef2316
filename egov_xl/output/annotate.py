"""An annotated copy of the workbook: flagged cells coloured by severity, a note on each, and a
sheet "Kiểm tra" listing the findings with links to their cells. The original is not touched.
Any other input (.csv, .ods, .xls, .xlsb, .docx: openpyxl writes only .xlsx/.xlsm) gets an
.xlsx copy of its values, every sheet or table under its own name. A package openpyxl cannot
load after calamine read it (a damaged or hostile part) is one sentence, like any unreadable file. What goes where is the plan
of output/plan.py (the add-in writes the same plan); this module writes it with openpyxl.
Text from the workbook is written as text (output/safe_text.py), the file through
output/files.py."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.styles import Alignment, Font, PatternFill

from ..core.findings import FormReport
from ..core.messages import Catalogue
from ..core.grid import SheetGrid
from ..settings import Limits
from ..sources.errors import reason
from ..sources.formats import COPY, annotated_in_place, format_of
from ..workbook import ReadError, read_workbook
from ..workbook.limits import check_annotatable
from .cached_results import Results, save_with_results, source_results
from .files import SameFileError, write_file
from .plan import HEADER_FILL, MESSAGE_COLUMN, SEVERITY_COLUMN, Link, Mark, ReportPlan, marks, report_plan
from .safe_text import append_text, set_text, xml_text

AUTHOR = "egov-xl"
LINK_FONT = Font(color="0563C1", underline="single")


__all__ = ["SameFileError", "annotate", "annotated_path"]
_TITLE_BAD = str.maketrans({ch: "_" for ch in "[]:*?/\\"})


def annotated_path(source: Path, target: Path, into_folder: bool) -> Path:
    """Where the copy of `source` goes: `target` itself, or `<stem>.kiem-tra<suffix>` in the
    folder `target`. The copy of anything but an .xlsx/.xlsm is an .xlsx workbook, named with
    the kind it came from (`bao-cao-ods.kiem-tra.xlsx`), so bao-cao.ods and bao-cao.docx checked
    together get a copy each."""
    kept = annotated_in_place(source)  # the kinds openpyxl writes (sources/formats.py); any other: a new .xlsx
    if into_folder:
        if kept:
            return target / f"{source.stem}.kiem-tra{source.suffix}"
        return target / f"{source.stem}-{source.suffix.lower().lstrip('.')}.kiem-tra{COPY.suffixes[0]}"
    return target if kept or annotated_in_place(target) else target.with_suffix(COPY.suffixes[0])


def annotate(source: str | Path, target: str | Path, reports: list[FormReport], catalogue: Catalogue,
             limits: Limits | None = None) -> Path:
    """Write the annotated copy. Raises SameFileError, OSError, ReadError (a file read again,
    a package openpyxl cannot load, or one too large to hold in openpyxl's memory)."""
    source, target = Path(source), Path(target)
    if annotated_in_place(source):
        check_annotatable(source, limits or Limits())
        book, titles, results = _load(source), {}, _results(source)
    else:
        (book, titles), results = _book_of_grids(read_workbook(source, limits).sheets), {}
    findings = [f for report in reports for f in report.findings]
    _mark_cells(book, marks(findings, catalogue, titles))
    _report_sheet(book, report_plan(reports, findings, catalogue, titles))
    if not results:
        return write_file(target, book.save, inputs=[source])
    return write_file(target, lambda path: save_with_results(book, path, results), inputs=[source])


def _results(source: Path) -> Results:
    """The source's formula results, which openpyxl drops (output/cached_results.py); none
    when a part cannot be parsed (openpyxl loaded it, so the copy is still written)."""
    try:
        return source_results(source)
    except (ElementTree.ParseError, KeyError, OSError, ValueError, zipfile.BadZipFile):
        return {}


def _load(source: Path) -> Workbook:
    try:
        return load_workbook(source, keep_vba=format_of(source).macros)
    except Exception as exc:  # noqa: BLE001 - calamine read it; whatever openpyxl trips on is the file's
        raise ReadError("file_damaged", path=str(source), reason=reason(exc)) from None


def _book_of_grids(grids: list[SheetGrid]) -> tuple[Workbook, dict[str, str]]:
    """A workbook holding the values of every sheet or table read from a file openpyxl cannot
    write (a sheet title has rules a CSV's file name or an .ods sheet name has not)."""
    book = Workbook()
    book.remove(book.active)
    titles: dict[str, str] = {}
    for grid in grids:
        sheet = book.create_sheet(_title(grid.name, set(titles.values())))
        titles[grid.name] = sheet.title
        for r, line in enumerate(grid.values, start=1):
            for c, value in enumerate(line, start=1):
                if value not in ("", None):
                    set_text(sheet.cell(r, c), value)
                    sheet.cell(r, c).number_format = grid.number_format(r - 1, c - 1)
    return book, titles


def _title(name: str, taken: set[str]) -> str:
    base = name.translate(_TITLE_BAD).strip("'")[:31].strip("'") or "Sheet"
    title, n = base, 1
    while title.lower() in {t.lower() for t in taken}:
        n += 1
        title = f"{base[:31 - len(str(n)) - 1]}~{n}"
    return title


def _fill(colour: str) -> PatternFill:
    return PatternFill("solid", start_color=colour, end_color=colour)


def _mark_cells(book, planned: list[Mark]) -> None:
    """Fill and note each flagged cell; a sheet with notes prints them at the end of its pages,
    so a printed copy carries the reasons too."""
    for mark in planned:
        if mark.ref.sheet not in book.sheetnames:
            continue
        sheet = book[mark.ref.sheet]
        sheet.page_setup.cellComments = "atEnd"
        cell = sheet.cell(mark.ref.row + 1, mark.ref.col + 1)
        cell.fill = _fill(mark.fill)
        comment = Comment(xml_text(mark.note), AUTHOR)
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
