"""The web console (/bao-cao) in headless Chromium against the real server with a real SQLite
archive and token authentication: log in, upload seed renditions and see findings, archive,
see the board change, return a revision and see the reason, look at a chart, read archived
findings as sentences; the consolidation page (drill-down, outliers and their distribution,
the filled template); and the attacks: no session, a forged form (CSRF), another unit's page,
review and consolidation, script in workbook text and unit names, an oversized upload."""

from __future__ import annotations

import base64
import io
import re
from decimal import Decimal

import httpx
from openpyxl import load_workbook

from egov_xl.core.periods import parse_period
from tests.fixtures.console import TOKENS, XSS_LABEL, XSS_SHEET, XSS_UNIT, seed_console
from tests.fixtures.web import LIMIT, chromium, console, http_session, login  # noqa: F401 (fixtures)
from tests.live_server import live_server


def test_login_refuses_a_wrong_token_and_sets_a_strict_cookie(console, chromium):
    page = login(chromium, console["base"], "not-a-token")
    assert "Mã truy cập không đúng" in page.inner_text("main")
    page.fill("#token", TOKENS["hcm"])
    page.click("button[type=submit]")
    cookie = next(c for c in page.context.cookies() if c["name"] == "egov_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/bao-cao"
    assert TOKENS["hcm"] not in cookie["value"]
    assert "Tình hình nộp báo cáo" in page.inner_text("h1")
    page.click("text=Đăng xuất")
    page.goto(console["base"] + "/bao-cao")
    assert page.url.endswith("/dang-nhap")
    page.context.close()


def test_clerk_uploads_checks_archives_and_the_office_returns_it(console, chromium, samples):
    base, archive = console["base"], console["archive"]
    office = login(chromium, base, TOKENS["hcm"])
    cell = office.locator("#bang-tinh-hinh tbody tr", has_text="SO-TTTT").locator("td").last
    assert cell.get_attribute("data-state") == "missing"
    assert "1/4 đã nộp" in office.inner_text("[data-rate='2025-Q1']")

    clerk = login(chromium, base, TOKENS["so"])
    assert clerk.url.endswith("/bao-cao/don-vi/SO-TTTT")  # a unit's own clerk lands on the unit page
    clerk.goto(base + "/bao-cao/kiem-tra")
    clerk.set_input_files("#tep", [samples["phu-luc-vii-seed.xlsx"], samples["bieu-mau-7-seed.xlsx"]])
    clerk.check("#luu")
    clerk.select_option("#don_vi", "SO-TTTT")
    clerk.fill("#ky", "Q1/2025")
    clerk.click("button:has-text('Kiểm tra')")
    results = clerk.locator(".file-result")
    assert results.count() == 2
    assert "2 tệp" in clerk.inner_text("#tom-tat-lo") and "0 tệp đã nộp" in clerk.inner_text("#tom-tat-lo")
    assert {".xls", ".ods", ".xlsb", ".docx"} <= set(clerk.get_attribute("#tep", "accept").split(","))  # every reader
    first = results.nth(0).inner_text()
    assert "Chưa lưu" in first and "Phụ lục VII!D33" in first and "mẫu số 6.5.1 bằng 0" in first
    assert archive.get("SO-TTTT", parse_period("Q1/2025")) is None  # errors and no reason: nothing stored
    with clerk.expect_download() as download:
        results.nth(0).locator("a[download]").click()
    assert download.value.suggested_filename == "kiem-tra-phu-luc-vii-seed.xlsx"
    annotated = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert "Kiểm tra" in annotated.sheetnames and annotated["Phụ lục VII"]["D33"].comment is not None

    clerk.set_input_files("#tep", [samples["phu-luc-vii-dung.xlsx"]])
    clerk.check("#luu")
    clerk.fill("#ky", "Q1/2025")
    clerk.click("button:has-text('Kiểm tra')")
    assert "lần nộp thứ 1" in clerk.inner_text(".file-result")
    stored = archive.get("SO-TTTT", parse_period("Q1/2025"))
    assert stored.revision == 1 and re.fullmatch(r"Nguyễn Văn A \([0-9a-f]+\)", stored.meta.archived_by)  # with the token's id

    office.reload()
    cell = office.locator("#bang-tinh-hinh tbody tr", has_text="SO-TTTT").locator("td").last
    assert cell.get_attribute("data-state") in ("on-time", "late")
    assert "2/4 đã nộp" in office.inner_text("[data-rate='2025-Q1']")
    office.click("a:has-text('SO-TTTT')")
    form = office.locator("#bieu-mau-da-nop")  # the form as submitted comes first, in Vietnamese numbers
    assert form.locator("tr[data-code]").count() > 10 and not office.locator("#ky-chua-nop").count()
    section = office.locator("#ky-2025-Q1")
    section.locator("select[name=quyet_dinh]").select_option("returned")
    section.locator("input[name=ly_do]").fill("Chỉ tiêu 6.4 chưa khớp sổ theo dõi")
    section.locator("button[type=submit]").click()
    assert office.locator("#ky-2025-Q1 [data-review=returned]").count() == 1
    office.goto(base + "/bao-cao")
    assert office.locator("#bang-tinh-hinh tbody tr", has_text="SO-TTTT").locator("[data-review=returned]").count()

    clerk.goto(base + "/bao-cao/don-vi/SO-TTTT")
    notice = clerk.inner_text(".returned")
    assert "trả lại để sửa" in notice and "Chỉ tiêu 6.4 chưa khớp sổ theo dõi" in notice
    chart = clerk.locator("figure.indicator img.chart").first  # two periods now: a chart per indicator
    assert clerk.locator("[id='chi-tieu-1']").count() == 0  # a coded 0/1 row has no chart
    assert "Tỷ lệ hồ sơ TTHC" in clerk.get_attribute("[id='chi-tieu-6.4'] img", "alt")  # named, not code only
    assert chart.get_attribute("src").startswith("data:image/svg+xml;")
    svg = base64.b64decode(chart.get_attribute("src").split(",", 1)[1]).decode()
    assert "<svg" in svg and not re.search(r'(href|src)="https?:', svg)  # nothing fetched
    assert "Trung vị" not in svg and "Thấp nhất" not in svg  # 3 peers the clerk may not read: none of their figures
    for page in (office, clerk):
        assert not page.dialogs
        page.context.close()


def test_attacks_are_refused_and_store_nothing(console, chromium):
    base, archive = console["base"], console["archive"]
    before = archive.count_submissions()
    with httpx.Client(base_url=base) as anonymous:
        assert anonymous.get("/bao-cao").status_code == 303
        assert anonymous.get("/bao-cao/don-vi/Q1").status_code == 303
    clerk = login(chromium, base, TOKENS["so"])
    clerk.goto(base + "/bao-cao/don-vi/Q1")  # another unit's page
    assert "không được xem" in clerk.inner_text("main")
    jar = {c["name"]: c["value"] for c in clerk.context.cookies()}
    with httpx.Client(base_url=base, cookies=jar) as forged:
        # a page elsewhere posting with the victim's cookie but without the form's CSRF token
        answer = forged.post("/bao-cao/kiem-tra", data={"luu": "1", "don_vi": "SO-TTTT", "ky": "Q3/2025"},
                             files={"tep": ("f.xlsx", b"PK")})
        assert answer.status_code == 403
        csrf = re.search(r'name="csrf" value="([^"]+)"', forged.get("/bao-cao/kiem-tra").text).group(1)
        review = forged.post("/bao-cao/don-vi/Q1/danh-gia", data={"csrf": csrf, "ky": "2025-Q1", "lan": "1",
                                                                  "quyet_dinh": "accepted"})
        assert review.status_code == 403  # a unit's clerk may not review, least of all another unit
        other = forged.post("/bao-cao/kiem-tra", data={"csrf": csrf, "luu": "1", "don_vi": "Q1", "ky": "Q3/2025"},
                            files={"tep": ("f.xlsx", b"PK")})
        assert other.status_code == 403
        big = forged.post("/bao-cao/kiem-tra", data={"csrf": csrf}, files={"tep": ("big.xlsx", b"x" * LIMIT)})
        assert big.status_code == 413
    clerk.goto(base + "/bao-cao/tong-hop")  # a unit's clerk consolidates nothing
    assert "không tổng hợp" in clerk.inner_text("main") and clerk.locator("#so-tong-hop").count() == 0
    for token, unit in (("so", "HCM"), ("hcm", "TINH"), ("tinh", "HCM")):  # nor another office's unit
        with http_session(base, TOKENS[token]) as other:
            for path in ("/bao-cao/tong-hop", "/bao-cao/tong-hop.xlsx"):
                answer = other.get(path, params={"don_vi": unit, "ky": "2024-Q1"})
                assert answer.status_code == 403 and answer.headers["content-type"].startswith("text/html")
    assert archive.count_submissions() == before
    clerk.context.close()


def test_workbook_text_is_escaped_on_pages_and_in_the_export(console, chromium):
    base = console["base"]
    office = login(chromium, base, TOKENS["hcm"])
    assert XSS_UNIT in office.inner_text("#bang-tinh-hinh")  # shown as text
    office.goto(base + "/bao-cao/kiem-tra")
    office.set_input_files("#tep", [console["xss"]])
    office.click("button:has-text('Kiểm tra')")
    text = office.inner_text(".file-result")
    assert XSS_SHEET in text and XSS_LABEL in text
    assert office.locator(".file-result img, .file-result script").count() == 0
    export = office.context.request.get(base + "/bao-cao/xuat.xlsx?don_vi=HCM")
    book = load_workbook(io.BytesIO(export.body()))
    names = [c for c in book.active["B"] if c.value == XSS_UNIT]
    assert names and all(c.data_type == "s" for c in names)
    office.goto(base + "/bao-cao/tong-hop?don_vi=HCM&ky=2024-Q1")  # SO-XSS has not reported: listed by name
    assert XSS_UNIT in office.inner_text("#chua-nop")
    assert office.locator("main script, main img:not(.chart)").count() == 0
    assert not office.dialogs
    office.context.close()


def test_pages_fit_a_phone(console, chromium):
    office = login(chromium, console["base"], TOKENS["hcm"], width=390)
    for path in ("/bao-cao", "/bao-cao/kiem-tra", "/bao-cao/don-vi/SO-NV"):
        office.goto(console["base"] + path)
        width = office.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)  # wide tables scroll inside their own box
    office.context.close()


