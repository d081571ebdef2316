"""An xw.Book (sent by Excel through xlwings Server) ↔ the engine's grids, and marks back.

Office.js sends values only. Number formats and formulas, which the engine needs to read a
percent-formatted cell or tell a formula from text, are read by our ribbon and task-pane code
with Office.js and passed as the script's first argument (`details`), sparse and 0-based
from A1: {"Sheet name": {"formats": {"9,3": "0.00%"}, "formulas": {"9,3": "=D11/D10*100"}}}.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import xlwings as xw
from xlwings.pro._xlremote import Engine

from ..core.findings import Finding, Severity, Summary
from ..core.grid import CellRef, SheetGrid, WorkbookGrid
from ..core.legacy_text import convert_workbook
from ..core.messages import Catalogue
from ..core.spec import Kind
from ..output.plan import REF_COLUMN, Link, ReportPlan, marks, report_plan
from ..output.safe_text import as_excel_text
from ..template.build import FORM_NAME, INPUT_FILL, PERIOD_NAME, UNIT_NAME, YEAR_NAME
from ..flows.check import Checked, check_source, report_sheets

TEMPLATE_INPUT = f"#{INPUT_FILL.start_color.rgb[-6:]}"


def parse_details(details: object) -> dict:
    if isinstance(details, dict):
        return details
    if isinstance(details, str) and details.strip():
        try:
            data = json.loads(details)
        except (json.JSONDecodeError, RecursionError):  # "[[[[…" 200,000 deep: no details, not a 500
            return {}
        return data if isinstance(data, dict) else {}
    return {}


def sheet_values(sheet: xw.Sheet) -> list[list[object]]:
    """The sheet's cells from A1 to the last used cell, as values, read from the payload Excel
    sent and cleaned as xlwings cleans a read (ISO dates → datetime). Not through xlwings'
    Range: its reads go through a process-wide unbounded cache keyed by the whole sheet, which
    would keep every request's workbook in memory for the life of the server."""
    raw = sheet.api.get("values") or [[]]
    data = Engine.clean_value_data(raw, dt.datetime, None, None, False)
    return [["" if value is None else value for value in row] for row in data]


def write_block(target: xw.Range, rows: list[list[object]]) -> None:
    """Values into the block starting at `target` (a cell), straight into the request's actions.
    Not `Range.value = …`: xlwings resizes through a read of the whole sheet (see sheet_values)."""
    clean = [["" if value is None else value for value in row] for row in rows]
    sheet, row, col = target.sheet, target.row, target.column
    sheet.range((row, col), (row + len(clean) - 1, col + len(clean[0]) - 1)).raw_value = clean


def _cells(mapping: object):
    for key, value in (mapping or {}).items() if isinstance(mapping, dict) else ():
        row, _, col = str(key).partition(",")
        if row.isdigit() and col.isdigit() and isinstance(value, str):
            yield (int(row), int(col)), value


def _apply_details(grid: SheetGrid, details: dict | None) -> None:
    if not details:
        return
    for position, fmt in _cells(details.get("formats")):
        if fmt and fmt != "General":
            grid.formats[position] = fmt
    for position, formula in _cells(details.get("formulas")):
        # a formula differs from its value; text typed as "=98,64%" is its own value
        if formula.startswith("=") and grid.value(*position) != formula:
            grid.formulas[position] = formula


def book_grids(book: xw.Book, details: dict | None = None) -> WorkbookGrid:
    details = details or {}
    sheets = []
    for sheet in book.sheets:
        if sheet.name in report_sheets():
            continue
        grid = SheetGrid(sheet.name, sheet_values(sheet))
        _apply_details(grid, details.get(sheet.name))
        sheets.append(grid)
    return convert_workbook(WorkbookGrid(book.name, sheets))


def check_book(book: xw.Book, details: dict | None = None, form_id: str | None = None,
               grids: WorkbookGrid | None = None) -> list[Checked]:
    """Every form of the workbook Excel sent, through the one opener (flows.check.open_source)
    with the server's limits; `grids` when already read."""
    from ..server import runtime

    grids = grids if grids is not None else book_grids(book, details)
    return check_source(grids, runtime.current().settings.limits, form_id)


# names ----------------------------------------------------------------------------------------

