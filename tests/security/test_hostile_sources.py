"""The other kinds of file a clerk sends (.ods, .docx, .xlsb, .xls) pass the same limits guard
before any reader sees them: a 2 KB .ods whose repeated rows and cells expand to 60 million
cells, a Word table whose one cell spans 30 million grid columns, zip bombs, and files over
the size limit each end in one sentence from a process whose memory is capped."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from egov_xl.settings import Limits
from egov_xl.workbook.limits import guard
from tests.fixtures.packages import rewrite_part
from tests.security.test_hostile_workbooks import assert_refused, egov

_ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="Dữ liệu">{rows}</table:table>'
    '</office:spreadsheet></office:body></office:document-content>')
_ODS_MANIFEST = (
    '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')


def ods(path: Path, rows: str, **extra: bytes) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("content.xml", _ODS_CONTENT.format(rows=rows))
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        for name, data in extra.items():
            archive.writestr(name.replace("__", "/"), data)
    return path


def repeated(rows: int, cols: int) -> str:
    return ('<table:table-row><table:table-cell office:value-type="string"><text:p>STT</text:p>'
            '</table:table-cell></table:table-row>'
            f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell '
            f'table:number-columns-repeated="{cols}" office:value-type="float" office:value="1">'
            '<text:p>1</text:p></table:table-cell></table:table-row>')


def test_an_ods_expanding_to_60_million_cells_is_refused(tmp_path):
    path = ods(tmp_path / "lap.ods", repeated(60_000, 1_000))
    assert path.stat().st_size < 2000
    assert_refused(egov("validate", path), path, "vượt giới hạn 20.000.000 ô")


def test_an_ods_with_styled_empty_repeats_is_accepted(tmp_path):
    """LibreOffice writes empty styled cells and rows repeated to the sheet's end: not cells."""
    rows = (repeated(3, 4) + '<table:table-row table:number-rows-repeated="1048570">'
            '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>')
    guard(ods(tmp_path / "trong.ods", rows), Limits())
    with pytest.raises(Exception) as caught:
        guard(ods(tmp_path / "nho.ods", repeated(3, 4)), Limits(max_sheet_cells=15))
    assert getattr(caught.value, "key", "") == "limit_cells"  # 4 rows × 4 columns = 16 > 15


def test_a_word_cell_spanning_30_million_columns_is_refused(tmp_path):
    document = docx.Document()
    document.add_table(rows=1, cols=1).rows[0].cells[0].text = "STT"
    plain = tmp_path / "plain.docx"
    document.save(plain)
    path = rewrite_part(plain, tmp_path / "rong.docx", "word/document.xml", lambda body: body.replace(
        b"<w:tc>", b'<w:tc><w:tcPr><w:gridSpan w:val="30000000"/></w:tcPr>', 1))
    assert_refused(egov("validate", path), path, "Bảng 1")
    guard(plain, Limits())


@pytest.mark.parametrize("suffix", [".ods", ".docx", ".xlsb"])
def test_a_zip_bomb_of_any_zipped_kind_is_refused_by_its_ratio(tmp_path, suffix):
    path = ods(tmp_path / f"bom{suffix}", repeated(1, 1), pad__bin=b"\0" * (64 << 20))
    assert path.stat().st_size < 1 << 20
    assert_refused(egov("validate", path), path, "nén tới")


def test_an_xls_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "cu.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4_000_000)
    assert_refused(egov("validate", path, env={"EGOV_MAX_PART_BYTES": "1000000"}), path, "cu.xls")


def test_a_binary_sheet_cell_at_xfd1048576_is_refused_before_calamine(tmp_path):
    from tests.fixtures.xlsb import sheet_records, write_xlsb

    path = write_xlsb(tmp_path / "xa.xlsb", {"Dữ liệu": sheet_records({(0, 0): "STT", (1048575, 16383): 1})})
    assert path.stat().st_size < 2000
    done = egov("validate", path)
    assert_refused(done, path, "vượt giới hạn 20.000.000 ô")
    assert 'trang tính "Dữ liệu"' in done.stderr and "1.048.576 dòng × 16.384 cột" in done.stderr


def test_a_binary_sheet_whose_dimension_lies_is_bounded_by_its_cells(tmp_path):
    from egov_xl.workbook.xlsb_extents import xlsb_extents
    from tests.fixtures.xlsb import sheet_records, write_xlsb

    cells = {(0, 0): "STT", (9, 4): 2.5, (3, 7): "x"}
    path = write_xlsb(tmp_path / "dim.xlsb", {"Một": sheet_records(cells, dimension=(1048575, 16383)),
                                              "Hai": sheet_records({(199, 2): 1})})
    with zipfile.ZipFile(path) as archive:
        extents = {name: (e.rows, e.cols) for name, e in xlsb_extents(archive)}
    assert extents == {"Một": (10, 8), "Hai": (200, 3)}
    guard(path, Limits(max_sheet_cells=600))  # 200 × 3; the dimension's 17 billion are not believed
    with pytest.raises(Exception) as caught:
        guard(path, Limits(max_sheet_cells=599))
    assert getattr(caught.value, "key", "") == "limit_cells"
