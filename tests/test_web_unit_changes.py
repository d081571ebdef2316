"""A unit's page: each indicator against the previous report and the same period last year, the
indicator's nature respected as the prior rules judge it (core/rules/prior.py: a stock against
the previous report, a flow, accumulated within the year, only against the same window a year
earlier; nothing across a change of basis), numbers and periods written the Vietnamese way.
On an archive (flows.compare.compare_archived through web/unit.py), and on the page served by
a live `egov-xl serve` (tests/live_server.py)."""

from __future__ import annotations

import html
import re
from decimal import Decimal

from egov_xl.archive.store import Archive
from egov_xl.core.periods import parse_period
from egov_xl.web.unit import period_comparison, row_specs, series
from tests.fixtures.console import TOKENS
from tests.fixtures.consolidation import bm7_values, put_values
from tests.fixtures.web import chromium, console, http_session, login  # noqa: F401 (fixtures)
from tests.test_web_a11y import _violations, axe  # noqa: F401 (the fixture)

NOT_COMPARED = "không so (cộng dồn, khác khoảng thời gian)"  # a flow against the previous report's window
Q1_24, YEAR_24, Q1_25, Q3_25 = (parse_period(p) for p in ("Q1/2024", "Năm 2024", "Q1/2025", "Q3/2025"))


def _archive(tmp_path) -> Archive:
    store = Archive(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    store.init()
    store.set_unit("XA", "UBND Xã Mẫu")
    for period, scale in ((Q1_24, 150), (YEAR_24, 160), (Q1_25, 200)):
        put_values(store, "XA", period, bm7_values(scale, percent="80"))
    return store


def test_a_stock_is_compared_with_the_previous_report_a_flow_with_last_years_window(tmp_path):
    found = period_comparison(_archive(tmp_path), "XA", Q1_25)
    assert (found.period, found.previous, found.last_year) == (Q1_25, YEAR_24, Q1_24)
    rows = {r.code: r for r in found.rows}
    stock, flow = rows["4.1.1"], rows["4.3.1"]  # procedures available (a level), dossiers received (a flow)
    assert (stock.basis, stock.value, stock.previous.value, stock.last_year.value) == ("previous", 200, 160, 150)
    assert stock.previous.change == Decimal(25) and round(stock.last_year.change, 2) == Decimal("33.33")
    assert flow.basis == "last_year" and flow.previous.value == 1600 and flow.previous.change is None
    assert flow.previous.why == "web_cmp_flow"  # the year's total against one quarter: not compared
    assert round(flow.last_year.change, 2) == Decimal("33.33")
    assert rows["2"].ratio and rows["2"].last_year.change == 0  # a percentage: in points
    assert rows["1"].previous.change is None and rows["1"].previous.value == 1  # a coded status: no change
    assert "3" not in rows  # a heading holds no value


def test_across_the_communes_merger_a_stock_is_not_comparable(tmp_path):
    store = _archive(tmp_path)
    put_values(store, "XA", Q3_25, bm7_values(210, percent="80"))
    rows = {r.code: r for r in period_comparison(store, "XA", Q3_25).rows}
    assert rows["3.1.2"].previous.why == "web_cmp_basis" and rows["3.1.2"].previous.change is None
    assert rows["3.1.1"].previous.change == 0  # its basis did not change


def test_the_series_changes_follow_the_nature():
    a, b, c = Q1_24, YEAR_24, Q1_25
    own = {a: {"4.1.1": Decimal(150), "4.3.1": Decimal(1500)}, b: {"4.1.1": Decimal(160), "4.3.1": Decimal(1600)},
           c: {"4.1.1": Decimal(200), "4.3.1": Decimal(2000)}}
    found = {s.code: s for s in series(own, [], specs=row_specs())}
    assert found["4.1.1"].basis == "previous" and found["4.1.1"].changes[1:] == [
        Decimal(160 - 150) * 100 / 150, Decimal(25)]
    assert found["4.3.1"].basis == "last_year" and found["4.3.1"].changes[:2] == [None, None]  # Năm 2024 ≠ Quý I
    assert round(found["4.3.1"].changes[2], 2) == Decimal("33.33")  # Quý I 2025 against Quý I 2024


def test_the_unit_page_shows_both_changes_in_vietnamese(console, chromium, axe):  # noqa: F811
    base, archive = console["base"], console["archive"]
    put_values(archive, "XA-2", Q1_24, bm7_values(10, percent="80"))  # XA-2 reported Q1/2025 (scale 20)
    put_values(archive, "XA-2", YEAR_24, bm7_values(160, percent="80"))
    with http_session(base, TOKENS["tinh"]) as office:
        page = office.get("/bao-cao/don-vi/XA-2")
        assert page.status_code == 200
        text = html.unescape(page.text)
        assert "Quý I năm 2025 so với kỳ trước và cùng kỳ năm trước" in text
        assert "Kỳ trước: Năm 2024; cùng kỳ năm trước: Quý I năm 2024." in text
        flow = _row(text, "4.3.1")  # 200 dossiers: against the year's 1.600 not compared; +100 % on Q1/2024
        assert flow[2:] == ["Cộng dồn", "200", "1.600", NOT_COMPARED, "100", "+100,0 %"], flow
        stock = _row(text, "4.1.1")
        assert stock[2:] == ["Thời điểm", "20", "160", "-87,5 %", "10", "+100,0 %"], stock
        assert _row(text, "2")[2:] == ["Cộng dồn", "87", "80", NOT_COMPARED, "80", "+7,0 điểm %"]
        older = html.unescape(office.get("/bao-cao/don-vi/XA-2", params={"so_sanh": "2024-Y"}).text)
        assert "Năm 2024 so với kỳ trước và cùng kỳ năm trước" in older
        assert "Kỳ trước: Quý I năm 2024; cùng kỳ năm trước: chưa nộp." in older
    office = login(chromium, base, TOKENS["tinh"], bypass_csp=True)  # axe is injected
    office.goto(base + "/bao-cao/don-vi/XA-2")
    office.select_option("#so_sanh", "2024-Y")
    office.click("#so-sanh button:has-text('Xem')")
    assert office.inner_text("#h-so-sanh") == "Năm 2024 so với kỳ trước và cùng kỳ năm trước"
    assert _violations(office, axe) == []
    office.context.close()


def _row(text: str, code: str) -> list[str]:
    """The comparison table's cells for `code`, as text."""
    table = text[text.index('id="bang-so-sanh"'):]
    row = re.search(rf'<tr data-code="{re.escape(code)}"[^>]*>(.*?)</tr>', table, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
