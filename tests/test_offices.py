"""Issue #21: numbers and tables as offices really publish them, through the files a clerk
sends (semicolon CSV, Word, .xlsx): units that are not counts, "x/y", one reading of "." and
"," per file, parts against their total, the reporting unit's name from any title."""

from __future__ import annotations

from decimal import Decimal

import docx
import pytest
from openpyxl import Workbook

from egov_xl.core.grid import SheetGrid
from egov_xl.core.numbers import Entry, decide_file_decimal, read_value, share_as_percent
from egov_xl.core.unit_name import unit_name
from egov_xl.core.units import is_whole_unit
from egov_xl.definitions import catalogue
from egov_xl.flows.check import check_file

HEADER = ["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu", "Ghi chú"]


def _rules(checked) -> set[tuple[str, str | None]]:
    return {(f.rule, f.code) for c in checked for f in c.report.findings}


def _csv(path, lines: list[list[str]]) -> str:
    path.write_text("\n".join(";".join(line) for line in lines) + "\n", encoding="utf-8-sig")
    return str(path)


# units of measure ------------------------------------------------------------------------------

@pytest.mark.parametrize("unit, whole", [
    ("Thủ tục", True), ("Hồ sơ", True), ("Văn bản", True), ("Đơn vị", True), ("Người", True),
    ("Giao dịch", True), ("Tài khoản", True), ("Cơ quan", True), ("Xã", True), ("hồ sơ (bộ)", True),
    ("Ngày", False), ("Giờ", False), ("Điểm", False), ("Tỷ đồng", False), ("Triệu đồng", False), ("%", False),
    ("Cụm", False), ("", False), (None, False), ("Chưa = 0 Hoàn thành = 1", False),
])
def test_only_units_of_whole_things_are_held_to_whole_numbers(unit, whole):
    assert is_whole_unit(unit) is whole


# "x/y" -------------------------------------------------------------------------------------------

def test_x_of_y_reads_as_x_with_its_base():
    reading = read_value("32/34")
    assert (reading.entry, reading.number, reading.base) == (Entry.SHARE, Decimal(32), Decimal(34))
    assert read_value("10 / 95").number == 10
    assert read_value("3/0").entry is Entry.UNREADABLE
    percent = share_as_percent(read_value("2/25"))
    assert (percent.number, percent.decimals, percent.percent) == (Decimal(8), 0, True)
    third = share_as_percent(read_value("1/3"))
    assert (third.number, third.decimals) == (Decimal("33.3333"), 4)


# one decision per file about "." and "," -------------------------------------------------------

def test_code_columns_are_no_evidence_and_the_delimiter_decides():
    codes = ["1", "1.1", "1.2", "2", "2.1"]
    values = ["gần 50.000", "7.529", "1.204", "12", "3"]
    assert decide_file_decimal([codes, values], ",") == ","
    assert decide_file_decimal([codes, values], None) is None
    assert decide_file_decimal([codes, ["90.61", "12.5"]], ",") == "."  # only point decimals, none comma
    assert decide_file_decimal([codes, ["90.61", "2.117,5"]], ",") == ","


@pytest.mark.parametrize("text, decimal, number", [
    ("gần 50.000", ",", Decimal(50000)), ("7.529", ",", Decimal(7529)), ("90.61", ",", Decimal("90.61")),
    ("2.117,5", ".", Decimal("2117.5")), ("1,234.5", ",", Decimal("1234.5")), ("7.529", ".", Decimal("7.529")),
])
def test_one_decision_reads_every_cell_and_self_evident_cells_their_own_way(text, decimal, number):
    assert read_value(text, decimal=decimal).number == number


