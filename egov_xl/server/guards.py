"""What stands in front of xlwings Server's app in `egov-xl serve` (an ASGI layer of our own,
whatever upstream does), in this order, each before any request body is read:

1. a path that climbs out of its folder (`..` in any encoding, backslashes, drive letters,
   NUL) is answered 404; the static files themselves are served by `ContainedStaticFiles`,
   which resolves symbolic links and serves only files inside its folders;
2. with an auth provider configured, a POST to /xlwings/* or /egov/* (the batched functions) is
   authenticated by that provider
   before its body is read: a wrong token is 401, and a client address with too many wrong
   tokens in the window is 429 (with Retry-After) even for a right token until it passes; the
   failures are counted in the archive (auth_state.py), shared by every worker and server;
3. a script or function name that does not exist is 404 (xlwings would answer 500, or call any
   callable the scripts module happens to import);
4. a body larger than `limits.max_body_bytes` is 413: at once from Content-Length, or, for a
   chunked body, as soon as the bytes read pass the limit; nothing larger is ever held.

On one PC (no auth provider, every caller is the clerk), right after the path check:

0. a request whose Host header is not a name this server serves (localhost, a loopback or the
   connection's own address, this machine's name, XLWINGS_HOSTNAME, EGOV_HOSTS) is 421: a web
   page whose name was re-pointed at 127.0.0.1 (DNS rebinding) reaches nothing;
   and a script or function POST must be a call of our add-in (`cross_site`): JSON, with a
   header only a script of the same origin can add, not sent from another site; a form or a
   `text/plain` POST from another web page (no CORS preflight) is 403 before its body is read.

On a shared server, a console POST (/bao-cao/*) from a visitor not signed in is sent to the
login form before its body is read; the bodies that may come from anyone (the login form) are
small (ANONYMOUS_BODY_BYTES) and only `max_anonymous_bodies` are read at once (503 beyond).
Every body is read with an idle and a total timeout (408); a GET, HEAD or OPTIONS that declares
a body is 400 and closed (the app would answer without reading it, and the connection would
wait for its bytes with no timeout at all). Every console page carries the
headers of `CONSOLE_HEADERS` (a Content-Security-Policy that forbids framing and script).

Refusals are JSON `{"detail": sentence}` (what xlwings' JavaScript client shows), Vietnamese,
then " / " and English.
"""

from __future__ import annotations

import json
import math
import os
import re
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import ModuleType
from urllib.parse import unquote

import anyio
from fastapi.staticfiles import StaticFiles

from .. import definitions
from ..core.amounts import Amount
from ..settings import Settings
from .auth_state import FailureLimiter

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DRIVE = re.compile(r"^[A-Za-z]:")
_UNQUOTE_ROUNDS = 3


def bilingual(key: str, **params) -> str:
    return " / ".join(definitions.catalogue(lang).text(key, **params) for lang in ("vi", "en"))


def escapes(path: str) -> bool:
    """True when `path`, decoded up to three times, names a parent folder, uses a backslash or
    NUL, or starts a segment with a drive letter: no URL of ours needs any of them."""
    for _ in range(_UNQUOTE_ROUNDS):
        if "\\" in path or "\x00" in path:
            return True
        if any(part in ("..", ".") or _DRIVE.match(part) for part in path.split("/")):
            return True
        decoded = unquote(path)
        if decoded == path:
            return False
        path = decoded
    return True  # still encoded after three rounds: nothing legitimate looks like that


class ContainedStaticFiles(StaticFiles):
    """xlwings Server's static files (the project's `static/` first, then the package's),
    serving only regular files whose real path lies inside one of the two folders."""

    def __init__(self, package_directory: Path, user_directory: Path, **kwargs):
        self.package_dir = Path(package_directory)
        self.user_dir = Path(user_directory)
        super().__init__(directory=str(package_directory), **kwargs)

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        root = os.path.realpath(self.user_dir)
        candidate = os.path.realpath(os.path.join(root, path))
        if os.path.commonpath([candidate, root]) == root and os.path.isfile(candidate):
            return candidate, os.stat(candidate)
        return super().lookup_path(path)  # Starlette's own containment (real paths) for the package


