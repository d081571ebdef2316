"""The console's check-and-archive form refused for its period ("Q2/2025": not a reporting
period) keeps what the clerk typed: the unit chosen, the period, the reason and the archive
tick come back filled; only the files must be chosen again (no page may choose files for a
browser), and the sentence says so. In headless Chromium through the served page."""

from __future__ import annotations

import html
import re

from tests.fixtures.console import TOKENS
from tests.fixtures.web import chromium, console, http_session, login  # noqa: F401 (fixtures)
from tests.test_web_a11y import _violations, axe  # noqa: F401 (the fixture)

REASON = "Số liệu quý chờ Sở xác nhận"


def test_a_refused_period_keeps_unit_period_and_reason(console, chromium, samples, axe):  # noqa: F811
    base = console["base"]
    clerk = login(chromium, base, TOKENS["tinh"], bypass_csp=True)  # a consolidating office: units below too
    clerk.goto(base + "/bao-cao/kiem-tra")
    units = clerk.eval_on_selector_all("#don_vi option", "options => options.map(o => o.value)")
    chosen = units[-1]  # not the first: a kept choice shows
    assert len(units) > 1 and chosen != units[0]
    clerk.set_input_files("#tep", [samples["bieu-mau-7-dung.xlsx"]])
    clerk.check("#luu")
    clerk.select_option("#don_vi", chosen)
    clerk.fill("#ky", "Q2/2025")
    clerk.fill("#ly_do", REASON)
    clerk.click("button:has-text('Kiểm tra')")

    said = clerk.inner_text("#loi-gui")
    assert said.startswith('Không hiểu kỳ báo cáo "Q2/2025"') and "chọn lại tệp" in said, said
    assert (clerk.input_value("#don_vi"), clerk.input_value("#ky"), clerk.input_value("#ly_do")) == \
        (chosen, "Q2/2025", REASON)
    assert clerk.is_checked("#luu") and clerk.eval_on_selector("#tep", "input => input.files.length") == 0
    assert clerk.locator(".file-result").count() == 0  # nothing checked, nothing archived
    assert _violations(clerk, axe) == []

    clerk.fill("#ky", "Q1/2025")  # corrected, the file chosen again: the form works as before
    clerk.uncheck("#luu")
    clerk.set_input_files("#tep", [samples["bieu-mau-7-dung.xlsx"]])
    clerk.click("button:has-text('Kiểm tra')")
    assert clerk.locator(".file-result").count() == 1 and clerk.locator("#loi-gui").count() == 0
    assert clerk.input_value("#ky") == "Q1/2025" and clerk.input_value("#don_vi") == chosen
    assert not clerk.dialogs
    clerk.context.close()


def test_what_is_filled_again_is_text_not_markup(console):  # noqa: F811
    """The kept reason and period go back into the page as attribute text: a reason that closes
    the attribute and opens a script stays text."""
    hostile = '"><script id="chen">alert(1)</script>'
    with http_session(console["base"], TOKENS["so"]) as clerk:
        csrf = re.search(r'name="csrf" value="([^"]+)"', clerk.get("/bao-cao/kiem-tra").text).group(1)
        refused = clerk.post("/bao-cao/kiem-tra", files={"tep": ("a.xlsx", b"x")},
                             data={"csrf": csrf, "luu": "1", "don_vi": "SO-TTTT", "ky": hostile, "ly_do": hostile})
    assert refused.status_code == 400 and 'id="chen"' not in refused.text and "<script id" not in refused.text
    values = [html.unescape(v) for v in re.findall(r'id="(?:ky|ly_do)"[^>]*value="([^"]*)"', refused.text)]
    assert values == [hostile, hostile]
