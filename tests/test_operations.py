"""Day-2 operations of the real server over HTTP: the health endpoint (200 with the archive
answering, 503 with a sentence when the PostgreSQL cluster is stopped), clerks' requests
during the outage (a Vietnamese 503 sentence with an error id, in the add-in and in the web
console, never "An error occurred." or a traceback), and the log: a timestamp on every line,
one access line per request with the token's id, a failed-login line, and for repeated
failures one line each with its id but the traceback once."""

from __future__ import annotations

import re
import time
from urllib.parse import quote

import httpx
import pytest

from egov_xl.archive.store import Archive
from egov_xl.server.tokens import issue
from tests.excel_bridge import details_from_xlsx, payload_from_xlsx
from tests.live_server import live_server
from tests.pg import Cluster

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} (INFO|WARNING|ERROR|CRITICAL) ")


def _script(base: str, token: str, path, name: str, *args) -> httpx.Response:
    payload, _ = payload_from_xlsx(path, [details_from_xlsx(path), "alert", "vi", *args])
    return httpx.post(f"{base}/xlwings/custom-scripts-call/{name}", json=payload, timeout=30,
                      headers={"Authorization": token, "Auth-Provider": "custom"})


def _login(client: httpx.Client, token: str) -> httpx.Response:
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/bao-cao/dang-nhap").text).group(1)
    return client.post("/bao-cao/dang-nhap", data={"csrf": csrf, "token": token})


def _log_lines(base) -> list[str]:
    time.sleep(0.3)  # the worker's last line
    return base.log.read_text(encoding="utf-8").splitlines()


def _entries(lines: list[str]) -> list[str]:
    """The logging lines (not the start banner, not traceback continuation lines)."""
    return [line for line in lines if re.match(r"^\d{4}-\d\d-\d\dT", line)]


@pytest.fixture
def tokens(tmp_path) -> tuple[dict[str, str], dict[str, str]]:
    file = tmp_path / "tokens.yaml"
    token, entry = issue(file, "Cán bộ Sở A", ["SO-A"])
    env = {"EGOV_TOKENS_FILE": str(file), "XLWINGS_AUTH_PROVIDERS": '["custom"]',
           "EGOV_PRIVATE_DIR": str(tmp_path / "private")}
    return {"token": token, "id": entry.id}, env


def test_health_and_clerks_answers_when_postgresql_stops(tokens, samples):
    said, env = tokens
    cluster = Cluster()
    try:
        url = cluster.url(cluster.new_database())
        store = Archive(url)
        store.init()
        store.set_unit("SO-A", "Sở A")
        with live_server("--url", url, env=env) as base:
            healthy = httpx.get(base + "/health")
            assert healthy.status_code == 200 and healthy.text.startswith("egov-xl đang chạy; kho lưu trữ trả lời.")
            saved = _script(base, said["token"], samples["bieu-mau-7-dung.xlsx"], "luu_ky_bao_cao", "SO-A", "Q1/2025")
            assert saved.status_code == 200
            cluster.stop()  # the database goes away under the running server

            down = httpx.get(base + "/health")
            assert down.status_code == 503
            assert down.text.startswith("egov-xl đang chạy nhưng không kết nối được kho lưu trữ")
            for _ in range(4):
                refused = _script(base, said["token"], samples["bieu-mau-7-dung.xlsx"], "luu_ky_bao_cao",
                                  "SO-A", "6T/2025")
                assert refused.status_code == 503
                detail = refused.json()["detail"]
                assert detail.startswith("Kho lưu trữ tạm thời không kết nối được; số liệu chưa được đọc hay lưu.")
                assert re.search(r"mã lỗi [0-9a-f]{8}", detail)
            with httpx.Client(base_url=base) as client:
                page = _login(client, said["token"])
            assert page.status_code == 503 and "text/html" in page.headers["content-type"]
            assert "Kho lưu trữ tạm thời không kết nối được" in page.text and "Traceback" not in page.text
            lines = _log_lines(base)
    finally:
        cluster.stop()
    failures = [line for line in lines if " failure id=" in line]
    ids = {re.search(r"failure id=([0-9a-f]{8})", line).group(1) for line in failures}
    assert len(failures) >= 6 and len(ids) == len(failures)  # health, 4 saves, the login: one line each
    assert all("archive_down=True" in line for line in failures)
    assert 1 <= sum("Traceback (most recent call last)" in line for line in lines) <= 3  # once per place
    assert len(lines) < 400
    assert not any("Exception in ASGI application" in line for line in lines)
    assert all(STAMP.match(line) for line in _entries(lines))