def contain_static(app) -> int:
    """Replace every mounted `OverridableStaticFiles` of xlwings Server's FastAPI `app` (its
    lookup tests the project folder before any containment check) by `ContainedStaticFiles`."""
    from xlwings_server.main import OverridableStaticFiles

    replaced = 0
    for route in app.routes:
        served = getattr(route, "app", None)
        if isinstance(served, OverridableStaticFiles):
            contained = ContainedStaticFiles(served.package_dir, served.user_dir)
            route.app = route._base_app = contained
            replaced += 1
    return replaced


Authenticate = Callable[[dict[str, str]], Awaitable[None]]
SignedIn = Callable[[dict], bool]  # a console request's scope → its visitor is signed in (cookie)

ANONYMOUS_BODY_BYTES = 64 * 1024  # a login form is a few hundred bytes
MAX_FUNCTION_CELLS = 5_000  # in one function call's arguments, or one batch's: a form's table is a few hundred
CONSOLE = "/bao-cao"
CONSOLE_OPEN = ("/dang-nhap",)  # console POSTs anyone may send (under the console, wherever it is)
# The console has no script of its own: nothing runs, nothing frames it, forms post only here.
# Its stylesheet is one inline <style> (base.html) and charts are SVG data: images.
CONSOLE_POLICY = ("default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; "
                  "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
                  "frame-ancestors 'none'")
