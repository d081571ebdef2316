"""Tokens are stored only as SHA-256: `egov-xl token add/list/revoke` through the real CLI, the
file's mode and content, a live server honouring an issue and a revocation, and the refusal of
an old clear-text tokens file converted on upgrade (by the CLI and by `serve`: hashes computed
from the clear tokens, the clear file replaced atomically, 0600), refused by a running server."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys

import httpx
import pytest

from tests.live_server import live_server

OLD = 'tokens:\n  "token-so-a": {name: "Cán bộ Sở A", units: ["SO-A"]}\n'


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", "import os, sys; os.umask(0); from egov_xl.cli import main; sys.argv[0] = 'egov-xl'; main()", *args]
    return subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True, timeout=120)


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    from egov_xl.archive.store import Archive

    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    archive = Archive(url)
    archive.init()
    for code in ("SO-A", "SO-B"):  # `token add` names only units the archive knows
        archive.set_unit(code, code)
    return {"EGOV_PRIVATE_DIR": str(tmp_path / "private"), "EGOV_ARCHIVE_URL": url}


def test_add_prints_the_token_once_and_stores_only_its_hash(env, tmp_path):
    done = _cli(env, "token", "add", "--name", "Cán bộ Sở A", "--unit", "SO-A", "--unit", "SO-B", "--consolidates")
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip()
    assert len(token) >= 40 and "\n" not in token
    assert "Mã chỉ hiện một lần này" in done.stderr
    path = tmp_path / "private" / "tokens.yaml"
    text = path.read_text(encoding="utf-8")
    assert token not in text
    assert hashlib.sha256(token.encode()).hexdigest() in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # even with umask 0
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert sorted(p.name for p in path.parent.iterdir()) == ["tokens.yaml"]  # no temporary left behind
    listed = _cli(env, "token", "list")
    assert "Cán bộ Sở A" in listed.stdout and "SO-A, SO-B" in listed.stdout
    assert token not in listed.stdout


def test_issue_and_revoke_on_a_live_server(env, tmp_path):
    first = _cli(env, "token", "add", "--name", "A", "--unit", "SO-A").stdout.strip()
    second = _cli(env, "token", "add", "--name", "B", "--unit", "SO-B").stdout.strip()
    server_env = {**env, "XLWINGS_AUTH_PROVIDERS": '["custom"]'}
    body = {"client": "Office.js", "func_name": "num", "args": [[["1,5"]]], "runtime": "1.4",
            "caller_address": "[B.xlsx]S!A1", "version": "0.37.8"}
    with live_server(env=server_env) as base:
        def call(token):
            return httpx.post(base + "/xlwings/custom-functions-call", json=body, headers={"Authorization": token})

        assert call(first).json() == {"result": [[1.5]]}
        assert call(second).status_code == 200
        revoked = _cli(env, "token", "revoke", "A")
        assert revoked.returncode == 0 and "Đã thu hồi" in revoked.stdout
        assert call(first).status_code == 401
        assert call(second).status_code == 200
        gone = _cli(env, "token", "revoke", "nobody")
        assert gone.returncode == 2 and 'tên "nobody"' in gone.stderr


def _old_file(tmp_path, text: str = OLD):
    old = tmp_path / "private" / "tokens.yaml"
    old.parent.mkdir(exist_ok=True)
    old.write_text(text, encoding="utf-8")
    old.chmod(0o644)  # as 0.1.0 left it
    return old


def _converted(path) -> dict:
    import yaml

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["tokens.yaml"]  # no clear copy, no temporary
    text = path.read_text(encoding="utf-8")
    assert "token-so-a" not in text
    return yaml.safe_load(text)


def test_clear_text_file_is_converted_by_the_token_commands(env, tmp_path):
    old = _old_file(tmp_path, 'tokens:\n  "token-so-a": {name: "Cán bộ Sở A", units: ["SO-A"], id: "a1", note: x}\n')
    listed = _cli(env, "token", "list")
    assert listed.returncode == 0, listed.stderr
    assert "Cán bộ Sở A" in listed.stdout
    data = _converted(old)
    assert data["format"] == "sha256"
    key = hashlib.sha256(b"token-so-a").hexdigest()
    assert data["tokens"] == {key: {"name": "Cán bộ Sở A", "units": ["SO-A"], "id": "a1", "note": "x"}}
    assert _cli(env, "token", "add", "--name", "C", "--unit", "SO-B").returncode == 0  # and the file goes on
    assert key in old.read_text(encoding="utf-8")


def test_clear_text_file_is_converted_when_serve_starts_and_the_old_token_works(env, tmp_path):
    old = _old_file(tmp_path)
    body = {"client": "Office.js", "func_name": "num", "args": [[["2"]]], "runtime": "1.4",
            "caller_address": "[B.xlsx]S!A1", "version": "0.37.8"}
    with live_server(env={**env, "XLWINGS_AUTH_PROVIDERS": '["custom"]'}) as base:
        answer = httpx.post(base + "/xlwings/custom-functions-call", json=body, headers={"Authorization": "token-so-a"})
        assert answer.status_code == 200 and answer.json() == {"result": [[2.0]]}
        assert "Đã chuyển tệp mã truy cập" in base.log.read_text(errors="replace")
    _converted(old)


def test_running_server_never_accepts_a_clear_text_token(env, tmp_path):
    good = _cli(env, "token", "add", "--name", "A", "--unit", "SO-A").stdout.strip()
    body = {"client": "Office.js", "func_name": "num", "args": [[["2"]]], "runtime": "1.4",
            "caller_address": "[B.xlsx]S!A1", "version": "0.37.8"}
    with live_server(env={**env, "XLWINGS_AUTH_PROVIDERS": '["custom"]'}) as base:
        assert httpx.post(base + "/xlwings/custom-functions-call", json=body,
                          headers={"Authorization": good}).status_code == 200
        (tmp_path / "private" / "tokens.yaml").write_text(OLD, encoding="utf-8")
        response = httpx.post(base + "/xlwings/custom-functions-call", json=body,
                              headers={"Authorization": "token-so-a"})
        assert response.status_code == 503
        assert "dạng rõ" in response.json()["detail"]