def test_access_and_failed_login_lines(tokens, samples, tmp_path):
    said, env = tokens
    with live_server("--url", f"sqlite:///{tmp_path / 'a.sqlite3'}", env=env) as base:
        checked = _script(base, said["token"], samples["bieu-mau-7-dung.xlsx"], "kiem_tra")
        assert checked.status_code == 200
        assert _script(base, "not-a-token", samples["bieu-mau-7-dung.xlsx"], "kiem_tra").status_code == 401
        with httpx.Client(base_url=base) as client:
            assert _login(client, "also-wrong").status_code == 401
            assert _login(client, said["token"]).status_code == 303
            assert client.get("/bao-cao/kiem-tra").status_code == 200
        lines = _entries(_log_lines(base))
    assert all(STAMP.match(line) for line in lines)
    access = [line for line in lines if " egov_xl.access " in line]
    line = re.compile(r'client=127\.0\.0\.1 user=(\S+) method=(GET|POST) route="([^"]+)" status=(\d{3}) ms=\d+$')
    parsed = [line.search(entry).groups() for entry in access]
    assert (said["id"], "POST", "/xlwings/custom-scripts-call/kiem_tra", "200") in parsed
    assert ("-", "POST", "/xlwings/custom-scripts-call/kiem_tra", "401") in parsed
    assert ("-", "POST", "/bao-cao/dang-nhap", "401") in parsed
    assert (said["id"], "GET", "/bao-cao/kiem-tra", "200") in parsed  # the console's session names its user
    failed = [entry for entry in lines if "login failed" in entry]
    assert len(failed) == 2
    assert any('route="/xlwings/custom-scripts-call/kiem_tra"' in entry for entry in failed)
    assert any('route="/bao-cao/dang-nhap"' in entry for entry in failed)
    assert not any("Traceback" in entry for entry in lines)


def test_access_lines_escape_characters_a_terminal_would_obey(tmp_path):
    """A path carrying C1 controls (CSI U+009B, NEL U+0085), a line or paragraph separator, a
    right-to-left override or a zero-width space, percent-encoded: each request is one line,
    with those characters written as \\uXXXX (a terminal or a log viewer reading the journal
    would otherwise move the cursor, break the line or reverse what follows); Vietnamese stays."""
    evil = "\u009b31m\u0085giả\u2028mạo\u2029\u202egnp.exe\u200b\u001b[2J"
    with live_server("--url", f"sqlite:///{tmp_path / 'a.sqlite3'}") as base:
        for _ in range(2):
            assert httpx.get(base + "/bao-cao/" + quote(evil)).status_code in (303, 404)
        time.sleep(0.3)  # the worker's last line
        text = base.log.read_text(encoding="utf-8")
    lines = [line for line in text.split("\n") if " egov_xl.access " in line and "/bao-cao/" in line]
    assert len(lines) == 2, lines
    for line in lines:
        assert STAMP.match(line) and line.endswith(tuple("0123456789")), line
        assert not any(ch in line for ch in evil if ch not in "31m[2Jgiảmạognp.exe"), ascii(line)
        assert "\\u009b31m\\u0085giả\\u2028mạo\\u2029\\u202egnp.exe\\u200b\\u001b[2J" in line, ascii(line)