CONSOLE_HEADERS = ((b"content-security-policy", CONSOLE_POLICY.encode()), (b"x-frame-options", b"DENY"),
                   (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"))
JSON_TYPES = frozenset({"application/json"})
OUR_HEADERS = ("x-egov-session", "auth-provider")  # ours (ribbon.js), xlwings' client's (every call)
SAME_SITE = frozenset({"same-origin", "none"})


class Guard:
    """The ASGI layer described in the module docstring, in front of xlwings Server's app."""

    def __init__(self, app, settings: Settings, *, authenticate: Authenticate, scripts: ModuleType,
                 functions: ModuleType, limiter: FailureLimiter, prefix: str = "/xlwings",
                 hosts: frozenset[str] = frozenset(), signed_in: SignedIn | None = None):
        self.app = app
        self.settings = settings
        self.authenticate = authenticate
        self.scripts, self.functions = scripts, functions
        self.prefix = prefix.rstrip("/") + "/"
        self.batch_prefix = self.prefix[:-len("xlwings/")] + "egov/"  # egov-xl's own add-in routes
        self.console = self.prefix[:-len("/xlwings/")] + CONSOLE
        self.console_open = frozenset(self.console + path for path in CONSOLE_OPEN)
        self.limiter = limiter
        self.hosts = frozenset(h.lower() for h in hosts) | LOCAL_NAMES
        self.signed_in = signed_in or (lambda scope: False)
        self.anonymous_bodies = 0  # bodies being read from senders not signed in (one event loop)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if escapes(scope["path"]) or escapes(scope.get("raw_path", b"").decode("latin-1")):
            return await refuse(send, 404, "http_no_file")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        one_pc = not self.settings.auth_enabled
        if one_pc and not served_host(headers.get("host", ""), self.hosts, scope):
            return await refuse(send, 421, "http_wrong_host", host=headers.get("host", "")[:100])
        if scope["path"].startswith(self.console):
            send = with_headers(send, CONSOLE_HEADERS)
        if scope["method"] not in BODY_METHODS:
            if _declares_body(headers):  # nobody would read it: the connection must not wait for it
                return await refuse(send, 400, "http_body_not_expected", method=scope["method"][:10])
            return await self.app(scope, receive, send)
        ours = scope["path"].startswith(self.prefix)
        needs_token = ours or scope["path"].startswith(self.batch_prefix)
        if one_pc and needs_token and cross_site(headers):
            return await refuse(send, 403, "http_cross_site")
        if needs_token and self.settings.auth_enabled and not await self._authenticated(scope, headers, send):
            return None
        if ours and (name := self._unknown_script(scope["path"])) is not None:
            return await refuse(send, 404, "http_unknown_script", name=name)
        signed = one_pc or needs_token or await self._console_signed_in(scope)
        if not signed and scope["path"].startswith(self.console) and scope["path"] not in self.console_open:
            return await to_login(send, self.console)
        limit = self.settings.limits.max_body_bytes if signed else ANONYMOUS_BODY_BYTES
        if _declared_length(headers) > limit:
            return await refuse(send, 413, "http_body_too_large", limit=Amount(limit))
        body = await self._body(receive, send, limit, signed)
        if body is None:
            return None
        if ours and (name := self._unknown_function(scope["path"], body)) is not None:
            return await refuse(send, 404, "http_unknown_function", name=name)
        if self._function_call(scope["path"]) and (cells := function_cells(body)) > MAX_FUNCTION_CELLS:
            return await refuse(send, 413, "http_function_cells", cells=Amount(cells), limit=Amount(MAX_FUNCTION_CELLS))
        return await self.app(scope, _replay(body, receive), send)

    def _function_call(self, path: str) -> bool:
        path = path.rstrip("/")
        return path in (self.prefix + "custom-functions-call", self.batch_prefix + "functions-batch")

    async def _console_signed_in(self, scope) -> bool:
        if not scope["path"].startswith(self.console):
            return False
        return await anyio.to_thread.run_sync(self.signed_in, scope)  # the tokens file, one archive read

    async def _body(self, receive, send, limit: int, signed: bool) -> bytes | None:
        """The request's body, or None once it has been answered (413, 408, 503) or is gone."""
        if not signed and self.anonymous_bodies >= self.settings.limits.max_anonymous_bodies:
            await refuse(send, 503, "http_busy", headers={"retry-after": "5"})
            return None
        self.anonymous_bodies += not signed
        limits = self.settings.limits
        try:
            body = await _read_body(receive, limit, limits.body_idle_s, limits.body_timeout_s)
        except ClientGone:
            return None
        except TimeoutError:
            await refuse(send, 408, "http_body_timeout", seconds=round(limits.body_idle_s))
            return None
        finally:
            self.anonymous_bodies -= not signed
        if body is None:
            await refuse(send, 413, "http_body_too_large", limit=Amount(limit))
        return body

    async def _authenticated(self, scope, headers: dict[str, str], send) -> bool:
        from fastapi import HTTPException

        client = (scope.get("client") or ("?", 0))[0]
        token = headers.get("authorization", "")  # counted per address and token (its hash only)
        wait = await anyio.to_thread.run_sync(self.limiter.wait, client, token)  # indexed reads
        if wait > 0:
            await self._too_many(send, client, wait)
            return False
        try:
            await self.authenticate(headers)
        except HTTPException as exc:
            if exc.status_code != 401:
                await answer(send, exc.status_code, str(exc.detail))
                return False
            wait = await anyio.to_thread.run_sync(self.limiter.fail, client, token)  # only failures write
            if wait > 0:
                await self._too_many(send, client, wait)
            else:
                await refuse(send, 401, "http_unauthenticated")
            return False
        return True

    async def _too_many(self, send, client: str, wait: float) -> None:
        seconds = max(1, math.ceil(wait))
        await refuse(send, 429, "http_too_many_failures", headers={"retry-after": str(seconds)},
                     client=client, count=self.limiter.limit, seconds=seconds)

    def _unknown_script(self, path: str) -> str | None:
        head = self.prefix + "custom-scripts-call/"
        if not path.startswith(head):
            return None
        name = path[len(head):]
        return None if hasattr(getattr(self.scripts, name, None), "__xlscript__") else name

    def _unknown_function(self, path: str, body: bytes) -> str | None:
        if path.rstrip("/") != self.prefix + "custom-functions-call":
            return None
        try:
            name = json.loads(body).get("func_name")
        except (ValueError, AttributeError):
            return None  # xlwings answers a malformed body itself
        if not isinstance(name, str):
            return None
        return None if hasattr(getattr(self.functions, name, None), "__xlfunc__") else name


def function_cells(body: bytes) -> int:
    """The cells in the arguments of a function call, or of every call of a batch. xlwings Server
    converts each argument cell on the event loop before the function runs (about 40 µs a cell
    here: EGOV.CHECK over 160,000 cells held every other clerk for 6 s)."""
    try:
        payload = json.loads(body)
    except ValueError:
        return 0  # xlwings answers a malformed body itself
    calls = payload.get("calls", [payload]) if isinstance(payload, dict) else []
    total = 0
    for call in calls if isinstance(calls, list) else []:
        args = call.get("args") if isinstance(call, dict) else None
        for arg in args if isinstance(args, list) else []:
            rows = arg if isinstance(arg, list) else [arg]
            total += sum(len(row) if isinstance(row, list) else 1 for row in rows)
    return total


class ClientGone(Exception):
    """The client hung up before its body was read."""


def _declares_body(headers: dict[str, str]) -> bool:
    """True when the request says a body follows (a length above 0, or chunks)."""
    return "transfer-encoding" in headers or _declared_length(headers) > 0


def _declared_length(headers: dict[str, str]) -> int:
    try:
        return int(headers.get("content-length", "0"))
    except ValueError:
        return 0


async def _read_body(receive, limit: int, idle_s: float | None = None, total_s: float | None = None) -> bytes | None:
    """The whole body, or None as soon as more than `limit` bytes arrived (the rest unread).
    TimeoutError when no bytes came for `idle_s`, or the whole body took longer than `total_s`."""
    chunks, size = [], 0
    with anyio.fail_after(total_s):
        while True:
            with anyio.fail_after(idle_s):
                message = await receive()
            if message["type"] == "http.disconnect":
                raise ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


# one PC: which requests are the clerk's own -----------------------------------------------------

LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1", socket.gethostname().lower()})


def host_name(value: str) -> str:
    """The name in a Host header or a URL's authority, without port or brackets, lower case."""
    value = value.strip().lower().rsplit("@", 1)[-1]
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.split(":", 1)[0] if value.count(":") == 1 else value


def served_host(host: str, names: frozenset[str], scope) -> bool:
    """True when `host` names this server: one of `names`, or the address the connection
    came in on (a clerk who typed the PC's IP address)."""
    name = host_name(host)
    local = (scope.get("server") or ("",))[0] or ""
    return bool(name) and (name in names or name == local.lower() or name.endswith(".localhost"))


def cross_site(headers: dict[str, str]) -> bool:
    """True when a script or function POST may come from another web page: not JSON, without
    a header of our clients (either makes a cross-origin browser ask first, and we grant no
    other origin), sent by the browser as cross-site, or from another origin."""
    media = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media not in JSON_TYPES or not any(name in headers for name in OUR_HEADERS):
        return True
    if headers.get("sec-fetch-site", "none").lower() not in SAME_SITE:
        return True
    origin = headers.get("origin")
    if origin is None:
        return False
    return origin.split("://", 1)[-1].rstrip("/").lower() != headers.get("host", "").strip().lower()


def with_headers(send, extra: tuple[tuple[bytes, bytes], ...]):
    """`send`, adding `extra` to the response's headers (those the app did not set itself)."""

    async def sending(message):
        if message["type"] == "http.response.start":
            present = {name.lower() for name, _ in message.get("headers", ())}
            added = [(name, value) for name, value in extra if name not in present]
            message = {**message, "headers": [*message.get("headers", ()), *added]}
        await send(message)

    return sending


async def to_login(send, console: str) -> None:
    """A console POST from a visitor not signed in: off to the login form, its body unread."""
    await send({"type": "http.response.start", "status": 303,
                "headers": [(b"location", f"{console}/dang-nhap".encode()), (b"content-length", b"0"),
                            (b"connection", b"close"), *CONSOLE_HEADERS]})
    await send({"type": "http.response.body", "body": b""})


def _replay(body: bytes, receive):
    sent = False

    async def replay():
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def refuse(send, status: int, key: str, headers: dict[str, str] | None = None, **params) -> None:
    await answer(send, status, bilingual(key, **params), headers)


async def answer(send, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
    """A JSON refusal; the connection is closed after it, so an unread body is never parsed."""
    content = json.dumps({"detail": detail}, ensure_ascii=False).encode("utf-8")
    raw = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(content)).encode()),
           (b"connection", b"close")]
    raw += [(k.encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": content})
