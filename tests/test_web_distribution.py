"""The consolidation page's dot charts stay light for a country: each draws the units marked as
outliers and at most charts.MAX_DOTS of the others (quantiles by rank beyond that), only units
the reader may read, the median over all of them. On a real consolidation of 400 communes
(flows.consolidate through web/consolidation.py) and on the SVG pygal draws."""

from __future__ import annotations

import base64
import re
from decimal import Decimal

from egov_xl.archive.store import Archive
from egov_xl.core.periods import parse_period
from egov_xl.flows.consolidate import consolidate_unit
from egov_xl.web import charts, consolidation
from tests.fixtures.consolidation import bm7_values, put_values

NAMES = ("Đơn vị", "Cần xem lại", "Trung vị")
Q1 = parse_period("Q1/2025")


def _dots(uri: str) -> tuple[int, str]:
    svg = base64.b64decode(uri.split(",", 1)[1]).decode()
    return len(re.findall(r'<circle[^>]*class="dot', svg)), svg


def test_a_country_is_drawn_as_its_quantiles_and_its_outliers():
    values = {f"XA-{i:04d}": Decimal(i % 97) + Decimal(i) / 10000 for i in range(3400)}
    marked = {"XA-0001", "XA-3399"}
    ordinary, outliers = charts.drawn(values, marked)
    assert len(ordinary) == charts.MAX_DOTS and [u for _, _, u in outliers] == ["XA-0001", "XA-3399"]
    ranks = [rank for rank, _ in ordinary]
    ordered = sorted(values.items(), key=lambda item: (item[1], item[0]))
    others = [v for unit, v in ordered if unit not in marked]
    assert ordinary[0][1] == others[0] and ordinary[-1][1] == others[-1]  # the lowest and the highest kept
    assert ranks == sorted(ranks) and all(ordered[rank - 1][1] == v for rank, v in ordinary)  # at their true rank
    assert all(ordered[rank - 1][0] == unit for rank, _, unit in outliers)
    few = {f"XA-{i}": Decimal(i) for i in range(20)}
    assert len(charts.drawn(few, set())[0]) == 20  # a province's communes: every one

    light, svg = _dots(charts.distribution_chart(values, marked, "t", NAMES))
    heavy, _ = _dots(charts.distribution_chart(values, marked, "t", NAMES, limit=None))
    assert light == charts.MAX_DOTS + 2 and heavy == 3400 and ">XA-3399</text>" in svg


def test_the_consolidation_page_draws_only_units_the_reader_may_read(tmp_path):
    store = Archive(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    store.init()
    store.set_unit("TINH", "UBND Tỉnh Mẫu")
    for i in range(400):
        store.set_unit(f"XA-{i:03d}", f"UBND Xã {i}", "TINH")
        online = 1 if i == 7 else 50 + i % 40  # XA-007 far below its peers
        put_values(store, f"XA-{i:03d}", Q1, bm7_values(100, online=online))
    result = consolidate_unit(store, "TINH", Q1)
    found = {code: (values, marked) for code, values, marked in consolidation.distributions(result)}
    values, marked = found["4.2"]
    assert len(values) == 400 and "XA-007" in marked
    dots, svg = _dots(charts.distribution_chart(values, marked, "4.2", NAMES))
    assert dots == charts.MAX_DOTS + len(marked) and ">XA-007</text>" in svg
    some = {f"XA-{i:03d}" for i in range(0, 400, 2)}  # a reader of every other commune
    values, marked = {code: (v, m) for code, v, m in consolidation.distributions(result, None, some.__contains__)}[
        "4.2"]
    assert values.keys() == some and not marked  # XA-007 is not theirs: neither drawn nor labelled
