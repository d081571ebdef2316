"""Templates generated from the form definitions: fresh, well formed, recalculated by
LibreOffice as a person's spreadsheet program would, and round-tripping through the engine."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from egov_xl import definitions
from egov_xl.cli import app
from egov_xl.core.spec import Kind
from egov_xl.template.build import (FIRST_ROW, FORM_NAME, PERIOD_NAME, UNIT_NAME, YEAR_NAME, row_of, value_name, write_templates)
from egov_xl.template.fill import fill_template, save_filled
from egov_xl.template.recalc import recalculate, render_pdf, soffice
from egov_xl.flows.check import check_file, validate_file
from tests.conftest import findings_of

COMMITTED = Path(__file__).resolve().parents[1] / "workbook_templates"
EDITIONS = {e.id: e for e in definitions.editions()}


def need_libreoffice():
    if soffice() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice is required under CI=true (scripts/system-packages installs it)")
        pytest.skip("LibreOffice not installed")


def test_committed_templates_are_the_generated_ones(tmp_path):
    written = write_templates(definitions.editions(), tmp_path)
    assert sorted(p.name for p in COMMITTED.glob("*.xlsx")) == sorted(p.name for p in written)
    for fresh in written:
        with zipfile.ZipFile(fresh) as new, zipfile.ZipFile(COMMITTED / fresh.name) as old:
            parts = [n for n in new.namelist() if n != "docProps/core.xml"]  # holds the save time
            assert parts == [n for n in old.namelist() if n != "docProps/core.xml"]
            stale = [n for n in parts if new.read(n) != old.read(n)]
            assert not stale, f"{fresh.name} is stale ({stale}): run egov-xl templates build"


@pytest.mark.parametrize("form_id", sorted(EDITIONS))
def test_template_structure(form_id):
    edition = EDITIONS[form_id]
    book = load_workbook(COMMITTED / f"{form_id}.xlsx")
    sheet = book[edition.short_title]
    names = book.defined_names
    for name in (UNIT_NAME, PERIOD_NAME, YEAR_NAME, FORM_NAME):
        assert name in names
    assert sheet["H4"].value == form_id
    rows = row_of(edition)
    for spec in edition.rows:
        row = rows[spec.code]
        assert sheet.cell(row, 1).value == spec.code
        assert sheet.cell(row, 2).alignment.indent == spec.code.count(".") * 2
        value = sheet.cell(row, 4)
        if spec.kind is Kind.HEADER:
            assert value_name(edition, spec.code) not in names
            assert sheet.cell(row, 2).font.bold and value.fill.start_color.rgb.endswith("D9D9D9")
            continue
        target = names[value_name(edition, spec.code)].attr_text
        assert target == f"'{sheet.title}'!$D${row}"
        if spec.kind is Kind.RATIO:
            assert value.value == (f'=IF(N(D{rows[spec.denominator]})=0,"",'
                                   f'ROUND(D{rows[spec.numerator]}/D{rows[spec.denominator]}*100,2))')
            assert value.protection.locked
        else:
            assert not value.protection.locked and value.fill.start_color.rgb.endswith("FFF2CC")
    lists = {dv.formula1: str(dv.sqref) for dv in sheet.data_validations.dataValidation if dv.type == "list"}
    for spec in edition.rows:
        if spec.kind is Kind.CODED:
            allowed = '"' + ",".join(str(v) for v in spec.values) + '"'
            assert f"D{rows[spec.code]}" in lists[allowed].split()
    assert any("Quý I" in formula for formula in lists)
    assert [sheet.cell(8, c).value for c in (6, 7, 8)] == ["Kỳ trước", "Chênh lệch", "%"]
    assert int(sheet.page_setup.paperSize) == 9 and sheet.page_setup.fitToWidth == 1  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.protection.sheet
    assert "Hướng dẫn" in book.sheetnames
    assert FIRST_ROW == 10


def test_empty_template_is_recognised():
    for form_id in EDITIONS:
        assert [r.form for r in validate_file(COMMITTED / f"{form_id}.xlsx")] == [form_id]


def _filled(sample: Path, tmp_path: Path) -> tuple[Path, list]:
    result = fill_template(check_file(sample)[0].form)
    filled = save_filled(result, tmp_path / f"{sample.stem}.filled.xlsx")
    return recalculate(filled, tmp_path / f"{sample.stem}.recalc.xlsx"), result.unplaced


def test_libreoffice_computes_the_ratio_formulas(samples, tmp_path):
    need_libreoffice()
    recalculated, _ = _filled(samples["bieu-mau-7-dung.xlsx"], tmp_path)
    sheet = load_workbook(recalculated, data_only=True).active
    rows = row_of(EDITIONS["bm7-2025"])
    assert sheet.cell(rows["4.1"], 4).value == pytest.approx(98.33)  # 177/180 = 98,333…
    assert sheet.cell(rows["4.2"], 4).value == pytest.approx(98.65)  # 146/148 = 98,6486… half up
    assert sheet.cell(rows["4.3"], 4).value == pytest.approx(45.39)
    assert sheet.cell(rows["4.5"], 4).value == pytest.approx(100)
    seed_filled, _ = _filled(samples["phu-luc-vii-seed.xlsx"], tmp_path)
    sheet = load_workbook(seed_filled, data_only=True).active
    rows = row_of(EDITIONS["pl7-2022"])
    assert sheet.cell(rows["6.5"], 4).value in (None, "")  # 6.5.1 = 0: blank, not 8 %
    assert sheet.cell(rows["6.4"], 4).value == pytest.approx(59.26)  # 4939/8334


@pytest.mark.parametrize("name", ["bieu-mau-7-dung.xlsx", "phu-luc-vii-dung.xlsx"])
def test_correct_values_in_a_template_are_clean(samples, tmp_path, name):
    need_libreoffice()
    recalculated, unplaced = _filled(samples[name], tmp_path)
    assert unplaced == []
    assert validate_file(recalculated)[0].findings == []


# what a template fixes by construction: its own units and labels, numbers typed as numbers,
# ratios computed by formula, headings without an input cell
FIXED_BY_TEMPLATE = {"unit.mismatch", "label.drift", "value.text-number", "value.formula-text",
                     "ratio.truncated", "ratio.mismatch", "ratio.zero-denominator", "header.value"}


@pytest.mark.parametrize("name", ["bieu-mau-7-seed.xlsx", "phu-luc-vii-seed.xlsx"])
def test_seed_values_in_a_template_reproduce_the_seed_findings(samples, tmp_path, name):
    need_libreoffice()
    seed = {(rule, code) for rule, code, _ in findings_of(samples[name])}
    recalculated, unplaced = _filled(samples[name], tmp_path)
    filled = {(rule, code) for rule, code, _ in findings_of(recalculated)}
    assert filled == {f for f in seed if f[0] not in FIXED_BY_TEMPLATE}
    reported = {(u.reason, u.code) for u in unplaced}
    for rule, code in seed:
        if rule.startswith("ratio.") and rule != "ratio.truncated" or rule == "header.value":
            assert any(c == code for _, c in reported), (rule, code)
    if name.startswith("bieu"):
        assert {("ratio", "4.2"), ("ratio", "4.3")} <= reported  # truncated in the source


def test_render_to_pdf_and_png(tmp_path):
    need_libreoffice()
    if shutil.which("pdftoppm") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftoppm (poppler-utils) is required under CI=true")
        pytest.skip("pdftoppm not installed")
    pdf = render_pdf(COMMITTED / "bm7-2025.xlsx", tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True)
    page = next(tmp_path.glob("page*.png"))
    assert page.stat().st_size > 10_000


def test_templates_cli(samples, tmp_path):
    runner = CliRunner()
    built = runner.invoke(app, ["templates", "build", "-o", str(tmp_path / "t")])
    assert built.exit_code == 0 and "bm7-2025.xlsx" in built.output
    target = tmp_path / "filled.xlsx"
    filled = runner.invoke(app, ["templates", "fill", str(samples["phu-luc-vii-seed.xlsx"]), "-o", str(target),
                                 "--no-recalc"], env={"COLUMNS": "200"})
    assert filled.exit_code == 0
    assert "Không chuyển dòng 6 (Cung cấp dịch vụ công trực tuyến)" in filled.output
    assert "tệp nguồn ghi 8, công thức tính ra để trống" in filled.output
    assert load_workbook(target).active.cell(row_of(EDITIONS["pl7-2022"])["6.4.1"], 4).value == 8334
    same = runner.invoke(app, ["templates", "fill", str(target), "-o", str(target)])
    assert same.exit_code == 2
