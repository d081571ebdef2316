"""Tampering with the archive (security issue #9): each attack is performed for real.

PostgreSQL: the server's role (made by `archive init --app-role`) cannot truncate, disable or
drop a trigger, delete, renumber, re-code a unit or add a value to a stored revision.
SQLite: whoever can write the file can do anything, so each edit is made with the raw sqlite3
module (dropping the triggers first when they stand in the way) and `archive verify` must name
the first broken link.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import psycopg
import pytest
from alembic import command
from sqlalchemy import insert, select, text
from typer.testing import CliRunner

from egov_xl.archive import db, models
from egov_xl.archive.db import ArchiveError
from egov_xl.core.periods import parse_period
from egov_xl.archive.store import UNIT_CODE_MAX, Accepted, Archive, NewSubmission
from egov_xl.core.report import ArchivedValue
from egov_xl.cli import app

Q1, H1 = parse_period("Q1/2025"), parse_period("6T/2025")
OWNER, APP = "egov_owner_sec", "egov_app_sec"
runner = CliRunner()


def egov(*args):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "400"})


def submission(unit="HCM", period=Q1, value="98.64", accepted=()) -> NewSubmission:
    return NewSubmission(
        unit=unit, period=period, edition_id="bm7-2025", edition_title="Biểu mẫu 7",
        values=[ArchivedValue("4.1", Decimal(value), 2, f"={value.replace('.', ',')}%", "%"),
                ArchivedValue("4.1.1", Decimal(177), 0, "177", "Thủ tục"), ArchivedValue("4.2", None)],
        archived_by="Nguyễn Văn A", source_name="bm7.xlsx", content_hash="a" * 64, rules_version="test",
        summary={"errors": 0, "warnings": 1, "findings": [{"rule": "prior.change", "code": "4.1"}]},
        accepted=list(accepted),
    )


def fill(archive: Archive) -> None:
    """HCM Q1/2025 revisions 1-3 (the second with an accepted warning), HN Q1 and HCM 6T."""
    for value in ("98.64", "97.5", "99.1"):
        reason = [Accepted("prior.change", "4.1", "Sáp nhập xã")] if value == "97.5" else []
        archive.put(submission(value=value, accepted=reason))
    archive.put(submission(unit="HN"))
    archive.put(submission(period=H1))


# PostgreSQL: the server's role -----------------------------------------------------------------

@pytest.fixture(scope="module")
def shared(pg_cluster):
    """A database owned by a plain owner role, initialised by it with a server role."""
    with psycopg.connect(host=str(pg_cluster.base), port=pg_cluster.port, user="postgres", dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {OWNER} LOGIN CREATEROLE")
        name = pg_cluster.new_database()
        conn.execute(f"ALTER DATABASE {name} OWNER TO {OWNER}")
    owner_url = pg_cluster.url(name).replace("postgres@", f"{OWNER}@")
    done = runner.invoke(app, ["archive", "init", "--url", owner_url, "--app-role", APP],
                         env={"COLUMNS": "400", "EGOV_APP_PASSWORD": "s3cret"})
    assert done.exit_code == 0, done.output
    assert APP in done.output and "egov_archive_put" in done.output
    app_url = pg_cluster.url(name).replace("postgres@", f"{APP}@")
    with psycopg.connect(host=str(pg_cluster.base), port=pg_cluster.port, user="postgres", dbname=name,
                         autocommit=True) as conn:
        # a session time zone far from UTC: the hashes must not depend on it
        conn.execute(f"ALTER ROLE {APP} SET timezone = 'Asia/Ho_Chi_Minh'")
        assert conn.execute("SELECT rolpassword IS NOT NULL, rolsuper FROM pg_authid WHERE rolname = %s",
                            (APP,)).fetchone() == (True, False)
    server = Archive(app_url)
    server.init()  # at head already: the server's role only checks the schema
    fill(server)
    return {"cluster": pg_cluster, "db": name, "owner_url": owner_url, "app_url": app_url, "server": server}


def connect(shared, user: str) -> psycopg.Connection:
    cluster = shared["cluster"]
    return psycopg.connect(host=str(cluster.base), port=cluster.port, user=user, dbname=shared["db"], autocommit=True)


def old_submission(conn) -> int:
    return conn.execute("SELECT s.id FROM submissions s JOIN units u ON u.id = s.unit_id "
                        "WHERE u.code = 'HCM' AND s.revision = 1").fetchone()[0]


ATTACKS = {
    "truncate": "TRUNCATE indicator_values, accepted_warnings, revision_seals, submissions, report_heads CASCADE",
    "disable triggers": "ALTER TABLE indicator_values DISABLE TRIGGER USER",
    "drop trigger": "DROP TRIGGER indicator_values_no_update ON indicator_values",
    "drop table": "DROP TABLE revision_seals",
    "delete revision": "DELETE FROM submissions",
    "delete values": "DELETE FROM indicator_values",
    "update value": "UPDATE indicator_values SET number = '0'",
    "move a unit's submissions": "UPDATE units SET code = 'HN-OLD' WHERE code = 'HCM'",
    "renumber a unit": "UPDATE units SET id = id + 1000",
    "skip revisions": "UPDATE report_heads SET last_revision = 41",
    "reset counters": "DELETE FROM report_heads",
    "insert value into an old submission":
        "INSERT INTO indicator_values (submission_id, code, number) VALUES ({old}, '9.9', '1')",
    "insert a warning into an old submission":
        "INSERT INTO accepted_warnings (submission_id, rule, reason) VALUES ({old}, 'x', 'y')",
    "insert a submission without the function":
        "INSERT INTO submissions (unit_id, period_id, edition_id, revision, archived_by, archived_at, "
        "source_name, content_hash, rules_version, summary) SELECT unit_id, period_id, edition_id, 42, 'x', "
        "now(), 'x', 'x', 'x', '{{}}' FROM submissions WHERE id = {old}",
    "forge a seal": "UPDATE revision_seals SET record_hash = repeat('0', 64)",
    "rewrite the function": "CREATE OR REPLACE FUNCTION egov_archive_put() RETURNS integer LANGUAGE sql AS 'SELECT 1'",
    "grant itself": "GRANT UPDATE ON indicator_values TO CURRENT_USER; UPDATE indicator_values SET number = '0'",
    "become the owner": "SET ROLE egov_owner_sec",
}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_server_role_cannot_tamper(shared, attack):
    with connect(shared, APP) as conn:
        statement = ATTACKS[attack].format(old=old_submission(conn))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement)
    verdict = shared["server"].verify()
    assert verdict.broken is None and verdict.revisions == 5


def test_owner_is_held_by_the_triggers_too(shared):
    """The owner could drop them (it owns them); what it runs by mistake is still refused."""
    with connect(shared, OWNER) as conn:
        for statement in ("UPDATE units SET code = 'HN-OLD' WHERE code = 'HCM'",
                          "UPDATE report_heads SET last_revision = 41", "DELETE FROM revision_seals",
                          "UPDATE indicator_values SET number = '0'"):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute(statement)


def test_server_role_does_its_work(shared):
    server = shared["server"]
    stored = server.put(submission(value="95.5"))
    assert stored.revision == 4 and stored.values["4.1"].number == Decimal("95.5")
    assert stored.values["4.2"].number is None and list(stored.values) == ["4.1", "4.1.1", "4.2"]
    server.set_unit("HCM", "UBND TP. Hồ Chí Minh", parent="VN")
    assert server.children("VN") == ["HCM"]
    assert [s.revision for s in server.history("HN")] == [1]
    assert server.verify().broken is None
    done = egov("archive", "verify", "--url", shared["app_url"])
    assert done.exit_code == 0 and "nguyên vẹn" in done.output


def test_server_role_keeps_the_shared_auth_state(shared):
    """Wrong tokens and ended sessions (migration 0005) are written and pruned by the server's role."""
    import time

    from egov_xl.server.auth_state import FailureLimiter, end_session, session_ended

    server = shared["server"]
    limiter = FailureLimiter(lambda: server, limit=2, window=60)
    assert limiter.wait("10.0.0.9") == 0 and limiter.fail("10.0.0.9") == 0
    assert 59 < limiter.fail("10.0.0.9") <= 60 and limiter.wait("10.0.0.8") == 0
    end_session(server, "old-session", time.time() - 1)  # already expired: pruned by the next logout
    end_session(server, "copied-session", time.time() + 60)
    assert session_ended(server, "copied-session") and not session_ended(server, "old-session")
    with connect(shared, APP) as conn:
        assert conn.execute("SELECT session_id FROM ended_sessions").fetchall() == [("copied-session",)]


