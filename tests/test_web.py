"""The web console (/bao-cao) in headless Chromium against the real server with a real SQLite
archive and token authentication: log in, upload seed renditions and see findings, archive,
see the board change, return a revision and see the reason, look at a chart; and the attacks:
no session, a forged form (CSRF), another unit's page and review, script in workbook text,
an oversized upload."""

from __future__ import annotations

import base64
import io
import os
import re

import httpx
import pytest
from openpyxl import load_workbook
from playwright.sync_api import sync_playwright

from egov_xl.core.periods import parse_period
from tests.fixtures.console import TOKENS, XSS_LABEL, XSS_SHEET, XSS_UNIT, seed_console
from tests.live_server import live_server

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
LIMIT = 400_000


def _require_chromium() -> None:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required under CI=true (scripts/system-packages installs it)")
        pytest.skip("Chromium not installed")


@pytest.fixture(scope="module")
def console(samples, tmp_path_factory):
    """A live server over an archive with a unit tree and last year's reports."""
    folder = tmp_path_factory.mktemp("web")
    seeded = seed_console(folder, samples)
    env = {**seeded["env"], "EGOV_MAX_BODY_BYTES": str(LIMIT)}
    with live_server(env=env) as base:
        yield {"base": base, "archive": seeded["archive"], "xss": seeded["xss"]}


@pytest.fixture(scope="module")
def chromium():
    _require_chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def _login(browser, base: str, token: str, width: int = 1366):
    context = browser.new_context(viewport={"width": width, "height": 768}, accept_downloads=True)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs
    page.goto(base + "/bao-cao")
    assert page.url.endswith("/bao-cao/dang-nhap")  # no session: the login form, nothing else
    page.fill("#token", token)
    page.click("button[type=submit]")
    return page


def test_login_refuses_a_wrong_token_and_sets_a_strict_cookie(console, chromium):
    page = _login(chromium, console["base"], "not-a-token")
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
    office = _login(chromium, base, TOKENS["hcm"])
    cell = office.locator("#bang-tinh-hinh tbody tr", has_text="SO-TTTT").locator("td").last
    assert cell.get_attribute("data-state") == "missing"
    assert "1/4 đã nộp" in office.inner_text("[data-rate='2025-Q1']")

    clerk = _login(chromium, base, TOKENS["so"])
    assert clerk.url.endswith("/bao-cao/don-vi/SO-TTTT")  # a unit's own clerk lands on the unit page
    clerk.goto(base + "/bao-cao/kiem-tra")
    clerk.set_input_files("#tep", [samples["phu-luc-vii-seed.xlsx"], samples["bieu-mau-7-seed.xlsx"]])
    clerk.check("#luu")
    clerk.select_option("#don_vi", "SO-TTTT")
    clerk.fill("#ky", "Q1/2025")
    clerk.click("button:has-text('Kiểm tra')")
    results = clerk.locator(".file-result")
    assert results.count() == 2
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
    assert stored.revision == 1 and stored.meta.archived_by == "Nguyễn Văn A"

    office.reload()
    cell = office.locator("#bang-tinh-hinh tbody tr", has_text="SO-TTTT").locator("td").last
    assert cell.get_attribute("data-state") in ("on-time", "late")
    assert "2/4 đã nộp" in office.inner_text("[data-rate='2025-Q1']")
    office.click("a:has-text('SO-TTTT')")
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
    assert chart.get_attribute("src").startswith("data:image/svg+xml;")
    svg = base64.b64decode(chart.get_attribute("src").split(",", 1)[1]).decode()
    assert "<svg" in svg and "Trung vị" in svg and not re.search(r'(href|src)="https?:', svg)  # nothing fetched
    for page in (office, clerk):
        assert not page.dialogs
        page.context.close()


def test_attacks_are_refused_and_store_nothing(console, chromium):
    base, archive = console["base"], console["archive"]
    before = archive.count_submissions()
    with httpx.Client(base_url=base) as anonymous:
        assert anonymous.get("/bao-cao").status_code == 303
        assert anonymous.get("/bao-cao/don-vi/Q1").status_code == 303
    clerk = _login(chromium, base, TOKENS["so"])
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
    assert archive.count_submissions() == before
    clerk.context.close()


def test_workbook_text_is_escaped_on_pages_and_in_the_export(console, chromium):
    base = console["base"]
    office = _login(chromium, base, TOKENS["hcm"])
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
    assert not office.dialogs
    office.context.close()


def test_pages_fit_a_phone(console, chromium):
    office = _login(chromium, console["base"], TOKENS["hcm"], width=390)
    for path in ("/bao-cao", "/bao-cao/kiem-tra", "/bao-cao/don-vi/SO-NV"):
        office.goto(console["base"] + path)
        width = office.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)  # wide tables scroll inside their own box
    office.context.close()


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