@pytest.mark.parametrize("amounts", [True, False], ids=["with-decimal-commas", "codes-only-evidence"])
def test_semicolon_csv_reads_bounds_and_counts_alike(tmp_path, amounts):
    lines = [
        ["UBND xã Tân Hòa - Báo cáo số liệu quý I/2025", "", "", "", ""], HEADER,
        ["1", "Tổng số người dân có tài khoản định danh", "Người", "gần 50.000", ""],
        ["1.1", "Số tài khoản định danh mức độ 2", "Người", "7.529", ""],
        ["1.2", "Số tài khoản kích hoạt trong quý", "Người", "1.204", ""],
        ["2", "Số ngày cắt giảm thời gian giải quyết", "Ngày", "2.117,5", ""],
        ["3", "Chỉ số phục vụ người dân", "Điểm", "90,61", ""],
        ["4", "Số xã đã kết nối", "Xã", "32/34", ""],
    ]
    path = _csv(tmp_path / "so-lieu.csv", lines if amounts else [line for line in lines if "," not in line[3]])
    checked = check_file(path)
    found = _rules(checked)
    assert not {r for r, _ in found} & {"hierarchy.exceeds", "value.not-integer", "value.unreadable",
                                         "value.thousands-ambiguous"}
    assert ("value.bound", "1") in found
    assert checked[0].report.unit_name == "UBND xã Tân Hòa"
    values = {row.code: row.value.number for row in checked[0].form.table.rows}
    assert values["1"] == 50000 and values["1.1"] == 7529 and values["4"] == 32


def test_ambiguity_message_names_the_separator_written_and_the_plain_spelling(tmp_path):
    path = _csv(tmp_path / "en.csv", [
        HEADER, ["1", "Tổng số hồ sơ tiếp nhận", "Hồ sơ", "7.529", ""], ["2", "Điểm trung bình", "Điểm", "8.25", ""],
        ["3", "Số ngày", "Ngày", "12.5", ""],
    ])
    finding = next(f for c in check_file(path) for f in c.report.findings if f.rule == "value.thousands-ambiguous")
    vi, en = catalogue("vi").message(finding), catalogue("en").message(finding)
    assert "7529 (dấu chấm ngăn cách hàng nghìn) hoặc 7,529 (dấu chấm là dấu thập phân)" in vi
    assert "hãy ghi 7529" in vi and "dấu phẩy" not in vi
    assert "7529 (dot as thousands separator) or 7,529 (dot as decimal mark)" in en


# parts against their total -----------------------------------------------------------------

def test_parts_above_their_total_are_added_up_in_the_message(tmp_path):
    book = Workbook()
    sheet = book.active
    for line in (HEADER, ["1", "Tổng số hồ sơ tiếp nhận", "Hồ sơ", 1913], ["-", "Trực tuyến", "Hồ sơ", 546],
                 ["-", "Trực tiếp", "Hồ sơ", 932], ["-", "Qua bưu chính công ích", "Hồ sơ", 525],
                 ["2", "Tổng số TTHC", "Thủ tục", 1839], ["3", "Trong đó: TTHC toàn trình", "Thủ tục", 1051],
                 ["4", "Trong đó: TTHC một phần", "Thủ tục", 790]):
        sheet.append(line)
    path = tmp_path / "phan.xlsx"
    book.save(path)
    findings = [f for c in check_file(path) for f in c.report.findings if f.rule == "hierarchy.parts-exceed"]
    vi = catalogue("vi")
    assert [(f.code, f.cell.a1, f.severity.value) for f in findings] == [("1", "D2", "warning"), ("2", "D6", "warning")]
    assert "546 + 932 + 525 = 2.003 > 1.913" in vi.message(findings[0])
    assert "1.051 + 790 = 1.841 > 1.839" in vi.message(findings[1])
    assert "1.1 [-], 1.2 [-], 1.3 [-]" in vi.message(findings[0])


# the reporting unit's name -------------------------------------------------------------------

