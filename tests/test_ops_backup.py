"""Backing up a running archive and checking the copy (docs/admin/backup.md runs these commands):

- SQLite: `archive backup OUT` (online backup API) gives one self-contained file with the same
  fingerprint, refuses an existing OUT, and `archive verify --url OUT --against LIVE` agrees;
- a plain file copy of the running archive (its -wal not checkpointed) is intact but shorter:
  `archive verify --against LIVE` says it is incomplete;
- PostgreSQL: `archive backup` runs pg_dump; pg_restore into an empty database of the same
  owner, with the roles in place, restores the same fingerprint and the app role's grants.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from decimal import Decimal

import psycopg
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from egov_xl.archive.backup import libpq_url, pg_tool
from egov_xl.archive.store import Archive, NewSubmission
from egov_xl.cli import app
from egov_xl.core.periods import parse_period
from egov_xl.core.report import ArchivedValue

runner = CliRunner()
Q1 = parse_period("Q1/2025")


def egov(*args, **env):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "400", **env})


def submission(unit: str, value: str = "98.64") -> NewSubmission:
    return NewSubmission(
        unit=unit, period=Q1, edition_id="bm7-2025", edition_title="Biểu mẫu 7",
        values=[ArchivedValue("4.1", Decimal(value), 2, value.replace(".", ","), "%")],
        archived_by="Nguyễn Văn A", source_name="bm7.xlsx", content_hash="a" * 64, rules_version="test",
        summary={"errors": 0, "warnings": 0, "findings": []})


@pytest.fixture()
def running(tmp_path):
    """A SQLite archive as a running server holds it: a connection open, its last revisions
    still in the -wal file (not checkpointed into the main file)."""
    path = tmp_path / "live" / "archive.sqlite3"
    archive = Archive(f"sqlite:///{path}")
    archive.init()
    archive.put(submission("HCM"))
    archive.engine.dispose()  # the last connection closing checkpoints: the main file has HCM
    archive = Archive(f"sqlite:///{path}")
    held = archive.engine.connect()  # the server's pool: the -wal stays
    for unit, value in (("HN", "97.5"), ("HCM", "99.1"), ("DN", "90")):
        archive.put(submission(unit, value))
    assert path.with_name("archive.sqlite3-wal").stat().st_size > 0
    yield archive, path
    held.close()
    archive.engine.dispose()


def test_backup_of_a_running_archive_has_its_fingerprint_and_is_never_overwritten(running, tmp_path):
    archive, path = running
    live = archive.verify()
    out = tmp_path / "backups" / "archive-2025-07-01.sqlite3"
    out.parent.mkdir()
    done = egov("archive", "backup", out, "--url", archive.url)
    assert done.exit_code == 0, done.output
    assert live.fingerprint in done.output and "4 lần nộp" in done.output
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]  # one self-contained file
    with sqlite3.connect(out) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    checked = egov("archive", "verify", "--url", f"sqlite:///{out}", "--against", archive.url)
    assert checked.exit_code == 0, checked.output
    assert "khớp kho đang chạy" in checked.output and live.fingerprint in checked.output
    assert "bản sao lưu lập lúc" in checked.output
    before = out.read_bytes()
    again = egov("archive", "backup", out, "--url", archive.url)
    assert again.exit_code == 2 and "đã có" in again.output
    assert out.read_bytes() == before
    archive.put(submission("HUE"))  # saved after the backup: the backup is still complete
    later = egov("archive", "verify", "--url", f"sqlite:///{out}", "--against", archive.url)
    assert later.exit_code == 0 and "thêm 1 lần nộp" in later.output, later.output


def test_verifying_a_backup_never_changes_it(running, tmp_path):
    """`archive verify` opens a SQLite archive read-only: the backup's bytes and time stay, no
    -wal or -shm appears beside it, and a read-only backup file verifies; so does a plain copy
    in WAL mode, and a missing file is a sentence, not a new empty archive."""
    archive, path = running
    out = tmp_path / "backups" / "b.sqlite3"
    out.parent.mkdir()
    assert egov("archive", "backup", out, "--url", archive.url).exit_code == 0
    out.chmod(0o400)
    plain = tmp_path / "plain" / "archive.sqlite3"
    plain.parent.mkdir()
    shutil.copyfile(path, plain)  # in WAL mode, its -wal left behind
    for copy, revisions in ((out, 4), (plain, 1)):
        before, when = copy.read_bytes(), copy.stat().st_mtime_ns
        checked = egov("archive", "verify", "--url", f"sqlite:///{copy}", "--against", archive.url)
        assert checked.exit_code in (0, 1) and f"{revisions} lần nộp" in checked.output, checked.output
        assert copy.read_bytes() == before and copy.stat().st_mtime_ns == when
        assert sorted(p.name for p in copy.parent.iterdir()) == [copy.name]
    missing = egov("archive", "verify", "--url", f"sqlite:///{tmp_path / 'khong-co' / 'b.sqlite3'}")
    assert missing.exit_code == 2 and "Traceback" not in missing.output, missing.output
    assert not (tmp_path / "khong-co").exists()


def test_a_backup_into_a_missing_folder_is_a_sentence(running, tmp_path):
    archive, _ = running
    done = egov("archive", "backup", tmp_path / "khong-co" / "b.sqlite3", "--url", archive.url)
    assert done.exit_code == 2 and "Unexpected" not in done.output
    # the admin's sentence names the folder to make, in Vietnamese (not the OS's "No such file or directory")
    assert f"thư mục {tmp_path / 'khong-co'} chưa có" in done.output and "No such file" not in done.output
    assert not (tmp_path / "khong-co").exists()


def test_a_plain_copy_of_a_running_archive_is_found_incomplete(running, tmp_path):
    archive, path = running
    plain = tmp_path / "plain.sqlite3"
    shutil.copyfile(path, plain)  # what `cp archive.sqlite3 …` does: the -wal is left behind
    alone = egov("archive", "verify", "--url", f"sqlite:///{plain}")
    # on its own the copy is an intact, shorter archive (docs/admin/backup.md says why)
    assert alone.exit_code == 0 and "1 lần nộp" in alone.output, alone.output
    against = egov("archive", "verify", "--url", f"sqlite:///{plain}", "--against", archive.url)
    assert against.exit_code == 1, against.output
    assert "thiếu 3 lần nộp" in against.output and "egov-xl archive backup" in against.output


def test_a_backup_changed_after_it_was_taken_is_reported(running, tmp_path):
    archive, _ = running
    out = tmp_path / "b.sqlite3"
    assert egov("archive", "backup", out, "--url", archive.url).exit_code == 0
    with sqlite3.connect(out) as raw:  # a whole unit's chain removed, counter included
        raw.execute("PRAGMA foreign_keys=OFF")
        for (trigger,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            raw.execute(f"DROP TRIGGER {trigger}")
        for table in ("revision_seals", "indicator_values"):
            raw.execute(f"DELETE FROM {table} WHERE submission_id IN (SELECT s.id FROM submissions s "
                        "JOIN units u ON u.id = s.unit_id WHERE u.code = 'DN')")
        raw.execute("DELETE FROM submissions WHERE unit_id = (SELECT id FROM units WHERE code = 'DN')")
        raw.execute("DELETE FROM report_heads WHERE unit_id = (SELECT id FROM units WHERE code = 'DN')")
    done = egov("archive", "verify", "--url", f"sqlite:///{out}")
    assert done.exit_code == 1 and "không còn như lúc lập" in done.output, done.output


# PostgreSQL --------------------------------------------------------------------------------------

OWNER, APP = "egov_owner_bak", "egov_app_bak"


def _as_postgres(cluster, dbname="postgres"):
    return psycopg.connect(host=str(cluster.base), port=cluster.port, user="postgres", dbname=dbname,
                           autocommit=True)


def test_pg_dump_and_pg_restore_round_trip_keeps_fingerprint_and_roles(pg_cluster, tmp_path):
    with _as_postgres(pg_cluster) as conn:
        conn.execute(f"CREATE ROLE {OWNER} LOGIN CREATEROLE")
        live_db, restored_db = pg_cluster.new_database(), pg_cluster.new_database()
        for name in (live_db, restored_db):
            conn.execute(f"ALTER DATABASE {name} OWNER TO {OWNER}")
    owner = {name: pg_cluster.url(name).replace("postgres@", f"{OWNER}@") for name in (live_db, restored_db)}
    assert egov("archive", "init", "--url", owner[live_db], "--app-role", APP).exit_code == 0
    server = Archive(pg_cluster.url(live_db).replace("postgres@", f"{APP}@"))
    for unit, value in (("HCM", "98.64"), ("HN", "97.5"), ("HCM", "99.1")):
        server.put(submission(unit, value))
    out = tmp_path / "archive.dump"
    done = egov("archive", "backup", out, "--url", owner[live_db])
    assert done.exit_code == 0, done.output
    assert "pg_dump --format=custom" in done.output and out.stat().st_size > 0
    assert egov("archive", "backup", out, "--url", owner[live_db]).exit_code == 2  # never over a file
    # the documented restore: the roles exist (same cluster here; pg_dumpall --roles-only on a new
    # one), an empty database owned by the owner, pg_restore as the owner
    subprocess.run([pg_tool("pg_restore"), "--no-password", "--exit-on-error", f"--dbname={libpq_url(owner[restored_db])[0]}",
                    str(out)], check=True, capture_output=True)
    checked = egov("archive", "verify", "--url", owner[restored_db], "--against", owner[live_db])
    assert checked.exit_code == 0 and "khớp kho đang chạy" in checked.output, checked.output
    assert server.verify().fingerprint in checked.output
    restored = Archive(pg_cluster.url(restored_db).replace("postgres@", f"{APP}@"))
    restored.put(submission("DN"))  # the app role's grants came back with the dump
    assert restored.count_submissions() == 4
    with pytest.raises(Exception, match="permission denied|must be owner"):
        with restored.engine.begin() as conn:
            conn.execute(text("TRUNCATE revision_seals CASCADE"))
