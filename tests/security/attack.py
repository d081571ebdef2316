"""Raw HTTP for attack tests: request targets sent byte for byte (no client normalises `..`),
bodies streamed to a server that should refuse them early, and a process's resident memory."""

from __future__ import annotations

import asyncio
import http.client
import json
import select
import socket
from pathlib import Path
from urllib.parse import unquote, urlsplit

MIB = 1024 * 1024


def raw_get(base: str, target: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """GET `target` exactly as written."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", target, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def stream_post(base: str, target: str, total: int, headers: dict[str, str] | None = None,
                chunked: bool = False) -> tuple[int, dict[str, str], bytes, int]:
    """POST a body of `total` bytes in 1 MiB pieces, stopping when the server answers.
    Returns (status, headers, body, bytes sent before the answer)."""
    parts = urlsplit(base)
    head = [f"POST {target} HTTP/1.1", f"Host: {parts.hostname}", "Content-Type: application/json"]
    head += ["Transfer-Encoding: chunked"] if chunked else [f"Content-Length: {total}"]
    head += [f"{k}: {v}" for k, v in (headers or {}).items()]
    piece = b"[" + b"1," * (MIB // 2 - 1) + b"1"
    sent = 0
    with socket.create_connection((parts.hostname, parts.port), timeout=60) as conn:
        conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        while sent < total and not _answered(conn, 0.5 if sent == 0 else 0):
            data = piece[: total - sent]
            try:
                conn.sendall(f"{len(data):x}\r\n".encode() + data + b"\r\n" if chunked else data)
            except OSError:
                break
            sent += len(data)
        if sent >= total and chunked:
            try:
                conn.sendall(b"0\r\n\r\n")
            except OSError:
                pass
        return (*_read_response(conn), sent)


def _answered(conn: socket.socket, wait: float) -> bool:
    return bool(select.select([conn], [], [], wait)[0])


def _read_response(conn: socket.socket) -> tuple[int, dict[str, str], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def detail(body: bytes) -> str:
    return json.loads(body)["detail"]


def asgi_get(app, target: str) -> tuple[int, bytes]:
    """GET `target` through an ASGI app the way uvicorn hands it over (path decoded once)."""
    raw = target.encode("latin-1")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": unquote(target), "raw_path": raw, "query_string": b"",
             "root_path": "", "headers": [(b"host", b"testserver")], "client": ("127.0.0.1", 50000),
             "server": ("testserver", 80)}
    sent: list[dict] = []
    requested = False

    async def receive():
        nonlocal requested
        if requested:
            await asyncio.Future()  # the client stays connected until the response is done
        requested = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
