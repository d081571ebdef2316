"""Consolidation's arithmetic (core/consolidate.py) and outliers among peers (core/outliers.py),
on units with known totals."""

from __future__ import annotations

from decimal import Decimal as D

from egov_xl import definitions
from egov_xl.core.consolidate import Method, UnitForm, consolidate, drill_change, drill_not_above
from egov_xl.core.outliers import outliers, robust_scores

BM7 = definitions.edition("bm7-2025")


def _form(unit: str, values: dict[str, str], errors: int = 0) -> UnitForm:
    return UnitForm(unit, 1, "bm7-2025", {code: D(v) for code, v in values.items()}, errors)


def _units() -> list[UnitForm]:
    # 4.2.1 procedures eligible, 4.2.2 of them online; ratios printed by each unit
    return [
        _form("XA-A", {"1": "1", "2": "50", "4.2.1": "10", "4.2.2": "9", "4.2": "90"}),
        _form("XA-B", {"1": "1", "2": "70", "4.2.1": "90", "4.2.2": "9", "4.2": "10"}),
        _form("XA-C", {"1": "0", "2": "90", "4.2.1": "100", "4.2.2": "50", "4.2": "50"}),
    ]


def _c(forms, **kw):
    return consolidate(BM7, "TINH", kw.pop("expected", [f.unit for f in forms]), forms, **kw)


def test_counts_are_summed_and_ratios_recomputed_from_the_summed_parts():
    result = _c(_units())
    assert result.value("4.2.1") == D(200) and result.value("4.2.2") == D(68)
    # 68/200 = 34 %, not the mean of the units' ratios (50 %): the classic mistake
    assert result.value("4.2") == D("34.00")
    assert result.totals["4.2"].method is Method.RATIO and result.totals["4.2"].exact
    contributions = {c.unit: c.value for c in result.totals["4.2.2"].contributions}
    assert contributions == {"XA-A": D(9), "XA-B": D(9), "XA-C": D(50)}


def test_a_percentage_without_parts_gets_its_spread_not_a_sum():
    total = _c(_units()).totals["2"]
    assert total.method is Method.SPREAD and not total.exact and total.value is None
    assert (total.spread.low, total.spread.middle, total.spread.high) == (D(50), D(70), D(90))


def test_coded_statuses_become_counts_per_code():
    total = _c(_units()).totals["1"]
    assert total.method is Method.CODES and total.codes == {0: 1, 1: 2} and total.reported == 3


def test_missing_units_and_units_with_errors_are_listed_and_the_total_is_partial():
    forms = _units()
    forms[1] = UnitForm("XA-B", 2, "bm7-2025", forms[1].values, errors=3)
    result = _c(forms, expected=["XA-A", "XA-B", "XA-C", "XA-D"], skip_errors=True)
    assert result.missing == ("XA-D",) and result.partial
    assert result.with_errors == ("XA-B",)
    assert [f.unit for f in result.included] == ["XA-A", "XA-C"]
    assert result.value("4.2.1") == D(110)


def test_a_ratio_with_a_zero_denominator_stays_blank():
    result = _c([_form("XA-A", {"4.2.1": "0", "4.2.2": "0"})])
    assert result.value("4.2") is None and result.value("4.2.1") == D(0)


def test_drill_down_names_the_unit_whose_part_exceeds_its_limit():
    forms = _units() + [_form("XA-X", {"4.2.1": "5", "4.2.2": "400"})]
    result = _c(forms)
    assert result.value("4.2.2") > result.value("4.2.1")  # the province total breaks 4.2.2 ≤ 4.2.1
    blames = drill_not_above(result, "4.2.2", "4.2.1")
    assert [(b.unit, b.gap) for b in blames] == [("XA-X", D(395))]


def test_drill_change_orders_units_by_their_share_of_the_total_change():
    result = _c(_units())
    prior_by_unit = {"XA-A": D(9), "XA-B": D(30), "XA-C": D(10)}
    blames = drill_change(result, "4.2.2", prior_by_unit)
    assert [b.unit for b in blames] == ["XA-C", "XA-B"]  # +40 explains the rise; XA-A did not change


def test_an_outlier_commune_is_found_with_the_peer_median():
    values = {f"XA-{i}": D(v) for i, v in enumerate([80, 82, 79, 85, 81, 83, 78, 5])}
    found = outliers("4.2", values)
    assert [(o.unit, o.peer_median) for o in found] == [("XA-7", D("80.5"))]
    assert found[0].score < -3


def test_small_bases_are_not_judged_and_identical_peers_give_no_outlier():
    values = {f"XA-{i}": D(v) for i, v in enumerate([80, 82, 79, 85, 81, 83, 78, 5])}
    bases = {unit: D(100) for unit in values} | {"XA-7": D(2)}
    assert outliers("4.2", values, bases) == []
    assert robust_scores({f"U{i}": D(7) for i in range(6)}) == {}
    # most peers equal (MAD = 0): the mean absolute deviation still finds the odd one
    assert [o.unit for o in outliers("4.2", {f"U{i}": D(100) for i in range(9)} | {"U9": D(40)})] == ["U9"]
    assert robust_scores({"U1": D(1), "U2": D(50)}) == {}  # too few peers to say
