"""A clerk's own unit page shows the sibling units' figures only to a visitor who may read
those units; anyone else sees at most their median over at least five units, never their
lowest or highest (with one or two siblings those are the siblings' exact figures)."""

from __future__ import annotations

import base64
import re
from decimal import Decimal
from pathlib import Path

from egov_xl.core.periods import parse_period
from egov_xl.server.tokens import issue
from egov_xl.web.unit import MIN_MEDIAN_PEERS, peer_view, series
from tests.fixtures.console import TOKENS
from tests.fixtures.web import console, http_session  # noqa: F401 (fixture)

Q1 = parse_period("Q1/2025")


def test_peer_view_spread_only_for_readable_peers():
    assert peer_view(["A", "B"], lambda unit: True) == peer_view(["A", "B"], lambda unit: True)
    assert peer_view(["A", "B"], lambda unit: True).spread
    assert peer_view(["A", "B"], lambda unit: unit == "A").peers == []  # two peers: nothing at all
    five = [f"U{n}" for n in range(MIN_MEDIAN_PEERS)]
    median_only = peer_view(five, lambda unit: False)
    assert median_only.peers == five and not median_only.spread and median_only.key == "web_peers_median"
    assert peer_view(five[:-1], lambda unit: False).key is None


def test_series_without_spread_has_no_lowest_or_highest():
    own = {Q1: {"4.2": Decimal("50")}}
    peers = [{Q1: {"4.2": Decimal(v)}} for v in ("10", "20", "30", "40", "90")]
    shown = series(own, peers, spread=False)[0]
    assert shown.median == [Decimal("30")] and shown.low == [None] and shown.high == [None]
    full = series(own, peers)[0]
    assert full.low == [Decimal("10")] and full.high == [Decimal("90")]


def _shown(page: str) -> str:
    """The page with the text of its SVG charts (data: images) appended."""
    charts = re.findall(r'src="data:image/svg\+xml;(?:charset=utf-8;)?base64,([^"]+)"', page)
    return page + "".join(base64.b64decode(chart).decode() for chart in charts)


def test_unit_pages_show_peers_only_to_those_who_may_read_them(console):
    base = console["base"]
    folder = Path(console["archive"].url.split("///", 1)[1]).parent  # the tokens file sits beside the archive
    commune, _ = issue(folder / "tokens.yaml", "Cán bộ Xã 1", ["XA-1"])  # the grant is read per request
    with http_session(base, TOKENS["so"]) as clerk:  # SO-TTTT: 3 siblings it may not read
        page = _shown(clerk.get("/bao-cao/don-vi/SO-TTTT").text)
        assert "So với 3 đơn vị" not in page and 'class="peers"' not in page
        assert "Thấp nhất" not in page and "Cao nhất" not in page
        assert clerk.get("/bao-cao/don-vi/Q1").status_code == 403  # refused the siblings everywhere else
    with http_session(base, commune) as clerk:  # XA-1: 7 siblings, 6 reported, none readable
        page = _shown(clerk.get("/bao-cao/don-vi/XA-1").text)
        assert "So với trung vị của 7 đơn vị cùng cấp" in page
        assert "Thấp nhất" not in page and "Cao nhất" not in page
    with http_session(base, TOKENS["hcm"]) as office:  # the consolidating office reads every sibling
        page = office.get("/bao-cao/don-vi/SO-TTTT").text
        assert re.search(r"So với \d+ đơn vị cùng cấp \(trung vị, thấp nhất, cao nhất\)", page)  # peers of its kind
