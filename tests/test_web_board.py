"""The receiving office's board in headless Chromium: at 3,400 units (a generated province) the
first screen is small, counts each group on top and reaches it in one click, searches, pages,
shows status in colour and in words, exports a printable workbook and a reminder list; with
the console's archive, reviews that hold (no default decision on errors, a return without a
reason keeps the form, the identical re-submission of a returned report is warned and shown,
bulk accept of clean reports) and one language per page with the switch to English."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from egov_xl.archive.store import Archive
from tests.fixtures.big_province import ROOT, ROOT_NAME, UNCHANGED, load_province
from tests.fixtures.console import TOKENS
from tests.fixtures.web import chromium, console, login  # noqa: F401 (fixtures)
from tests.live_server import live_server

UNITS = 3400
FIRST_SCREEN_BYTES = 200 * 1024


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    folder = tmp_path_factory.mktemp("province")
    url = f"sqlite:///{folder / 'province.sqlite3'}"
    archive = Archive(url)
    archive.init()
    expected = load_province(archive, UNITS)
    with live_server(env={"EGOV_ARCHIVE_URL": url, "XLWINGS_AUTH_PROVIDERS": "[]"}) as base:  # one PC
        yield {"base": base, "expected": expected}


def _count(page, key: str) -> int:
    return int(page.get_attribute(f"[data-state-card={key}] [data-count]", "data-count"))


def test_board_of_3400_units_is_small_counts_every_group_and_filters_in_one_click(province, chromium):
    base, expected = province["base"], province["expected"]
    page = chromium.new_page(viewport={"width": 1366, "height": 768})
    answer = page.goto(base + "/bao-cao")
    assert answer.status == 200 and len(answer.body()) < FIRST_SCREEN_BYTES, len(answer.body())
    assert ROOT_NAME in page.inner_text("h1")
    assert page.locator("#bang-tinh-hinh tbody tr[data-unit]").count() == 50  # one page, not 3,400 rows
    assert page.locator("#bang-tinh-hinh tr.group").first.inner_text() == "Sở, ban, ngành"  # grouped by kind
    for key in ("missing", "late", "errors", "returned"):
        assert _count(page, key) == expected[key], key
    assert _count(page, "submitted") + _count(page, "missing") == UNITS
    missing = page.locator("td[data-state=missing]").first  # colour that Bootstrap's cell rule no longer hides
    assert missing.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(248, 215, 218)"
    assert "Chưa nộp" in missing.inner_text()  # and the word, for print and colour-blind readers

    page.click("[data-state-card=missing]")
    assert "trang_thai=chua-nop" in page.url
    assert f"{expected['missing']} đơn vị" in page.inner_text("#trang-so")
    states = page.locator("#bang-tinh-hinh tbody tr[data-unit] td:last-child").evaluate_all(
        "cells => cells.map(c => c.dataset.state)")
    assert states and set(states) == {"missing"}
    page.click("a[rel=next]")
    assert "trang=2" in page.url and page.locator("[aria-current=page]").inner_text() == "2"

    page.goto(base + "/bao-cao?tim=xa+bay")  # without diacritics
    row = page.locator(f"tr[data-unit={UNCHANGED}]")
    assert row.count() == 1 and page.locator("#bang-tinh-hinh tbody tr[data-unit]").count() == 1
    assert "Nộp lại, chưa sửa" in row.locator("[data-unchanged]").inner_text()
    page.close()


def test_board_export_and_reminder_list_are_ready_to_print(province, chromium):
    base, expected = province["base"], province["expected"]
    page = chromium.new_page()
    export = page.request.get(base + f"/bao-cao/xuat.xlsx?don_vi={ROOT}&ky=2026-Q3&trang_thai=chua-nop")
    sheet = load_workbook(io.BytesIO(export.body())).active
    assert ROOT_NAME in sheet["A1"].value and "Quý III" in sheet["A2"].value and "(UTC+7)" in sheet["A3"].value
    assert sheet.freeze_panes == "A6" and sheet.auto_filter.ref.startswith("A5:")
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
    body = list(sheet.iter_rows(min_row=6, values_only=True))
    assert len(body) == expected["missing"] and {line[4] for line in body} == {"Chưa nộp"}
    assert not any("/" in str(line[4]) for line in body)  # one language, no "Chưa nộp / Not submitted"

    page.goto(base + f"/bao-cao/nhac-nop?don_vi={ROOT}&ky=2026-Q3")
    assert "Danh sách đơn vị chưa nộp / trễ hạn" in page.inner_text("h1")
    listed = page.locator("#danh-sach-nhac tbody tr")
    assert listed.count() == expected["missing"] + expected["late"]
    late = page.locator("#danh-sach-nhac tbody tr", has_text="Trễ hạn").first
    assert "Cán bộ" in late.inner_text()  # who to call: the unit's last submitter
    called = page.locator("#danh-sach-nhac tbody tr", has_text="Chưa nộp").all_inner_texts()
    assert sum("Cán bộ" in line for line in called) > len(called) // 2  # known from earlier periods
    page.emulate_media(media="print")
    assert page.locator("nav").first.is_hidden()
    page.close()


def test_reviews_hold_and_a_returned_report_cannot_come_back_unchanged_silently(console, chromium, samples):
    base = console["base"]
    clerk = login(chromium, base, TOKENS["so"])

    def submit() -> str:
        clerk.goto(base + "/bao-cao/kiem-tra")
        clerk.set_input_files("#tep", [samples["phu-luc-vii-dung.xlsx"]])
        clerk.check("#luu")
        clerk.select_option("#don_vi", "SO-TTTT")
        clerk.fill("#ky", "Q1/2025")
        clerk.click("button:has-text('Kiểm tra')")
        return clerk.inner_text(".file-result")

    assert "lần nộp thứ 1" in submit()
    office = login(chromium, base, TOKENS["hcm"])
    office.goto(base + "/bao-cao/don-vi/SO-NV")  # its current 2024 revision has errors: no decision chosen
    assert office.locator("#ky-2024-Q1 select[name=quyet_dinh]").input_value() == ""
    office.goto(base + "/bao-cao/don-vi/SO-TTTT")
    section = office.locator("#ky-2025-Q1")
    section.locator("select[name=quyet_dinh]").select_option("returned")
    section.locator("button[type=submit]").first.click()  # no reason
    assert "hãy ghi lý do" in office.inner_text("#ky-2025-Q1 .review-refused")  # same page, form kept
    assert office.locator("#ky-2025-Q1 select[name=quyet_dinh]").input_value() == "returned"
    office.locator("#ky-2025-Q1 input[name=ly_do]").fill("Chỉ tiêu 6.4 chưa khớp")
    office.locator("#ky-2025-Q1 button[type=submit]").first.click()
    assert office.locator("#ky-2025-Q1 [data-review=returned]").count() == 1

    warned = submit()  # the very same file again
    assert "lần nộp thứ 2" in warned and "giống hệt lần nộp 1 đã bị trả lại" in warned
    office.goto(base + "/bao-cao?ky=2025-Q1")
    row = office.locator("#bang-tinh-hinh tr[data-unit=SO-TTTT]")
    assert "Nộp lại, chưa sửa" in row.locator("[data-unchanged='1']").inner_text()
    pending = int(office.get_attribute("[data-state-card=pending] [data-count]", "data-count"))
    assert "Chấp nhận 1 báo cáo" in office.inner_text("#chap-nhan-loat")  # Q1's clean report, not SO-TTTT's copy
    office.click("#chap-nhan-loat button")
    assert "Đã chấp nhận 1 báo cáo" in office.inner_text("#da-chap-nhan")
    assert int(office.get_attribute("[data-state-card=pending] [data-count]", "data-count")) == pending - 1
    assert office.locator("tr[data-unit=Q1] [data-review=accepted]").count() == 1
    assert office.locator("tr[data-unit=SO-TTTT] [data-unchanged]").count() == 1
    for page in (office, clerk):
        page.context.close()


def test_one_language_per_page_with_a_switch(console, chromium):
    base = console["base"]
    office = login(chromium, base, TOKENS["hcm"])
    text = office.inner_text("main")
    assert "Tình hình nộp báo cáo" in text and "Reporting status" not in text and " / " not in office.inner_text("h1")
    office.click("#ngon-ngu")
    assert office.url.endswith("/bao-cao") and office.get_attribute("html", "lang") == "en"
    english = office.inner_text("main")
    assert "Reporting status" in english and "Tình hình nộp báo cáo" not in english and "Đã nộp" not in english
    office.goto(base + "/bao-cao/don-vi/SO-NV")
    assert "(UTC+7)" in office.inner_text(".revisions")  # the office's clock, labelled
    office.click("#ngon-ngu")
    assert "Các lần nộp" in office.inner_text("main")
    office.context.close()


def test_a_word_file_gets_an_annotated_copy_too(console, chromium, tmp_path):
    from tests.fixtures.formats import write_docx
    from tests.fixtures.renditions import BM7_SEED, parse_seed

    source = write_docx(tmp_path / "bao-cao.docx", parse_seed(BM7_SEED))
    clerk = login(chromium, console["base"], TOKENS["so"])
    clerk.goto(console["base"] + "/bao-cao/kiem-tra")
    clerk.set_input_files("#tep", [source])
    clerk.click("button:has-text('Kiểm tra')")
    assert "1 tệp" in clerk.inner_text("#tom-tat-lo")
    with clerk.expect_download() as download:
        clerk.locator(".file-result a[download]").click()
    assert download.value.suggested_filename == "kiem-tra-bao-cao-docx.xlsx"
    copy = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert "Kiểm tra" in copy.sheetnames and any(c.comment for row in copy.worksheets[0].iter_rows() for c in row)
    clerk.context.close()