@pytest.mark.parametrize("title, name", [
    ("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH AN GIANG", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH AN GIANG"),
    ("BAN QUẢN LÝ KHU KINH TẾ", "BAN QUẢN LÝ KHU KINH TẾ"),
    ("SỞ TƯ PHÁP", "SỞ TƯ PHÁP"),
    ("CÔNG AN TỈNH BẠC LIÊU", "CÔNG AN TỈNH BẠC LIÊU"),
    ("BẢO HIỂM XÃ HỘI TỈNH SÓC TRĂNG", "BẢO HIỂM XÃ HỘI TỈNH SÓC TRĂNG"),
    ("ỦY BAN NHÂN DÂN TỈNH CÀ MAU\nỦY BAN NHÂN DÂN XÃ TÂN HƯNG", "ỦY BAN NHÂN DÂN XÃ TÂN HƯNG"),
    ("UBND XÃ PHÚ AN      CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "UBND XÃ PHÚ AN"),
    ("Ban hành kèm theo Thông tư số 01/2025", None),
])
def test_unit_name_from_a_title_cell(title, name):
    grid = SheetGrid("Sheet1", [[title, "", ""], ["STT", "Chỉ tiêu", "Số liệu"]])
    assert unit_name(grid, 1, 12) == name


def test_unit_name_from_the_paragraphs_above_a_word_table(tmp_path):
    document = docx.Document()
    for line in ("ỦY BAN NHÂN DÂN HUYỆN CẦU NGANG", "ỦY BAN NHÂN DÂN XÃ MỸ LONG",
                 "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BÁO CÁO KẾT QUẢ CẢI CÁCH HÀNH CHÍNH QUÝ I NĂM 2025"):
        document.add_paragraph(line)
    table = document.add_table(rows=4, cols=5)
    for r, line in enumerate((HEADER, ["1", "Tổng số hồ sơ", "Hồ sơ", "1.913", ""],
                              ["1.1", "Số hồ sơ trực tuyến", "Hồ sơ", "546", ""],
                              ["1.2", "Số hồ sơ trực tiếp", "Hồ sơ", "932", ""])):
        for c, text in enumerate(line):
            table.rows[r].cells[c].text = text
    path = tmp_path / "bao-cao.docx"
    document.save(str(path))
    checked = check_file(path)
    assert [c.report.unit_name for c in checked] == ["ỦY BAN NHÂN DÂN XÃ MỸ LONG"]
    assert not _rules(checked) & {("hierarchy.parts-exceed", "1")}


def test_a_table_without_header_finds_its_unit_column_by_the_units_offices_write():
    from egov_xl.core.locate import find_regions_by_codes

    grid = SheetGrid("Sheet1", [["1", "Số xã đã kết nối", "Xã", "32/34"], ["2", "Số ngày cắt giảm", "Ngày", "40,5"],
                                ["3", "Chỉ số phục vụ", "Điểm", "90,61"], ["4", "Kinh phí", "Tỷ đồng", "3,75"]])
    (region,) = find_regions_by_codes(grid)
    assert (region.columns.unit, region.columns.value) == (2, 3)


def test_dashed_rows_with_no_number_are_parts_of_the_coded_row_above(tmp_path):
    book = Workbook()
    sheet = book.active
    for line in (HEADER, ["1", "Tổng số hồ sơ tiếp nhận", "Hồ sơ", 1913], [None, "Trong đó:", None, None],
                 [None, "- Trực tuyến", "Hồ sơ", 546], [None, "- Trực tiếp", "Hồ sơ", 932],
                 [None, "- Qua bưu chính công ích", "Hồ sơ", 525], ["2", "Số ngày cắt giảm", "Ngày", 12.5],
                 ["3", "Tổng số TTHC", "Thủ tục", 1839], [None, "Trong đó: toàn trình", "Thủ tục", 1051],
                 [None, "Trong đó: một phần", "Thủ tục", 790]):
        sheet.append(line)
    path = tmp_path / "gach.xlsx"
    book.save(path)
    (checked,) = check_file(path)
    rows = [(row.code, row.printed_code) for row in checked.form.table.rows]
    assert rows == [("1", None), ("1.1", "-"), ("1.2", "-"), ("1.3", "-"), ("2", None),
                    ("3", None), ("3.1", "Trong đó"), ("3.2", "Trong đó")]
    assert {(f.rule, f.code) for f in checked.report.findings if f.severity.value != "info"} \
        == {("form.unrecognised", None), ("hierarchy.parts-exceed", "1"), ("hierarchy.parts-exceed", "3")}


def test_every_count_of_the_shipped_forms_is_in_a_known_whole_unit():
    from egov_xl.core.spec import Kind
    from egov_xl.definitions import editions

    counts = [(e.id, r.code, r.unit) for e in editions() for r in e.rows if r.kind is Kind.COUNT]
    assert counts and all(is_whole_unit(unit) for _, _, unit in counts), counts


def test_csv_whose_title_line_defeats_the_sniffer_is_still_read_and_named(tmp_path):
    path = tmp_path / "thang-3.csv"
    path.write_text("UBND xã Phú Lâm, huyện Tây Sơn - Báo cáo tháng 3/2025\n" + "\n".join(";".join(line) for line in (
        HEADER, ["1", "Tổng số hồ sơ tiếp nhận", "Hồ sơ", "1.839", ""], ["1.1", "Số hồ sơ trực tuyến", "Hồ sơ", "1.051", ""],
        ["1.2", "Số hồ sơ trực tiếp", "Hồ sơ", "790", ""])) + "\n", encoding="utf-8")
    (checked,) = check_file(path)
    assert checked.report.unit_name == "UBND xã Phú Lâm, huyện Tây Sơn"
    (finding,) = [f for f in checked.report.findings if f.rule == "hierarchy.parts-exceed"]
    assert "1.051 + 790 = 1.841 > 1.839" in catalogue("vi").message(finding)


def test_unit_name_from_a_merged_title_cell_of_a_workbook(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH HÀ TĨNH"])
    sheet.merge_cells("A1:E1")
    sheet.append(["KẾT QUẢ GIẢI QUYẾT TTHC QUÝ II/2025"])
    sheet.merge_cells("A2:E2")
    for line in (HEADER, ["1", "Tổng số hồ sơ tiếp nhận", "Hồ sơ", 2406], ["1.1", "Số hồ sơ trực tuyến", "Hồ sơ", 1118],
                 ["2", "Số ngày giải quyết trước hạn", "Ngày", 2117.5], ["3", "Chỉ số hài lòng", "Điểm", 90.61]):
        sheet.append(line)
    path = tmp_path / "trung-tam.xlsx"
    book.save(path)
    (checked,) = check_file(path)
    assert checked.report.unit_name == "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH HÀ TĨNH"
    assert {f.rule for f in checked.report.findings} == {"form.unrecognised"}


def _word_tables(path, tables: list[list[list[str]]]) -> str:
    document = docx.Document()
    for rows in tables:
        document.add_paragraph("UBND xã Tân Hòa")
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    document.save(str(path))
    return str(path)


def test_one_decision_for_every_table_of_a_word_file(tmp_path):
    """The second table's "12,450" is ambiguous on its own; the first table writes "8.25", so the
    file writes decimals with a point, and 12,450 is twelve thousand four hundred and fifty."""
    path = _word_tables(tmp_path / "bao-cao.docx", [
        [HEADER, ["1", "Điểm trung bình", "Điểm", "8.25", ""], ["1.1", "Điểm cao nhất", "Điểm", "9.75", ""],
         ["1.2", "Điểm thấp nhất", "Điểm", "6.5", ""]],
        [HEADER, ["1", "Tổng số hồ sơ tiếp nhận", "Hồ sơ", "12,450", ""], ["1.1", "Số hồ sơ trực tuyến", "Hồ sơ", "3,125", ""],
         ["1.2", "Số hồ sơ trực tiếp", "Hồ sơ", "9,325", ""]],
    ])
    checked = check_file(path)
    second = {row.code: row.value.number for row in checked[1].form.table.rows}
    assert second == {"1": 12450, "1.1": 3125, "1.2": 9325}
    assert not any(f.rule == "value.thousands-ambiguous" for c in checked for f in c.report.findings)
