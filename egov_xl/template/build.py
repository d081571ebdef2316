"""A clean workbook for one edition, generated from its form definition.

Layout (the same for every edition, so scripts and the add-in find things by name):
- title rows; the reporting unit, period and year as input cells with defined names
  EGOV_DON_VI, EGOV_KY_BAO_CAO, EGOV_NAM, and the edition id under EGOV_BIEU_MAU;
- the table: STT | Chỉ tiêu thống kê | Kết quả thống kê (Đơn vị tính | Số liệu) | Ghi chú, then
  the empty columns Kỳ trước | Chênh lệch | % that the add-in's refresh fills;
- one defined name per value cell (BM7_4_1_2), input cells unlocked and tinted, headings
  bold and grey with no input cell, a drop-down for coded rows and the period;
- ratio rows compute themselves: =IF(N(den)=0,"",ROUND(num/den*100,d)), d the form's decimals, blank over a zero
  or blank denominator, rounded half up as the engine expects;
- a "Hướng dẫn" sheet, A4 portrait print set-up fitted to the page width.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..core.spec import Edition, Kind, PeriodKind, RowSpec
from ..output.files import write_file
from ..output.sheet_layout import wrapped_height

UNIT_NAME, PERIOD_NAME, YEAR_NAME, FORM_NAME = "EGOV_DON_VI", "EGOV_KY_BAO_CAO", "EGOV_NAM", "EGOV_BIEU_MAU"
# what the period drop-down offers; with the year cell it reads as "Quý I 2025", which
# egov_xl.core.periods.parse_period understands
PERIOD_CHOICES = {PeriodKind.Q1: "Quý I", PeriodKind.H1: "6 tháng", PeriodKind.Q3: "Quý III",
                  PeriodKind.M9: "9 tháng", PeriodKind.YEAR: "Năm"}
COLUMNS = ("STT", "Chỉ tiêu thống kê (Sử dụng trong kỳ báo cáo hàng quý, 6 tháng, năm)", "Kết quả thống kê", None,
           "Ghi chú", "Kỳ trước", "Chênh lệch", "%")
WIDTHS = (7, 62, 13, 12, 18, 11, 11, 8)
HEADER_ROW = 8  # first of the two header rows
FIRST_ROW = HEADER_ROW + 2
CODE, LABEL, UNIT, VALUE, NOTE, PRIOR, CHANGE, PCT = range(1, 9)
FIXED_TIME = datetime(2025, 1, 1)  # document properties stay stable from build to build

INPUT_FILL = PatternFill("solid", start_color="FFF2CC", end_color="FFF2CC")
HEADING_FILL = PatternFill("solid", start_color="D9D9D9", end_color="D9D9D9")
COMPARE_FILL = PatternFill("solid", start_color="EDEDED", end_color="EDEDED")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
COUNT_FORMAT = "#,##0"


def percent_format(decimals: int) -> str:
    """The number format of a percentage row at the form's precision ("0.00" for 2 decimals)."""
    return "0." + "0" * decimals if decimals else "0"


def value_name(edition: Edition, code: str) -> str:
    """The defined name of a row's value cell: BM7_4_1_2."""
    return f"{edition.name_prefix}_{code.replace('.', '_')}"


def row_of(edition: Edition) -> dict[str, int]:
    """Sheet row (1-based) of every indicator code."""
    return {spec.code: FIRST_ROW + index for index, spec in enumerate(edition.rows)}


def sheet_name(edition: Edition) -> str:
    return edition.short_title[:31]


def build_template(edition: Edition) -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name(edition)
    _title(book, sheet, edition)
    _table_header(sheet)
    rows = row_of(edition)
    coded = {}
    for spec in edition.rows:
        _indicator_row(book, sheet, edition, spec, rows)
        if spec.kind is Kind.CODED:
            coded.setdefault(",".join(str(v) for v in spec.values), []).append(rows[spec.code])
    _validations(sheet, edition, coded, rows)
    _print_setup(sheet, rows)
    _guide(book.create_sheet("Hướng dẫn"), edition)
    sheet.protection.sheet = True
    sheet.protection.formatCells = False  # the add-in colours flagged cells
    sheet.protection.objects = False  # … and puts notes on them
    book.properties.creator = "egov-xl"
    book.properties.created = book.properties.modified = FIXED_TIME
    book.calculation.fullCalcOnLoad = True
    book.active = 0
    return book


def _name(book: Workbook, name: str, sheet: Worksheet, cell: str) -> None:
    column, row = "".join(c for c in cell if c.isalpha()), "".join(c for c in cell if c.isdigit())
    book.defined_names[name] = DefinedName(name, attr_text=f"'{sheet.title}'!${column}${row}")


def _input(cell, number_format: str | None = None) -> None:
    cell.fill = INPUT_FILL
    cell.protection = Protection(locked=False)
    cell.border = BOX
    if number_format:
        cell.number_format = number_format