def test_owner_or_superuser_refused_as_server_role(shared):
    for role in (OWNER, "postgres"):
        done = egov("archive", "init", "--url", shared["owner_url"], "--app-role", role)
        assert done.exit_code == 2 and f"\"{role}\"" in done.output and "superuser" in done.output


def test_app_role_refused_on_sqlite(tmp_path):
    done = egov("archive", "init", "--url", f"sqlite:///{tmp_path / 'a.sqlite3'}", "--app-role", APP)
    assert done.exit_code == 2 and "PostgreSQL" in done.output


# SQLite: edits through the raw file, detected ---------------------------------------------------

@pytest.fixture(scope="module")
def sealed(tmp_path_factory):
    path = tmp_path_factory.mktemp("sealed") / "archive.sqlite3"
    archive = Archive(f"sqlite:///{path}")
    archive.init()
    fill(archive)
    archive.engine.dispose()
    return path


def sid(raw, unit: str, revision: int) -> int:
    return raw.execute("SELECT s.id FROM submissions s JOIN units u ON u.id = s.unit_id JOIN periods p "
                       "ON p.id = s.period_id WHERE u.code = ? AND p.key = '2025-Q1' AND s.revision = ?",
                       (unit, revision)).fetchone()[0]


def drop(raw, *triggers: str) -> None:
    for trigger in triggers:
        raw.execute(f"DROP TRIGGER {trigger}")


