"""A tokens file other accounts of the server machine may write (mode 0666, a group-writable
folder, a file owned by another account): any of them added the hash of a token of their own,
with `consolidates: true` on the province's top unit, and the server took it at the next
request. The server, and every token command, now refuse such a file with one sentence."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest

from egov_xl.server.tokens import TokensFileError, grant_for, issue

FORGED = "token-of-another-account"


def _forge(path) -> None:
    """What another account does to a file it can write: a grant of its own."""
    digest = hashlib.sha256(FORGED.encode()).hexdigest()
    with path.open("a", encoding="utf-8") as stream:
        stream.write(f'  "{digest}": {{name: "Kẻ khác", units: ["TINH"], consolidates: true, created: ""}}\n')


def test_a_world_writable_tokens_file_is_refused(tmp_path):
    folder = tmp_path / "private"
    folder.mkdir(mode=0o700)
    path = folder / "tokens.yaml"
    issue(path, "Cán bộ Sở A", ["SO-A"])
    os.chmod(path, 0o666)
    _forge(path)
    with pytest.raises(TokensFileError) as refused:
        grant_for(FORGED, path)
    assert refused.value.key == "tokens_file_writable" and refused.value.params["path"] == path


def test_a_group_writable_folder_is_refused_unless_sticky(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "tokens.yaml"
    issue(path, "Cán bộ Sở A", ["SO-A"])
    os.chmod(folder, 0o770)  # the file can be replaced by a group member
    with pytest.raises(TokensFileError):
        grant_for("anything", path)
    os.chmod(folder, 0o1777)  # like /tmp: nobody replaces another's file
    assert grant_for("anything", path) is None


def test_serve_refuses_with_a_sentence(tmp_path):
    folder = tmp_path / "private"
    folder.mkdir(mode=0o700)
    path = folder / "tokens.yaml"
    issue(path, "Cán bộ Sở A", ["SO-A"])
    os.chmod(path, 0o646)
    env = {**os.environ, "COLUMNS": "400", "EGOV_PRIVATE_DIR": str(folder), "EGOV_TOKENS_FILE": str(path),
           "XLWINGS_AUTH_PROVIDERS": '["custom"]', "EGOV_ARCHIVE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}"}
    done = subprocess.run([sys.executable, "-m", "egov_xl", "serve", "--http", "--port", "1"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "chmod go-w" in done.stdout + done.stderr and "Traceback" not in done.stderr


def test_the_usual_private_file_is_accepted(tmp_path):
    path = tmp_path / "private" / "tokens.yaml"
    token, _ = issue(path, "Cán bộ Sở A", ["SO-A"])
    assert grant_for(token, path).units == frozenset({"SO-A"})


def test_a_tokens_file_made_unsafe_while_serving_is_a_sentence(tmp_path):
    """The file made world-writable, then given to another owner, while the server runs: the
    signed-in console, its login and the add-in each get 503 and the one sentence naming the
    file (never a bare 500 with an id), and the server's log says it once."""
    import re

    import httpx

    from egov_xl.archive.store import Archive
    from tests.live_server import live_server

    folder = tmp_path / "private"
    folder.mkdir(mode=0o700)
    path = folder / "tokens.yaml"
    token, _ = issue(path, "Cán bộ Sở A", ["SO-A"])
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    Archive(url).init()
    env = {"EGOV_PRIVATE_DIR": str(folder), "EGOV_TOKENS_FILE": str(path), "EGOV_ARCHIVE_URL": url,
           "XLWINGS_AUTH_PROVIDERS": '["custom"]'}
    body = {"client": "Office.js", "func_name": "num", "args": [[["1,5"]]], "runtime": "1.4",
            "caller_address": "[B.xlsx]S!A1", "version": "0.37.8"}
    with live_server(env=env) as base, httpx.Client(base_url=base) as clerk, httpx.Client(base_url=base) as other:
        csrf = re.search(r'name="csrf" value="([^"]+)"', clerk.get("/bao-cao/dang-nhap").text).group(1)
        assert clerk.post("/bao-cao/dang-nhap", data={"token": token, "csrf": csrf}).status_code == 303
        assert clerk.get("/bao-cao/kiem-tra").status_code == 200
        csrf = re.search(r'name="csrf" value="([^"]+)"', other.get("/bao-cao/dang-nhap").text).group(1)
        for unsafe in (lambda: os.chmod(path, 0o666), lambda: (os.chmod(path, 0o600), os.chown(path, 65534, -1))):
            unsafe()
            answers = {"console": clerk.get("/bao-cao/kiem-tra"),
                       "login": other.post("/bao-cao/dang-nhap", data={"token": token, "csrf": csrf}),
                       "add-in": httpx.post(base + "/xlwings/custom-functions-call", json=body,
                                            headers={"Authorization": token})}
            for where, answer in answers.items():
                text = answer.json()["detail"] if where == "add-in" else answer.text
                assert answer.status_code == 503, (where, answer.status_code, text)
                assert "Người dùng khác trên máy này có thể sửa" in text and str(path) in text, (where, text)
                assert "chmod go-w" in text and "mã lỗi" not in text.lower(), (where, text)
        log = base.log.read_text(errors="replace")
    said = [line for line in log.splitlines() if "tokens file" in line and str(path) in line]
    assert len(said) == 1 and "WARNING" in said[0], said  # once, whatever the requests and the cause
    assert "Traceback" not in log and "failure id=" not in log


def test_a_link_in_a_folder_others_may_write_is_refused(tmp_path):
    """The tokens file named through a symbolic link: whoever may write the link's folder can
    point it at a file of their own, however private the file it names now is."""
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    path = private / "tokens.yaml"
    token, _ = issue(path, "Cán bộ Sở A", ["SO-A"])
    shared = tmp_path / "shared"
    shared.mkdir()
    link = shared / "tokens.yaml"
    link.symlink_to(path)
    os.chmod(shared, 0o777)
    with pytest.raises(TokensFileError) as refused:
        grant_for(token, link)
    assert refused.value.key == "tokens_file_writable" and refused.value.params["path"] == shared
    os.chmod(shared, 0o755)
    assert grant_for(token, link).units == frozenset({"SO-A"})