def test_archived_findings_read_as_sentences(console, chromium):
    office = login(chromium, console["base"], TOKENS["hcm"])
    office.goto(console["base"] + "/bao-cao/don-vi/SO-NV")
    office.locator("#ky-2024-Q1 details summary").last.click()
    kept = office.locator("#ky-2024-Q1 .kept-finding")
    assert kept.count() > 0
    text = kept.all_inner_texts()
    assert any("mẫu số 6.5.1 bằng 0" in line for line in text)  # the sentence, parameters filled
    assert not any("{" in line for line in text)
    office.context.close()


def test_consolidation_page_drills_down_charts_outliers_and_downloads(console, chromium):
    base, archive = console["base"], console["archive"]
    before = archive.count_submissions()
    office = login(chromium, base, TOKENS["tinh"])
    office.click("nav >> text=Tổng hợp")
    assert "7/8" in office.inner_text("#dem")
    assert "XA-8" in office.inner_text("#chua-nop") and "XA-6" in office.inner_text("#con-loi")
    outlier = office.locator("#ngoai-le tr[data-unit='XA-7'][data-code='4.2']")
    assert outlier.count() == 1 and "5" in outlier.inner_text()
    chart = office.locator("[id='phan-bo-4.2'] img")
    svg = base64.b64decode(chart.get_attribute("src").split(",", 1)[1]).decode()
    assert '<text' in svg and ">XA-7</text>" in svg and not re.search(r'(href|src)="https?:', svg)
    assert ">XA-1</text>" not in svg  # only the outlier is labelled

    total = Decimal(office.get_attribute("#so-tong-hop tr[data-code='4.2.2'] [data-value]", "data-value"))
    office.click("#so-tong-hop a:text-is('4.2.2')")
    rows = office.locator("#dong-gop tbody tr")
    assert rows.count() == 7
    values = {r.get_attribute("data-unit"): Decimal(r.locator("[data-value]").get_attribute("data-value"))
              for r in rows.all()}
    assert sum(values.values()) == total and values["XA-7"] == 1
    assert "Còn 1 lỗi" in office.inner_text("#dong-gop tr[data-unit='XA-6']")

    with office.expect_download() as download:
        office.click("#tai-tong-hop")
    assert download.value.suggested_filename == "tong-hop-TINH-2025-Q1.xlsx"
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert {"Chi tiết tổng hợp", "Thiếu và lỗi"} <= set(book.sheetnames)
    for sheet in book.worksheets:  # ready to print: a print area, A4 fitted to the width, the office named
        assert sheet.print_area and int(sheet.page_setup.paperSize) == 9 and sheet.page_setup.fitToWidth == 1
        assert "UBND Tỉnh Mẫu" in sheet.oddHeader.center.text
    assert any(cell.value == total for line in book.worksheets[0].iter_rows() for cell in line)
    detail = [line for line in book["Chi tiết tổng hợp"].iter_rows(values_only=True) if line[3] == "4.2.2"]
    assert {line[0]: line[4] for line in detail} == {unit: int(v) for unit, v in values.items()}
    assert archive.count_submissions() == before  # nothing stored
    assert not office.dialogs
    office.context.close()