def _title(book: Workbook, sheet: Worksheet, edition: Edition) -> None:
    sheet["A1"] = edition.short_title
    sheet["A1"].font = Font(bold=True, size=12)
    title = edition.title.split("–", 1)[-1].strip()
    sheet["A2"] = title.upper()
    sheet["A2"].font = Font(bold=True, size=13)
    sheet.merge_cells("A2:H2")
    sheet["A2"].alignment = Alignment(horizontal="center")
    for row, label, name in ((4, "Đơn vị báo cáo:", UNIT_NAME), (5, "Kỳ báo cáo:", PERIOD_NAME),
                             (6, "Năm:", YEAR_NAME)):
        sheet.cell(row, LABEL, label).font = Font(bold=True)
        sheet.cell(row, LABEL).alignment = Alignment(horizontal="right")
        target = sheet.cell(row, UNIT)
        sheet.merge_cells(start_row=row, start_column=UNIT, end_row=row, end_column=NOTE)
        _input(target, "0" if name == YEAR_NAME else "@")
        _name(book, name, sheet, target.coordinate)
    form_cell = sheet.cell(4, PCT, edition.id)
    form_cell.font = Font(color="808080", size=8)
    _name(book, FORM_NAME, sheet, form_cell.coordinate)


def _table_header(sheet: Worksheet) -> None:
    top, sub = HEADER_ROW, HEADER_ROW + 1
    for col, text in enumerate(COLUMNS, start=1):
        if text is not None:
            sheet.cell(top, col, text)
    sheet.cell(sub, UNIT, "Đơn vị tính")
    sheet.cell(sub, VALUE, "Số liệu")
    for col in (CODE, LABEL, NOTE, PRIOR, CHANGE, PCT):
        sheet.merge_cells(start_row=top, start_column=col, end_row=sub, end_column=col)
    sheet.merge_cells(start_row=top, start_column=UNIT, end_row=top, end_column=VALUE)
    for row in (top, sub):
        for col in range(1, len(COLUMNS) + 1):
            cell = sheet.cell(row, col)
            cell.font = Font(bold=True)
            cell.fill = HEADING_FILL
            cell.border = BOX
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for col, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[chr(64 + col)].width = width
    sheet.freeze_panes = sheet.cell(FIRST_ROW, LABEL + 1)


def _indicator_row(book, sheet: Worksheet, edition: Edition, spec: RowSpec, rows: dict[str, int]) -> None:
    row = rows[spec.code]
    level = spec.code.count(".")
    heading = spec.kind is Kind.HEADER
    sheet.cell(row, CODE, spec.code).alignment = Alignment(horizontal="center", vertical="top")
    label = sheet.cell(row, LABEL, spec.label)
    label.alignment = Alignment(indent=level * 2, wrap_text=True, vertical="top")
    label.font = Font(bold=level == 0 or heading, italic=level >= 2)
    sheet.cell(row, UNIT, spec.unit or "").alignment = Alignment(horizontal="center", vertical="top",
                                                                 wrap_text=True)
    sheet.row_dimensions[row].height = _height(spec, level)
    value = sheet.cell(row, VALUE)
    for col in range(1, len(COLUMNS) + 1):
        sheet.cell(row, col).border = BOX
    if heading:
        for col in range(1, NOTE + 1):
            sheet.cell(row, col).fill = HEADING_FILL
        return
    _name(book, value_name(edition, spec.code), sheet, value.coordinate)
    if spec.kind is Kind.RATIO:
        num, den = f"D{rows[spec.numerator]}", f"D{rows[spec.denominator]}"
        value.value = f'=IF(N({den})=0,"",ROUND({num}/{den}*100,{spec.decimals}))'
        value.number_format = percent_format(spec.decimals)
        value.font = Font(bold=True)
    else:
        _input(value, percent_format(spec.decimals) if spec.kind is Kind.PERCENT else "0" if spec.kind is Kind.CODED
               else COUNT_FORMAT)
    note = sheet.cell(row, NOTE)
    note.protection = Protection(locked=False)
    for col, number_format in ((PRIOR, None), (CHANGE, None), (PCT, "0.0")):
        cell = sheet.cell(row, col)
        cell.fill = COMPARE_FILL
        cell.protection = Protection(locked=False)
        if number_format:
            cell.number_format = number_format
        elif spec.is_percentage:
            cell.number_format = percent_format(spec.decimals)
        else:
            cell.number_format = COUNT_FORMAT if spec.kind is Kind.COUNT else "General"


LABEL_CHARS, UNIT_CHARS = 66, 12  # characters per line in the label and unit columns


def _height(spec: RowSpec, level: int) -> float:
    return wrapped_height((spec.label, LABEL_CHARS - 2 * level), (spec.unit or "", UNIT_CHARS))


