"""Issue #11, second round: rows renumbered by an older edition, editions recognised by
labels, the hierarchy of unrecognised tables, the unit's name, the add-in's grids, .xlsb extents."""

from __future__ import annotations

import subprocess
import sys

from openpyxl import Workbook, load_workbook

from egov_xl.definitions import catalogue
from egov_xl.flows.archive import values_of
from egov_xl.flows.check import check_file

HEADER = ["STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú"]
XA = "Tỷ lệ UBND cấp xã đã kết nối, liên thông với UBND tỉnh"
XA_DOCS = "Tỷ lệ sử dụng văn bản điện tử của UBND cấp xã"


def _row_of(sheet, code: str) -> int:
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == code)


def older_edition(samples, tmp_path, name: str, code: str, district: float, commune: float, **values) -> str:
    """The correct Biểu mẫu 7 as an older edition prints it: a district row under `code`
    (cấp huyện for cấp xã), the commune row inserted after it under the next code."""
    book = load_workbook(samples["bieu-mau-7-dung.xlsx"])
    sheet = book.active
    row = _row_of(sheet, code + ".")
    label = sheet.cell(row, 2).value
    sheet.cell(row, 2).value, sheet.cell(row, 4).value = label.replace("cấp xã", "cấp huyện"), district
    sheet.insert_rows(row + 1)
    next_code = code[:-1] + str(int(code[-1]) + 1)
    for col, value in enumerate((next_code + ".", label, "%", commune), start=1):
        sheet.cell(row + 1, col).value = value
    for printed, value in values.items():
        sheet.cell(_row_of(sheet, printed.replace("_", ".") + "."), 4).value = value
    path = tmp_path / name
    book.save(path)
    return str(path)


def found(checked) -> set[tuple[str, str | None, str | None]]:
    return {(f.rule, f.code, f.cell.a1 if f.cell else None) for f in checked.report.findings}


def test_commune_row_of_an_older_edition_is_checked_and_stored_as_the_defined_row(samples, tmp_path):
    path = older_edition(samples, tmp_path, "cu.xlsx", "3.1.2", district=80, commune=150)
    checked = check_file(path)[0]
    # 3.1.2 (cấp huyện) is row 11; the commune row, printed 3.1.3, row 12 holds 150 %
    assert found(checked) == {("structure.meaning-mismatch", "3.1.2", "B11"),
                              ("structure.paired-by-label", "3.1.2", "B12"),
                              ("value.range", "3.1.2", "D12")}
    assert checked.form.report.cell("3.1.2").a1 == "D12"
    stored = {v.code: v.number for v in values_of(checked)}
    assert stored["3.1.2"] == 150 and "3.1.3" not in stored
    vi = catalogue("vi")
    messages = {f.rule: vi.message(f) for f in checked.report.findings}
    assert "3.1.2 [3.1.3]" in messages["value.range"]
    assert "Dòng 3.1.3" in messages["structure.paired-by-label"] and "chỉ tiêu 3.1.2" in messages["structure.paired-by-label"]


def test_parent_percentage_is_checked_against_the_files_own_three_children(samples, tmp_path):
    # 3.2 = 60 % lies between the district row (50 %) and the sở row (99,2 %), though outside
    # the two children the edition defines (97,8–99,2 %)
    path = older_edition(samples, tmp_path, "ba-con.xlsx", "3.2.2", district=50, commune=97.8, **{"3_2": 60})
    checked = check_file(path)[0]
    assert {rule for rule, _, _ in found(checked)} == {"structure.meaning-mismatch", "structure.paired-by-label"}
    path = older_edition(samples, tmp_path, "ba-con-thap.xlsx", "3.2.2", district=50, commune=97.8, **{"3_2": 40})
    outside = next(f for f in check_file(path)[0].report.findings if f.rule == "hierarchy.outside-children")
    assert outside.params["low"] == "50" and "3.2.2" in outside.params["children"]
    assert "3.2.2 [3.2.3]" in outside.params["children"]


def test_numbering_unlike_the_form_is_recognised_by_labels(samples, tmp_path):
    book = load_workbook(samples["bieu-mau-7-dung.xlsx"])
    sheet = book.active
    serial = 0
    for row in range(6, sheet.max_row + 1):  # a plain serial number 1, 2, … in the STT column
        if sheet.cell(row, 1).value:
            serial += 1
            sheet.cell(row, 1).value = serial
    ratio_row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 2).value == "Tỷ lệ DVCTT toàn trình đủ điều kiện")
    sheet.cell(ratio_row, 4).value = 90  # 177 / 180 is 98,33 %
    path = tmp_path / "stt.xlsx"
    book.save(path)
    checked = check_file(path)[0]
    assert checked.report.form == "bm7-2025"
    assert found(checked) == {("form.recognised-by-label", None, "B6"),
                              ("ratio.mismatch", "4.1", f"D{ratio_row}")}
    mismatch = next(f for f in checked.report.findings if f.rule == "ratio.mismatch")
    assert mismatch.params["code"] == f"4.1 [{sheet.cell(ratio_row, 1).value}]"
    assert {v.code for v in values_of(checked)} >= {"4.1", "4.1.1", "4.5.2"}


