"""A real .xlsx as Excel would send it to xlwings Server, and the returned actions applied back.

`payload_from_xlsx` builds the body the Office.js client posts (values from A1 to the last
used cell, defined names, notes), plus the `details` argument our ribbon code reads with
Office.js (number formats and formulas). `apply_actions` applies the response's actions to the
openpyxl workbook the way the client applies them to Excel, so a test can check cells,
colours, notes and sheets in a real file.
"""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries


def _cell_value(value):
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def payload_from_xlsx(path: Path, args: list | None = None) -> tuple[dict, Workbook]:
    book = load_workbook(path)
    values_book = load_workbook(path, data_only=True)
    sheets, names = [], []
    for index, sheet in enumerate(book.worksheets):
        values = values_book[sheet.title]
        rows, cols = sheet.max_row, sheet.max_column
        block = [[_cell_value(values.cell(r, c).value) for c in range(1, cols + 1)] for r in range(1, rows + 1)]
        notes = [{"address": cell.coordinate} for row in sheet.iter_rows() for cell in row if cell.comment]
        sheets.append({
            "name": sheet.title, "visibility": "Visible", "show_gridlines": True, "print_area": None,
            "notes": notes, "notes_supported": True,
            "used_range_address": f"A1:{get_column_letter(cols)}{rows}",
            "used_range_row_count": rows, "used_range_column_count": cols,
            "values": block, "pictures": [], "shapes": [], "charts": [], "tables": [], "pivot_tables": [],
        })
    for name, item in book.defined_names.items():
        sheet_name, _, address = item.attr_text.rpartition("!")
        sheet_name = sheet_name.strip("'")
        index = book.sheetnames.index(sheet_name) if sheet_name in book.sheetnames else None
        names.append({"name": name, "refers_to": "=" + item.attr_text, "type": "Range", "sheet_index": index,
                      "address": address.replace("$", ""), "scope_sheet_name": None, "scope_sheet_index": None,
                      "book_scope": True})
    payload = {
        "client": "Office.js", "version": "0.37.8",
        "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1", "calculation": "Automatic"},
        "names": names, "sheets": sheets,
    }
    if args is not None:
        payload["args"] = args
    return payload, book


def details_from_xlsx(path: Path) -> str:
    """What egovDetails() in ribbon.js reads with Office.js: number formats and formulas."""
    book = load_workbook(path)
    details = {}
    for sheet in book.worksheets:
        formats, formulas = {}, {}
        for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=sheet.max_column):
            for cell in row:
                key = f"{cell.row - 1},{cell.column - 1}"
                if cell.number_format != "General":
                    formats[key] = cell.number_format
                if isinstance(cell.value, str) and cell.data_type == "f":
                    formulas[key] = cell.value
        details[sheet.title] = {"formats": formats, "formulas": formulas}
    return json.dumps(details, default=str)


class Applied:
    def __init__(self):
        self.alerts: list[str] = []
        self.funcs: list[str] = []
        self.macros: list[list] = []  # runMacro: [callback name, *args], as the task pane receives them


def _target(book: Workbook, action: dict):
    sheet = book.worksheets[action["sheet_position"]]
    return sheet, action["start_row"] + 1, action["start_column"] + 1


def apply_actions(book: Workbook, actions: list[dict]) -> Applied:
    applied = Applied()
    for action in actions:
        func = action["func"]
        applied.funcs.append(func)
        handler = _HANDLERS.get(func)
        if handler is None:
            raise AssertionError(f"the test bridge does not know the action {func}: {action}")
        handler(book, action, applied)
    return applied


def _set_values(book, action, applied):
    sheet, row, col = _target(book, action)
    for r, line in enumerate(action["values"]):
        for c, value in enumerate(line):
            sheet.cell(row + r, col + c).value = None if value == "" else value


def _set_color(book, action, applied):
    sheet, row, col = _target(book, action)
    colour = action["args"][0] if action["args"] else None
    for r in range(action["row_count"]):
        for c in range(action["column_count"]):
            cell = sheet.cell(row + r, col + c)
            cell.fill = PatternFill("solid", start_color=colour.lstrip("#").upper(), end_color=colour.lstrip("#")
                                    .upper()) if colour else PatternFill()


def _cell_of(book, action, address):
    sheet = book.worksheets[action["sheet_position"]]
    min_col, min_row, _, _ = range_boundaries(address.replace("$", ""))
    return sheet.cell(min_row, min_col)


def _add_note(book, action, applied):
    cell = _cell_of(book, action, action["args"][0])
    if cell.comment is not None:  # Excel refuses a second note on a cell
        raise AssertionError(f"addNote on {cell.coordinate}, which already has a note")
    cell.comment = Comment(action["args"][1], "egov-xl")


def _set_note_text(book, action, applied):
    cell = _cell_of(book, action, action["args"][0])
    if cell.comment is None:  # as Office.js: "There's no note on … to set the text of."
        raise AssertionError(f"setNoteText on {cell.coordinate}, which has no note")
    cell.comment = Comment(action["args"][1], "egov-xl")


def _delete_note(book, action, applied):
    _cell_of(book, action, action["args"][0]).comment = None


def _add_sheet(book, action, applied):
    position = action["args"][0] if action["args"] else len(book.worksheets)
    name = action["args"][1] if len(action["args"]) > 1 else None
    book.create_sheet(title=name, index=position)


def _sheet_clear(book, action, applied):
    sheet = book.worksheets[action["sheet_position"]]
    for row in sheet.iter_rows():
        for cell in row:
            cell.value = None
            cell.fill = PatternFill()
            cell.comment = None


def _alert(book, action, applied):
    applied.alerts.append(action["args"][0])


def _run_macro(book, action, applied):
    applied.macros.append(list(action["args"]))


def _names_add(book, action, applied):
    from openpyxl.workbook.defined_name import DefinedName

    name, refers_to = action["args"]
    book.defined_names[name] = DefinedName(name, attr_text=refers_to.lstrip("="))


def _set_sheet_name(book, action, applied):
    book.worksheets[action["sheet_position"]].title = action["args"][0]


def _run_macro(book, action, applied):
    """The add-in's JavaScript callbacks, recorded as the task pane receives them: egovStamp
    (addin/static/js/stamp.js) also sets custom document properties, as Excel would, deleting
    an earlier stamp's properties; egovReviewStatus, egovSaid (main.js) and egovForms (forms.js)
    only show text or a choice in the pane."""
    applied.macros.append(list(action["args"]))
    name, *args = action["args"]
    if name in ("egovReviewStatus", "egovSaid", "egovForms"):
        return
    if name != "egovStamp":
        raise AssertionError(f"the test bridge does not know the callback {name}")
    props = json.loads(args[0])
    kept = [p for p in book.custom_doc_props.props if not p.name.startswith("EgovXL.") and p.name not in props]
    book.custom_doc_props.props = kept + [StringProperty(name=key, value=value) for key, value in props.items()]


_HANDLERS = {
    "setValues": _set_values, "setRangeColor": _set_color, "addNote": _add_note, "setNoteText": _set_note_text,
    "deleteNote": _delete_note, "addSheet": _add_sheet, "sheetClear": _sheet_clear, "alert": _alert,
    "namesAdd": _names_add, "setSheetName": _set_sheet_name, "sheetClearContents": _sheet_clear,
    "runMacro": _run_macro,
}


def a1(col_row: str) -> tuple[int, int]:
    letters = "".join(ch for ch in col_row if ch.isalpha())
    return int(col_row[len(letters):]), column_index_from_string(letters)
