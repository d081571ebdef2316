"""A NUL character in text the archive keeps: a reason typed (or pasted) with one, a CSV whose
value cell holds one (its finding quotes the cell in the sealed summary), a review's reason.

Before, on PostgreSQL (the shared server's archive): the revision was refused with the database's
English reason ("PostgreSQL text fields cannot contain NUL", "unsupported Unicode escape
sequence" in the summary's JSON), the web upload answered 503 as if the archive were down, and a
review with such a reason was 500; SQLite kept them. Now both keep U+FFFD in its place, sealed."""

from __future__ import annotations

import csv

from openpyxl import load_workbook

from egov_xl.archive import overview
from egov_xl.archive.store import Archive
from egov_xl.core.periods import parse_period
from egov_xl.flows import review
from egov_xl.flows.archive import put_file


def _csv_with_nul(correct, target):
    rows = [["" if v is None else v for v in row]
            for row in load_workbook(correct, data_only=True).active.iter_rows(values_only=True)]
    rows[6][3] = "9\x005"
    with target.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    return target


def test_nul_characters_are_kept_alike_and_sealed(archive_url, samples, tmp_path):
    store = Archive(archive_url)
    store.init()
    store.set_unit("TINH", "UBND Tỉnh")
    store.set_unit("SO-A", "Sở A", "TINH")
    forced = put_file(store, samples["bieu-mau-7-seed.xlsx"], "SO-A", parse_period("Q1/2025"), "clerk",
                      force_reason="Đang xác minh\x00 số liệu")
    from_csv = put_file(store, _csv_with_nul(samples["bieu-mau-7-dung.xlsx"], tmp_path / "nul.csv"), "SO-A",
                        parse_period("6T/2025"), "clerk", force_reason="Ô bị lỗi")
    assert forced.stored is not None and from_csv.stored is not None
    kept = store.get("SO-A", parse_period("Q1/2025"), 1)
    assert kept.meta.forced_reason == "Đang xác minh\ufffd số liệu"
    assert "\\u0000" not in str(store.get("SO-A", parse_period("6T/2025"), 1).meta.summary)
    assert review.review(store, "SO-A", parse_period("Q1/2025"), 1, "returned", "Sai\x00 ở dòng 2", "Trần Thị B")
    said = overview.reviews_in_force(store, ["SO-A"])
    assert [r.reason for r in said.values()] == ["Sai\ufffd ở dòng 2"]
    verdict = store.verify()
    assert verdict.broken is None and verdict.revisions == 2
