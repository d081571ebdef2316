"""What the web console reads and writes in the archive: reviews are append-only on both
back-ends, the board counts units and due dates from the province's calendar, the export
keeps workbook text as text."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from egov_xl.archive import overview
from egov_xl.archive.calendar import load_calendar
from egov_xl.archive.db import ArchiveError
from egov_xl.core.errors import UserError
from egov_xl.core.periods import parse_period
from egov_xl.flows.archive import put_file
from egov_xl.archive.store import Archive
from egov_xl import definitions
from egov_xl.web.board import Query, build_board
from egov_xl.web.export import board_xlsx


def test_reviews_are_append_only(archive_url, samples):
    archive = Archive(archive_url)
    archive.init()
    put_file(archive, samples["phu-luc-vii-dung.xlsx"], "SO-TTTT", parse_period("Q1/2025"), "a")
    (revision,) = overview.revisions(archive, ["SO-TTTT"])
    overview.add_review(archive, revision.id, "returned", "6.4 chưa khớp", "office")
    overview.add_review(archive, revision.id, "accepted", None, "office")
    found = overview.reviews(archive, [revision.id])[revision.id]
    assert [r.decision for r in found] == ["returned", "accepted"] and found[0].reason == "6.4 chưa khớp"
    for statement in ("UPDATE reviews SET reason = 'x'", "DELETE FROM reviews"):
        with pytest.raises(ArchiveError) as caught, archive.write() as conn:
            conn.execute(text(statement))
        assert caught.value.key == "archive_append_only"
    assert len(overview.reviews(archive, [revision.id])[revision.id]) == 2


def test_calendar_due_dates_and_kinds(tmp_path):
    calendar = load_calendar()
    q1 = parse_period("Q1/2025")
    assert calendar.due(q1).isoformat() == "2025-03-20"
    assert calendar.on_time(q1, datetime(2025, 3, 20, 16, 59, tzinfo=UTC))  # 23:59 in Hà Nội
    assert not calendar.on_time(q1, datetime(2025, 3, 20, 17, 0, tzinfo=UTC))
    assert calendar.kind_of("Sở Nội vụ") == "so-ban-nganh"
    assert calendar.kind_of("UBND phường Hoàn Kiếm") == "xa-phuong-dac-khu"
    assert calendar.kind_of("Văn phòng UBND tỉnh") == "so-ban-nganh" and calendar.kind_of("Công an tỉnh") == "nganh-doc"
    assert calendar.kind_of("UBND đặc khu Phú Quốc") == calendar.kind_of("Xã Tân Lập") == "xa-phuong-dac-khu"
    assert not any("huyện" in k.vi for k in calendar.kinds)  # district level abolished on 1/7/2025
    own = tmp_path / "lich.yaml"
    own.write_text("utc_offset_hours: 7\ndue_days_after_cutoff: {Q1: 1}\nunit_kinds: {}\n", encoding="utf-8")
    assert load_calendar(own).due(q1).isoformat() == "2025-03-15"
    own = tmp_path / "lich-cu.yaml"
    own.write_text('unit_kinds: {so-nganh: {vi: "Sở", prefixes: ["Trung tâm"]}}\n', encoding="utf-8")
    mine = load_calendar(own)  # a province's copy with the old key: the one key, the one name
    assert mine.kind_of("Trung tâm Y tế") == "so-ban-nganh" and mine.kind_of("Sở Y tế") is None
    assert [(k.key, k.vi) for k in mine.kinds][1] == ("so-ban-nganh", "Sở, ban, ngành")
    assert mine.kind_of("Trung tâm Y tế", "xa-phuong-dac-khu") == "xa-phuong-dac-khu"  # the imported kind first
    own = tmp_path / "lich-sai.yaml"
    own.write_text("unit_kinds: {huyen: {prefixes: [Huyện]}}\n", encoding="utf-8")
    with pytest.raises(UserError) as refused:
        load_calendar(own)
    assert refused.value.render(definitions.catalogue("vi")) == (
        f'Tệp lịch báo cáo "{own}", mục unit_kinds: loại đơn vị "huyen" không có; '
        "ghi một trong: tinh, so-ban-nganh, nganh-doc, xa-phuong-dac-khu.")


def test_board_counts_and_export_keeps_text(tmp_path, samples):
    archive = Archive(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    archive.init()
    archive.set_unit("HCM", "UBND Thành phố")
    archive.set_unit("SO-NV", '=HYPERLINK("http://evil","x")', "HCM")
    archive.set_unit("Q1", "Sở Tư pháp", "HCM")
    archive.set_unit("P1", "Phường 1", "Q1")
    put_file(archive, samples["phu-luc-vii-dung.xlsx"], "P1", parse_period("Q1/2025"), "a")
    put_file(archive, samples["phu-luc-vii-dung.xlsx"], "P1", parse_period("Q1/2025"), "a")
    board = build_board(archive, load_calendar(), "HCM")
    # the whole tree below HCM, grouped by kind (sở first, xã/phường next, unclassified last)
    assert [r.unit.code for r in board.rows] == ["Q1", "P1", "SO-NV"]
    (rate,) = board.rates
    assert (rate.submitted, rate.total) == (1, 3) and board.rows[1].cells["2025-Q1"].revisions == 2
    assert [r.unit.code for r in build_board(archive, load_calendar(), "HCM", Query(kind="so-nganh")).rows] == ["Q1"]
    book = load_workbook(io.BytesIO(board_xlsx(board, definitions.catalogue("vi"), load_calendar())))
    cell = next(c for c in book.active["B"] if c.value and c.value.startswith("=HYPERLINK"))
    assert cell.data_type == "s"
    assert book.sheetnames == ["Tình hình nộp"]  # the tab an officer reads is Vietnamese, with its marks
    english = load_workbook(io.BytesIO(board_xlsx(board, definitions.catalogue("en"), load_calendar())))
    assert english.sheetnames == ["Reporting status"]


def test_board_kept_between_requests_follows_new_revisions_reviews_and_periods(tmp_path):
    from egov_xl.web import board as boards
    from tests.fixtures.big_province import load_province
    from tests.fixtures.consolidation import bm7_values, put_values

    archive = Archive(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    archive.init()
    load_province(archive, 200)
    calendar = load_calendar()

    def seen() -> tuple:
        board = build_board(archive, calendar, "NB")
        return board.counts, [(row.unit.code, {key: cell and (cell.revisions, cell.review and cell.review.decision,
                                                              cell.unchanged) for key, cell in row.cells.items()})
                              for row in board.matched]

    before = seen()
    missing = next(code for code, cells in before[1] if cells["2026-Q3"] is None)
    put_values(archive, missing, parse_period("Q3/2026"), bm7_values(20))  # a new revision
    reported = next(code for code, cells in before[1] if cells["2026-Q3"] and cells["2026-Q3"][1] is None)
    reviewed = next(r for r in overview.revisions(archive, [reported]) if r.period.key == "2026-Q3")
    overview.add_review(archive, reviewed.id, "returned", "Thiếu số liệu", "office")  # a new review
    kept = seen()
    boards._BUILT.clear()
    assert kept == seen() != before  # brought up to date = built afresh
    assert kept[0]["missing"] == before[0]["missing"] - 1
    put_values(archive, missing, parse_period("Q1/2027"), bm7_values(20))  # a new period: a new column
    kept = seen()
    boards._BUILT.clear()
    assert kept == seen() and "2027-Q1" in dict(kept[1])[missing]


def test_board_counts_accepted_warnings_per_revision(tmp_path):
    from decimal import Decimal

    from egov_xl.archive.store import Accepted, NewSubmission
    from egov_xl.core.report import ArchivedValue

    archive = Archive(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    archive.init()
    archive.set_unit("TINH", "UBND tỉnh")
    for code in ("XA-1", "XA-2"):
        archive.set_unit(code, f"UBND xã {code}", "TINH")
    for code, accepted in (("XA-1", 2), ("XA-2", 0), ("XA-1", 1)):
        archive.put(NewSubmission(
            unit=code, period=parse_period("Q1/2026"), edition_id="bm7-2025", edition_title="Biểu mẫu 7",
            values=[ArchivedValue("4.1.1", Decimal(1))], archived_by="a", source_name="a.xlsx",
            content_hash="0" * 64, rules_version="t", summary={"errors": 0, "warnings": accepted},
            accepted=[Accepted("prior.change", "4.1.1", f"lý do {n}") for n in range(accepted)]))
    board = build_board(archive, load_calendar(), "TINH")
    cells = {row.unit.code: row.cells["2026-Q1"] for row in board.rows}
    assert (cells["XA-1"].revisions, cells["XA-1"].current.accepted, cells["XA-1"].first.accepted) == (2, 1, 2)
    assert cells["XA-2"].current.accepted == 0


def test_board_on_time_is_the_calendars_judgement_at_the_minute(tmp_path):
    from tests.fixtures.big_province import load_province

    archive = Archive(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    archive.init()
    load_province(archive, 120)
    calendar = load_calendar()
    board = build_board(archive, calendar, "NB")
    cells = [(p, row.cells[p.key]) for row in board.rows for p in board.periods if row.cells[p.key]]
    assert {cell.on_time for _, cell in cells} == {True, False}
    assert all(cell.on_time == calendar.on_time(p, cell.first.archived_at) for p, cell in cells)
