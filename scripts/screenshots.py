"""Screenshots of each web-console page (docs/web-*.png), in headless Chromium at 1366×768 and
at phone width: the board and the reminder list from a generated province of 150 units with
place-like names (tests/fixtures/big_province.py, one PC without authentication), the other
pages from a live server over the console's archive (tests/fixtures/console.py), showing no
unit made for the attack tests."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from egov_xl.archive.store import Archive  # noqa: E402
from tests.fixtures import renditions  # noqa: E402
from tests.fixtures.big_province import ROOT as PROVINCE, load_province  # noqa: E402
from tests.fixtures.console import TOKENS, seed_console  # noqa: E402
from tests.live_server import live_server  # noqa: E402

FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def login(browser, base: str, token: str, width: int = 1366):
    page = browser.new_page(viewport={"width": width, "height": 768})
    page.goto(base + "/bao-cao/dang-nhap")
    page.fill("#token", token)
    page.click("button[type=submit]")
    return page


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        samples = {p.name: p for p in renditions.write_samples(Path(folder) / "samples")}
        seeded = seed_console(Path(folder), samples)
        with live_server(env=seeded["env"]) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            first = browser.new_page(viewport={"width": 1366, "height": 768})
            first.goto(base + "/bao-cao/dang-nhap")
            first.screenshot(path=out / "web-login.png")
            clerk = login(browser, base, TOKENS["so"])
            clerk.goto(base + "/bao-cao/kiem-tra")
            clerk.set_input_files("#tep", [samples["phu-luc-vii-seed.xlsx"]])
            clerk.check("#luu")
            clerk.fill("#ky", "Q1/2025")
            clerk.fill("#ly_do", "Nộp đúng hạn, sẽ sửa 6.5 ở lần sau")
            clerk.click("button:has-text('Kiểm tra')")
            clerk.screenshot(path=out / "web-upload.png", full_page=True)
            office = login(browser, base, TOKENS["hcm"])
            office.goto(base + "/bao-cao/don-vi/SO-TTTT")
            section = office.locator("#ky-2025-Q1")
            section.locator("select[name=quyet_dinh]").select_option("returned")
            section.locator("input[name=ly_do]").fill("Chỉ tiêu 6.5 chưa đúng: sửa và nộp lại")
            section.locator("button[type=submit]").click()
            office.goto(base + "/bao-cao/don-vi/SO-TTTT")
            office.screenshot(path=out / "web-unit.png")  # the first screen: the form as submitted
            province = login(browser, base, TOKENS["tinh"])
            province.goto(base + "/bao-cao/tong-hop?don_vi=TINH&ky=2025-Q1&chi_tieu=4.2.2#dong-gop")
            province.screenshot(path=out / "web-consolidation.png", full_page=True)
            browser.close()
        _province(Path(folder), out)
    for name in sorted(out.glob("web-*.png")):
        print(name.relative_to(ROOT))


def _province(folder: Path, out: Path) -> None:
    url = f"sqlite:///{folder / 'province.sqlite3'}"
    archive = Archive(url)
    archive.init()
    load_province(archive, 150)
    with live_server(env={"EGOV_ARCHIVE_URL": url, "XLWINGS_AUTH_PROVIDERS": "[]"}) as base, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(base + "/bao-cao")
        page.screenshot(path=out / "web-board.png")  # the first screen, as the officer sees it
        page.goto(base + "/bao-cao?ky=2026-Q3&trang_thai=tra-lai")
        page.screenshot(path=out / "web-board-returned.png", full_page=True)
        page.goto(base + f"/bao-cao/nhac-nop?don_vi={PROVINCE}&ky=2026-Q3")
        page.screenshot(path=out / "web-reminder.png")
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.goto(base + "/bao-cao")
        phone.screenshot(path=out / "web-board-phone.png")
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs")
