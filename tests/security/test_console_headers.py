"""Defence in depth on the web console: every page carries a Content-Security-Policy that
allows no script and no framing (frame-ancestors 'none', X-Frame-Options DENY), and the pages
still work under it in Chromium (styles, charts, forms), with no violation reported. A page of
another origin that frames the console gets nothing."""

from __future__ import annotations

import httpx

from egov_xl.server.guards import CONSOLE_POLICY
from tests.fixtures.console import TOKENS
from tests.fixtures.web import chromium, console, login  # noqa: F401 (fixtures)
from tests.security.test_cross_site import page_elsewhere

PAGES = {"tinh": ("/bao-cao", "/bao-cao/kiem-tra", "/bao-cao/tong-hop",
                  "/bao-cao/tong-hop?don_vi=TINH&ky=2025-Q1&chi_tieu=4.2.2"),
         "hcm": ("/bao-cao/don-vi/SO-NV",)}


def _check_headers(headers) -> None:
    policy = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'none'" in policy
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"


def test_every_console_answer_carries_the_policy(console):
    base = console["base"]
    for path in ("/bao-cao/dang-nhap", "/bao-cao", "/bao-cao/don-vi/SO-NV", "/bao-cao/khong-co"):
        _check_headers(httpx.get(base + path).headers)  # a page, a redirect to login, a 404
    assert "content-security-policy" not in httpx.get(base + "/taskpane.html").headers  # framed by Excel


def test_pages_work_under_the_policy_in_chromium(console, chromium):
    base = console["base"]
    for token, paths in PAGES.items():
        page = login(chromium, base, TOKENS[token])
        violations = []
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        for path in paths:
            answer = page.goto(base + path)
            assert answer.status == 200, path
            _check_headers(answer.headers)
            assert answer.headers["content-security-policy"] == CONSOLE_POLICY
            # the inline stylesheet applies; the SVG charts (data: images) are drawn
            assert page.evaluate("getComputedStyle(document.querySelector('.en') || document.body).color") \
                in ("rgb(73, 80, 87)", "rgb(33, 37, 41)")
            for width in page.eval_on_selector_all("img.chart", "imgs => imgs.map(i => i.naturalWidth)"):
                assert width > 0, path
        if token == "tinh":  # a form still posts: the board's filter, then the upload form
            page.goto(base + "/bao-cao/kiem-tra")
            page.set_input_files("input[type=file]", str(console["xss"]))
            page.locator("form button[type=submit]").last.click()
            page.wait_for_load_state()
            assert "xss.xlsx" in page.inner_text("main")
        assert violations == []
        page.context.close()


def test_another_origin_cannot_frame_the_console(console, chromium):
    base = console["base"]
    framing = f'<!doctype html><title>x</title><iframe id="f" src="{base}/bao-cao/dang-nhap"></iframe>'
    with page_elsewhere(framing) as site:
        page = chromium.new_page()
        page.goto(site)
        page.wait_for_timeout(1500)
        framed = [frame for frame in page.frames if frame != page.main_frame]
        assert framed and all(frame.query_selector("#token") is None for frame in framed)
        page.close()
