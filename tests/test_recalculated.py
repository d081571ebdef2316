"""Formulas saved without results (a file written by openpyxl): checked on the results
LibreOffice computes for a temporary copy, with an info finding; the input is not touched."""

from __future__ import annotations

import hashlib

from openpyxl import load_workbook

from egov_xl import definitions
from egov_xl.core.spec import Kind
from egov_xl.flows.check import check_file, validate_file
from egov_xl.settings import Limits
from egov_xl.template.build import row_of
from egov_xl.template.fill import fill_template, save_filled
from tests.test_templates import need_libreoffice

BM7 = next(e for e in definitions.editions() if e.id == "bm7-2025")
RATIOS = {spec.code for spec in BM7.rows if spec.kind is Kind.RATIO}


def _written_by_openpyxl(samples, tmp_path):
    """The bm7-2025 template filled with correct values by openpyxl: ratio formulas, no results."""
    result = fill_template(check_file(samples["bieu-mau-7-dung.xlsx"])[0].form)
    return save_filled(result, tmp_path / "filled.xlsx")


def _found(path, limits=None):
    reports = validate_file(path, limits=limits)
    assert len(reports) == 1
    return {(f.rule, f.code, f.severity.value) for f in reports[0].findings}


def test_without_recalculation_every_ratio_is_uncomputed(samples, tmp_path):
    path = _written_by_openpyxl(samples, tmp_path)
    found = _found(path, Limits(recalculate=False))
    assert found == {("value.uncomputed", code, "warning") for code in RATIOS}


def test_recalculated_ratios_are_checked_with_an_info_finding(samples, tmp_path):
    need_libreoffice()
    path = _written_by_openpyxl(samples, tmp_path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    found = _found(path)
    computed = {code for rule, code, _ in found if rule == "value.recalculated"}
    assert computed == RATIOS
    assert found == {("value.recalculated", code, "info") for code in computed}
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # the input is never written
    checked = check_file(path)[0].form.report
    assert checked.values["4.1"].reading.number is not None  # 177/180 → 98,33
    assert str(checked.values["4.1"].reading.number) == "98.33"


def test_a_wrong_ratio_formula_is_still_found(samples, tmp_path):
    need_libreoffice()
    path = _written_by_openpyxl(samples, tmp_path)
    rows, spec = row_of(BM7), BM7.by_code["4.1"]
    book = load_workbook(path)  # 3 points too many: a ratio a hand-made formula got wrong
    book.active.cell(rows["4.1"], 4).value = f"=ROUND(D{rows[spec.numerator]}/D{rows[spec.denominator]}*100+3,2)"
    book.save(path)
    found = _found(path)
    assert ("ratio.mismatch", "4.1", "error") in found
    assert ("value.recalculated", "4.1", "info") in found
    assert not any(rule == "value.uncomputed" for rule, _, _ in found)


def _fill_and_annotate(source, tmp_path):
    from typer.testing import CliRunner

    from egov_xl.cli import app

    runner = CliRunner()
    filled, copy = tmp_path / f"{source.stem}.filled.xlsx", tmp_path / f"{source.stem}.copy.xlsx"
    assert runner.invoke(app, ["templates", "fill", str(source), "-o", str(filled)]).exit_code == 0  # recalculates
    assert runner.invoke(app, ["validate", str(filled), "--annotate", str(copy)]).exit_code in (0, 1)
    return filled, copy


def test_computed_values_survive_in_the_annotated_copy(samples, tmp_path):
    need_libreoffice()
    for name in ("bieu-mau-7-seed.xlsx", "phu-luc-vii-seed.xlsx"):  # the latter: a ratio over 0 is ""
        filled, copy = _fill_and_annotate(samples[name], tmp_path)
        off = Limits(recalculate=False)  # the copy's own saved results, nothing recalculated
        assert not any(rule == "value.uncomputed" for rule, _, _ in _found(filled, off))
        assert _found(copy, off) == _found(filled, off)
        assert _found(copy) == _found(filled)
        formulas = load_workbook(copy).active
        assert any(isinstance(c.value, str) and c.value.startswith("=IF(") for row in formulas for c in row)