def update_value(raw):
    drop(raw, "indicator_values_no_update")
    raw.execute("UPDATE indicator_values SET number = '99.9' WHERE code = '4.1' AND submission_id = ?",
                (sid(raw, "HCM", 2),))


def delete_revision(raw):
    drop(raw, "submissions_no_delete", "indicator_values_no_delete", "accepted_warnings_no_delete",
         "revision_seals_guard_delete")
    old = sid(raw, "HCM", 2)
    for table in ("indicator_values", "accepted_warnings", "revision_seals"):
        raw.execute(f"DELETE FROM {table} WHERE submission_id = ?", (old,))
    raw.execute("DELETE FROM submissions WHERE id = ?", (old,))


def delete_last_revision(raw):
    drop(raw, "submissions_no_delete", "indicator_values_no_delete", "revision_seals_guard_delete")
    last = sid(raw, "HCM", 3)
    raw.execute("DELETE FROM indicator_values WHERE submission_id = ?", (last,))
    raw.execute("DELETE FROM revision_seals WHERE submission_id = ?", (last,))
    raw.execute("DELETE FROM submissions WHERE id = ?", (last,))


def change_unit_code(raw):
    drop(raw, "units_guard_update")
    raw.execute("UPDATE units SET code = 'HCM-X' WHERE code = 'HN'")


def insert_value(raw):
    raw.execute("INSERT INTO indicator_values (submission_id, code, number, decimals) VALUES (?, '9.9', '5', 0)",
                (sid(raw, "HCM", 1),))


def skip_revisions(raw):
    drop(raw, "report_heads_guard_update")
    raw.execute("UPDATE report_heads SET last_revision = 41 WHERE last_revision = 3")


def bump_counter(raw):  # one step is what the trigger allows: the missing revision still shows
    raw.execute("UPDATE report_heads SET last_revision = last_revision + 1 WHERE last_revision = 3")


def rewrite_seal(raw):
    drop(raw, "revision_seals_guard_update")
    raw.execute("UPDATE revision_seals SET previous_hash = ? WHERE submission_id = ?", ("1" * 64, sid(raw, "HCM", 3)))