def named_value(book: xw.Book, name: str) -> object:
    """The value of a one-cell defined name (EGOV_DON_VI …), or None."""
    for item in book.api.get("names") or []:
        if item.get("name") != name:
            continue
        index, address = item.get("sheet_index"), str(item.get("address") or "")
        if index is None or not address or not 0 <= index < len(book.sheets):
            return None
        try:
            ref = CellRef.from_a1("", address.split(":")[0])
        except (ValueError, KeyError):
            return None
        values = sheet_values(book.sheets[index])
        value = values[ref.row][ref.col] if ref.row < len(values) and ref.col < len(values[ref.row]) else None
        return None if value == "" else value
    return None


@dataclass(frozen=True, slots=True)
class BookContext:
    unit: str | None
    period_text: str | None
    form_id: str | None


def book_context(book: xw.Book) -> BookContext:
    """Unit, period and edition from the template's named cells, where the book has them."""
    unit = named_value(book, UNIT_NAME)
    kind, year = named_value(book, PERIOD_NAME), named_value(book, YEAR_NAME)
    period = None
    if kind and year:
        year_text = str(int(year)) if isinstance(year, float) else str(year)
        period = f"{kind} {year_text}"
    elif kind:
        period = str(kind)
    form = named_value(book, FORM_NAME)
    return BookContext(str(unit).strip() if unit else None, period, str(form) if form else None)


# marks ----------------------------------------------------------------------------------------

def previous_marks(book: xw.Book) -> list[CellRef]:
    """Cells marked by the last check, read back from the report sheet's last column (the plain
    address of each finding's cell; an annotated copy from the command line has it too)."""
    refs = []
    for sheet in [s for s in book.sheets if s.name in report_sheets()]:
        refs += _addresses(sheet_values(sheet))
    return refs


def _addresses(values: list[list[object]]) -> list[CellRef]:
    refs = []
    for row in values:
        address = row[REF_COLUMN] if len(row) > REF_COLUMN else None
        if isinstance(address, str) and "!" in address:
            sheet, _, a1 = address.rpartition("!")
            refs.append(CellRef.from_a1(sheet, a1))
    return refs


def _is_template_input(checked: list[Checked], ref: CellRef, template: bool) -> bool:
    if not template:
        return False
    for item in checked:
        for row in item.form.rows.values():
            if row.cells.value_ref == ref:
                return row.spec.kind not in (Kind.HEADER, Kind.RATIO)
    return False


def noted_cells(book: xw.Book) -> set[CellRef]:
    """Cells that carry a note, from the payload Excel sent (read once, not per cell)."""
    noted = set()
    for sheet in book.sheets:
        for note in sheet.api.get("notes") or []:
            noted.add(CellRef.from_a1(sheet.name, str(note["address"]).rpartition("!")[2]))
    return noted


def clear_marks(book: xw.Book, refs: list[CellRef], checked: list[Checked]) -> set[CellRef]:
    """Undo the last check's colours and notes (template input cells get their tint back).
    Returns the cells whose note was deleted."""
    names = {s.name for s in book.sheets}
    template = any(item.name == FORM_NAME for item in book.names)
    noted = noted_cells(book)
    cleared = set()
    colours = {}
    for ref in dict.fromkeys(refs):  # a cell with several findings is listed several times
        if ref.sheet not in names:
            continue
        colours[ref] = TEMPLATE_INPUT if _is_template_input(checked, ref, template) else None
        if ref in noted:
            book.sheets[ref.sheet].range((ref.row + 1, ref.col + 1)).note.delete()
            cleared.add(ref)
    fill(book, colours)
    return cleared


def mark_cells(book: xw.Book, findings: list[Finding], catalogue: Catalogue,
               cleared: set[CellRef] = frozenset()) -> list[CellRef]:
    """Write the plan's marks (output/plan.py): each flagged cell coloured by its worst finding,
    its messages in a note. A cell that already carries a note of the clerk's own keeps it (the
    report sheet lists all)."""
    foreign = noted_cells(book) - set(cleared)
    planned = marks(findings, catalogue)
    fill(book, {mark.ref: f"#{mark.fill}" for mark in planned})
    for mark in planned:
        if mark.ref not in foreign:
            # the engine's add_note: `Range.add_note` first looks for a note on the cell among
            # all the sheet's notes, once per note added; `foreign` already says there is none
            book.sheets[mark.ref.sheet].range((mark.ref.row + 1, mark.ref.col + 1)).impl.add_note(mark.note)
    return [mark.ref for mark in planned]


