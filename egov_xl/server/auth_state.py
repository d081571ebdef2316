"""Authentication state every worker and every server on the same archive shares, kept in the
archive database (migration 0005), apart from the append-only tables and their integrity chain:

- `auth_failures`: one row per wrong token, by client address, pruned once older than the
  window. A client with `limit` failures inside the window is refused until the oldest of them
  leaves it, whichever worker counted them: `--workers 4` gives a guesser no more tries.
  Only a failure writes; the check before authenticating is one indexed read.
- `ended_sessions`: the web console's sessions ended by a logout, until their cookies expire;
  a copied cookie of an ended session is worth nothing (egov_xl/web/session.py).

Times are wall-clock seconds (time.time): every process and every server compares the same clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Column, Float, Index, Integer, MetaData, String, Table, bindparam, delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from ..archive.db import translated
from ..archive.store import Archive, Prepared

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
    """Wrong tokens per client address, counted in the archive: after `limit` failures within
    `window` seconds the address is refused until the oldest of them is `window` seconds old.
    Shared by the add-in's guard (through a worker thread) and the web console's login."""

    def __init__(self, archive: Callable[[], Archive], limit: int, window: float,
                 clock: Callable[[], float] = time.time):
        self.archive, self.limit, self.window, self.clock = archive, limit, window, clock
        # the `limit`-th newest failure inside the window: while it exists, the client waits
        self._blocking = Prepared(select(_F.at).where(_F.client == bindparam("client"), _F.at > bindparam("since"))
                                  .order_by(_F.at.desc()).limit(1).offset(max(limit, 1) - 1))

    def wait(self, client: str) -> float:
        """Seconds until `client` may try again; 0 when it may now (one indexed read)."""
        store = self.archive()
        with translated(store.url), store.engine.connect() as conn:
            return self._wait(conn, client)

    def fail(self, client: str) -> float:
        """Count a wrong token from `client` (and forget failures past the window); returns
        `wait(client)` after it. The count is read after the row is committed, so however many
        workers count at once, at most `limit` - 1 wrong tokens are answered other than 429."""
        store, now = self.archive(), self.clock()
        with translated(store.url):
            with store.engine.execution_options(egov_write=True).begin() as conn:
                conn.execute(delete(auth_failures).where(_F.at <= now - self.window))
                conn.execute(insert(auth_failures).values(client=client[:64], at=now))
            with store.engine.connect() as conn:
                return self._wait(conn, client)

    def _wait(self, conn, client: str) -> float:
        now = self.clock()
        rows = self._blocking.rows(conn, {"client": client[:64], "since": now - self.window})
        return max(0.0, rows[0][0] + self.window - now) if rows else 0.0


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
