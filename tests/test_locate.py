"""The form table is found wherever it stands and however its header and codes are written."""

from __future__ import annotations

from dataclasses import replace

import pytest

from egov_xl.core.grid import SheetGrid
from egov_xl.core.locate import find_regions, find_regions_by_codes
from egov_xl.flows.check import validate_file
from tests.conftest import findings_of
from tests.fixtures.renditions import Layout, bm7_correct, bm7_seed, pl7_correct, write_csv, write_form

LAYOUTS = {
    "offset with title rows": Layout(origin_row=9, origin_col=4, title_gap=3),
    "one-row header": Layout(two_row_header=False),
    "code inside the label": Layout(code_column=False),
    "no note column": Layout(note_column=False),
    "extra column": Layout(extra_column=True),
    "codes with trailing dot": Layout(trailing_dot=True),
    "codes without trailing dot": Layout(trailing_dot=False),
    "no diacritics": Layout(diacritics=False),
    "after other sheets": Layout(other_sheets=2),
}


@pytest.mark.parametrize("name", LAYOUTS)
def test_correct_form_is_clean_in_any_layout(tmp_path, name):
    path = write_form(tmp_path / "form.xlsx", bm7_correct(), replace(LAYOUTS[name], numeric=True))
    reports = validate_file(path)
    assert [r.form for r in reports] == ["bm7-2025"]
    assert reports[0].findings == []


@pytest.mark.parametrize("name", LAYOUTS)
def test_seed_findings_survive_any_layout(tmp_path, samples, name):
    baseline = {(rule, code) for rule, code, _ in findings_of(samples["bieu-mau-7-seed.xlsx"])}
    path = write_form(tmp_path / "form.xlsx", bm7_seed(), LAYOUTS[name])
    found = {(rule, code) for rule, code, _ in findings_of(path)}
    assert found - {("label.drift", "4.4")} >= baseline - {("label.drift", "4.4")}
    assert found <= baseline


def test_table_moves_cells_move(tmp_path):
    path = write_form(tmp_path / "form.xlsx", bm7_seed(), Layout(origin_row=9, origin_col=4, title_gap=3))
    cells = {(rule, code): cell for rule, code, cell in findings_of(path)}
    # 2 title rows from row 9, 3 blank rows, a 2-row header: data starts at row 16, not 6
    assert cells[("ratio.truncated", "4.2")] == "G30"  # D20, 3 columns right and 10 rows down
    assert cells[("unit.mismatch", "4.3.1")] == "F34"


def test_csv_input(tmp_path, samples):
    path = write_csv(tmp_path / "bm7.csv", bm7_seed())
    baseline = {(rule, code) for rule, code, _ in findings_of(samples["bieu-mau-7-seed.xlsx"])}
    assert {(rule, code) for rule, code, _ in findings_of(path)} == baseline


def test_two_forms_in_one_workbook(tmp_path):
    from openpyxl import load_workbook

    first = write_form(tmp_path / "a.xlsx", bm7_correct(), Layout(sheet="BM7", numeric=True))
    second = write_form(tmp_path / "b.xlsx", pl7_correct(), Layout(sheet="PL7", numeric=True))
    book = load_workbook(first)
    other = load_workbook(second)["PL7"]
    target = book.create_sheet("PL7")
    for row in other.iter_rows():
        for cell in row:
            target.cell(cell.row, cell.column, cell.value)
    book.save(tmp_path / "both.xlsx")
    reports = validate_file(tmp_path / "both.xlsx")
    assert [(r.sheet, r.form, r.findings) for r in reports] == [("BM7", "bm7-2025", []), ("PL7", "pl7-2022", [])]


def test_region_by_codes_without_header():
    rows = [["", "", "", ""], ["Bảng số liệu", "", "", ""]]
    rows += [["4.1.", "Tỷ lệ DVCTT toàn trình đủ điều kiện", "%", "50"],
             ["4.1.1.", "Tổng số DVCTT đủ điều kiện lên trực tuyến toàn trình", "Thủ tục", 10],
             ["4.1.2.", "Số lượng DVCTT toàn trình", "Thủ tục", 5]]
    grid = SheetGrid("S", rows)
    assert find_regions(grid) == []
    regions = find_regions_by_codes(grid)
    assert len(regions) == 1
    assert regions[0].columns.value == 3 and regions[0].columns.unit == 2
    assert regions[0].code_rows == (2, 3, 4)


def test_missing_extra_and_out_of_order_rows(tmp_path):
    seed = bm7_correct()
    rows = [r for r in seed.rows if r.code.rstrip(".") != "2"]  # row 2 removed
    extra = replace(rows[-1], code="4.6.", label="Chỉ tiêu thêm của tỉnh", value="5", unit="Thủ tục")
    moved = [r for r in rows if r.code.rstrip(".") == "1"]
    rest = [r for r in rows if r.code.rstrip(".") != "1"]
    seed = replace(seed, rows=rest[:3] + moved + rest[3:] + [extra])
    path = write_form(tmp_path / "form.xlsx", seed, Layout(numeric=True))
    found = {(rule, code) for rule, code, _ in findings_of(path)}
    assert found == {("structure.missing-row", "2"), ("structure.extra-row", "4.6"), ("structure.order", "1")}


def test_duplicate_code(tmp_path):
    seed = bm7_correct()
    dup = next(r for r in seed.rows if r.code == "4.5.1")
    seed = replace(seed, rows=seed.rows + [dup])
    path = write_form(tmp_path / "form.xlsx", seed, Layout(numeric=True))
    assert ("structure.duplicate-code", "4.5.1") in {(r, c) for r, c, _ in findings_of(path)}


def test_named_form_overrides_detection(tmp_path, samples):
    found = findings_of(samples["bieu-mau-7-dung.xlsx"], form="pl7-2022")
    assert ("structure.missing-row", "6.5") in {(r, c) for r, c, _ in found}


def test_a_numbered_list_beside_a_form_is_not_a_form(tmp_path):
    from openpyxl import load_workbook

    path = write_form(tmp_path / "form.xlsx", bm7_correct(), Layout(numeric=True))
    book = load_workbook(path)
    notes = book.create_sheet("Ghi chú")
    for step in ("1.", "2.", "3.", "4."):
        notes.append([step, "Việc cần làm trước khi gửi báo cáo"])
    book.save(path)
    assert [r.sheet for r in validate_file(path)] == ["Biểu mẫu"]


def test_two_units_side_by_side_on_one_sheet(tmp_path):
    from openpyxl import load_workbook

    left = write_form(tmp_path / "a.xlsx", bm7_correct(), Layout(sheet="Hai đơn vị", numeric=True))
    right = write_form(tmp_path / "b.xlsx", bm7_seed(), Layout(sheet="Hai đơn vị", origin_col=8))
    book = load_workbook(left)
    sheet, other = book.active, load_workbook(right).active
    for row in other.iter_rows(min_col=8):
        for cell in row:
            target = sheet.cell(cell.row, cell.column, cell.value)
            target.number_format, target.data_type = cell.number_format, cell.data_type  # "=98,64%" stays text
    book.save(tmp_path / "both.xlsx")
    reports = validate_file(tmp_path / "both.xlsx")
    assert [(r.form, len(r.findings) == 0) for r in reports] == [("bm7-2025", True), ("bm7-2025", False)]
    cells = {(f.rule, f.code): f.cell.a1 for f in reports[1].findings}
    assert cells[("ratio.truncated", "4.2")] == "K20"  # the seed's D20, seven columns right