def move_warning(raw):
    drop(raw, "accepted_warnings_no_update")
    raw.execute("UPDATE accepted_warnings SET reason = 'Không có lý do'")


EDITS = {  # edit: (unit, period, revision, words of the sentence naming what differs)
    update_value: ("HCM", "Quý I năm 2025", 2, "các số liệu chỉ tiêu"),
    delete_revision: ("HCM", "Quý I năm 2025", 2, "không còn trong kho"),
    delete_last_revision: ("HCM", "Quý I năm 2025", 3, "ghi đến lần 3"),
    change_unit_code: ("HCM-X", "Quý I năm 2025", 1, "thông tin lần nộp (mã đơn vị"),
    insert_value: ("HCM", "Quý I năm 2025", 1, "các số liệu chỉ tiêu"),
    skip_revisions: ("HCM", "Quý I năm 2025", 4, "ghi đến lần 41"),
    bump_counter: ("HCM", "Quý I năm 2025", 4, "ghi đến lần 4"),
    rewrite_seal: ("HCM", "Quý I năm 2025", 3, "mắt xích nối với lần nộp trước"),
    move_warning: ("HCM", "Quý I năm 2025", 2, "cảnh báo đã chấp nhận"),
}


@pytest.mark.parametrize("edit", list(EDITS), ids=lambda f: f.__name__)
def test_raw_sqlite_edit_is_detected(sealed, tmp_path, edit):
    path = tmp_path / "archive.sqlite3"
    shutil.copy(sealed, path)
    url = f"sqlite:///{path}"
    assert egov("archive", "verify", "--url", url).exit_code == 0
    raw = sqlite3.connect(path, isolation_level=None)
    edit(raw)
    raw.close()
    done = egov("archive", "verify", "--url", url)
    unit, period, revision, words = EDITS[edit]
    assert done.exit_code == 1, done.output
    said = " ".join(done.output.split())  # the console wraps long lines wherever the temporary path ends
    assert f"đơn vị {unit}, {period}, lần nộp {revision}: " in said and words in said, done.output