def _unknown_table(path, child: int) -> str:
    book = Workbook()
    sheet = book.active
    sheet.append(["Báo cáo số liệu hội nghị và hồ sơ"])
    sheet.append(HEADER)
    for line in (["I", "Hồ sơ", None, None], ["1", "Tổng số hồ sơ tiếp nhận", "Hồ sơ", 100],
                 ["a)", "Số hồ sơ tiếp nhận trực tuyến", "Hồ sơ", child],
                 ["b)", "Số cuộc họp trực tuyến", "Cuộc", 250],
                 ["II", "Hội nghị", None, None], ["1", "Số hội nghị", "Cuộc", 12]):
        sheet.append(line)
    book.save(path)
    return str(path)


def test_unrecognised_roman_numbered_table_gets_child_not_above_parent(tmp_path):
    path = _unknown_table(tmp_path / "la-ma.xlsx", child=120)
    checked = check_file(path)[0]
    assert checked.report.form is None
    exceeds = [(f.code, f.cell.a1) for f in checked.report.findings if f.rule == "hierarchy.exceeds"]
    assert exceeds == [("1.1.1", "D5")]  # I → 1, 1 → 1.1, a) → 1.1.1; "Cuộc" under "Hồ sơ" is no part
    cli = [sys.executable, "-m", "egov_xl", "validate"]
    assert subprocess.run([*cli, path], capture_output=True).returncode == 1
    clean = _unknown_table(tmp_path / "la-ma-dung.xlsx", child=80)
    assert subprocess.run([*cli, clean], capture_output=True).returncode == 0


def test_two_units_side_by_side_are_named_in_the_report(tmp_path):
    import json

    from tests.fixtures.renditions import Layout, bm7_correct, bm7_seed, write_form

    left = write_form(tmp_path / "a.xlsx", bm7_correct(), Layout(sheet="Hai đơn vị", numeric=True, title_gap=2))
    right = write_form(tmp_path / "b.xlsx", bm7_seed(), Layout(sheet="Hai đơn vị", origin_col=8, title_gap=2))
    book = load_workbook(left)
    sheet, other = book.active, load_workbook(right).active
    for row in other.iter_rows(min_col=8):
        for cell in row:
            target = sheet.cell(cell.row, cell.column, cell.value)
            target.number_format, target.data_type = cell.number_format, cell.data_type
    sheet["A1"] = "UBND TỈNH QUẢNG NAM\nUBND xã Hòa Phong"
    sheet["H1"] = "Đơn vị báo cáo:"
    sheet["I1"] = "Sở Nội vụ"
    path = tmp_path / "hai-don-vi.xlsx"
    book.save(path)
    reports = [c.report for c in check_file(path)]
    assert [(r.unit_name, r.form) for r in reports] == [("UBND xã Hòa Phong", "bm7-2025"), ("Sở Nội vụ", "bm7-2025")]
    cli = [sys.executable, "-m", "egov_xl", "validate"]
    shown = json.loads(subprocess.run([*cli, "--format", "json", str(path)], capture_output=True, text=True).stdout)
    assert [item["unit_name"] for item in shown["files"]] == ["UBND xã Hòa Phong", "Sở Nội vụ"]
    text = subprocess.run([*cli, "--format", "text", str(path)], capture_output=True, text=True).stdout
    assert "– UBND xã Hòa Phong – Biểu mẫu 7" in text and "– Sở Nội vụ – Biểu mẫu 7" in text


def test_a_form_saved_as_xlsb_reads_like_the_xlsx(samples, tmp_path):
    from tests.fixtures.xlsb import cells_of_xlsx, sheet_records, write_xlsb

    source = samples["bieu-mau-7-dung.xlsx"]
    path = write_xlsb(tmp_path / "bm7.xlsb", {"Biểu mẫu 7": sheet_records(cells_of_xlsx(source))})
    checked = check_file(path)[0]
    assert (checked.report.form, checked.report.findings) == ("bm7-2025", [])
    assert checked.form.report.cell("4.1.1").a1 == check_file(source)[0].form.report.cell("4.1.1").a1
