"""Authentication state shared by every worker (egov_xl/server/auth_state.py, migration 0005).

Before: the failed-token count lived in each server process, so `--workers 2` gave a guesser
twice EGOV_AUTH_MAX_FAILURES tries; and a web session was only a signed cookie, so a cookie
copied before logout still opened every page after it."""

from __future__ import annotations

import http.client
import json
import re
import time
from pathlib import Path

import httpx

from egov_xl.server.tokens import issue
from tests.fixtures.console import TOKENS, seed_console
from tests.live_server import live_server

LIMIT, WINDOW = 4, 8.0
FUNCTION = "/xlwings/custom-functions-call"
BODY = json.dumps({"client": "Office.js", "func_name": "ratio", "args": [[[1]], [[4]]],
                   "caller_address": "[B.xlsx]S!A1", "version": "0.37.8", "runtime": "1.4"})


def _worker_of(server_pid: int, port: int, client_port: int) -> int:
    """The worker process holding the server side of the connection from `client_port`."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote = int(fields[1].rsplit(":", 1)[1], 16), int(fields[2].rsplit(":", 1)[1], 16)
            if (local, remote) == (port, client_port):
                inodes.add(f"socket:[{fields[9]}]")
    children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
    for child in map(int, children):
        for fd in Path(f"/proc/{child}/fd").iterdir():
            try:
                if fd.readlink().as_posix() in inodes:
                    return child
            except OSError:
                continue
    raise AssertionError(f"no worker holds the connection from port {client_port}")


def _connected(base) -> tuple[http.client.HTTPConnection, int]:
    """A fresh connection that a worker has accepted and answered a GET on (no token: nothing
    counted), kept alive so that we can see which worker holds it: (connection, worker)."""
    port = int(base.rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/")
    conn.getresponse().read()
    return conn, _worker_of(base.process.pid, port, conn.sock.getsockname()[1])


def _guess(base, token: str) -> tuple[int, int]:
    """One call on a fresh connection: (status, the worker that answered it)."""
    conn, worker = _connected(base)
    try:
        conn.request("POST", FUNCTION, body=BODY, headers={"Authorization": token, "Content-Type": "application/json"})
        return conn.getresponse().status, worker
    finally:
        conn.close()


def _until_both_workers_answer(base, seconds: float = 60.0) -> None:
    """live_server is ready when one worker answers; on a busy machine the second may still be
    starting when the guesses begin, and every guess then goes to the first."""
    deadline, seen = time.monotonic() + seconds, set()
    while len(seen) < 2:
        assert time.monotonic() < deadline, "the second worker never answered"
        conn, worker = _connected(base)
        conn.close()
        seen.add(worker)
        time.sleep(0.05)


def test_two_workers_share_one_failure_budget(tmp_path):
    token, _ = issue(tmp_path / "tokens.yaml", "Cán bộ Sở A", ["SO-A"])
    env = {"EGOV_TOKENS_FILE": str(tmp_path / "tokens.yaml"), "XLWINGS_AUTH_PROVIDERS": '["custom"]',
           "EGOV_ARCHIVE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}", "EGOV_AUTH_MAX_FAILURES": str(LIMIT),
           "EGOV_AUTH_MAX_FAILURES_PER_ADDRESS": str(LIMIT), "EGOV_AUTH_FAILURE_WINDOW_S": str(WINDOW)}
    with live_server("--workers", "2", env=env) as base:
        _until_both_workers_answer(base)
        started = time.monotonic()
        answers = [_guess(base, f"guess-{n}") for n in range(6 * LIMIT)]
        refused_right = _guess(base, token)[0]
        assert time.monotonic() - started < WINDOW, "too slow to test inside the window"
        assert len({worker for _, worker in answers}) == 2, "both workers must have served guesses"
        statuses = [status for status, _ in answers]
        assert statuses.count(401) == LIMIT - 1  # per process it would be up to 2 × (LIMIT - 1)
        assert statuses[:LIMIT - 1] == [401] * (LIMIT - 1) and set(statuses[LIMIT - 1:]) == {429}
        assert refused_right == 429
        time.sleep(max(0.0, started + WINDOW + 0.5 - time.monotonic()))
        assert {_guess(base, token)[0] for _ in range(4)} == {200}


def _login(client: httpx.Client, token: str) -> None:
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/bao-cao/dang-nhap").text).group(1)
    assert client.post("/bao-cao/dang-nhap", data={"csrf": csrf, "token": token}).status_code == 303


def test_a_copied_cookie_is_worthless_after_logout(samples, tmp_path):
    seeded = seed_console(tmp_path, samples)
    with live_server("--workers", "2", env=seeded["env"]) as base, \
            httpx.Client(base_url=base, follow_redirects=False, timeout=30) as clerk:
        _login(clerk, TOKENS["hcm"])
        copied = dict(clerk.cookies)
        with httpx.Client(base_url=base, cookies=copied, follow_redirects=False, timeout=30) as thief:
            assert {thief.get("/bao-cao/kiem-tra").status_code for _ in range(3)} == {200}  # the copy works
            csrf = re.search(r'name="csrf" value="([^"]+)"', clerk.get("/bao-cao/kiem-tra").text).group(1)
            assert clerk.post("/bao-cao/dang-xuat", data={"csrf": csrf}).status_code == 303
            for page in ("/bao-cao", "/bao-cao/kiem-tra", "/bao-cao/xuat.xlsx"):  # every worker refuses it
                for _ in range(3):
                    answer = thief.get(page)
                    assert answer.status_code == 303 and answer.headers["location"].endswith("/bao-cao/dang-nhap")
        _login(clerk, TOKENS["hcm"])  # the clerk may log in again: a new session
        assert clerk.get("/bao-cao/kiem-tra").status_code == 200