def _validations(sheet: Worksheet, edition: Edition, coded: dict[str, list[int]], rows: dict[str, int]) -> None:
    period = DataValidation(type="list", formula1='"' + ",".join(
        PERIOD_CHOICES[k] for k in edition.periods) + '"', allow_blank=True)
    period.error, period.errorTitle = "Chọn kỳ báo cáo trong danh sách.", "Kỳ báo cáo"
    period.add("C5")
    year = DataValidation(type="whole", operator="between", formula1="2015", formula2="2100", allow_blank=True)
    year.error, year.errorTitle = "Năm báo cáo là số có 4 chữ số, ví dụ 2025.", "Năm"
    year.add("C6")
    sheet.add_data_validation(period)
    sheet.add_data_validation(year)
    for codes, targets in coded.items():
        rule = DataValidation(type="list", formula1=f'"{codes}"', allow_blank=True)
        rule.error, rule.errorTitle = f"Chỉ được nhập một trong các giá trị {codes}.", "Giá trị mã hoá"
        for row in targets:
            rule.add(f"D{row}")
        sheet.add_data_validation(rule)
    counts = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    counts.error, counts.errorTitle = "Số đếm là số nguyên không âm.", "Số liệu"
    percents = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True)
    percents.error, percents.errorTitle = "Tỷ lệ là số từ 0 đến 100 (không nhập dấu %).", "Tỷ lệ"
    for spec in edition.rows:
        if spec.kind is Kind.COUNT:
            counts.add(f"D{rows[spec.code]}")
        elif spec.kind is Kind.PERCENT:
            percents.add(f"D{rows[spec.code]}")
    sheet.add_data_validation(counts)
    sheet.add_data_validation(percents)


def _print_setup(sheet: Worksheet, rows: dict[str, int]) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW + 1}"
    sheet.print_area = f"A1:{chr(64 + len(COLUMNS))}{max(rows.values())}"
    sheet.page_margins.left = sheet.page_margins.right = 0.4


GUIDE = (
    "Hướng dẫn điền {short}",
    "",
    "Bước 1 – Ghi tên đơn vị báo cáo, chọn kỳ báo cáo trong danh sách và ghi năm ở đầu trang.",
    "Bước 2 – Nhập số liệu vào các ô nền vàng của cột \"Số liệu\". Số đếm (Thủ tục, Hồ sơ) là số nguyên; "
    "tỷ lệ nhập số từ 0 đến 100, không gõ dấu %. Dùng dấu phẩy cho phần thập phân theo cài đặt tiếng Việt.",
    "Bước 3 – Các dòng tỷ lệ có tử số và mẫu số trên biểu mẫu được tự tính (làm tròn 2 chữ số) và để trống "
    "khi mẫu số bằng 0 hoặc chưa nhập; không gõ đè lên các ô này.",
    "Bước 4 – Các dòng trạng thái chỉ nhận giá trị trong danh sách (ví dụ Chưa = 0, Hoàn thành = 1).",
    "Bước 5 – Dòng tiêu đề (nền xám) không ghi số liệu.",
    "Bước 6 – Trên thẻ egov-xl, bấm \"Kiểm tra\": các ô có vấn đề được tô màu (đỏ: lỗi, vàng: cảnh báo, "
    "xanh: lưu ý), có ghi chú giải thích, và trang \"Kiểm tra\" liệt kê toàn bộ kết quả.",
    "Bước 7 – Bấm \"Làm mới so sánh kỳ trước\" để điền các cột Kỳ trước, Chênh lệch, % từ kho lưu trữ; "
    "chỉ tiêu tồn (tại thời điểm chốt số liệu) so với kỳ trước, chỉ tiêu luỹ kế so với cùng kỳ năm trước.",
    "Bước 8 – Khi không còn lỗi, bấm \"Lưu kỳ báo cáo\" để lưu vào kho; mỗi lần lưu là một lần nộp mới, "
    "lần nộp trước vẫn được giữ.",
    "",
    "Không có phần bổ trợ? Chạy: egov-xl validate TEN_TEP.xlsx --annotate TEN_TEP.kiem-tra.xlsx",
    "Kỳ báo cáo: Quý I (15/12 năm trước – 14/3), 6 tháng (15/12 – 14/6), Quý III (15/6 – 14/9), "
    "Năm (15/12 – 14/12).",
    "Nguồn biểu mẫu: {source}",
)


def _guide(sheet: Worksheet, edition: Edition) -> None:
    sheet.column_dimensions["A"].width = 120
    for index, line in enumerate(GUIDE, start=1):
        cell = sheet.cell(index, 1, line.format(short=edition.short_title, source=edition.source))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if index == 1:
            cell.font = Font(bold=True, size=13)
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToHeight = 0


def write_templates(editions: tuple[Edition, ...], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for edition in editions:
        path = out_dir / f"{edition.id}.xlsx"
        write_file(path, build_template(edition).save)
        written.append(path)
    return written
