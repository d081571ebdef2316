"""The Excel client's id (egov_xl/server/session.py): read from a function call's body or a
script call's header, replayed intact to the app, and never more than the first 64 KiB of a
body read ahead of the app (a huge body is not buffered by us)."""

from __future__ import annotations

import asyncio
import json

from egov_xl.server import session
from egov_xl.server.session import PEEK_BYTES, ClientSession


def _serve(path: str, chunks: list[bytes], headers=()):
    seen = {}

    async def app(scope, receive, send):
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        seen["session"], seen["body"] = session.current(), body

    messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    read = []

    async def receive():
        read.append(1)
        return messages[len(read) - 1]

    scope = {"type": "http", "path": path, "headers": list(headers)}
    asyncio.run(ClientSession(app)(scope, receive, None))
    return seen


def test_function_call_body_gives_the_client_id_and_reaches_the_app_whole():
    body = json.dumps({"func_name": "prior", "args": [[["4.1.1"]]], "session_id": "0b5c2a4e-1111-4a7e"}).encode()
    seen = _serve("/xlwings/custom-functions-call", [body[:20], body[20:]])
    assert seen == {"session": "0b5c2a4e-1111-4a7e", "body": body}
    assert session.current() == ""  # reset after the call


def test_script_header_gives_the_client_id_and_a_forged_one_is_ignored():
    assert _serve("/xlwings/custom-scripts-call/kiem_tra", [b"{}"],
                  [(b"x-egov-session", b"abc-123")])["session"] == "abc-123"
    assert _serve("/xlwings/custom-scripts-call/kiem_tra", [b"{}"],
                  [(b"x-egov-session", b"a\\" + b"x" * 80)])["session"] == ""


def test_a_huge_body_is_not_read_ahead_past_the_peek_limit():
    chunk = b"x" * 16384
    chunks = [chunk] * (PEEK_BYTES // len(chunk) * 4) + [b'"session_id":"late-id-12345"']
    seen = _serve("/xlwings/custom-functions-call", chunks)
    assert seen["session"] == ""  # the id came after the peek limit
    assert seen["body"] == b"".join(chunks)
