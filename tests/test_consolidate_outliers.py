"""Outliers that matter, on a realistic province (tests/fixtures/big_province.py's names:
departments, local offices of central agencies, communes and wards under one province): peers
of the same kind only, each explained in words, a short list ranked by how far and how
material, instead of every unit whose robust score passes 3,5."""

from __future__ import annotations

import random
from decimal import Decimal as D
from statistics import median

import pytest

from egov_xl import definitions
from egov_xl.archive.calendar import load_calendar
from egov_xl.archive.store import Archive
from egov_xl.core.outliers import SHORT_LIST, outliers
from egov_xl.core.periods import parse_period
from egov_xl.core.tolerance import round_half_up
from egov_xl.flows.consolidate import consolidate_unit
from egov_xl.output.consolidation import explained, gap_lines
from tests.fixtures.big_province import ROOT, ROOT_NAME, names
from tests.fixtures.consolidation import put_values

PERIOD = parse_period("Q3/2026")
BM7 = definitions.edition("bm7-2025")
LOW, TYPO = "XA-0042", "XA-0063"  # a commune at 4,92 % on 4.2; a commune that typed 4.3.1 ten times over


def _values(rng: random.Random, kind: str | None) -> dict[str, str]:
    """A clean form as such a unit reports it: communes small and about 65 % online, the
    provincial departments and central agencies large and nearly all online."""
    small = kind == "xa-phuong-dac-khu"
    scale = rng.randint(20, 150) if small else rng.randint(300, 3000)
    share = (lambda: rng.uniform(0.50, 0.80)) if small else (lambda: rng.uniform(0.92, 1.0))
    counts = {"4.1.1": scale, "4.2.1": scale, "4.3.1": scale * 10, "4.4.1": scale * 8, "4.5.1": scale // 2}
    counts |= {code[:-1] + "2": round(total * share()) for code, total in counts.items()}
    values = {code: str(n) for code, n in counts.items()}
    for row in BM7.rows:
        if row.kind.value == "ratio":
            values[row.code] = str(round_half_up(D(counts[row.numerator]) / D(counts[row.denominator]) * 100, 2))
        elif row.kind.value == "percent":
            values[row.code] = str(rng.choice([100, 100, 100, 100, 100, 100, 95, 90]))
        elif row.kind.value == "coded":
            values[row.code] = "1"
    return values


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    store = Archive(f"sqlite:///{tmp_path_factory.mktemp('outliers') / 'a.sqlite3'}")
    store.init()
    store.set_unit(ROOT, ROOT_NAME)
    calendar, rng, forms = load_calendar(), random.Random(20), {}
    for code, name in names(160):
        store.set_unit(code, name, ROOT)
        forms[code] = (calendar.kind_of(name), _values(rng, calendar.kind_of(name)))
    forms[LOW][1].update({"4.2.1": "122", "4.2.2": "6", "4.2": "4.92"})
    typo = forms[TYPO][1]
    typo["4.3.1"] = str(int(typo["4.3.1"]) * 10)
    typo["4.3"] = str(round_half_up(D(typo["4.3.2"]) / D(typo["4.3.1"]) * 100, 2))
    for code, (_, values) in forms.items():
        put_values(store, code, PERIOD, values)
    return store, forms


def test_outliers_are_few_judged_among_their_kind_and_ranked_by_how_far(province):
    store, forms = province
    result = consolidate_unit(store, ROOT, PERIOD)
    listed = result.outliers
    assert 0 < len(listed) <= SHORT_LIST
    assert all(item.group == forms[item.unit][0] for item in listed)  # peers of its own kind
    # judged all together, as before, departments and agencies stand out among communes by their size
    everyone = {code: D(values["4.3.1"]) for code, (_, values) in forms.items()}
    assert len(outliers("4.3.1", everyone, everyone)) > len(listed)
    assert not any(item.unit.startswith(("SO-", "ND-")) and item.code in ("4.3.1", "4.4.1") for item in listed)

    first = listed[0]
    assert (first.unit, first.code, first.what) == (LOW, "4.2", "value")
    assert [item.weight for item in listed] == sorted((item.weight for item in listed), reverse=True)
    assert all(item.weight >= 1 for item in listed)
    percentages = [item for item in listed if item.code not in ("4.3.1", "4.1.1", "4.2.1", "4.4.1", "4.5.1")]
    assert all(abs(item.value - item.peer_median) >= 20 for item in percentages)  # not 90 % among 100 %
    assert any(item.unit == TYPO and item.code == "4.3.1" for item in listed)  # the 10× typo


def test_each_outlier_is_explained_in_words(province):
    store, forms = province
    result = consolidate_unit(store, ROOT, PERIOD)
    vi = definitions.catalogue("vi")
    communes = [D(values["4.2"]) for code, (kind, values) in forms.items()
                if kind == "xa-phuong-dac-khu" and D(values["4.2.1"]) >= 10]
    low = next(item for item in result.outliers if item.unit == LOW and item.code == "4.2")
    middle = str(round_half_up(D(median(communes)), 2)).rstrip("0").rstrip(".").replace(".", ",")
    assert explained(result, low, vi) == (f"4,92 % trong khi trung vị của {len(communes)} đơn vị cùng loại "
                                          f"(xã, phường, đặc khu) là {middle} %")
    typo = next(item for item in result.outliers if item.unit == TYPO and item.code == "4.3.1")
    times = round_half_up(typo.value / typo.peer_median, 1)
    assert explained(result, typo, vi).endswith(f"(gấp {str(times).replace('.', ',')} lần)")
    assert 5 <= times  # ten times its own size: far above the communes' median
    lines = [line for line in gap_lines(result, vi) if line.startswith("Cần xem lại")]
    assert len(lines) == len(result.outliers)
    assert lines[0].startswith(f"Cần xem lại: {LOW} {result.names[LOW]}, chỉ tiêu 4.2: 4,92 % trong khi")
    assert explained(result, low, definitions.catalogue("en")).startswith("4,92 % while the median of")
