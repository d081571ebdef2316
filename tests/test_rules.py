"""Each rule on a correctly filled form with one thing broken: the rule fires, with its numbers."""

from __future__ import annotations

from dataclasses import replace

import pytest
from openpyxl import load_workbook

from egov_xl.core.findings import Severity
from egov_xl.core.grid import SheetGrid
from egov_xl.core.locate import find_regions
from egov_xl.core.engine import check_form, locate_form
from egov_xl.definitions import catalogue, editions, rulebook
from egov_xl.flows.check import validate_file
from egov_xl.settings import Limits
from tests.fixtures.renditions import BM7_CORRECT, Layout, bm7_correct, corrected, pl7_correct, write_form


def fill(tmp_path, seed, numeric=True, **changes):
    """A correct form with some values changed (keys: codes with '_' for '.')."""
    values = {code.replace("_", "."): value for code, value in changes.items()}
    return write_form(tmp_path / "form.xlsx", corrected(seed, values), Layout(numeric=numeric))


def only(path):
    reports = validate_file(path)
    assert len(reports) == 1
    return reports[0].findings


def rules(path):
    return {(f.rule, f.code) for f in only(path)}


def test_ratio_mismatch_states_expected(tmp_path):
    findings = only(fill(tmp_path, bm7_correct(), **{"4_1": "95"}))
    assert [(f.rule, f.code, f.expected, f.actual) for f in findings] == [("ratio.mismatch", "4.1", "98,33", "95")]
    assert catalogue("vi").message(findings[0]) == (
        "Chỉ tiêu 4.1: tỷ lệ ghi 95% nhưng 4.1.2/4.1.1 = 177/180 = 98,33%.")


def test_ratio_as_percent_formatted_number(tmp_path):
    path = fill(tmp_path, bm7_correct(), numeric=True)
    book = load_workbook(path)
    sheet = book.active
    for row in sheet.iter_rows():
        if row[0].value == "4.1.":
            row[3].value, row[3].number_format = 177 / 180, "0.00%"
        if row[0].value == "4.2":
            row[3].value, row[3].number_format = 0.9864, "0.00%"
    book.save(path)
    assert {(f.rule, f.code) for f in only(path)} == {("ratio.truncated", "4.2")}


def test_zero_denominator_blank_ratio_is_fine(tmp_path):
    path = fill(tmp_path, pl7_correct(), **{"6_5_1": "0", "6_5_2": "0", "6_5": ""})
    assert rules(path) == set()
    path = fill(tmp_path, pl7_correct(), **{"6_5_1": "0", "6_5_2": "0", "6_5": "0"})
    assert rules(path) == {("ratio.zero-denominator", "6.5")}


def test_ratio_without_numerator_is_unchecked(tmp_path):
    assert rules(fill(tmp_path, bm7_correct(), **{"4_2_2": ""})) == {
        ("ratio.unchecked", "4.2"), ("required.missing", "4.2.2")}


def test_child_larger_than_parent(tmp_path):
    found = only(fill(tmp_path, pl7_correct(), **{"6_2_3": "30"}))
    exceeds = [f for f in found if f.rule == "hierarchy.exceeds"]
    assert [(f.code, f.cell.a1, f.expected, f.actual) for f in exceeds] == [("6.2.3", "D25", "≤ 25", "30")]


def test_cross_sum(tmp_path):
    findings = only(fill(tmp_path, pl7_correct(), **{"6_3_1": "60", "6_3_2": "60"}))
    assert [(f.rule, f.code, f.expected, f.actual) for f in findings] == [("hierarchy.sum", "6.3.1", "63", "60")]


def test_percent_between_children(tmp_path):
    findings = only(fill(tmp_path, bm7_correct(), **{"3_2": "99,9"}))
    assert [(f.rule, f.code, f.expected) for f in findings] == [
        ("hierarchy.outside-children", "3.2", "97,8–99,2")]


def test_coded_values(tmp_path):
    assert rules(fill(tmp_path, pl7_correct(), **{"2_1": "3", "1": "2"})) == {
        ("coded.value", "2.1"), ("coded.value", "1")}


def test_value_range_and_integers(tmp_path):
    assert rules(fill(tmp_path, pl7_correct(), **{"3": "120"})) == {("value.range", "3")}
    assert rules(fill(tmp_path, pl7_correct(), **{"6_2_3": "8,5"})) >= {("value.not-integer", "6.2.3")}


def test_bound_and_unreadable(tmp_path):
    assert rules(fill(tmp_path, pl7_correct(), **{"4": "trên 84%"})) == {("value.bound", "4")}
    assert rules(fill(tmp_path, pl7_correct(), **{"4": "chưa có"})) == {("value.unreadable", "4")}


