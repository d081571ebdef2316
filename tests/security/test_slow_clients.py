"""Slow and anonymous clients cannot hold the shared server (egov_xl/server/connections.py,
guards.py), each attack run against a live `egov-xl serve` with token sign-in and short limits:

- slowloris: a few hundred connections that never finish their request head, started with an
  open-files soft limit lower than their number (the issue: ~1,000 under the common 1,024), are
  closed after the head timeout while another clerk is answered at once;
- a body that stops, or trickles, is answered 408 and let go;
- a console POST from no session is sent to the login form before its body is read;
- bodies from visitors not signed in are small and only a few are read at once (503 beyond);
- beyond `limit_concurrency` connections uvicorn answers 503 instead of taking more.
"""

from __future__ import annotations

import re
import resource
import socket
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

import httpx
import pytest

from tests.fixtures.console import TOKENS, seed_console
from tests.fixtures.web import http_session
from tests.live_server import live_server
from tests.security.attack import MIB, _read_response, stream_post

HEAD_TIMEOUT = 2
BODY_IDLE = 2
BODY_TOTAL = 6
ANONYMOUS = 8
SLOW = 300  # slow connections: more than the soft open-files limit the server is started with
SOFT_LIMIT = 256


@contextmanager
def soft_open_files(limit: int):
    """This process's (and so a server started now's) open-files soft limit, for a while."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(limit, hard), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def _limits(**extra) -> dict[str, str]:
    return {"EGOV_HEADER_TIMEOUT_S": str(HEAD_TIMEOUT), "EGOV_BODY_IDLE_S": str(BODY_IDLE),
            "EGOV_BODY_TIMEOUT_S": str(BODY_TOTAL), "EGOV_MAX_ANONYMOUS_BODIES": str(ANONYMOUS), **extra}


@pytest.fixture(scope="module")
def shared(samples, tmp_path_factory):
    seeded = seed_console(tmp_path_factory.mktemp("slow"), samples)
    with soft_open_files(SOFT_LIMIT):
        server = live_server(env={**seeded["env"], **_limits()})
        base = server.__enter__()
    try:
        yield base
    finally:
        server.__exit__(None, None, None)


def _connect(base: str) -> socket.socket:
    parts = urlsplit(base)
    return socket.create_connection((parts.hostname, parts.port), timeout=10)


def _closed_by_server(conn: socket.socket) -> bool:
    conn.setblocking(False)
    try:
        return conn.recv(1024) == b""
    except BlockingIOError:
        return False  # still open, nothing to read
    except OSError:
        return True  # reset


def test_open_files_limit_is_raised_at_start(shared):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    limits = open(f"/proc/{shared.process.pid}/limits").read()
    server_soft, server_hard = re.search(r"Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)", limits).groups()
    assert server_soft == server_hard == str(hard)  # started with a soft limit of SOFT_LIMIT


def test_slow_request_heads_are_closed_and_another_clerk_is_answered(shared):
    slow = []
    for n in range(SLOW):
        conn = _connect(shared)
        if n % 2:  # half send a head they never finish, half send nothing at all
            conn.sendall(b"GET /bao-cao/dang-nhap HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        slow.append(conn)
    try:
        start = time.monotonic()
        trickle_until = start + HEAD_TIMEOUT + 3
        clerk = httpx.get(shared + "/bao-cao/dang-nhap", timeout=10)
        answered = time.monotonic() - start
        assert clerk.status_code == 200 and answered < 1.0, answered
        while time.monotonic() < trickle_until:  # the unfinished heads keep trickling a header line
            for conn in slow[1::2]:
                try:
                    conn.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    pass
            time.sleep(0.5)
        open_still = [conn for conn in slow if not _closed_by_server(conn)]
        assert open_still == [], f"{len(open_still)} of {SLOW} slow connections still open"
        assert httpx.get(shared + "/bao-cao/dang-nhap", timeout=10).status_code == 200
    finally:
        for conn in slow:
            conn.close()


def test_a_huge_request_head_is_refused(shared):
    line = b"X-Pad: " + b"a" * 1000 + b"\r\n"
    with _connect(shared) as conn:
        # a small send buffer: what `sent` counts is then what the server took in, not what the
        # client's kernel queued (loopback buffers grow to megabytes under load)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
        conn.sendall(b"GET /bao-cao/dang-nhap HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        sent = 0
        try:
            while sent < 8 * MIB:  # headers as fast as the line takes them, never finished
                conn.sendall(line * 64)
                sent += len(line) * 64
        except OSError:
            pass  # closed by the server
        status, _, _ = _read_response(conn)
    assert status == 400 and sent < 2 * MIB


def _post_head(path: str, length: int, cookie: str = "") -> bytes:
    head = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {length}",
            "Content-Type: application/x-www-form-urlencoded"] + ([f"Cookie: {cookie}"] if cookie else [])
    return ("\r\n".join(head) + "\r\n\r\n").encode()


def test_a_body_that_stops_or_trickles_is_let_go(shared):
    with http_session(shared, TOKENS["so"]) as clerk:
        cookie = "; ".join(f"{k}={v}" for k, v in clerk.cookies.items())
    with _connect(shared) as stopped:
        stopped.sendall(_post_head("/bao-cao/kiem-tra", 100_000, cookie) + b"x" * 1000)
        start = time.monotonic()
        status, _, body, = _read_response(stopped)
        assert status == 408 and BODY_IDLE - 0.5 < time.monotonic() - start < BODY_IDLE + 3
        assert "chưa có gì được xử lý" in body.decode()
    with _connect(shared) as trickling:
        trickling.sendall(_post_head("/bao-cao/kiem-tra", 100_000, cookie))
        start = time.monotonic()
        trickling.settimeout(0.5)
        while time.monotonic() - start < BODY_TOTAL + 4:
            try:
                trickling.sendall(b"x" * 10)
                if trickling.recv(1, socket.MSG_PEEK):
                    break
            except TimeoutError:
                continue
            except OSError:
                break
        trickling.settimeout(10)
        status, _, _ = _read_response(trickling)
        assert status == 408 and BODY_TOTAL - 0.5 < time.monotonic() - start < BODY_TOTAL + 3


def test_a_console_post_without_a_session_is_not_read(shared):
    status, headers, _, sent = stream_post(shared, "/bao-cao/kiem-tra", 9 * MIB)  # under the body limit
    assert status == 303 and headers["location"] == "/bao-cao/dang-nhap"
    assert sent < 2 * MIB  # answered before the body was read


def test_bodies_of_visitors_not_signed_in_are_small_and_few(shared):
    waiting = [_connect(shared) for _ in range(ANONYMOUS)]
    try:
        for conn in waiting:  # logins whose form never arrives
            conn.sendall(_post_head("/bao-cao/dang-nhap", 1000) + b"token=")
        time.sleep(0.5)
        with _connect(shared) as one_more:
            one_more.sendall(_post_head("/bao-cao/dang-nhap", 11) + b"token=guess")
            status, headers, body = _read_response(one_more)
        assert status == 503 and headers["retry-after"] and "chưa đăng nhập" in body.decode()
        for conn in waiting:
            assert _read_response(conn)[0] == 408
    finally:
        for conn in waiting:
            conn.close()
    page = httpx.get(shared + "/bao-cao/dang-nhap")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    login = httpx.post(shared + "/bao-cao/dang-nhap", data={"csrf": csrf, "token": TOKENS["so"]},
                       cookies=page.cookies)
    assert login.status_code == 303  # the slots are free again
    big = httpx.post(shared + "/bao-cao/dang-nhap", content=b"token=" + b"x" * (100 * 1024),
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert big.status_code == 413


def test_beyond_the_connection_limit_uvicorn_answers_503(samples, tmp_path):
    seeded = seed_console(tmp_path, samples)
    with live_server(env={**seeded["env"], **_limits(EGOV_MAX_CONNECTIONS="30")}) as base:
        held = [_connect(base) for _ in range(40)]
        try:
            time.sleep(0.3)
            assert httpx.get(base + "/bao-cao/dang-nhap", timeout=10).status_code == 503
            time.sleep(HEAD_TIMEOUT + 1)  # the idle connections are closed by the head timeout
            assert httpx.get(base + "/bao-cao/dang-nhap", timeout=10).status_code == 200
        finally:
            for conn in held:
                conn.close()
