"""`egov-xl consolidate` on a generated unit tree in a real archive, SQLite and a throwaway
PostgreSQL: known totals, a unit missing, a unit with errors, a unit on
the older edition, the classic mean-of-ratios mistake, a child larger than its parent in one
unit, an outlier commune; the -o workbook validates clean where the units are clean."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal as D

import pytest

from egov_xl import definitions
from egov_xl.core.periods import parse_period
from egov_xl.archive.store import Archive
from egov_xl.core.tolerance import round_half_up
from egov_xl.flows.consolidate import consolidate_unit
from tests.fixtures.consolidation import bm7_values, put_values

PERIOD = parse_period("Năm 2025")
BM7, PL7 = definitions.edition("bm7-2025"), definitions.edition("pl7-2022")


def put(store: Archive, unit: str, values: dict[str, str], edition=BM7, errors: int = 0, period=PERIOD):
    put_values(store, unit, period, values, edition, errors)


@pytest.fixture
def tree(archive_url):
    """TINH ← SO-A, SO-B (departments), SO-OLD (on Phụ lục VII), SO-ERR (errors), SO-MISS
    (not submitted), HUYEN (no form of its own) ← XA-1 … XA-8 (XA-8 the outlier)."""
    store = Archive(archive_url)
    store.init()
    store.set_unit("TINH", "Tỉnh")
    for code in ("SO-A", "SO-B", "SO-OLD", "SO-ERR", "SO-MISS", "HUYEN"):
        store.set_unit(code, f"Đơn vị {code}", "TINH")
    for i in range(1, 9):
        store.set_unit(f"XA-{i}", f"Xã {i}", "HUYEN")
    put(store, "SO-A", bm7_values(10, online=9))  # 90 %
    put(store, "SO-B", bm7_values(90, online=9))  # 10 %: the mean of ratios would be 50 %
    put(store, "SO-ERR", bm7_values(20), errors=2)
    pl7 = {"6.2.1": "40", "6.2.2": "20", "6.1.3": "3", "6.2.3": "5", "6.5.1": "100", "6.5.2": "50", "1": "1"}
    put(store, "SO-OLD", pl7, edition=PL7)
    for i in range(1, 9):
        put(store, f"XA-{i}", bm7_values(20, percent=str(80 + i) if i < 8 else "5"))
    return store


def test_totals_sum_counts_recompute_ratios_and_name_every_unit(tree):
    result = consolidate_unit(tree, "TINH", PERIOD)
    total = result.consolidation
    assert total.missing == ("SO-MISS",) and total.with_errors == ("SO-ERR",)
    assert result.mapped == {"SO-OLD": "pl7-2022"}
    assert result.stand_ins == {f"XA-{i}": "HUYEN" for i in range(1, 9)}
    # 4.2.1: 10 + 90 + 20 (SO-ERR) + 8 × 20 communes; SO-OLD has no 4.2.1 in Phụ lục VII
    assert total.value("4.2.1") == D(10 + 90 + 20 + 160)
    # 4.2.2: 9 + 9 + 10 + 8 × 10 + SO-OLD's 6.1.3 + 6.2.3 (3 + 5)
    assert total.value("4.2.2") == D(9 + 9 + 10 + 80 + 8)
    assert total.value("4.2") == round_half_up(D(116) / D(280) * 100, 2)
    assert total.value("4.1.1") == D(10 + 90 + 20 + 160 + 40)
    explained = {c.unit: c.value for c in total.totals["4.1.1"].contributions}
    assert explained["SO-OLD"] == D(40) and sum(v for v in explained.values() if v) == total.value("4.1.1")


def test_units_with_errors_can_be_left_out(tree):
    total = consolidate_unit(tree, "TINH", PERIOD, skip_errors=True).consolidation
    assert "SO-ERR" not in {f.unit for f in total.included}
    assert total.value("4.2.1") == D(10 + 90 + 160)


def test_reports_returned_for_correction_are_listed_and_can_be_left_out(tree):
    from egov_xl.archive import overview
    from egov_xl.flows.review_status import standing

    returned = standing(tree, "SO-A", PERIOD).revision
    overview.add_review(tree, returned.id, "returned", "Chỉ tiêu 4.2.2 chưa khớp", "Cán bộ Tỉnh")
    kept = consolidate_unit(tree, "TINH", PERIOD)
    assert kept.returned == ("SO-A",) and kept.left_out == ()
    assert kept.consolidation.value("4.2.1") == D(10 + 90 + 20 + 160)
    left = consolidate_unit(tree, "TINH", PERIOD, skip_errors=True, skip_returned=True)
    assert left.returned == ("SO-A",) and set(left.left_out) == {"SO-A", "SO-ERR"}
    assert {"SO-A", "SO-ERR"}.isdisjoint(f.unit for f in left.consolidation.included)
    assert left.consolidation.value("4.2.1") == D(90 + 160)
    assert left.consolidation.missing == ("SO-MISS",)  # left out is not missing: it is listed as returned


def test_a_child_larger_than_its_parent_in_one_unit_is_pinned_on_that_unit(tree):
    bad = bm7_values(20)
    bad["4.2.2"], bad["4.2.1"], bad["4.2"] = "900", "20", "4500"
    put(tree, "XA-3", bad)  # a second revision: the current one
    result = consolidate_unit(tree, "TINH", PERIOD)
    assert any(f.rule == "hierarchy.exceeds" and f.code == "4.2.2" for f in result.report.findings)
    drill = next(d for d in result.drills if d.code == "4.2.2")
    assert drill.against == "4.2.1" and [b.unit for b in drill.units] == ["XA-3"]
    revision = next(c.revision for c in result.consolidation.totals["4.2.2"].contributions if c.unit == "XA-3")
    assert revision == 2


def test_the_outlier_commune_is_listed_with_the_peer_median(tree):
    result = consolidate_unit(tree, "TINH", PERIOD)
    flagged = [(o.unit, o.code, o.peer_median) for o in result.outliers if o.what == "value"]
    assert ("XA-8", "2", D("83.5")) in flagged  # its peers: the communes of HUYEN


def test_the_consolidated_form_is_clean_where_units_are_clean(tmp_path):
    store = Archive(f"sqlite:///{tmp_path / 'clean.sqlite3'}")
    store.init()
    store.set_unit("TINH", "Tỉnh")
    for i in range(1, 5):
        store.set_unit(f"SO-{i}", f"Sở {i}", "TINH")
        put(store, f"SO-{i}", bm7_values(10 * i))
    result = consolidate_unit(store, "TINH", PERIOD)
    assert result.report is not None
    assert [f.rule for f in result.report.findings if f.severity.value == "error"] == []
    assert not result.drills


def test_the_command_writes_json_and_a_workbook_that_validates_clean(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    store = Archive(url)
    store.init()
    store.set_unit("TINH", "Tỉnh")
    for i in range(1, 4):
        store.set_unit(f"SO-{i}", f"=HYPERLINK(\"http://x\") Sở {i}", "TINH")
        put(store, f"SO-{i}", bm7_values(10 * i))
    out = tmp_path / "tong-hop.xlsx"
    run = subprocess.run([sys.executable, "-m", "egov_xl", "consolidate", "--unit", "TINH", "--period", "Năm 2025",
                          "--url", url, "--format", "json", "-o", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["counted"] == 3 and data["missing"] == [] and data["form"] == "bm7-2025"
    assert next(t for t in data["totals"] if t["code"] == "4.1.1")["value"] == "60"
    check = subprocess.run([sys.executable, "-m", "egov_xl", "validate", str(out), "--format", "json"],
                           capture_output=True, text=True)
    reports = json.loads(check.stdout)["files"]
    assert [r["sheet"] for r in reports] == ["Biểu mẫu 7"]  # the detail sheets hold no form
    errors = [f for r in reports for f in r["findings"] if f["severity"] == "error"]
    assert check.returncode == 0 and errors == [], check.stdout[-2000:]
    from openpyxl import load_workbook

    book = load_workbook(out)
    assert {"Chi tiết tổng hợp", "Thiếu và lỗi"} <= set(book.sheetnames)
    names = [c.value for c in book["Chi tiết tổng hợp"]["B"]]
    assert any(str(n).startswith("=HYPERLINK") for n in names)
    assert all(c.data_type == "s" for c in book["Chi tiết tổng hợp"]["B"] if c.value)


def test_a_total_that_jumped_since_last_year_is_pinned_on_the_units_that_moved(tree):
    last_year = parse_period("Năm 2024")
    put(tree, "SO-A", bm7_values(10, online=9), period=last_year)
    put(tree, "SO-B", bm7_values(10, online=9), period=last_year)  # 4.1.1: 10 then, 90 now
    result = consolidate_unit(tree, "TINH", PERIOD)
    drill = next(d for d in result.drills if d.rule == "prior.change" and d.code == "4.1.1")
    assert [(b.unit, b.gap) for b in drill.units] == [("SO-B", D(80))]  # SO-A did not move


def test_a_coded_row_says_how_many_units_reported_each_status(tree):
    from egov_xl.output.consolidation import note

    bad = bm7_values(10)
    bad["1"] = "0"
    put(tree, "SO-A", bad)  # one unit has not updated its architecture
    result = consolidate_unit(tree, "TINH", PERIOD)
    total = result.consolidation.totals["1"]
    text = note(total, definitions.catalogue("vi"), BM7.by_code["1"])
    assert f"{total.codes[1]}/{total.reported}: Hoàn thành (1)" in text and f"1/{total.reported}: Chưa (0)" in text


def _round_trip_findings(result, tmp_path) -> set:
    """What the consolidated form's check used to be: the template filled with the totals,
    written, read back and validated like a file (the oracle for the Report-based check)."""
    from egov_xl.flows.check import validate_file
    from egov_xl.output.consolidation import filled_book

    path = tmp_path / "round-trip.xlsx"
    book = filled_book(result, definitions.catalogue("vi"), formulas=False)
    del book[book.sheetnames[1]]  # "Hướng dẫn" holds no form
    book.save(path)
    (report,) = validate_file(path, result.edition.id)
    return {(f.rule, f.code, f.severity.value) for f in report.findings}


def test_the_total_is_checked_as_a_report_with_the_findings_of_the_workbook_round_trip(tree, tmp_path):
    bad = bm7_values(20)
    bad["4.2.2"], bad["4.2.1"], bad["4.2"] = "900", "20", "4500"
    put(tree, "XA-3", bad)
    result = consolidate_unit(tree, "TINH", PERIOD)
    found = {(f.rule, f.code, f.severity.value) for f in result.report.findings}
    assert ("hierarchy.exceeds", "4.2.2", "error") in found
    assert found == _round_trip_findings(result, tmp_path)
    assert all(f.cell is None for f in result.report.findings)  # a total has no cell: its origin is the units