def test_sqlite_triggers_refuse_the_same_edits_left_standing(sealed, tmp_path):
    path = tmp_path / "archive.sqlite3"
    shutil.copy(sealed, path)
    raw = sqlite3.connect(path, isolation_level=None)
    for statement in ("UPDATE units SET code = 'X' WHERE code = 'HN'", "UPDATE report_heads SET last_revision = 41",
                      "DELETE FROM report_heads", "UPDATE revision_seals SET record_hash = 'x'",
                      "DELETE FROM periods", "UPDATE indicator_values SET number = '1'"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            raw.execute(statement)
    raw.close()


# both back-ends: canonical hashes, upgrades, unit codes -----------------------------------------

def test_same_revision_hashes_the_same_on_both_backends(pg_cluster, tmp_path):
    """Revisions sealed on PostgreSQL (link computed in SQL, session time zone +07) copied row
    for row into SQLite verify there: the canonical form does not depend on the back-end."""
    postgres = Archive(pg_cluster.url(pg_cluster.new_database()))
    postgres.init()
    with postgres.engine.begin() as conn:
        conn.execute(text("SET TIME ZONE 'Asia/Ho_Chi_Minh'"))
    fill(postgres)
    lite = Archive(f"sqlite:///{tmp_path / 'copy.sqlite3'}")
    lite.init()
    tables = [models.metadata.tables[name] for name in (
        "units", "editions", "periods", "report_heads", "submissions", "indicator_values", "accepted_warnings",
        "revision_seals")]
    with postgres.engine.connect() as source, lite.engine.begin() as target:
        source.execute(text("SET TIME ZONE 'Asia/Ho_Chi_Minh'"))
        for table in tables:
            rows = [dict(row) for row in source.execute(select(table)).mappings()]
            for row in rows:
                if isinstance(row.get("archived_at"), datetime):
                    assert row["archived_at"].utcoffset() == timedelta(hours=7)
                    row["archived_at"] = row["archived_at"].astimezone(UTC)
            target.execute(insert(table), rows)
    mine, theirs = postgres.verify(), lite.verify()
    assert mine.broken is None and theirs.broken is None and mine.revisions == theirs.revisions == 5
    assert mine.fingerprint == theirs.fingerprint


def test_upgrade_seals_revisions_stored_before(archive_url):
    """An archive filled under migration 0001 is sealed by 0002 and verifies; new puts chain on."""
    archive = Archive(archive_url)
    config = db._alembic_config()
    with archive.engine.connect().execution_options(egov_write=True) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.commit()
    with archive.engine.begin() as conn:
        conn.execute(text("INSERT INTO units (code, name) VALUES ('HCM', 'HCM')"))
        conn.execute(text("INSERT INTO editions (id, title) VALUES ('bm7-2025', 'Biểu mẫu 7')"))
        conn.execute(text("INSERT INTO periods (key, kind, year, start, \"end\") VALUES "
                          "('2025-Q1', 'Q1', 2025, '2024-12-15', '2025-03-14')"))
        conn.execute(text("INSERT INTO report_heads SELECT u.id, p.id, 2 FROM units u, periods p"))
        for revision in (1, 2):
            new = conn.execute(text(
                "INSERT INTO submissions (unit_id, period_id, edition_id, revision, archived_by, archived_at, "
                "source_name, content_hash, rules_version, summary) SELECT u.id, p.id, 'bm7-2025', :r, 'A', "
                "'2025-03-01 08:00:00.123456', 'f.xlsx', 'h', 'v', '{\"errors\": 0}' FROM units u, periods p "
                "RETURNING id"), {"r": revision}).scalar()
            conn.execute(text("INSERT INTO indicator_values (submission_id, code, number, decimals, typed) "
                              "VALUES (:s, '4.1', '98.640', 3, '98,64')"), {"s": new})
    assert archive.init() == db.head_revision()
    assert archive.verify().broken is None
    assert archive.put(submission()).revision == 3
    verdict = archive.verify()
    assert verdict.broken is None and verdict.revisions == 3


@pytest.mark.parametrize("unit, key", [("", "archive_unit_empty"), ("   ", "archive_unit_empty"),
                                       (" HCM", "archive_unit_spaces"),
                                       ("X" * (UNIT_CODE_MAX + 1), "archive_unit_too_long")])
def test_bad_unit_codes_refused_alike(archive_url, unit, key):
    archive = Archive(archive_url)
    archive.init()
    with pytest.raises(ArchiveError) as refused:
        archive.put(submission(unit=unit))
    assert refused.value.key == key
    assert archive.put(submission(unit="X" * UNIT_CODE_MAX)).unit == "X" * UNIT_CODE_MAX
    assert archive.count_submissions() == 1


def test_cli_refuses_an_empty_unit_with_a_sentence(samples, tmp_path):
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    assert egov("archive", "init", "--url", url).exit_code == 0
    done = egov("archive", "put", samples["bieu-mau-7-dung.xlsx"], "--unit", "", "--period", "Q1/2025", "--url", url)
    assert done.exit_code == 2 and "Mã đơn vị trống" in done.output and "Traceback" not in done.output


def test_server_role_cannot_migrate_and_says_who_can(shared):
    """A schema behind the code: the server's role is told the owner must run archive init."""
    cluster = shared["cluster"]
    name = cluster.new_database()
    with psycopg.connect(host=str(cluster.base), port=cluster.port, user="postgres", dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE {name} OWNER TO {OWNER}")
    owner_url = cluster.url(name).replace("postgres@", f"{OWNER}@")
    assert egov("archive", "init", "--url", owner_url, "--app-role", APP).exit_code == 0
    with psycopg.connect(host=str(cluster.base), port=cluster.port, user=OWNER, dbname=name, autocommit=True) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
    done = egov("archive", "init", "--url", cluster.url(name).replace("postgres@", f"{APP}@"))
    assert done.exit_code == 2 and "chủ sở hữu kho" in done.output and "permission denied" in done.output
