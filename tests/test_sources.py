"""Every kind of file a clerk sends gives the same findings as the .xlsx rendition."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from egov_xl.definitions import catalogue
from egov_xl.flows.check import validate_file
from egov_xl.workbook import ReadError
from tests.conftest import findings_of
from tests.fixtures import formats
from tests.fixtures.renditions import bm7_seed, pl7_seed
from tests.test_seeds import BM7_SEED_FINDINGS, PL7_SEED_FINDINGS

SEEDS = {"bieu-mau-7-seed": BM7_SEED_FINDINGS, "phu-luc-vii-seed": PL7_SEED_FINDINGS}
CORRECT = ("bieu-mau-7-dung", "phu-luc-vii-dung")
TEXT_ONLY_NOISE = {"value.text-number"}  # "type it as a number" cannot apply to CSV or Word text


@pytest.fixture(scope="module")
def converted(samples, tmp_path_factory):
    """The four renditions saved as .xls and .ods by LibreOffice."""
    out = tmp_path_factory.mktemp("converted")
    sources = [samples[f"{name}.xlsx"] for name in (*SEEDS, *CORRECT)]
    return {kind: {p.stem: p for p in formats.soffice_convert(sources, kind, out / kind)} for kind in ("xls", "ods")}


@pytest.mark.parametrize("kind", ["xls", "ods"])
@pytest.mark.parametrize("name", list(SEEDS))
def test_seed_findings_on_legacy_and_open_formats(converted, kind, name):
    assert findings_of(converted[kind][name]) == SEEDS[name]


@pytest.mark.parametrize("kind", ["xls", "ods"])
@pytest.mark.parametrize("name", CORRECT)
def test_correct_fillings_stay_clean(converted, kind, name):
    assert validate_file(converted[kind][name])[0].findings == []


@pytest.mark.parametrize("seed, expected", [(bm7_seed, BM7_SEED_FINDINGS), (pl7_seed, PL7_SEED_FINDINGS)])
def test_word_table_gives_the_seed_findings(tmp_path, seed, expected):
    path = formats.write_docx(tmp_path / "phu-luc.docx", seed())
    reports = validate_file(path)
    assert [r.sheet for r in reports] == ["Bảng 1"]
    found = {(f.rule, f.code) for f in reports[0].findings}
    assert found == {(rule, code) for rule, code, _ in expected if rule not in TEXT_ONLY_NOISE}


def test_word_table_cells_are_table_positions(tmp_path):
    path = formats.write_docx(tmp_path / "bm7.docx", bm7_seed())
    report = validate_file(path)[0]
    truncated = next(f for f in report.findings if f.rule == "ratio.truncated" and f.code == "4.2")
    # two header rows, then the seed rows without its blank spacer: 4.2 is the 16th row of the table
    assert str(truncated.cell) == "Bảng 1!D16"


@pytest.mark.parametrize("name", ["bao-cao.doc", "bao-cao.pdf", "bao-cao.txt"])
def test_other_formats_get_one_sentence(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"\xd0\xcf\x11\xe0 not readable here")
    with pytest.raises(ReadError) as caught:
        validate_file(path)
    sentence = catalogue("vi").text(caught.value.key, **caught.value.params)
    assert sentence.startswith(f'Tệp "{path}" không đọc được')
    assert ".xls" in sentence and ".docx" in sentence and "Lưu thành" in sentence


def test_damaged_word_file_is_one_sentence(tmp_path):
    path = tmp_path / "hong.docx"
    path.write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(ReadError) as caught:
        validate_file(path)
    assert caught.value.key == "file_unreadable"


def test_hidden_extra_row_is_named_hidden(tmp_path, samples):
    book = load_workbook(samples["bieu-mau-7-dung.xlsx"])
    sheet = book.active
    sheet.insert_rows(17)
    sheet["A17"], sheet["B17"], sheet["C17"], sheet["D17"] = "4.1.3", "Số DVCTT cũ", "Thủ tục", 5
    sheet.row_dimensions[17].hidden = True
    path = tmp_path / "an-dong.xlsx"
    book.save(path)
    assert ("structure.extra-hidden-row", "4.1.3", "B17") in findings_of(path)
    assert not any(rule == "structure.extra-row" for rule, _, _ in findings_of(path))


BIG_COUNTS = {"4.4": "84,58", "4.4.1": "12.530", "4.4.2": "10.598"}  # 10 598 / 12 530 = 84,58 %


def _locale_rows(locale: str) -> list[list[str]]:
    """The correct Biểu mẫu 7 with large counts, each value as that locale's Excel writes it."""
    from tests.fixtures.renditions import BM7_CORRECT, BM7_CORRECT_LABELS, BM7_CORRECT_UNITS, bm7_correct, corrected

    seed = corrected(bm7_correct(), {**BM7_CORRECT, **BIG_COUNTS}, BM7_CORRECT_UNITS, BM7_CORRECT_LABELS)
    swap = str.maketrans({".": ",", ",": "."}) if locale == "en-US" else None
    return [[r.code, r.label, r.unit, r.value.translate(swap) if swap else r.value, r.note]
            for r in seed.rows if r.code]


@pytest.mark.parametrize("locale", ["en-US", "vi-VN"])
def test_csv_as_each_locale_writes_it_is_clean(tmp_path, locale):
    header = ["STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số liệu", "Ghi chú"]
    path = formats.write_locale_csv(tmp_path / f"bm7-{locale}.csv", header, _locale_rows(locale), locale)
    assert ("12,530" if locale == "en-US" else "12.530") in path.read_text(encoding="utf-8-sig")
    report = validate_file(path)[0]
    assert report.findings == []


def test_thousands_comma_in_a_count_without_other_evidence_shows_both_readings(tmp_path, samples):
    book = load_workbook(samples["bieu-mau-7-dung.xlsx"])
    sheet = book.active
    for row in range(1, sheet.max_row + 1):  # every value a number: no text shows a separator
        if sheet.cell(row, 1).value == "4.4.1":
            sheet.cell(row, 4).value = "12,530"
            sheet.cell(row, 4).data_type = "s"
        elif sheet.cell(row, 1).value == "4.4.2":
            sheet.cell(row, 4).value = 10598
    path = tmp_path / "hang-nghin.xlsx"
    book.save(path)
    report = validate_file(path)[0]
    rules = {(f.rule, f.code) for f in report.findings if f.severity.value != "info"}
    assert rules == {("value.thousands-ambiguous", "4.4.1")}
    finding = next(f for f in report.findings if f.rule == "value.thousands-ambiguous")
    message = catalogue("vi").message(finding)
    assert "12530 (dấu phẩy ngăn cách hàng nghìn) hoặc 12,53 (dấu phẩy là dấu thập phân)" in message
    assert "hãy ghi 12530" in message and "không phải số nguyên" not in message


def test_district_row_under_a_commune_code_is_not_checked_as_the_commune_row(tmp_path, samples):
    book = load_workbook(samples["bieu-mau-7-dung.xlsx"])
    sheet = book.active
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "3.1.2.")
    sheet.cell(row, 2).value = sheet.cell(row, 2).value.replace("cấp xã", "cấp huyện")
    path = tmp_path / "cap-huyen.xlsx"
    book.save(path)
    report = validate_file(path)[0]
    assert {(f.rule, f.code) for f in report.findings} == {("structure.meaning-mismatch", "3.1.2")}
    message = catalogue("vi").message(report.findings[0])
    assert "cấp huyện" in message and "cấp xã" in message
