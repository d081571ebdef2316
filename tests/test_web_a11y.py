"""Accessibility basics of the web console: axe-core (pinned in tests/a11y/package.json,
installed from the npm registry by `npm ci` on first use, ignored by git) injected into every
page in headless Chromium reports no serious or critical violation (labels, contrast,
keyboard, names); and a clerk logs in and reaches the board's filter and export with Tab and
Enter only."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from egov_xl import definitions
from tests.fixtures.console import TOKENS
from tests.fixtures.web import chromium, console, login  # noqa: F401 (fixtures)

AXE_DIR = Path(__file__).with_name("a11y")
AXE = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
PAGES = ("/bao-cao", "/bao-cao/kiem-tra", "/bao-cao/don-vi/SO-NV", "/bao-cao/tong-hop",
         "/bao-cao/tong-hop?don_vi=TINH&ky=2025-Q1&chi_tieu=4.2.2", "/bao-cao?trang_thai=chua-nop&xep=trang-thai",
         "/bao-cao/nhac-nop")


@pytest.fixture(scope="module")
def axe() -> Path:
    if not AXE.exists():
        if shutil.which("npm") is None:
            if os.environ.get("CI") == "true":
                pytest.fail("npm is required under CI=true to install axe-core")
            pytest.skip("npm not installed")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(AXE_DIR)], check=True,
                       capture_output=True, timeout=300)
    return AXE


def _violations(page, axe: Path) -> list[str]:
    page.add_script_tag(path=str(axe))
    found = page.evaluate("async () => { const r = await axe.run(document); return {passes: r.passes.length, "
                          "violations: r.violations.map(v => ({id: v.id, impact: v.impact, "
                          "nodes: v.nodes.map(n => n.target.join(' '))}))}; }")
    assert found["passes"] > 10  # axe ran its rules on the page
    return [f"{v['id']} ({v['impact']}): {v['nodes'][:3]}" for v in found["violations"]
            if v["impact"] in ("serious", "critical")]


def test_pages_have_no_serious_accessibility_violations(console, chromium, axe):
    base = console["base"]
    first = chromium.new_page(bypass_csp=True)  # axe is injected; the pages allow no script
    first.goto(base + "/bao-cao/dang-nhap")
    problems = {"/bao-cao/dang-nhap": _violations(first, axe)}
    first.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', "
                   "'<input id=unlabelled><p style=\"color:#bbb\">faint</p>')")
    planted = _violations(first, axe)  # the check sees what it must refuse
    assert any(v.startswith("label ") for v in planted) and any(v.startswith("color-contrast ") for v in planted)
    first.close()
    for token, paths in (("tinh", PAGES[:2] + PAGES[3:]), ("hcm", PAGES[2:3])):
        page = login(chromium, base, TOKENS[token], bypass_csp=True)
        for path in paths:
            page.goto(base + path)
            problems[path] = _violations(page, axe)
        page.context.close()
    assert not any(problems.values()), problems


def _tab_to(page, selector: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reached with Tab")


def test_keyboard_only_login_filter_and_export(console, chromium):
    base = console["base"]
    context = chromium.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(base + "/bao-cao/dang-nhap")
    _tab_to(page, "#token")
    page.keyboard.type(TOKENS["hcm"])
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/bao-cao")
    _tab_to(page, "#ky")
    page.keyboard.press("ArrowDown")  # "Tất cả" → the first period
    chosen = page.eval_on_selector("#ky", "e => e.value")
    assert chosen
    _tab_to(page, "button[type=submit]:not(nav *)")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/bao-cao?**ky={chosen}**")
    assert page.locator("#bang-tinh-hinh thead th").count() == 2  # the unit column and the chosen period
    _tab_to(page, "a[href*='xuat.xlsx']")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == "tinh-hinh-nop.xlsx"
    context.close()


def test_archived_findings_without_parameters_still_read_as_the_rules_sentence():
    vi = definitions.catalogue("vi")
    legacy = {"rule": "ratio.mismatch", "severity": "error", "code": "4.2", "cell": "Biểu mẫu!D9"}  # before params
    sentence = vi.stored_message(legacy)
    assert sentence.startswith("Chỉ tiêu 4.2: tỷ lệ ghi …%") and "{" not in sentence
    kept = {**legacy, "params": {"value": "50", "numerator_code": "4.2.2", "denominator_code": "4.2.1",
                                 "numerator": "1", "denominator": "2", "expected": "50"}}
    assert vi.stored_message(kept) == "Chỉ tiêu 4.2: tỷ lệ ghi 50% nhưng 4.2.2/4.2.1 = 1/2 = 50%."
    zero = {"rule": "ratio.zero-denominator", "code": "6.5", "params": {"denominator_state": {"word": "zero"}}}
    assert "mẫu số … bằng 0" in vi.stored_message(zero)
    assert vi.stored_message({"rule": "no.such-rule", "code": "1"}) == "no.such-rule"
