"""What an administrator sees of a running server, around every request (the outermost ASGI
layer of `egov-xl serve`):

* `<app path>/health`: 200 and a sentence when the archive answers a query, 503 and a sentence
  when it does not (for a monitor or the proxy; no token needed, nothing else is said);
* one access line per request: time, client, user (the token's id), method, route, status, ms
  (the route quoted by `shown`: no character in it moves a terminal's cursor or breaks the line);
  a 401 also gives a failed-login line;
* a failure gives one line with a short id; its traceback is logged once per place it comes
  from (a database outage is thousands of the same traceback otherwise). A tokens file the
  server must not use (made writable by others, given to another owner while it runs) is a
  warning logged once, and every request that needs it gets 503 and the sentence naming the
  file and what is wrong. The person who made
  the request gets a sentence with the same id: 503 "the archive cannot be reached" when the
  database is down, else 500, in Vietnamese then English (JSON `{"detail": …}` for the add-in,
  a page for the web console), never a traceback or "An error occurred.".

Log lines carry the local time with its offset (LOG_CONFIG, given to uvicorn for every worker).
"""

from __future__ import annotations

import html
import json
import logging
import secrets
import time
import traceback
import unicodedata
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

import anyio
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from .. import definitions
from ..archive.db import ArchiveError
from ..core.errors import UserError
from ..sources.errors import raw_reasons
from .guards import bilingual
from .tokens import ID_LENGTH, TokensFileError, digest

log = logging.getLogger("egov_xl.server")
access = logging.getLogger("egov_xl.access")

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
LOG_CONFIG = {  # logging.config.dictConfig, for uvicorn.run(log_config=…): every worker
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": LOG_FORMAT, "datefmt": DATE_FORMAT}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "line", "stream": "ext://sys.stderr"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        "egov_xl": {"level": "INFO"},
        "uvicorn": {"level": "INFO"},
        "uvicorn.error": {"level": "INFO"},
        "uvicorn.access": {"level": "WARNING"},  # our access line replaces uvicorn's
    },
}
ARCHIVE_DOWN_KEYS = frozenset({"archive_unreachable", "archive_locked"})


@dataclass
class _Request:
    user: str = "-"
    failure: str | None = None  # the id of a failure already logged and answered


_current: ContextVar[_Request | None] = ContextVar("egov_request", default=None)
_traced: set[str] = set()  # where failures came from whose traceback this process has logged
_told: set[tuple[str, str]] = set()  # (what is wrong, which file) of tokens files already logged


def shown(text: str) -> str:
    """`text` quoted for a log line: JSON escapes (C0 controls, quotes, backslashes), and every
    other character a terminal or a log viewer would obey rather than show (C1 controls such as
    CSI U+009B and NEL U+0085, line and paragraph separators, bidirectional overrides, zero-width
    characters; Unicode's Cc, Cf, Zl, Zp, and lone surrogates, private and unassigned code points)
    as \\uXXXX (\\UXXXXXXXX beyond the first plane); Vietnamese letters stay as they are."""
    return "".join(_escaped(ch) if ord(ch) > 0x7e and unicodedata.category(ch) in _OBEYED else ch
                   for ch in json.dumps(text, ensure_ascii=False))


_OBEYED = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def _escaped(ch: str) -> str:
    return f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"


def _bare(text: str) -> str:
    """An unquoted field of a log line: `shown`, and no space that could start a forged field."""
    return shown(text)[1:-1].replace(" ", "\\u0020")


def note_user(user_id: str) -> None:
    """Name the user of the request in progress (the web console's session knows it)."""
    if (found := _current.get()) is not None:
        found.user = user_id


def archive_down(exc: BaseException) -> bool:
    """True for a failure to reach the database (not for a refused or wrong statement)."""
    if isinstance(exc, ArchiveError):
        return exc.key in ARCHIVE_DOWN_KEYS
    if isinstance(exc, DBAPIError):
        return exc.connection_invalidated or type(exc.orig).__name__ in ("OperationalError", "InterfaceError")
    if isinstance(exc, (DisconnectionError, PoolTimeout)):
        return True
    return type(exc).__name__ == "OperationalError" and type(exc).__module__.startswith(("psycopg", "sqlite3"))


def tokens_file_unusable(exc: TokensFileError) -> str:
    """The administrator's tokens file cannot be used (loose permissions, another owner, a
    wrong format): said once in the log for each file and cause, not as a failure of every
    request; the sentence every request gets (503, Vietnamese then English)."""
    told = (exc.key, str(exc.params.get("path", "")))
    if told not in _told:
        _told.add(told)
        log.warning("tokens file %s unusable, every signed-in request refused: %s", told[1],
                    shown(definitions.catalogue("en").text(exc.key, **exc.params)))
    return bilingual(exc.key, **exc.params)


