"""The annotated copy is built by openpyxl, which holds every cell in memory (a 300,000-row data
sheet beside a form took 820 MB): a workbook whose sheets unzip past `max_annotate_bytes` is
still checked in full, and gets one sentence instead of a copy — on the command line and in
the web console's upload alike."""

from __future__ import annotations

import zipfile
from pathlib import Path

from egov_xl import definitions
from egov_xl.flows.check import validate_file
from egov_xl.output.annotate import annotate
from egov_xl.settings import Limits
from egov_xl.workbook import ReadError


def _with_big_sheet(target: Path, rows: int) -> Path:
    """A workbook with a data sheet of `rows` × 4 numbers."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Dữ liệu")
    for r in range(rows):
        sheet.append([r, r * 2, r * 3, r * 4])
    book.save(target)
    return target


def test_a_workbook_too_large_for_a_copy_is_checked_and_told_so(samples, tmp_path):
    source = samples["bieu-mau-7-seed.xlsx"]
    reports = validate_file(source)
    catalogue = definitions.catalogue("vi")
    small = Limits(max_annotate_bytes=4 * 1024)  # the form's sheet unzips to about 10 KB
    try:
        annotate(source, tmp_path / "copy.xlsx", reports, catalogue, small)
    except ReadError as exc:
        sentence = catalogue.text(exc.key, **exc.params)
    else:
        raise AssertionError("the copy was made above the limit")
    assert "bản sao có đánh dấu" in sentence and "bieu-mau-7-seed.xlsx" in sentence
    assert not (tmp_path / "copy.xlsx").exists()
    assert annotate(source, tmp_path / "ok.xlsx", reports, catalogue).exists()  # the default leaves a form alone


def test_the_sheets_are_measured_unzipped(tmp_path):
    from egov_xl.workbook.limits import check_annotatable

    big = _with_big_sheet(tmp_path / "big.xlsx", 40_000)
    with zipfile.ZipFile(big) as book:
        unzipped = sum(i.file_size for i in book.infolist() if i.filename.startswith("xl/worksheets/"))
    assert unzipped > 2 * 1024 * 1024 > big.stat().st_size  # what openpyxl would hold, not the zip
    check_annotatable(big, Limits(max_annotate_bytes=unzipped + 1))
    try:
        check_annotatable(big, Limits(max_annotate_bytes=2 * 1024 * 1024))
    except ReadError as exc:
        assert exc.key == "limit_annotate"
    else:
        raise AssertionError("the sheets passed a limit below their size")
