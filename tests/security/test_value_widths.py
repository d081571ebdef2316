"""A value wider than the archive's column: a figure of 300 digits (1E+300 as Excel stores it, or
typed as text), a unit of measure of 200 characters, archived with a reason.

Before: PostgreSQL refused the revision with its own English reason ("value too long for type
character varying(40)"), naming no cell; SQLite kept it (a million digits too), and pages that
charted or consolidated it failed. Now both refuse it alike, with a sentence naming the
indicator, and store nothing."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from egov_xl.archive.db import ArchiveError
from egov_xl.archive.store import Archive
from egov_xl.core.periods import parse_period
from egov_xl.definitions import catalogue
from egov_xl.flows.archive import put_file


@pytest.mark.parametrize(("cell", "text", "key", "said"), [
    ("D10", "9" * 300, "archive_number_too_long", "Chỉ tiêu 3.1.1: số liệu dài 300 ký tự, quá 40 ký tự"),
    ("D10", 1e300, "archive_number_too_long", "Chỉ tiêu 3.1.1: số liệu dài 301 ký tự"),
    ("C10", "%" + " phần trăm" * 20, "archive_unit_text_too_long", "Chỉ tiêu 3.1.1: đơn vị tính dài 201 ký tự"),
])
def test_a_value_wider_than_its_column_is_refused_alike(archive_url, samples, tmp_path, cell, text, key, said):
    book = load_workbook(samples["bieu-mau-7-dung.xlsx"])
    book.active[cell] = text
    wide = tmp_path / "rong.xlsx"
    book.save(wide)
    store = Archive(archive_url)
    store.init()
    store.set_unit("SO-A", "Sở A")
    with pytest.raises(ArchiveError) as refused:
        put_file(store, wide, "SO-A", parse_period("Q1/2025"), "clerk", force_reason="Đang xác minh")
    assert refused.value.key == key
    assert said in refused.value.render(catalogue("vi")) and "Chưa có gì được lưu" in refused.value.render(catalogue("vi"))
    assert store.verify().revisions == 0
    put_file(store, samples["bieu-mau-7-dung.xlsx"], "SO-A", parse_period("Q1/2025"), "clerk")  # 40 fit
    assert store.verify().revisions == 1
