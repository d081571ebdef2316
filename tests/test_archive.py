"""The archive on SQLite and on a real PostgreSQL: append-only revisions, lookups, export."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest
from sqlalchemy import text

from egov_xl.archive.integrity import time_text
from egov_xl.archive.db import ArchiveError, current_revision, head_revision
from egov_xl.core.periods import parse_period
from egov_xl.flows.archive import put_file
from egov_xl.archive.store import Accepted, Archive, NewSubmission
from egov_xl.core.report import ArchivedValue

Q1, H1, Q3, Y = (parse_period(p) for p in ("Q1/2025", "6T/2025", "Q3/2025", "Năm 2025"))


def submission(unit="HCM", period=Q1, value="98.64", by="clerk") -> NewSubmission:
    return NewSubmission(
        unit=unit, period=period, edition_id="bm7-2025", edition_title="Biểu mẫu 7",
        values=[ArchivedValue("4.1", Decimal(value), 2, f"={value.replace('.', ',')}%", "%"),
                ArchivedValue("4.1.1", Decimal(177), 0, "177", "Thủ tục")],
        archived_by=by, source_name="bm7.xlsx", content_hash="0" * 64, rules_version="test",
        summary={"errors": 0, "warnings": 0, "infos": 0},
    )


@pytest.fixture
def archive(archive_url):
    store = Archive(archive_url)
    store.init()
    return store


def test_init_is_idempotent(archive):
    assert archive.init() == head_revision()
    assert current_revision(archive.engine) == head_revision()


def test_uninitialised_archive_says_so(archive_url):
    with pytest.raises(ArchiveError) as caught:
        Archive(archive_url).get("HCM", Q1)
    assert caught.value.key == "archive_not_initialised"


def test_revisions_are_appended_and_old_ones_stay(archive):
    first = archive.put(submission(value="98.64", by="A"))
    second = archive.put(submission(value="98.65", by="B"))
    assert (first.revision, second.revision) == (1, 2)
    assert archive.get("HCM", Q1).values["4.1"].number == Decimal("98.65")
    old = archive.get("HCM", Q1, revision=1)
    assert (old.values["4.1"].number, old.values["4.1"].typed, old.meta.archived_by) == (
        Decimal("98.64"), "=98,64%", "A")
    assert [s.revision for s in archive.history("HCM")] == [1, 2]


def test_database_refuses_to_overwrite_or_delete(archive):
    archive.put(submission())
    for statement in ("UPDATE indicator_values SET number = '0'", "DELETE FROM submissions",
                      "DELETE FROM indicator_values"):
        with pytest.raises(Exception, match="append-only"), archive.engine.begin() as conn:
            conn.execute(text(statement))
    assert archive.get("HCM", Q1).values["4.1"].number == Decimal("98.64")


def test_previous_and_same_period_last_year(archive):
    archive.put(submission(period=parse_period("Q3/2024"), value="50"))
    archive.put(submission(period=Q1, value="60"))
    archive.put(submission(period=H1, value="70"))
    archive.put(submission(period=H1, value="71"))
    assert archive.previous("HCM", Q3).values["4.1"].number == Decimal("71")
    assert archive.previous("HCM", Q3).revision == 2
    assert archive.previous("HCM", Q1).period.key == "2024-Q3"
    assert archive.same_period_last_year("HCM", Q3).values["4.1"].number == Decimal(50)
    assert archive.previous("OTHER", Q3) is None



def test_prepared_reads_give_what_sqlalchemy_gives(archive):
    """The lookups run on the driver's cursor (store.Prepared): the same rows as SQLAlchemy's own
    execution of the statement, a date bound as SQLAlchemy binds it, and a driver error still
    SQLAlchemy's (so the clerk gets the archive's sentence, never a driver traceback)."""
    from sqlalchemy.exc import DBAPIError

    from egov_xl.archive.store import LATEST, PREVIOUS, Prepared

    archive.put(submission(period=Q1, value="60"))
    archive.put(submission(period=H1, value="70"))
    with archive.engine.connect() as conn:
        for statement, params in ((PREVIOUS, {"unit": "HCM", "end": Q3.end}),
                                  (LATEST, {"unit": "HCM", "key": H1.key})):
            rows = Prepared(statement).rows(conn, params)
            assert len(rows) == 2 and [tuple(r) for r in conn.execute(statement, params)] == rows
        assert Prepared(PREVIOUS).rows(conn, {"unit": "HCM", "end": Q1.end}) == []
        conn.exec_driver_sql("DROP TABLE indicator_values CASCADE" if archive.dialect == "postgresql"
                             else "DROP TABLE indicator_values")
        with pytest.raises(DBAPIError) as caught:
            Prepared(PREVIOUS).rows(conn, {"unit": "HCM", "end": Q3.end})
        assert not caught.value.connection_invalidated

def test_accepted_reasons_are_offered_later(archive):
    new = submission(period=Q1)
    new.accepted = [Accepted("prior.change", "4.1", "Sáp nhập xã")]
    archive.put(new)
    assert archive.accepted_before("HCM", H1) == {("prior.change", "4.1"): "Sáp nhập xã"}
    assert archive.accepted_before("HCM", Q1) == {}


def test_export_marks_current_revision(archive):
    archive.put(submission(value="1"))
    archive.put(submission(value="2"))
    rows = archive.export_rows()
    assert [(r["revision"], r["current"], r["number"]) for r in rows if r["code"] == "4.1"] == [
        (1, False, "1"), (2, True, "2")]


def test_put_file_refuses_errors_unless_forced(archive, samples):
    seed = samples["bieu-mau-7-seed.xlsx"]
    refused = put_file(archive, seed, "HCM", Q1, "clerk")
    assert refused.stored is None and refused.report.has_errors
    assert archive.count_submissions() == 0
    forced = put_file(archive, seed, "HCM", Q1, "clerk", force_reason="Nộp đúng hạn, sửa sau")
    assert forced.stored.meta.forced_reason == "Nộp đúng hạn, sửa sau"
    assert forced.stored.values["4.2"].typed == "=98,64%"
    assert forced.stored.values["4.3.1"].unit == "Thủ tục"
    assert forced.stored.meta.summary["errors"] == 7
    clean = put_file(archive, samples["bieu-mau-7-dung.xlsx"], "HCM", H1, "clerk")
    assert clean.stored.meta.forced_reason is None and clean.stored.revision == 1


def test_put_imports_sqlalchemy_core_only(tmp_path, samples):
    """`archive put` in a fresh process stores the form without the ORM, alembic or the
    PostgreSQL dialect (the schema check reads alembic's version table itself)."""
    url = f"sqlite:///{tmp_path / 'core.sqlite3'}"
    Archive(url).init()
    code = ("import sys; from egov_xl.cli import main; sys.argv = ['egov-xl', 'archive', 'put', "
            f"{str(samples['bieu-mau-7-dung.xlsx'])!r}, '--unit', 'XA', '--create-unit', '--period', 'Q1/2025', '--url', {url!r}]\n"
            "try: main()\nexcept SystemExit as done: code = done.code\n"
            "print(code, sorted({m for m in sys.modules if m.startswith(('sqlalchemy.orm', 'alembic', "
            "'sqlalchemy.dialects.postgresql'))}), 'sqlalchemy.sql' in sys.modules, file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stderr.strip().splitlines()[-1] == "0 [] True"
    assert Archive(url).get("XA", Q1).revision == 1


def test_set_unit_renames_and_moves(archive):
    archive.set_unit("TINH", "Tỉnh")
    archive.set_unit("XA", "Xã cũ")
    archive.set_unit("XA", "Xã mới", "TINH")
    assert archive.children("TINH") == ["XA"]
    archive.put(submission(unit="XA"))
    assert archive.export_rows()[0]["unit_name"] == "Xã mới"


def test_put_answers_what_get_reads_back(archive):
    """`put` answers from what it committed, without reading it back: the same revision as `get`."""
    new = submission(value="12.50")
    new.accepted = [Accepted("ratio_range", "4.1", "Đã xác minh")]
    stored, read = archive.put(new), archive.get("HCM", Q1)
    assert (stored.unit, stored.period, stored.edition_id, stored.revision) == (
        read.unit, read.period, read.edition_id, read.revision)
    assert stored.values == read.values and list(stored.values) == list(read.values)
    assert stored.meta.accepted == read.meta.accepted and stored.meta.summary == read.meta.summary
    assert time_text(stored.meta.archived_at) == time_text(read.meta.archived_at)  # SQLite: naive UTC