def unreadable(name: str, exc: UserError) -> None:
    """A file a reader could not open: the clerk reads a short Vietnamese phrase for why; the
    log keeps the reader's own words, for a developer."""
    raw = raw_reasons(exc)
    if raw:
        log.info("unreadable file=%s key=%s reader_said=%s", shown(name), exc.key, shown(raw))


def failure(exc: BaseException) -> str:
    """Log a failure: one line with a new id, and its traceback if this place is new (a tokens
    file that cannot be used: said once, tokens_file_unusable)."""
    ident = secrets.token_hex(4)
    if isinstance(exc, TokensFileError):
        tokens_file_unusable(exc)
        return ident
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f"{frame.filename}:{frame.lineno}" if frame else "?"
    said = exc.render(definitions.catalogue("en")) if isinstance(exc, UserError) else str(exc)
    message = (said.strip().splitlines() or [""])[0][:300]
    log.error("failure id=%s archive_down=%s type=%s at=%s message=%s", ident, archive_down(exc), type(exc).__name__,
              where, shown(message))
    if where not in _traced:
        _traced.add(where)
        log.error("traceback of id=%s (later failures from %s log one line)", ident, where, exc_info=exc)
    return ident


def sentence(exc: BaseException, ident: str) -> tuple[int, str]:
    if isinstance(exc, TokensFileError):
        return 503, tokens_file_unusable(exc)
    if archive_down(exc):
        return 503, bilingual("archive_unavailable", id=ident)
    return 500, bilingual("server_error", id=ident)


def failure_response(path: str, exc: BaseException, console_path: str):
    """What the app's exception handler answers (and logs) for a failure in a route."""
    from fastapi.responses import HTMLResponse, JSONResponse

    ident = failure(exc)
    if (found := _current.get()) is not None:
        found.failure = ident
    status, said = sentence(exc, ident)
    if path.startswith(console_path):
        return HTMLResponse(_page(said), status_code=status)
    return JSONResponse({"detail": said}, status_code=status)


def _page(said: str) -> str:
    return (f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>egov-xl</title></head>'
            f'<body><main><h1>egov-xl</h1><p role="alert">{html.escape(said)}</p></main></body></html>')


class Observed:
    """The ASGI layer described in the module docstring."""

    def __init__(self, app, app_path: str, archive: Callable, console_path: str):
        self.app = app
        self.health_path = f"{app_path}/health"
        self.archive = archive
        self.console_path = console_path

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope["path"] == self.health_path:
            return await self._health(send)
        found = _Request()
        token = _current.set(found)
        status: list[int] = []
        started = time.perf_counter()

        async def sending(message):
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:  # noqa: BLE001 - the one place a failure is logged and answered
            if found.failure is None:  # not answered by the app's own handler (e.g. in a guard)
                found.failure = failure(exc)
                if not status:
                    code, said = sentence(exc, found.failure)
                    await self._answer(sending, scope["path"], code, said)
        finally:
            _current.reset(token)
            self._log(scope, found, status[0] if status else 0, time.perf_counter() - started)

    def _log(self, scope, found: _Request, status: int, seconds: float) -> None:
        client = _bare(str((scope.get("client") or ("-", 0))[0]))  # a proxy's X-Forwarded-For, as sent
        user = found.user if found.user != "-" else _token_id(scope, status)
        route = shown(scope["path"])
        access.info("client=%s user=%s method=%s route=%s status=%d ms=%d", client, _bare(user),
                    _bare(scope["method"]), route, status, round(seconds * 1000))
        if status == 401:
            log.warning("login failed client=%s route=%s", client, route)

    async def _answer(self, send, path: str, status: int, said: str) -> None:
        if path.startswith(self.console_path):
            body, kind = _page(said).encode(), b"text/html; charset=utf-8"
        else:
            body, kind = json.dumps({"detail": said}, ensure_ascii=False).encode(), b"application/json; charset=utf-8"
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def _health(self, send) -> None:
        try:
            await anyio.to_thread.run_sync(self._ping)
            status, said = 200, bilingual("health_ok")
        except Exception as exc:  # noqa: BLE001 - any failure to answer is "down"
            status, said = 503, bilingual("health_down", id=failure(exc))
        body = (said + "\n").encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"cache-control", b"no-store"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    def _ping(self) -> None:
        with self.archive().engine.connect() as conn:
            conn.execute(text("SELECT 1"))


def _token_id(scope, status: int) -> str:
    """The id of the add-in's token (`egov-xl token list`) once it was accepted, else "-"."""
    if status in (0, 401, 429) or scope["method"] != "POST":  # the guard checked a POST's token
        return "-"
    for key, value in scope["headers"]:
        if key == b"authorization":
            token = value.decode("latin-1").removeprefix("Bearer ").strip()
            return digest(token)[:ID_LENGTH] if token else "-"
    return "-"
