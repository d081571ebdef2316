"""Every inconsistency in the two real forms is found, with its cell; correct fillings are clean."""

from __future__ import annotations

import pytest

from egov_xl.definitions import catalogue
from egov_xl.flows.check import validate_file
from tests.conftest import findings_of

BM7_SEED_FINDINGS = {
    ("required.missing", "1", "D6"),
    ("required.missing", "2", "D7"),
    ("required.missing", "3.1.1", "D10"),
    ("required.missing", "3.1.2", "D11"),
    ("hierarchy.child-blank", "3.2", "D12"),  # 3.2 = 100% while 3.2.2 is blank
    ("required.missing", "3.2.2", "D14"),
    ("value.formula-text", "4.1", "D16"),  # "=100%"
    ("ratio.truncated", "4.2", "D20"),  # 146/148 = 98,6486 → 98,65, printed 98,64
    ("value.formula-text", "4.2", "D20"),
    ("ratio.truncated", "4.3", "D23"),  # 177/391 = 45,2685 → 45,27, printed 45,26
    ("value.formula-text", "4.3", "D23"),
    ("unit.mismatch", "4.3.1", "C24"),  # dossiers labelled "Thủ tục"
    ("coincidence.denominator-sum", "4.3.1", "D24"),  # 391 = 177 + 214
    ("unit.mismatch", "4.3.2", "C25"),
    ("coincidence.equal-count", "4.3.2", "D25"),  # 177 dossiers = 177 procedures
    ("label.drift", "4.4", "B26"),  # a count label on a % row
    ("value.formula-text", "4.4", "D26"),
}

PL7_SEED_FINDINGS = {
    ("required.missing", "1", "D7"),
    ("required.missing", "2.1", "D9"),
    ("required.missing", "2.2", "D10"),
    ("required.missing", "3", "D11"),
    ("value.text-number", "4", "D12"),  # "85,01"
    ("required.missing", "5.1", "D14"),
    ("required.missing", "5.2", "D15"),
    ("header.value", "6", "D16"),  # 63 on a heading row
    ("required.missing", "6.1.1", "D18"),
    ("required.missing", "6.1.2", "D19"),
    ("required.missing", "6.1.3", "D20"),
    ("value.text-number", "6.4", "D29"),
    ("value.text-number", "6.4.1", "D30"),  # "8.334"
    ("value.text-number", "6.4.2", "D31"),
    ("hierarchy.exceeds", "6.5.2", "D33"),  # 6.5.2 = 2 > 6.5.1 = 0; the ratio says 2/25: 6.5.1 is wrong
    ("ratio.zero-denominator", "6.5", "D33"),  # 8% printed over a zero denominator
}


def test_bieu_mau_7_seed_findings(samples):
    assert findings_of(samples["bieu-mau-7-seed.xlsx"]) == BM7_SEED_FINDINGS


def test_phu_luc_vii_seed_findings(samples):
    assert findings_of(samples["phu-luc-vii-seed.xlsx"]) == PL7_SEED_FINDINGS


@pytest.mark.parametrize("name, form", [("bieu-mau-7-seed.xlsx", "bm7-2025"), ("phu-luc-vii-seed.xlsx", "pl7-2022"),
                                         ("bieu-mau-7-dung.xlsx", "bm7-2025"), ("phu-luc-vii-dung.xlsx", "pl7-2022")])
def test_edition_is_recognised(samples, name, form):
    assert [r.form for r in validate_file(samples[name])] == [form]


@pytest.mark.parametrize("name", ["bieu-mau-7-dung.xlsx", "phu-luc-vii-dung.xlsx"])
def test_correct_variants_are_clean(samples, name):
    assert validate_file(samples[name])[0].findings == []


def test_messages_show_numbers_and_cells(samples):
    vi, en = catalogue("vi"), catalogue("en")
    report = validate_file(samples["phu-luc-vii-seed.xlsx"])[0]
    zero = next(f for f in report.findings if f.rule == "ratio.zero-denominator")
    assert vi.message(zero) == "Chỉ tiêu 6.5: mẫu số 6.5.1 bằng 0 nên tỷ lệ phải để trống, nhưng đang ghi 8%."
    assert en.message(zero) == ("Indicator 6.5: the denominator 6.5.1 is zero, so the ratio must be blank, "
                                "but 8% was reported.")
    assert str(zero.cell) == "Phụ lục VII!D33"
    report = validate_file(samples["bieu-mau-7-seed.xlsx"])[0]
    truncated = next(f for f in report.findings if f.rule == "ratio.truncated" and f.code == "4.2")
    assert vi.message(truncated) == ("Chỉ tiêu 4.2: 146/148 = 98,6486%, làm tròn là 98,65% nhưng đang ghi 98,64% "
                                     "(cắt bớt chữ số thay vì làm tròn).")
    assert (truncated.expected, truncated.actual) == ("98,65", "98,64")
    unit = next(f for f in report.findings if f.rule == "unit.mismatch" and f.code == "4.3.1")
    assert vi.message(unit) == 'Chỉ tiêu 4.3.1: đơn vị tính đang ghi "Thủ tục" nhưng theo biểu mẫu là "Hồ sơ".'
