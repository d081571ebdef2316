"""A request whose method takes no body (GET, HEAD, OPTIONS) but which declares one: the app
answers without reading it, the head timeout no longer applies (the head is complete), the
guard's body timeouts only time bodies it reads, and uvicorn's keep-alive timer is reset by
every byte that arrives. One byte every two seconds held such a connection open forever, and
`limit_concurrency` of them lock every clerk out (slowloris through the body, from anyone, with
no sign-in). Such a request is answered 400 at once and its connection closed."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import httpx
import pytest

from egov_xl.archive.store import Archive
from tests.live_server import live_server

HEAD_TIMEOUT = 2
CONNECTIONS = 12
HELD_FOR = 8  # seconds a trickling client keeps trying (well past every timeout of the server)


@pytest.fixture(scope="module")
def one_pc(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('unread') / 'a.sqlite3'}"
    Archive(url).init()
    env = {"EGOV_HEADER_TIMEOUT_S": str(HEAD_TIMEOUT), "EGOV_BODY_IDLE_S": "2", "EGOV_BODY_TIMEOUT_S": "4",
           "EGOV_MAX_CONNECTIONS": str(CONNECTIONS)}
    with live_server("--url", url, env=env) as base:
        yield base


def _trickle(base: str, head: str, seconds: float) -> tuple[bytes, float | None]:
    """Send `head`, then one body byte a second; (what came back, seconds until the server
    closed the connection, or None if it was still open after `seconds`)."""
    parts = urlsplit(base)
    received, started = b"", time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), timeout=1) as conn:
        conn.sendall(head.encode())
        while time.monotonic() - started < seconds:
            try:
                conn.sendall(b"1\r\n" if "chunked" in head else b"x")
                chunk = conn.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return received, time.monotonic() - started
            if not chunk:
                return received, time.monotonic() - started
            received += chunk
    return received, None


@pytest.mark.parametrize("method,path,framing", [
    ("GET", "/", "Content-Length: 100000000"),
    ("HEAD", "/bao-cao", "Content-Length: 100000000"),
    ("OPTIONS", "/xlwings/custom-functions-call", "Content-Length: 100000000"),
    ("GET", "/taskpane.html", "Transfer-Encoding: chunked"),
])
def test_a_body_nobody_reads_does_not_hold_the_connection(one_pc, method, path, framing):
    head = f"{method} {path} HTTP/1.1\r\nHost: localhost\r\n{framing}\r\n\r\n"
    received, closed_after = _trickle(one_pc, head, HELD_FOR)
    assert closed_after is not None and closed_after < HELD_FOR - 2, (received[:200], closed_after)


def test_trickling_bodies_do_not_lock_out_the_clerk(one_pc):
    parts = urlsplit(one_pc)
    held = []
    try:
        for _ in range(CONNECTIONS + 4):
            conn = socket.create_connection((parts.hostname, parts.port), timeout=2)
            conn.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000000\r\n\r\n")
            held.append(conn)
        deadline = time.monotonic() + HELD_FOR
        while time.monotonic() < deadline:  # keep every one of them alive, a byte a second
            for conn in held:
                try:
                    conn.sendall(b"x")
                except OSError:
                    pass
            time.sleep(1)
        assert httpx.get(one_pc + "/", timeout=5).status_code == 200
    finally:
        for conn in held:
            conn.close()


def test_requests_without_a_body_are_served_as_before(one_pc):
    assert httpx.get(one_pc + "/", timeout=5).status_code == 200
    assert httpx.get(one_pc + "/", headers={"Content-Length": "0"}, timeout=5).status_code == 200
    assert httpx.head(one_pc + "/bao-cao", timeout=5).status_code in (200, 405)
