"""A median "over at least five peers" must be over at least five *figures*: with five
siblings of which only one reported an indicator for a period, the median of what is there is
that one sibling's exact figure, shown to a clerk refused that sibling everywhere else."""

from __future__ import annotations

from decimal import Decimal

from egov_xl.core.periods import parse_period
from egov_xl.web.unit import MIN_MEDIAN_PEERS, series

Q1, Q2 = parse_period("Q1/2025"), parse_period("Q3/2025")


def test_median_without_spread_needs_five_figures_not_five_peers():
    own = {Q1: {"4.2": Decimal("50")}, Q2: {"4.2": Decimal("55")}}
    lone = {Q1: {"4.2": Decimal("17.5")}, Q2: {"4.2": Decimal("18")}}  # the one sibling that reported
    silent = [{} for _ in range(MIN_MEDIAN_PEERS - 1)]  # siblings that did not report yet
    shown = series(own, [lone, *silent], spread=False)[0]
    assert Decimal("17.5") not in shown.median and Decimal("18") not in shown.median
    assert shown.median == [None, None]


def test_median_without_spread_still_shown_over_five_figures():
    own = {Q1: {"4.2": Decimal("50")}}
    peers = [{Q1: {"4.2": Decimal(v)}} for v in ("10", "20", "30", "40", "90")]
    assert series(own, peers, spread=False)[0].median == [Decimal("30")]
    few = [{Q1: {"4.2": Decimal(v)}} for v in ("10", "20", "30", "40")] + [{}]
    assert series(own, few, spread=False)[0].median == [None]
    assert series(own, few)[0].median == [Decimal("25")]  # a visitor who may read them sees all