def test_formula_without_cached_value(tmp_path):
    path = fill(tmp_path, bm7_correct(), numeric=True)
    book = load_workbook(path)
    for row in book.active.iter_rows():
        if row[0].value == "4.5":
            row[3].value = "=D29/D28*100"
    book.save(path)  # openpyxl stores no computed result
    kept = validate_file(path, limits=Limits(recalculate=False))[0].findings
    assert {(f.rule, f.code) for f in kept} == {("value.uncomputed", "4.5")}
    assert ("value.recalculated", "4.5") in rules(path)  # LibreOffice computed it (test_recalculated.py)


def test_formula_typed_as_text_is_said_to_be_uncomputed(tmp_path):
    """'=2/25' stored as text (a cell formatted as text before the formula was typed, a file
    written by a program): no number is read, and the sentence names the formula and says how
    to get its result, instead of "cannot be read as a number". It is never evaluated here."""
    path = fill(tmp_path, bm7_correct(), numeric=True)
    book = load_workbook(path)
    for row in book.active.iter_rows():
        if row[0].value == "4.1.1.":
            row[3].value, row[3].data_type = "=2/25", "s"  # text, as Excel keeps it in a text cell
            where = row[3].coordinate
    book.save(path)
    found = [f for f in only(path) if f.code == "4.1.1"]
    assert [(f.rule, f.severity, f.cell.a1) for f in found] == [("value.formula-text-uncomputed", Severity.ERROR, where)]
    text = catalogue("vi").message(found[0])
    assert '"=2/25"' in text and "tính lại" in text and "Excel" in text and "LibreOffice" in text, text


def test_header_value_and_label_drift(tmp_path):
    seed = bm7_correct()
    seed = replace(seed, rows=[replace(r, label="Số thủ tục khác") if r.code == "4.1.2." else r for r in seed.rows])
    path = write_form(tmp_path / "form.xlsx", corrected(seed, {"4": "5"}), Layout(numeric=True))
    found = {(f.rule, f.code): f for f in only(path)}
    assert set(found) == {("header.value", "4"), ("label.drift", "4.1.2")}
    assert found[("label.drift", "4.1.2")].expected == "Số lượng DVCTT toàn trình"


def test_severity_override_from_edition(tmp_path):
    edition = next(e for e in editions() if e.id == "bm7-2025")
    changed = edition.model_copy(update={"severities": {"ratio.truncated": Severity.WARNING}})
    path = fill(tmp_path, bm7_correct(), **{"4_2": "98,64"})
    grid_report = validate_file(path)[0]
    assert [f.severity.value for f in grid_report.findings] == ["info"]
    from egov_xl.workbook import read_workbook

    book = read_workbook(path)
    grid = book.sheets[0]
    form = locate_form(grid, find_regions(grid)[0], (changed,), None)
    assert [f.severity.value for f in check_form(form, rulebook(), str(path)).findings] == ["warning"]


def test_unknown_form_is_inferred_and_checked():
    rows = [
        ["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu"],
        ["1", "Dịch vụ công của huyện", "", ""],
        ["1.1", "Tỷ lệ hồ sơ giải quyết đúng hạn", "%", 90],
        ["1.1.1", "Tổng số hồ sơ đã giải quyết", "Hồ sơ", 200],
        ["1.1.2", "Số hồ sơ giải quyết đúng hạn", "Hồ sơ", 150],
        ["1.2", "Tổng số thủ tục", "%", 40],
        ["1.3", "Trạng thái", "Chưa = 0 Xong = 1", 3],
    ]
    grid = SheetGrid("Khác", rows)
    form = locate_form(grid, find_regions(grid)[0], editions(), None)
    report = check_form(form, rulebook(), "x.xlsx")
    assert report.form is None
    assert {(f.rule, f.code) for f in report.findings} == {
        ("form.unrecognised", None), ("ratio.mismatch", "1.1"), ("label.count-as-percent", "1.2"),
        ("coded.value", "1.3")}
    mismatch = next(f for f in report.findings if f.rule == "ratio.mismatch")
    assert mismatch.expected == "75"


@pytest.mark.parametrize("code", sorted(BM7_CORRECT))
def test_every_required_cell(tmp_path, code):
    spec = next(e for e in editions() if e.id == "bm7-2025").by_code[code.rstrip(".")]
    path = fill(tmp_path, bm7_correct(), **{code.replace(".", "_"): ""})
    found = rules(path)
    assert ("required.missing", spec.code) in found