def fill(book: xw.Book, colours: dict[CellRef, str | None]) -> None:
    """Colour cells (None: no fill), one action for each run of adjacent cells of one colour
    down a column rather than one per cell."""
    runs: dict[tuple[str, int, str | None], list[int]] = {}
    for ref, colour in colours.items():
        runs.setdefault((ref.sheet, ref.col, colour), []).append(ref.row)
    for (sheet_name, col, colour), rows in runs.items():
        sheet = book.sheets[sheet_name]
        rows.sort()
        start = previous = rows[0]
        for row in [*rows[1:], None]:
            if row == previous + 1:
                previous = row
                continue
            sheet.range((start + 1, col + 1), (previous + 1, col + 1)).color = colour
            start = previous = row


def fresh_sheet(book: xw.Book, name: str) -> xw.Sheet:
    """The sheet `name` cleared, or added after the last sheet."""
    names = [s.name for s in book.sheets]
    if name in names:
        sheet = book.sheets[name]
        sheet.clear()
        return sheet
    return book.sheets.add(name=name, after=book.sheets[len(names) - 1])


def write_report(book: xw.Book, checked: list[Checked], findings: list[Finding], catalogue: Catalogue,
                 title_key: str = "report_title") -> None:
    """The sheet "Kiểm tra", as planned by output/plan.py (the annotated copy writes the same)."""
    write_plan(book, report_plan([c.report for c in checked], findings, catalogue, title_key=title_key))


def write_plan(book: xw.Book, plan: ReportPlan) -> None:
    """The report sheet in one block of values: links as HYPERLINK formulas (Excel makes a link
    of nothing else an action can write), every text as typed text (safe_text.py); then the
    severity cells' fills. Column widths and row heights stay Excel's."""
    sheet = fresh_sheet(book, plan.sheet)
    width = len(plan.header)
    rows = [[as_excel_text(title)] + [""] * (width - 1) for title in plan.titles]
    rows.append([as_excel_text(value) for value in plan.header])
    rows += [[_value(value) for value in line.values] for line in plan.lines]
    write_block(sheet["A1"], rows)
    fill(book, {CellRef(sheet.name, index - 1, 1): f"#{line.fill}"
                for index, line in enumerate(plan.lines, start=plan.header_row + 2) if line.fill is not None})


def _value(value: object) -> object:
    if isinstance(value, Link):
        return f'=HYPERLINK("#{value.location.replace(chr(34), chr(34) * 2)}","{value.text}")'
    return as_excel_text(value)


class SaidOnce:
    """A catalogue that formats each finding's sentence once: Kiểm tra shows the same sentence in
    the cell's note, on the report sheet and (in Vietnamese) in EGOV.CHECK's status. The findings
    live as long as the request, so their id is the key."""

    def __init__(self, catalogue: Catalogue):
        self._catalogue = catalogue
        self._said: dict[int, str] = {}

    def message(self, finding: Finding) -> str:
        said = self._said.get(id(finding))
        if said is None:
            said = self._said[id(finding)] = self._catalogue.message(finding)
        return said

    def __getattr__(self, name: str):
        return getattr(self._catalogue, name)


def row_statuses(findings: list[Finding], vi: Catalogue | SaidOnce | None = None) -> dict[str, str]:
    """Indicator code → its first error or warning, as EGOV.CHECK shows it (Vietnamese)."""
    from .. import definitions

    vi = vi or definitions.catalogue("vi")
    statuses: dict[str, str] = {}
    for finding in sorted(findings, key=lambda f: f.severity.rank):
        if finding.code and finding.severity is not Severity.INFO and finding.code not in statuses:
            statuses[finding.code] = f"{vi.severity(finding.severity)}: {vi.message(finding)}"
    return statuses


def summary_line(findings: list[Finding], catalogue: Catalogue) -> str:
    if not findings:
        return catalogue.text("clean")
    return catalogue.text("addin_summary", **Summary.of(findings).as_dict())
