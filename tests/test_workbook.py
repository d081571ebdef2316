"""Reading files: values from calamine, formats and formulas for the located rows only."""

from __future__ import annotations

from decimal import Decimal

from openpyxl import load_workbook

from egov_xl.core.locate import find_regions, read_table
from egov_xl.workbook import load_details, read_workbook
from egov_xl.workbook import xlsx_details
from tests.fixtures.renditions import Layout, bm7_correct, write_form


def _percent_form(tmp_path):
    path = write_form(tmp_path / "f.xlsx", bm7_correct(), Layout(numeric=True))
    book = load_workbook(path)
    sheet = book.active
    sheet["D16"].value, sheet["D16"].number_format = 177 / 180, "0.00%"
    sheet["D29"].value = "=D31/D30"
    book.save(path)
    return path


def _rows(path):
    book = read_workbook(path)
    grid = book.sheets[0]
    regions = find_regions(grid)
    load_details(path, book, regions)
    return {row.code: row for row in read_table(grid, regions[0]).rows}


def test_formats_and_formulas_of_located_rows(tmp_path):
    rows = _rows(_percent_form(tmp_path))
    assert rows["4.1"].value.percent and rows["4.1"].value.decimals == 2
    assert rows["4.1"].value.number.quantize(Decimal("0.01")) == Decimal("98.33")
    assert rows["4.5"].value.raw == "=D31/D30"


def test_streaming_path_for_large_sheet_parts(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_details, "_WHOLE_PART_LIMIT", 0)
    rows = _rows(_percent_form(tmp_path))
    assert rows["4.1"].value.percent and rows["4.1"].value.decimals == 2
    assert rows["4.5"].value.raw == "=D31/D30"