def test_consolidation_can_leave_out_reports_with_errors(console, chromium):
    base = console["base"]
    office = login(chromium, base, TOKENS["tinh"])
    office.click("nav >> text=Tổng hợp")
    assert office.locator("#bo_loi").count() == 1
    assert not office.is_checked("#bo_loi") and not office.is_checked("#bo_tra_lai")
    office.check("#bo_loi")
    office.click("button:has-text('Xem')")
    assert office.is_checked("#bo_loi")
    assert "6/8" in office.inner_text("#dem")
    assert "Không cộng vào số tổng (theo lựa chọn): 1 báo cáo." == office.inner_text("#bo-ra")
    assert "XA-6" in office.inner_text("#con-loi")  # still listed, not counted
    why = office.inner_text("#ngoai-le tr[data-unit='XA-7'][data-code='4.2'] .why")  # the outlier in words
    assert why.startswith("5 % trong khi trung vị của ") and why.endswith(" %")
    office.click("#so-tong-hop a:text-is('4.2.2')")  # the choice holds on the page's links
    assert office.is_checked("#bo_loi") and office.locator("#dong-gop tr[data-unit='XA-6']").count() == 0
    assert "bo_loi=1" in office.get_attribute("#tai-tong-hop", "href")
    with office.expect_download() as download:
        office.click("#tai-tong-hop")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    units = {line[0] for line in book["Chi tiết tổng hợp"].iter_rows(values_only=True)}
    assert "XA-6" not in units and "XA-1" in units
    office.context.close()


