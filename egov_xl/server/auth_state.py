"""Authentication state every worker and every server on the same archive shares, kept in the
archive database (migration 0005), apart from the append-only tables and their integrity chain:

- `auth_failures`: one row per wrong token, by client address and token, pruned once older
  than the window. A token tried `limit` times wrongly from one address inside the window (or
  any tokens, `per_address` times; an IPv6 address counts as its /64) is refused until the oldest of those failures leaves it,
  whichever worker counted them: `--workers 4` gives a guesser no more tries. A lock-out is
  logged (one line) and `egov-xl auth unlock ADDRESS` lifts it.
  Only a failure writes; the check before authenticating is one indexed read.
- `ended_sessions`: the web console's sessions ended by a logout, until their cookies expire;
  a copied cookie of an ended session is worth nothing (egov_xl/web/session.py).

Times are wall-clock seconds (time.time): every process and every server compares the same clock.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable

from sqlalchemy import Column, Float, Index, Integer, MetaData, String, Table, bindparam, delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from ..archive.db import translated
from ..archive.store import Archive, Prepared
from .addresses import counted_as

metadata = MetaData()
auth_failures = Table(
    "auth_failures", metadata,
    Column("id", Integer, primary_key=True),
    Column("client", String(64), nullable=False),
    Column("at", Float, nullable=False),
    Index("ix_auth_failures_client_at", "client", "at"),
    Index("ix_auth_failures_at", "at"),
)
ended_sessions = Table(
    "ended_sessions", metadata,
    Column("session_id", String(64), primary_key=True),
    Column("until", Float, nullable=False),
    Index("ix_ended_sessions_until", "until"),
)
_F, _E = auth_failures.c, ended_sessions.c
ENDED = Prepared(select(_E.until).where(_E.session_id == bindparam("session_id"), _E.until > bindparam("now")))


class FailureLimiter:
    """Wrong tokens counted in the archive per client address *and* token: after `limit`
    failures of one token from one address within `window` seconds, that token is refused from
    that address until the oldest of them is `window` seconds old; after `per_address` failures
    of any tokens from one address, every token from it is (a ceiling against spraying). So one
    clerk's typos do not lock out a whole commune office behind one NAT. Shared by the add-in's
    guard (through a worker thread) and the web console's login.

    A row's `client` is "ADDRESS#KEY", KEY the first 16 hex digits of the token's SHA-256 (never
    the token). A lock-out is logged once, when it starts; `unlock` lifts it."""

    def __init__(self, archive: Callable[[], Archive], limit: int, window: float,
                 clock: Callable[[], float] = time.time, per_address: int | None = None, lang: str = "vi"):
        self.archive, self.limit, self.window, self.clock = archive, limit, window, clock
        self.per_address = max(per_address or limit * 10, limit)
        self.lang = lang
        # the `limit`-th newest failure inside the window: while it exists, the client waits
        self._blocking = _nth_newest(_F.client == bindparam("key"), limit)
        self._blocking_address = _nth_newest(_F.client.like(bindparam("pattern"), escape="\\"),
                                             self.per_address)

    def wait(self, client: str, token: str = "") -> float:
        """Seconds until `client` may try `token` again; 0 when it may now (two indexed reads)."""
        store = self.archive()
        with translated(store.url), store.engine.connect() as conn:
            return max(self._wait(conn, client, token))

    def fail(self, client: str, token: str = "") -> float:
        """Count a wrong `token` from `client` (and forget failures past the window); returns
        `wait(client, token)` after it. The count is read after the row is committed, so however
        many workers count at once, at most `limit` - 1 wrong tokens are answered other than 429."""
        store, now = self.archive(), self.clock()
        with translated(store.url):
            with store.engine.execution_options(egov_write=True).begin() as conn:
                conn.execute(delete(auth_failures).where(_F.at <= now - self.window))
                conn.execute(insert(auth_failures).values(client=failure_key(client, token), at=now))
            with store.engine.connect() as conn:
                by_token, by_address = self._wait(conn, client, token)
        if by_token or by_address:  # the failure that started the lock-out (later ones are refused before)
            self._log_lockout(client, "auth_scope_address" if by_address else "auth_scope_token",
                              self.per_address if by_address else self.limit)
        return max(by_token, by_address)

    def _wait(self, conn, client: str, token: str) -> tuple[float, float]:
        now = self.clock()
        since = now - self.window
        by_token = self._blocking.rows(conn, {"key": failure_key(client, token), "since": since})
        by_address = self._blocking_address.rows(conn, {"pattern": _pattern(client), "since": since})
        return tuple(max(0.0, rows[0][0] + self.window - now) if rows else 0.0 for rows in (by_token, by_address))

    def _log_lockout(self, client: str, scope: str, count: int) -> None:
        from ..definitions import catalogue

        words = catalogue(self.lang)
        log.warning(words.text("auth_locked_out_log", client=_address(client), count=count,
                               window=int(self.window), scope=words.text(scope)))


log = logging.getLogger("egov_xl.auth")


def _nth_newest(where, n: int) -> Prepared:
    return Prepared(select(_F.at).where(where, _F.at > bindparam("since"))
                    .order_by(_F.at.desc()).limit(1).offset(max(n, 1) - 1))


def _address(client: str) -> str:
    return counted_as(client)


def _pattern(client: str) -> str:
    """LIKE pattern of every failure key of the address `client`."""
    escaped = _address(client).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "#%"


def failure_key(client: str, token: str) -> str:
    """What a failure is counted under: the address and a short hash of the token tried."""
    return f"{_address(client)}#{hashlib.sha256(token.encode()).hexdigest()[:16]}"


def unlock(archive: Archive, client: str) -> int:
    """Forget every wrong token counted for the address `client` (`egov-xl auth unlock`), so
    it is let in again at once; returns how many were forgotten."""
    address = _address(client.strip())
    with translated(archive.url), archive.engine.execution_options(egov_write=True).begin() as conn:
        gone = conn.execute(delete(auth_failures).where(
            (_F.client == address) | _F.client.like(_pattern(address), escape="\\")))
        return gone.rowcount


def end_session(archive: Archive, session_id: str, until: float) -> None:
    """Record a web session as ended until `until` (when its cookie expires anyway), and
    forget the ended sessions whose cookies have expired."""
    upsert = (postgresql.insert if archive.dialect == "postgresql" else sqlite.insert)(ended_sessions)
    with translated(archive.url), archive.engine.execution_options(egov_write=True).begin() as conn:
        conn.execute(delete(ended_sessions).where(_E.until < time.time()))
        conn.execute(upsert.values(session_id=session_id[:64], until=until).on_conflict_do_nothing())


def session_ended(archive: Archive, session_id: str) -> bool:
    """True when a logout ended this session (one indexed read)."""
    with translated(archive.url), archive.engine.connect() as conn:
        return bool(ENDED.rows(conn, {"session_id": session_id[:64], "now": time.time()}))
