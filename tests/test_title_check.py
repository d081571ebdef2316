"""The unit and period a form's title rows name, and how they compare with the ones chosen."""

from __future__ import annotations

import pytest

from egov_xl.core.grid import SheetGrid
from egov_xl.core.periods import parse_period
from egov_xl.core.title_check import Verdict, check_title, same_unit
from egov_xl.core.title_period import period_in, title_period
from egov_xl.core.unit_name import unit_name, unit_names


@pytest.mark.parametrize(("text", "key"), [
    ("BÁO CÁO KẾT QUẢ CÔNG TÁC CẢI CÁCH HÀNH CHÍNH QUÝ I NĂM 2025", "2025-Q1"),
    ("Báo cáo 6 tháng đầu năm 2026", "2026-H1"),
    ("BÁO CÁO NĂM 2025", "2025-Y"),
    ("Kỳ báo cáo: Quý III/2026", "2026-Q3"),
    ("Kết quả 9 tháng năm 2026", "2026-M9"),
    ("quy i nam 2025", "2025-Q1"),  # typed without diacritics
    ("Q1/2025", "2025-Q1"),
    ("(Kèm theo báo cáo 6T/2025)", "2025-H1"),
])
def test_a_title_line_names_a_period(text, key):
    assert period_in(text).key == key


@pytest.mark.parametrize("text", [
    "Hà Nội, ngày 15 tháng 6 năm 2020",  # a date, not a period
    "Số liệu tính từ 15/12/2025 đến 14/6/2026",
    "Kế hoạch cải cách hành chính năm 2025",  # a plan's year, not the year report
    "Chỉ tiêu thống kê (Sử dụng trong kỳ báo cáo hàng quý, 6 tháng, năm)",
    "Quý II năm 2025",  # no such report in the calendar
    "Thông tư số 01/2020/TT-BNV",
])
def test_dates_plans_and_rules_name_no_period(text):
    assert period_in(text) is None


def grid(rows: list[list[object]], caption: str = "") -> SheetGrid:
    return SheetGrid("S", rows, caption=caption)


TEMPLATE_TITLE = [
    ["Biểu mẫu 7", "", "", ""],
    ["XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ", "", "", ""],
    ["", "Đơn vị báo cáo:", "UBND xã Hòa Phong", ""],
    ["", "Kỳ báo cáo:", "Quý III", ""],  # the cell named EGOV_KY_BAO_CAO
    ["", "Năm:", 2026.0, ""],  # EGOV_NAM, a number as Excel stores it
    ["STT", "Chỉ tiêu thống kê", "Kết quả thống kê", "Ghi chú"],
]


def test_the_templates_labelled_cells_name_unit_and_period():
    sheet = grid(TEMPLATE_TITLE)
    assert title_period(sheet, 5, 12).key == "2026-Q3"
    assert unit_name(sheet, 5, 12) == "UBND xã Hòa Phong"  # the label's colon ends its cell


