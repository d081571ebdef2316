"""One path for archiving (issue 19 item 1, issue 20 item 6): the content hash is the form's
values from every entry point, the file's own bytes are kept beside its revision (append-only,
migration 0007) and downloadable by a reader only, and a workbook with several forms is refused
alike by the CLI, the web and the add-in."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import httpx
import psycopg
import pytest
from alembic import command
from openpyxl import load_workbook
from sqlalchemy import text
from typer.testing import CliRunner

from egov_xl.archive import db
from egov_xl.archive.db import ArchiveError, translated
from egov_xl.archive.store import Archive
from egov_xl.cli import app
from egov_xl.core.periods import parse_period
from egov_xl.flows.archive import put_file
from tests.fixtures.console import TOKENS
from tests.fixtures.web import console, http_session  # noqa: F401  (the live console fixture)
from tests.security.test_archive_tamper import submission
from tests.test_addin import run_script
from egov_xl.excel.scripts import archive as addin_archive

Q1 = parse_period("Q1/2025")
runner = CliRunner()


def egov(*args):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "400"})


def two_forms(samples, folder: Path) -> Path:
    """The correct form twice in one workbook: sheets "Biểu 7" and "Biểu 7 (2)"."""
    path = folder / "hai-bieu.xlsx"
    book = load_workbook(samples["bieu-mau-7-dung.xlsx"])
    book.active.title = "Biểu 7"
    book.copy_worksheet(book.active).title = "Biểu 7 (2)"
    book.save(path)
    return path


# the same form from a file and from Excel ---------------------------------------------------------

def test_same_form_from_the_cli_and_from_excel_hashes_alike(samples):
    form = samples["bieu-mau-7-dung.xlsx"]
    store = addin_archive()
    done = egov("archive", "put", form, "--unit", "HASH-CLI", "--period", "Q1/2025", "--create-unit",
                "--url", store.url)
    assert done.exit_code == 0, done.output
    _, applied = run_script(form, "luu_ky_bao_cao", "HASH-XL", "Q1/2025")
    assert applied.alerts[0].endswith("lần nộp thứ 1."), applied.alerts
    from_file, from_excel = store.get("HASH-CLI", Q1), store.get("HASH-XL", Q1)
    assert re.fullmatch(r"[0-9a-f]{64}", from_file.meta.content_hash)
    assert from_file.meta.content_hash == from_excel.meta.content_hash
    assert from_file.meta.content_hash != hashlib.sha256(form.read_bytes()).hexdigest()  # values, not bytes
    # the file's bytes are kept beside the CLI's revision; the add-in sent values, no file
    kept = from_file.meta.summary["file"]
    assert kept == {"sha256": hashlib.sha256(form.read_bytes()).hexdigest(), "size": form.stat().st_size,
                    "kept": True}
    assert store.source_file(kept["sha256"]) == form.read_bytes()
    assert "file" not in from_excel.meta.summary


def test_a_web_submission_hashes_its_file_once_and_reads_the_archive_once(samples, tmp_path, monkeypatch):
    """The kept file's SHA-256 is computed once (the summary names it, source_files keys it),
    and a form with nothing archived before is compared with the archive once, not once by the
    upload's check and again by put_checked."""
    from egov_xl.settings import Limits
    from egov_xl.web.upload import Archiving, check_upload

    data = samples["bieu-mau-7-dung.xlsx"].read_bytes()
    store = Archive(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    store.init()
    hashed, asked = [], []
    sha256, previous = hashlib.sha256, Archive.previous

    def counting_sha256(*args, **kwargs):
        hashed.extend(1 for _ in args[:1] if args[0] == data)
        return sha256(*args, **kwargs)

    def counting_previous(self, *args, **kwargs):
        asked.append(args)
        return previous(self, *args, **kwargs)

    monkeypatch.setattr(hashlib, "sha256", counting_sha256)
    monkeypatch.setattr(Archive, "previous", counting_previous)
    done = check_upload("bm7.xlsx", data, store, Archiving("HASH-WEB", Q1, "Cán bộ"), limits=Limits())
    assert done.stored and "lần nộp thứ 1" in done.stored, done
    assert len(hashed) == 1 and len(asked) == 1, (hashed, asked)
    kept = store.get("HASH-WEB", Q1).meta.summary["file"]
    assert kept["sha256"] == sha256(data).hexdigest() and store.source_file(kept["sha256"]) == data


# several forms: the same refusal everywhere --------------------------------------------------------

def test_several_forms_refused_alike_by_cli_and_addin(samples, tmp_path):
    path = two_forms(samples, tmp_path)
    store = addin_archive()
    done = egov("archive", "put", path, "--unit", "MANY-CLI", "--period", "Q1/2025", "--create-unit",
                "--url", store.url)
    assert done.exit_code != 0 and "có 2 biểu mẫu (các trang Biểu 7, Biểu 7 (2))" in done.output
    assert store.get("MANY-CLI", Q1) is None
    _, applied = run_script(path, "luu_ky_bao_cao", "MANY-XL", "Q1/2025")
    assert applied.alerts == ['Tệp "hai-bieu.xlsx" có 2 biểu mẫu (các trang Biểu 7, Biểu 7 (2)): chọn biểu mẫu '
                              'cần dùng ở ô "Biểu mẫu" trong khung tác vụ egov-xl rồi bấm lại. Chưa có gì được lưu.']
    assert store.get("MANY-XL", Q1) is None
    # the sheet chosen (as `--sheet` does): archived
    _, chosen = run_script(path, "luu_ky_bao_cao", "MANY-XL", "Q1/2025", "", "", "", "Biểu 7 (2)")  # reason, accepted, confirm, sheet
    assert chosen.alerts[0].endswith("lần nộp thứ 1.") and store.get("MANY-XL", Q1) is not None


def test_several_forms_refused_by_the_web_upload(console, samples, tmp_path):  # noqa: F811
    path = two_forms(samples, tmp_path)
    with http_session(console["base"], TOKENS["so"]) as client:
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/bao-cao/kiem-tra").text).group(1)
        answer = client.post("/bao-cao/kiem-tra", data={"csrf": csrf, "luu": "1", "don_vi": "SO-TTTT", "ky": "Q3/2025"},
                             files={"tep": (path.name, path.read_bytes(), "application/octet-stream")})
    assert "có 2 biểu mẫu (các trang Biểu 7, Biểu 7 (2))" in answer.text
    assert console["archive"].get("SO-TTTT", parse_period("Q3/2025")) is None


# download of the original file -------------------------------------------------------------------

def test_original_file_downloads_for_a_reader_and_is_refused_to_another_unit(console, samples):  # noqa: F811
    correct = samples["phu-luc-vii-dung.xlsx"]
    with http_session(console["base"], TOKENS["so"]) as client:
        page = client.get("/bao-cao/don-vi/SO-TTTT").text
        assert "/bao-cao/don-vi/SO-TTTT/tep-goc/2024-Q1/1" in page and "Tải tệp gốc" in page
        got = client.get("/bao-cao/don-vi/SO-TTTT/tep-goc/2024-Q1/1")
        assert got.status_code == 200 and got.content == correct.read_bytes()
        assert got.headers["content-type"] == "application/octet-stream"
        assert got.headers["x-content-type-options"] == "nosniff"
        assert got.headers["content-disposition"].startswith('attachment; filename="phu-luc-vii-dung.xlsx"')
        other = client.get("/bao-cao/don-vi/Q1/tep-goc/2024-Q1/1")  # another unit's clerk asks for Q1's file
        assert other.status_code == 403 and correct.read_bytes() not in other.content
        assert "Q1" in other.text
        missing = client.get("/bao-cao/don-vi/SO-TTTT/tep-goc/2024-Q1/9")
        assert missing.status_code == 404
    with httpx.Client(base_url=console["base"]) as anonymous:  # no session: the login form, no bytes
        answer = anonymous.get("/bao-cao/don-vi/SO-TTTT/tep-goc/2024-Q1/1")
        assert correct.read_bytes() not in answer.content
        assert answer.status_code in (303, 307, 401, 403) or "dang-nhap" in str(answer.url)


def test_a_file_name_cannot_break_the_download_header(console, samples, tmp_path):  # noqa: F811
    """A name with quotes, a semicolon and Vietnamese letters: an attachment whose ASCII name is
    plain and whose UTF-8 name is percent-encoded; never inline."""
    archive: Archive = console["archive"]
    attack = tmp_path / 'Báo cáo"; filename=x.html; a=".xlsx'
    shutil.copy(samples["phu-luc-vii-dung.xlsx"], attack)
    period = parse_period("6T/2024")
    put_file(archive, attack, "SO-TTTT", period, "clerk")
    with http_session(console["base"], TOKENS["so"]) as client:
        got = client.get(f"/bao-cao/don-vi/SO-TTTT/tep-goc/{period.key}/1")
    assert got.status_code == 200 and got.content == attack.read_bytes()
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["x-content-type-options"] == "nosniff"
    header = got.headers["content-disposition"]
    fallback = re.fullmatch(r'attachment; filename="([A-Za-z0-9._-]+)"; filename\*=UTF-8\'\'([A-Za-z0-9%._-]+)', header)
    assert fallback is not None, header
    assert fallback.group(1).endswith(".xlsx") and "html" not in fallback.group(1).rsplit(".", 1)[1]


# the migration and the append-only table ---------------------------------------------------------

def test_upgrade_from_0006_keeps_the_chain_and_keeps_new_files(archive_url, samples, monkeypatch):
    config = db._alembic_config()
    with Archive(archive_url).engine.connect().execution_options(egov_write=True) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0006")
        conn.commit()
    with monkeypatch.context() as at_0006:  # as the code of 0006 wrote: a revision without a file
        at_0006.setattr(db, "HEAD_REVISION", "0006")
        Archive(archive_url).put(submission())
    archive = Archive(archive_url)
    assert archive.init() == db.head_revision() == "0007"
    assert archive.verify().broken is None
    stored = put_file(archive, samples["bieu-mau-7-dung.xlsx"], "HCM", Q1, "clerk").stored
    assert stored.revision == 2 and archive.source_file(stored.meta.summary["file"]["sha256"]) is not None
    old = archive.get("HCM", Q1, 1)
    assert old.meta.content_hash == "a" * 64 and "file" not in old.meta.summary  # readable as it was
    verdict = archive.verify()
    assert verdict.broken is None and verdict.revisions == 2
    done = egov("archive", "verify", "--url", archive_url)
    assert done.exit_code == 0 and "nguyên vẹn" in done.output
    for statement in ("UPDATE source_files SET data = NULL", "DELETE FROM source_files"):
        with pytest.raises(ArchiveError) as caught, translated(archive.url), archive.engine.begin() as conn:
            conn.execute(text(statement))
        assert caught.value.key == "archive_append_only"


OWNER, APP = "egov_owner_src", "egov_app_src"


def test_app_role_inserts_a_source_file_but_cannot_change_it(pg_cluster, samples):
    with psycopg.connect(host=str(pg_cluster.base), port=pg_cluster.port, user="postgres", dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {OWNER} LOGIN CREATEROLE")
        name = pg_cluster.new_database()
        conn.execute(f"ALTER DATABASE {name} OWNER TO {OWNER}")
    owner_url = pg_cluster.url(name).replace("postgres@", f"{OWNER}@")
    done = runner.invoke(app, ["archive", "init", "--url", owner_url, "--app-role", APP],
                         env={"COLUMNS": "400", "EGOV_APP_PASSWORD": "s3cret"})
    assert done.exit_code == 0, done.output
    server = Archive(pg_cluster.url(name).replace("postgres@", f"{APP}@"))
    server.init()
    form = samples["bieu-mau-7-dung.xlsx"]
    stored = put_file(server, form, "HCM", Q1, "clerk").stored
    assert put_file(server, form, "HCM", Q1, "clerk").stored.revision == 2  # the same file again: kept once
    digest = stored.meta.summary["file"]["sha256"]
    assert server.source_file(digest) == form.read_bytes()
    with psycopg.connect(host=str(pg_cluster.base), port=pg_cluster.port, user=APP, dbname=name,
                         autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM source_files").fetchone() == (1,)
        for statement in ("UPDATE source_files SET data = 'x'", "DELETE FROM source_files",
                          "TRUNCATE source_files", "ALTER TABLE source_files DISABLE TRIGGER USER"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
    assert server.source_file(digest) == form.read_bytes() and server.verify().broken is None
