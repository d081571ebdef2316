"""Authentication state on the archive database (tables auth_failures and ended_sessions,
migration 0005): wrong tokens counted under a key, and web sessions ended by a logout. Mutable
state, pruned once past its window or expiry, outside the append-only tables and their chain.
The policy (what a key is, the limits, the window, the log line) is the server's
(egov_xl/server/auth_state.py). Times are wall-clock seconds, as the caller gives them.
"""

from __future__ import annotations

from sqlalchemy import bindparam, delete, insert, select

from . import models
from .db import Database
from .store import Prepared

_F, _E = models.auth_failures.c, models.ended_sessions.c
SESSION_MAX = _E.session_id.type.length
ENDED = Prepared(select(_E.until).where(_E.session_id == bindparam("session_id"), _E.until > bindparam("now")))


class FailureCounts:
    """The failures that hold a client back: the `by_key`-th newest failure of one key, and the
    `by_address`-th newest of any key matching an address's LIKE pattern, inside the window.
    Two indexed reads, compiled once."""

    def __init__(self, by_key: int, by_address: int):
        self._by_key = _nth_newest(_F.client == bindparam("key"), by_key)
        self._by_address = _nth_newest(_F.client.like(bindparam("pattern"), escape="\\"), by_address)

    def blocking(self, db: Database, key: str, pattern: str, since: float) -> tuple[float | None, float | None]:
        """When the blocking failure of `key` and of `pattern` happened (None: not blocked)."""
        with db.read() as conn:
            by_key = self._by_key.rows(conn, {"key": key, "since": since})
            by_address = self._by_address.rows(conn, {"pattern": pattern, "since": since})
        return tuple(rows[0][0] if rows else None for rows in (by_key, by_address))


def _nth_newest(where, n: int) -> Prepared:
    return Prepared(select(_F.at).where(where, _F.at > bindparam("since"))
                    .order_by(_F.at.desc()).limit(1).offset(max(n, 1) - 1))


def add_failure(db: Database, key: str, at: float, forget_until: float) -> None:
    """Count one failure under `key` at `at`, and forget every failure at or before `forget_until`."""
    with db.write() as conn:
        conn.execute(delete(models.auth_failures).where(_F.at <= forget_until))
        conn.execute(insert(models.auth_failures).values(client=key, at=at))


def forget_failures(db: Database, key: str, pattern: str) -> int:
    """Forget the failures counted under `key` or under any key matching `pattern`; how many."""
    with db.write() as conn:
        gone = conn.execute(delete(models.auth_failures).where(
            (_F.client == key) | _F.client.like(pattern, escape="\\")))
        return gone.rowcount


def end_session(db: Database, session_id: str, until: float, now: float) -> None:
    """Record a session as ended until `until`, and forget the sessions ended before `now`."""
    upsert = db.insert(models.ended_sessions)
    with db.write() as conn:
        conn.execute(delete(models.ended_sessions).where(_E.until < now))
        conn.execute(upsert.values(session_id=session_id[:SESSION_MAX], until=until).on_conflict_do_nothing())


def session_ended(db: Database, session_id: str, now: float) -> bool:
    """True when the session was recorded as ended and that record is still in force at `now`."""
    with db.read() as conn:
        return bool(ENDED.rows(conn, {"session_id": session_id[:SESSION_MAX], "now": now}))

