"""Only rows a form table can use are kept; what is found is what a full read finds."""

from __future__ import annotations

import pytest
import python_calamine
from openpyxl import Workbook, load_workbook

from egov_xl.core.grid import SheetGrid, WorkbookGrid
from egov_xl.flows.check import check_workbook
from egov_xl.workbook import load_details, read_workbook
from tests.fixtures import renditions


def full_read(path) -> WorkbookGrid:
    """Every row of every sheet, as calamine materialises it."""
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        return WorkbookGrid(str(path), [SheetGrid(name, book.get_sheet_by_name(name).to_python(skip_empty_area=False))
                                        for name in book.sheet_names])
    finally:
        book.close()


def findings(workbook: WorkbookGrid, path) -> list:
    checked = check_workbook(workbook, None, lambda regions: load_details(path, workbook, regions))
    return [(c.report.sheet, c.report.form, c.report.findings) for c in checked]


def test_rows_start_at_a1_like_a_full_read(tmp_path):
    book = Workbook()
    book.active["C3"], book.active["D5"] = "x", 2
    book.create_sheet("b")["B4"] = "z"
    book.create_sheet("trống")
    path = tmp_path / "offset.xlsx"
    book.save(path)
    assert [s.values for s in read_workbook(path).sheets] == [s.values for s in full_read(path).sheets]


def test_form_below_and_beside_large_data_sheets(tmp_path):
    path = tmp_path / "lon.xlsx"
    renditions.write_form(path, renditions.bm7_seed(), renditions.Layout(origin_row=3001, origin_col=3))
    book = load_workbook(path)
    form = book.active
    for row in range(1, 3000):
        form.cell(row, 1, f"{row:05d}/03/2025")
        form.cell(row, 2, row % 90)
    data = book.create_sheet("Dữ liệu", 0)
    for row in range(1, 5001):
        data.append([f"TTHC-{row}", row % 90, "đã giải quyết"])
    book.save(path)

    kept = read_workbook(path)
    assert findings(kept, path) == findings(full_read(path), path)
    assert findings(kept, path)[0][2], "the seed has findings"
    data_rows = kept.sheets[0].values
    assert len(data_rows) == 5000 and data_rows[1999] and data_rows[2500] == ()
    assert kept.sheets[1].values[2500] == ()  # data above the form, past the first rows


def test_a_sheet_converted_at_once_or_row_by_row_gives_the_same_rows(tmp_path, monkeypatch):
    """calamine_book converts a sheet in one call (to_python) up to WHOLE_SHEET_CELLS cells, row
    by row (iter_rows, its columns before the first used one padded) above: the same rows kept,
    the same rows under a header, a form beside data starting past A1 included."""
    from egov_xl.settings import Limits
    from egov_xl.sources import calamine_book

    path = tmp_path / "lech.xlsx"
    renditions.write_form(path, renditions.bm7_seed(), renditions.Layout(origin_row=2600, origin_col=4))
    book = load_workbook(path)
    for row in range(3, 2590):
        book.active.cell(row, 3, f"{row:05d}/03/2025")
    book.create_sheet("b")["C3"] = "z"
    book.save(path)
    read = lambda: [(grid.values, grid.near) for grid in calamine_book.read(path, Limits()).sheets]  # noqa: E731
    monkeypatch.setattr(calamine_book, "WHOLE_SHEET_CELLS", 10 ** 9)
    at_once = read()
    monkeypatch.setattr(calamine_book, "WHOLE_SHEET_CELLS", 0)
    assert read() == at_once
    assert any(at_once[0][1]) and at_once[0][0][2][2] == "00003/03/2025" and at_once[1][0][2] == ["", "", "z"]