def test_an_office_archives_for_a_unit_below_it_on_its_behalf_and_no_further(console, chromium, samples):
    base, archive = console["base"], console["archive"]
    period = parse_period("Q3/2024")  # older than the consolidation's period: the pages above keep theirs
    office = login(chromium, base, TOKENS["tinh"])
    office.goto(base + "/bao-cao/kiem-tra")
    assert office.locator("#nop-thay option[value='XA-8']").count() == 1
    assert office.get_attribute("#nop-thay", "label") == "Nộp thay đơn vị cấp dưới"
    office.set_input_files("#tep", [samples["bieu-mau-7-dung.xlsx"]])
    office.check("#luu")
    office.select_option("#don_vi", "XA-8")
    office.fill("#ky", "Q3/2024")
    office.click("button:has-text('Kiểm tra')")
    assert "lần nộp thứ 1" in office.inner_text(".file-result")
    stored = archive.get("XA-8", period)
    assert re.fullmatch(r"Lê Văn C \([0-9a-f]+\), nộp thay đơn vị XA-8", stored.meta.archived_by)
    office.context.close()
    before = archive.count_submissions()
    sample = ("tep", ("dung.xlsx", samples["bieu-mau-7-dung.xlsx"].read_bytes()))
    for token, unit in (("tinh", "SO-TTTT"), ("hcm", "XA-1"), ("so", "Q1"), ("tinh", "TINH-KHAC")):
        with http_session(base, TOKENS[token]) as other:  # another office's unit, or a clerk who consolidates nothing
            page = other.get("/bao-cao/kiem-tra").text
            csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
            assert f'value="{unit}"' not in page
            answer = other.post("/bao-cao/kiem-tra", files=[sample],
                                data={"csrf": csrf, "luu": "1", "don_vi": unit, "ky": "Q3/2024"})
            assert answer.status_code == 403 and "không được" in answer.text
    with http_session(base, TOKENS["so"]) as clerk:
        assert 'id="nop-thay"' not in clerk.get("/bao-cao/kiem-tra").text
    assert archive.count_submissions() == before


# last: seeding another archive issues new tokens (TOKENS) that the module's server does not know
def test_one_pc_without_authentication_is_open_but_still_needs_the_form_token(samples, tmp_path):
    seeded = seed_console(tmp_path, samples)
    env = {"EGOV_ARCHIVE_URL": seeded["env"]["EGOV_ARCHIVE_URL"], "XLWINGS_AUTH_PROVIDERS": "[]"}
    with live_server(env=env) as base, httpx.Client(base_url=base) as client:
        board = client.get("/bao-cao")
        assert board.status_code == 200 and "SO-TTTT" in board.text
        correct = ("tep", ("dung.xlsx", samples["phu-luc-vii-dung.xlsx"].read_bytes()))
        fields = {"luu": "1", "don_vi": "SO-NV", "ky": "Q1/2025"}
        assert client.post("/bao-cao/kiem-tra", data=fields, files=[correct]).status_code == 403
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/bao-cao/kiem-tra").text).group(1)
        answer = client.post("/bao-cao/kiem-tra", data={**fields, "csrf": csrf}, files=[correct])
        assert answer.status_code == 200 and "lần nộp thứ 1" in answer.text
    assert seeded["archive"].get("SO-NV", parse_period("Q1/2025")).revision == 1
