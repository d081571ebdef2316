"""Which Excel client a call comes from, when no one is signed in.

Without authentication every clerk is the same anonymous user and a workbook is known by its
name alone, so two clerks' "BaoCao.xlsx" would share one function context. xlwings Server's
JavaScript keeps a random id per Excel client (localStorage "xlwingsSessionId") and sends it
as `session_id` with every custom-function call; our ribbon and task-pane code send the same id
in the header X-Egov-Session with every script call. This ASGI middleware puts it in a context
variable for the call (functions run on the event loop or in a thread that copies it).
"""

from __future__ import annotations

import re
from contextvars import ContextVar

HEADER = b"x-egov-session"
FUNCTIONS_PATH = "/xlwings/custom-functions-call"
PEEK_BYTES = 64 * 1024
_SESSION_ID = re.compile(rb'"session_id"\s*:\s*"([0-9A-Za-z-]{8,64})"')
_VALID = re.compile(r"[0-9A-Za-z-]{0,64}")
_session: ContextVar[str] = ContextVar("egov_client_session", default="")


def current() -> str:
    """The calling Excel client's id, or "" when it sent none."""
    return _session.get()


class ClientSession:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        found = next((value for name, value in scope.get("headers", ()) if name == HEADER), b"")
        if scope.get("path", "").endswith(FUNCTIONS_PATH):
            receive, found = await _peek_body(receive, found)
        text = found.decode("ascii", "replace")
        token = _session.set(text if _VALID.fullmatch(text) else "")
        try:
            await self.app(scope, receive, send)
        finally:
            _session.reset(token)


async def _peek_body(receive, default: bytes):
    """Read the start of a function-call body (at most PEEK_BYTES, before any size guard runs),
    find its session_id, and replay what was read ahead of the rest. Calls that need the
    context (PRIOR, CHANGE, CHECK without a range) have small arguments, so the id, which
    follows them, lies well within the first PEEK_BYTES."""
    messages, body = [], b""
    while len(body) <= PEEK_BYTES:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    match = _SESSION_ID.search(body)
    pending = iter(messages)

    async def replay():
        try:
            return next(pending)
        except StopIteration:
            return await receive()

    return replay, match.group(1) if match else default
