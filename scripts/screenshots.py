"""Screenshots of each web-console page (docs/web-*.png) from a live server over the test
archive (tests/fixtures/console.py), in headless Chromium at 1366×768 and at phone width."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.fixtures import renditions  # noqa: E402
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
            office.screenshot(path=out / "web-board.png", full_page=True)
            office.goto(base + "/bao-cao/don-vi/SO-TTTT")
            section = office.locator("#ky-2025-Q1")
            section.locator("select[name=quyet_dinh]").select_option("returned")
            section.locator("input[name=ly_do]").fill("Chỉ tiêu 6.5 chưa đúng: sửa và nộp lại")
            section.locator("button[type=submit]").click()
            office.goto(base + "/bao-cao/don-vi/SO-TTTT")
            office.screenshot(path=out / "web-unit.png", full_page=True)
            province = login(browser, base, TOKENS["tinh"])
            province.goto(base + "/bao-cao/tong-hop?don_vi=TINH&ky=2025-Q1&chi_tieu=4.2.2#dong-gop")
            province.screenshot(path=out / "web-consolidation.png", full_page=True)
            phone = login(browser, base, TOKENS["hcm"], width=390)
            phone.screenshot(path=out / "web-board-phone.png", full_page=True)
            browser.close()
    for name in sorted(out.glob("web-*.png")):
        print(name.relative_to(ROOT))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs")