def test_the_details_read_with_the_values_are_those_of_a_second_trip(tmp_path):
    """The reader reads the formats and formulas of the rows under a header in the same trip
    (workbook/read.py `_near_details`); they are those the located rows' own read gives."""
    from egov_xl.core.locate import find_regions
    from egov_xl.workbook.read import start_reading

    path = tmp_path / "chi-tiet.xlsx"
    renditions.write_form(path, renditions.bm7_seed(), renditions.Layout(origin_row=2501))
    book = load_workbook(path)
    form = book.active
    for row in range(1, 2400):
        form.cell(row, 1, row % 90)
    form.row_dimensions[2520].hidden = True
    form.cell(2530, 4).number_format = "0.00%"
    form.cell(2531, 4, "=D2530*2")
    book.save(path)

    one_trip, near = start_reading(path)()
    two_trips = read_workbook(path)
    regions = [region for grid in one_trip.sheets for region in find_regions(grid)]
    assert regions and near is not None
    assert all(set(r.code_rows) <= near[0][r.sheet] for r in regions), "every located row came with the values"
    load_details(path, one_trip, regions, near=near)
    load_details(path, two_trips, regions)
    assert one_trip == two_trips
    grid = one_trip.sheets[0]
    assert grid.hidden_rows and grid.formats and grid.formulas


def _with_data_sheet(path, layout) -> None:
    """A form, with 3,000 rows of data above it, beside a 5,000-row data sheet."""
    book = load_workbook(path)
    form = book.active
    for row in range(1, 3000):
        form.cell(row, 1, f"{row:05d}/03/2025")
        form.cell(row, 2, f"Chỉ {row % 90}" if row % 7 else "tiêu")  # half a header hint, never a whole one
    data = book.create_sheet("Dữ liệu", 0)
    for row in range(1, 5001):
        data.append([f"TTHC-{row}", row % 90, "đã giải quyết", "II" if row % 500 == 0 else None])
    book.save(path)


@pytest.mark.parametrize("layout, legacy", [
    (renditions.Layout(origin_row=3001, origin_col=3), None),
    (renditions.Layout(origin_row=3001, code_column=False, diacritics=False, title_gap=4), None),
    (renditions.Layout(origin_row=3001), "TCVN3"),
    (renditions.Layout(origin_row=3001), "VNI"),
])
def test_the_rows_under_a_header_found_in_the_reader_s_pass_are_those_of_the_rows_it_kept(tmp_path, layout, legacy):
    """The reader finds the rows that may be table rows under a header in its one pass over the
    rows (calamine_book.scan); they are what core.row_hints.table_rows finds in the rows it
    keeps, and for text typed with a legacy font, in the converted text."""
    from egov_xl.core.legacy_text import Legacy
    from egov_xl.core.row_hints import table_rows
    from egov_xl.settings import Limits
    from egov_xl.sources import read_sheets
    from egov_xl.workbook.read import stream_sheets
    from tests.test_legacy_text import legacy_seed

    seed = renditions.bm7_seed() if legacy is None else legacy_seed(renditions.bm7_seed(), Legacy(legacy))
    path = renditions.write_form(tmp_path / "hang.xlsx", seed, layout)
    _with_data_sheet(path, layout)

    grids = [grid for _, grid in read_sheets(path, Limits())]
    found = [grid.near for grid in grids]
    assert [bool(rows) for rows in found] == [False, True] if legacy is None else found == [set(), None]
    for grid, rows in zip(grids, found):
        assert rows is None or rows == table_rows(grid.values)
    sent = [part[1:] for part in sorted(stream_sheets(path, Limits()), key=lambda part: part[0])]
    assert [rows for _, rows, _ in sent] == [table_rows(grid.values) for grid in grids]
    assert all(grid.near is None for grid, _, _ in sent)  # sent once, beside the grid
    assert all(sent[1][1] >= set(region_rows) for region_rows in _located(sent[1][0]))


def _located(grid) -> list:
    from egov_xl.core.locate import find_regions

    regions = find_regions(grid)
    assert regions
    return [region.code_rows for region in regions]
