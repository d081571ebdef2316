"""How `egov-xl serve` holds its connections, whatever the clients do (uvicorn has no timeout
for a request's head, and counts no limit of its own):

- a connection whose request head (request line and headers) is not complete within
  `limits.header_timeout_s` of its first byte, or of its opening, is closed (slowloris);
  a head larger than MAX_HEAD_BYTES is answered 400 and closed (httptools sets no limit);
- beyond `limits.max_connections` connections or requests in flight, uvicorn answers 503
  (`limit_concurrency`) instead of taking more work;
- beyond `limits.max_connections_per_address` open connections from one client address, a new
  one is closed at once: the head timeout frees a slow connection, but a client reconnecting as
  fast as they are freed held every slot (503 for every clerk). A trusted proxy's address
  (uvicorn's FORWARDED_ALLOW_IPS, 127.0.0.1 by default: one PC, nginx on the same host) is not
  counted; in front of such a proxy, its own per-address limit (nginx `limit_conn`) applies;
- the process's open-files limit is raised to its hard limit at start, so the connections it
  accepts do not run out of descriptors at the common soft limit of 1,024.

Request bodies are timed by the guard (guards.py), which reads every body before the app.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections import Counter
from functools import partial

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ..settings import Limits
from .addresses import counted_as

GRACE_S = 0.25
MAX_HEAD_BYTES = 64 * 1024  # a request head is a few hundred bytes; nginx's default allows 32 KiB

try:
    import resource
except ImportError:  # Windows: no such limit to raise
    resource = None


class HeadTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, closing a connection whose request head takes too long."""

    open_by_address: Counter = Counter()  # this process's open connections per counted address

    def __init__(self, *args, head_timeout: float, per_address: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.head_timeout = head_timeout
        self.per_address = per_address
        self.head_timer: asyncio.TimerHandle | None = None
        self.head_grace = False
        self.head_bytes = 0
        self.counted: str | None = None

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        address = (self.client or ("",))[0]
        if self.per_address and address and not trusted(address, self.config.forwarded_allow_ips):
            self.counted = counted_as(address)  # an IPv6 client by its /64
            self.open_by_address[self.counted] += 1
            if self.open_by_address[self.counted] > self.per_address:
                transport.close()  # connection_lost follows and uncounts it
                return
        self._arm()  # a connection that never sends a byte is closed too

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.head_bytes = 0
        if self.head_timer is None:
            self._arm()

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)
        super().on_header(name, value)

    def _count(self, size: int) -> None:
        self.head_bytes += size
        if self.head_bytes > MAX_HEAD_BYTES:
            raise ValueError("request head too large")  # httptools: a parser error, uvicorn answers 400

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc) -> None:
        self._disarm()
        if self.counted is not None:
            self.open_by_address[self.counted] -= 1
            if self.open_by_address[self.counted] <= 0:
                del self.open_by_address[self.counted]
            self.counted = None
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self.head_grace = False
        self.head_timer = self.loop.call_later(self.head_timeout, self._head_too_slow)

    def _disarm(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def _head_too_slow(self) -> None:
        if not self.head_grace:  # uvloop runs due timers before reading the sockets: a loop that
            self.head_grace = True  # was busy gets one more read of bytes that did arrive in time
            self.head_timer = self.loop.call_later(GRACE_S, self._head_too_slow)
            return
        self.head_timer = None
        if not self.transport.is_closing():
            self.transport.close()


def trusted(address: str, proxies) -> bool:
    """True when `address` is one of uvicorn's trusted proxies (`forwarded_allow_ips`: "*",
    addresses, networks; comma-separated text or a list)."""
    items = proxies.split(",") if isinstance(proxies, str) else list(proxies or [])
    for item in (i.strip() for i in items):
        if item == "*" or item == address:
            return True
        try:
            if ipaddress.ip_address(address) in ipaddress.ip_network(item, strict=False):
                return True
        except ValueError:
            continue
    return False


def raise_open_files() -> tuple[int, int] | None:
    """Raise the soft open-files limit to the hard one; the (soft, hard) limits in force after."""
    if resource is None:
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        except (ValueError, OSError):
            pass  # the limit stays what it was; the header timeout still frees slow connections
    return resource.getrlimit(resource.RLIMIT_NOFILE)


def uvicorn_options(limits: Limits) -> dict:
    """uvicorn.run's keyword arguments for connection hygiene (picklable: workers are spawned)."""
    return {"http": partial(HeadTimeoutProtocol, head_timeout=limits.header_timeout_s,
                            per_address=limits.max_connections_per_address),
            "limit_concurrency": limits.max_connections}
