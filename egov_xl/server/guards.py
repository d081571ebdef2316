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

Refusals are JSON `{"detail": sentence}` (what xlwings' JavaScript client shows), Vietnamese,
then " / " and English.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import ModuleType
from urllib.parse import unquote

import anyio
from fastapi.staticfiles import StaticFiles

from .. import definitions
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


class Guard:
    """The ASGI layer described in the module docstring, in front of xlwings Server's app."""

    def __init__(self, app, settings: Settings, *, authenticate: Authenticate, scripts: ModuleType,
                 functions: ModuleType, limiter: FailureLimiter, prefix: str = "/xlwings"):
        self.app = app
        self.settings = settings
        self.authenticate = authenticate
        self.scripts, self.functions = scripts, functions
        self.prefix = prefix.rstrip("/") + "/"
        self.batch_prefix = self.prefix[:-len("xlwings/")] + "egov/"  # egov-xl's own add-in routes
        self.limiter = limiter

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if escapes(scope["path"]) or escapes(scope.get("raw_path", b"").decode("latin-1")):
            return await refuse(send, 404, "http_no_file")
        if scope["method"] not in BODY_METHODS:
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        ours = scope["path"].startswith(self.prefix)
        needs_token = ours or scope["path"].startswith(self.batch_prefix)
        if needs_token and self.settings.auth_enabled and not await self._authenticated(scope, headers, send):
            return None
        if ours and (name := self._unknown_script(scope["path"])) is not None:
            return await refuse(send, 404, "http_unknown_script", name=name)
        limit = self.settings.limits.max_body_bytes
        if _declared_length(headers) > limit:
            return await refuse(send, 413, "http_body_too_large", limit=limit)
        try:
            body = await _read_body(receive, limit)
        except ClientGone:
            return None
        if body is None:
            return await refuse(send, 413, "http_body_too_large", limit=limit)
        if ours and (name := self._unknown_function(scope["path"], body)) is not None:
            return await refuse(send, 404, "http_unknown_function", name=name)
        return await self.app(scope, _replay(body, receive), send)

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


class ClientGone(Exception):
    """The client hung up before its body was read."""


def _declared_length(headers: dict[str, str]) -> int:
    try:
        return int(headers.get("content-length", "0"))
    except ValueError:
        return 0


async def _read_body(receive, limit: int) -> bytes | None:
    """The whole body, or None as soon as more than `limit` bytes arrived (the rest unread)."""
    chunks, size = [], 0
    while True:
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