def test_a_commune_title_over_two_lines():
    sheet = grid([["ỦY BAN NHÂN DÂN TỈNH NINH BÌNH\nUBND XÃ HÒA PHONG", "", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
                  ["", "", "Hòa Phong, ngày 20 tháng 3 năm 2026"],
                  ["BÁO CÁO CẢI CÁCH HÀNH CHÍNH QUÝ I NĂM 2026", "", ""],
                  ["STT", "Chỉ tiêu", "Số liệu"]])
    assert unit_name(sheet, 3, 12) == "UBND XÃ HÒA PHONG"
    assert title_period(sheet, 3, 12) == parse_period("Q1/2026")


def test_a_word_tables_caption_names_the_period():
    sheet = grid([["STT", "Chỉ tiêu", "Số liệu"]], caption="Sở Nội vụ\nBáo cáo 6 tháng đầu năm 2026")
    assert title_period(sheet, 0, 12).key == "2026-H1"


def test_two_different_periods_state_none():
    sheet = grid([["Báo cáo Quý I năm 2026"], ["Kỳ báo cáo: Quý III/2026"], ["STT"]])
    assert title_period(sheet, 2, 12) is None


@pytest.mark.parametrize(("named", "code", "name"), [
    ("UBND XÃ HÒA PHONG", "XA-HP", "Ủy ban nhân dân xã Hòa Phong"),  # abbreviation, case, diacritics
    ("Ủy ban nhân dân xã Hoà Phong", "XA-HP", "UBND xã Hòa Phong"),  # hoà / hòa
    ("UBND xã Hòa Phong", "XA-HP", "Xã Hòa Phong"),  # the committee reports for the commune
    ("Hòa Phong", "XA-HP", "Xã Hòa Phong"),  # the kind said by one side only
    ("Sở Nội vụ tỉnh Ninh Bình", "SNV", "Sở Nội vụ"),  # a trailing place
    ("Sở Nội vụ", "SNV", None),  # the code is the initials
    ("XA-HP", "XA-HP", "UBND xã Hòa Phong"),  # the template's unit cell holds the code
    ("P. Nam Sơn", "P-NS", "Phường Nam Sơn"),
])
def test_the_same_unit_however_written(named, code, name):
    assert same_unit(named, code, name) is Verdict.SAME


@pytest.mark.parametrize(("named", "code", "name"), [
    ("UBND xã Hòa Phong", "XA-HPU", "UBND xã Hòa Phú"),
    ("UBND phường Hòa Phong", "XA-HP", "UBND xã Hòa Phong"),  # both say the kind, and differ
    ("Văn phòng UBND tỉnh Ninh Bình", "UBND-NB", "UBND tỉnh Ninh Bình"),
    ("Sở Tài chính", "SNV", "Sở Nội vụ"),
])
def test_another_unit(named, code, name):
    assert same_unit(named, code, name) is Verdict.DIFFERENT


def test_nothing_to_compare_is_not_stated():
    assert same_unit(None, "XA-HP", "UBND xã Hòa Phong") is Verdict.NOT_STATED
    assert same_unit("UBND xã Hòa Phú", "XA-HP", "XA-HP") is Verdict.NOT_STATED  # the list knows the code only
    assert same_unit("UBND xã Hòa Phú", "XA-HP", None) is Verdict.NOT_STATED


def test_check_title_says_what_the_file_says():
    q1, q3 = parse_period("Quý I năm 2026"), parse_period("Quý III năm 2026")
    check = check_title(("UBND xã A Lưới",), q1, "XA-B", "UBND xã Bình Minh", q3)
    assert (check.unit, check.period, check.mismatch) == (Verdict.DIFFERENT, Verdict.DIFFERENT, True)
    assert check.stated == "UBND xã A Lưới, Quý I năm 2026"
    assert check.as_dict() == {"unit": "different", "period": "different", "named_unit": "UBND xã A Lưới",
                               "named_period": "2026-Q1"}
    same = check_title(("UBND xã Bình Minh",), q3, "XA-B", "UBND xã Bình Minh", q3)
    assert (same.unit, same.period, same.mismatch) == (Verdict.SAME, Verdict.SAME, False)
    silent = check_title((), None, "XA-B", "UBND xã Bình Minh", q3)
    assert (silent.unit, silent.period, silent.mismatch) == (Verdict.NOT_STATED, Verdict.NOT_STATED, False)


def test_a_letterhead_on_two_rows_names_the_superior_then_the_unit():
    sheet = grid([["ỦY BAN NHÂN DÂN TỈNH NINH BÌNH", "", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
                  ["UBND XÃ HÒA PHONG", "", "Độc lập - Tự do - Hạnh phúc"],
                  ["BÁO CÁO 6 THÁNG ĐẦU NĂM 2026", "", ""],
                  ["STT", "Chỉ tiêu", "Số liệu"]])
    named = unit_names(sheet, 3, 12)
    assert named == ("ỦY BAN NHÂN DÂN TỈNH NINH BÌNH", "UBND XÃ HÒA PHONG")
    h1 = parse_period("6T/2026")
    own = check_title(named, title_period(sheet, 3, 12), "XA-HP", "Xã Hòa Phong", h1)
    assert (own.unit, own.period, own.mismatch) == (Verdict.SAME, Verdict.SAME, False)
    other = check_title(named, title_period(sheet, 3, 12), "XA-BM", "Xã Bình Minh", h1)
    assert (other.unit, other.stated) == (Verdict.DIFFERENT, "UBND XÃ HÒA PHONG, 6 tháng đầu năm 2026")


def test_the_recipient_is_not_the_reporting_unit():
    sheet = grid([["UBND XÃ HÒA PHONG", "", ""], ["Kính gửi:", "Sở Nội vụ tỉnh Ninh Bình", ""],
                  ["STT", "Chỉ tiêu", "Số liệu"]])
    assert unit_names(sheet, 2, 12) == ("UBND XÃ HÒA PHONG",)
