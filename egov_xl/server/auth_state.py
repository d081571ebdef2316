"""Authentication state every worker and every server on the same archive shares, kept in the
archive database (egov_xl/archive/auth_state.py), apart from the append-only tables and their
integrity chain; this module holds the policy:

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

from ..archive import auth_state
from ..archive.db import Database
from .addresses import counted_as


class FailureLimiter:
    """Wrong tokens counted in the archive per client address *and* token: after `limit`
    failures of one token from one address within `window` seconds, that token is refused from
    that address until the oldest of them is `window` seconds old; after `per_address` failures
    of any tokens from one address, every token from it is (a ceiling against spraying). So one
    clerk's typos do not lock out a whole commune office behind one NAT. Shared by the add-in's
    guard (through a worker thread) and the web console's login.

    A row's `client` is "ADDRESS#KEY", KEY the first 16 hex digits of the token's SHA-256 (never
    the token). A lock-out is logged once, when it starts; `unlock` lifts it."""

    def __init__(self, archive: Callable[[], Database], limit: int, window: float,
                 clock: Callable[[], float] = time.time, per_address: int | None = None, lang: str = "vi"):
        self.archive, self.limit, self.window, self.clock = archive, limit, window, clock
        self.per_address = max(per_address or limit * 10, limit)
        self.lang = lang
        # the `limit`-th newest failure inside the window: while it exists, the client waits
        self._counts = auth_state.FailureCounts(limit, self.per_address)

    def wait(self, client: str, token: str = "") -> float:
        """Seconds until `client` may try `token` again; 0 when it may now (two indexed reads)."""
        return max(self._wait(client, token))

    def fail(self, client: str, token: str = "") -> float:
        """Count a wrong `token` from `client` (and forget failures past the window); returns
        `wait(client, token)` after it. The count is read after the row is committed, so however
        many workers count at once, at most `limit` - 1 wrong tokens are answered other than 429."""
        now = self.clock()
        auth_state.add_failure(self.archive(), failure_key(client, token), at=now, forget_until=now - self.window)
        by_token, by_address = self._wait(client, token)
        if by_token or by_address:  # the failure that started the lock-out (later ones are refused before)
            self._log_lockout(client, "auth_scope_address" if by_address else "auth_scope_token",
                              self.per_address if by_address else self.limit)
        return max(by_token, by_address)

    def _wait(self, client: str, token: str) -> tuple[float, float]:
        now = self.clock()
        blocking = self._counts.blocking(self.archive(), failure_key(client, token), _pattern(client),
                                         since=now - self.window)
        return tuple(0.0 if at is None else max(0.0, at + self.window - now) for at in blocking)

    def _log_lockout(self, client: str, scope: str, count: int) -> None:
        from ..definitions import catalogue

        words = catalogue(self.lang)
        log.warning(words.text("auth_locked_out_log", client=_address(client), count=count,
                               window=int(self.window), scope=words.text(scope)))


log = logging.getLogger("egov_xl.auth")


def _address(client: str) -> str:
    return counted_as(client)


def _pattern(client: str) -> str:
    """LIKE pattern of every failure key of the address `client`."""
    escaped = _address(client).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "#%"


def failure_key(client: str, token: str) -> str:
    """What a failure is counted under: the address and a short hash of the token tried."""
    return f"{_address(client)}#{hashlib.sha256(token.encode()).hexdigest()[:16]}"


def unlock(archive: Database, client: str) -> int:
    """Forget every wrong token counted for the address `client` (`egov-xl auth unlock`), so
    it is let in again at once; returns how many were forgotten."""
    address = _address(client.strip())
    return auth_state.forget_failures(archive, address, _pattern(address))


def end_session(archive: Database, session_id: str, until: float) -> None:
    """Record a web session as ended until `until` (when its cookie expires anyway), and
    forget the ended sessions whose cookies have expired."""
    auth_state.end_session(archive, session_id, until, now=time.time())


def session_ended(archive: Database, session_id: str) -> bool:
    """True when a logout ended this session (one indexed read)."""
    return auth_state.session_ended(archive, session_id, now=time.time())
