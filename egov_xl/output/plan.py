"""What a check writes into a workbook, computed once from the findings: the marks (a fill
colour and a note per flagged cell) and the report sheet "Kiểm tra" (titles, a header, one
line per finding with a link to its cell, column widths).

Pure data, no spreadsheet library: the annotated copy (output/annotate.py, openpyxl) and the
add-in (excel/book.py, xlwings actions) are two writers of the same plan, so they cannot
drift apart. Text is kept as the clerk typed it; each writer applies output/safe_text.py's
rule for its medium.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..core.findings import Finding, FormReport, Severity
from ..core.grid import CellRef
from ..core.messages import Catalogue
from .rows import form_name
from .sheet_layout import wrapped_height

FILLS = {  # RGB, no "#": openpyxl takes it as is, the add-in prefixes "#"
    Severity.ERROR: "FFC7CE",
    Severity.WARNING: "FFEB9C",
    Severity.INFO: "DDEBF7",
}
HEADER_FILL = "D9D9D9"
COLUMNS = ("STT", "col_severity", "col_code", "col_cell", "col_message", "col_expected", "col_actual", "col_rule",
           "ref")
WIDTHS = (6, 12, 10, 18, 90, 14, 14, 26, 24)
SEVERITY_COLUMN, CELL_COLUMN, MESSAGE_COLUMN, REF_COLUMN = 1, 3, 4, 8  # 0-based
MESSAGE_CHARS = 95  # characters per line in the message column (width 90)


@dataclass(frozen=True, slots=True)
class Mark:
    """A flagged cell: the fill of its worst finding, a note listing every finding on it."""

    ref: CellRef
    fill: str
    note: str
    count: int  # findings on the cell (a writer sizes the note by it)


@dataclass(frozen=True, slots=True)
class Link:
    """A link to a cell: `location` is the quoted sheet reference ('Sheet 1'!D21), `text` what
    the link shows (D21)."""

    location: str
    text: str


@dataclass(frozen=True, slots=True)
class Line:
    """One row of the report sheet: its values (a Link in the cell column), the fill of its
    severity cell, the height its wrapped message needs."""

    values: tuple[object, ...]
    fill: str | None = None
    height: float | None = None


@dataclass(frozen=True, slots=True)
class ReportPlan:
    sheet: str
    titles: tuple[str, ...]  # one line each, above the header
    header: tuple[str, ...]
    lines: tuple[Line, ...]
    widths: tuple[int, ...] = WIDTHS

    @property
    def header_row(self) -> int:
        """The header's row, 0-based (the lines follow it)."""
        return len(self.titles)


def _renamed(ref: CellRef, titles: Mapping[str, str]) -> CellRef:
    return CellRef(titles.get(ref.sheet, ref.sheet), ref.row, ref.col)


def marks(findings: Iterable[Finding], catalogue: Catalogue, titles: Mapping[str, str] = {}) -> list[Mark]:
    """One mark per flagged cell, in the order the cells are first flagged. `titles` renames
    sheets (a CSV's grid name → the sheet title of its .xlsx copy)."""
    by_cell: dict[CellRef, list[Finding]] = {}
    for finding in findings:
        if finding.cell is not None:
            by_cell.setdefault(finding.cell, []).append(finding)
    result = []
    for ref, items in by_cell.items():
        worst = min(items, key=lambda f: f.severity.rank).severity
        note = "\n".join(f"[{catalogue.severity(f.severity)}] {catalogue.message(f)}" for f in items)
        result.append(Mark(_renamed(ref, titles), FILLS[worst], note, len(items)))
    return result


def report_plan(reports: Iterable[FormReport], findings: Iterable[Finding], catalogue: Catalogue,
                titles: Mapping[str, str] = {}, title_key: str = "report_title") -> ReportPlan:
    """The report sheet: a title per checked form, the header, a line per finding (or one line
    saying the form is clean). The last column holds the plain address of the finding's cell,
    which the add-in's next check reads back to clear the marks of this one."""
    heads = tuple(catalogue.text(title_key, form=form_name(r, catalogue), path=Path(r.path).name, sheet=r.sheet)
                  for r in reports)
    header = tuple(catalogue.text(c) if c.startswith("col_") else c for c in COLUMNS)
    lines = tuple(_line(index, f, catalogue, titles) for index, f in enumerate(findings, start=1))
    if not lines:
        clean = [""] * len(COLUMNS)
        clean[MESSAGE_COLUMN] = catalogue.text("clean")
        lines = (Line(tuple(clean)),)
    return ReportPlan(catalogue.text("report_sheet"), heads, header, lines)


def _line(index: int, finding: Finding, catalogue: Catalogue, titles: Mapping[str, str]) -> Line:
    ref = _renamed(finding.cell, titles) if finding.cell is not None else None
    message = catalogue.message(finding)
    values = (index, catalogue.severity(finding.severity), finding.code or "",
              Link(ref.excel, ref.a1) if ref else "", message, finding.expected or "", finding.actual or "",
              finding.rule, str(ref) if ref else "")
    return Line(values, FILLS[finding.severity], wrapped_height((message, MESSAGE_CHARS)))
