"""One client reconnecting as fast as the head timeout frees its connections kept the server
at `limit_concurrency`: every clerk got 503 for as long as it went on (with the defaults, 1,000
idle connections from one machine). Connections are now counted per client address, a trusted
proxy's address excepted; beyond `max_connections_per_address` a new one is closed at once.

The attacker connects from 127.0.0.2, the clerk from 127.0.0.1 (both loopback addresses of
this machine), and the server trusts only a proxy that is neither."""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

import httpx

from egov_xl.archive.store import Archive
from egov_xl.server.connections import trusted
from tests.live_server import live_server

CONNECTIONS, PER_ADDRESS, HEAD_TIMEOUT, FLOOD_S = 60, 20, 2, 7


def _flood(base: str, threads: int, seconds: float, source: str) -> None:
    """`threads` connections from `source` that send nothing, each reopened as soon as closed."""
    parts = urlsplit(base)
    stop = time.monotonic() + seconds

    def hold():
        while time.monotonic() < stop:
            try:
                with socket.create_connection((parts.hostname, parts.port), timeout=1,
                                              source_address=(source, 0)) as conn:
                    conn.settimeout(max(0.1, stop - time.monotonic()))
                    conn.recv(1)  # until the server closes it
            except OSError:
                time.sleep(0.05)

    workers = [threading.Thread(target=hold) for _ in range(threads)]
    for worker in workers:
        worker.start()
    return workers


def test_one_address_cannot_take_every_connection(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    Archive(url).init()
    env = {"EGOV_MAX_CONNECTIONS": str(CONNECTIONS), "EGOV_MAX_CONNECTIONS_PER_ADDRESS": str(PER_ADDRESS),
           "EGOV_HEADER_TIMEOUT_S": str(HEAD_TIMEOUT), "FORWARDED_ALLOW_IPS": "192.0.2.1"}
    with live_server("--url", url, env=env) as base:
        workers = _flood(base, CONNECTIONS + 10, FLOOD_S, "127.0.0.2")
        try:
            time.sleep(1)
            clerk = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.1"), timeout=5)
            answers = Counter()
            while any(w.is_alive() for w in workers) and sum(answers.values()) < 15:
                answers[clerk.get(base + "/").status_code] += 1
                time.sleep(0.2)
            assert answers[200] == sum(answers.values()) > 0, answers
        finally:
            for worker in workers:
                worker.join()


def test_trusted_proxies_are_not_counted():
    assert trusted("127.0.0.1", "127.0.0.1,::1") and trusted("::1", ["127.0.0.1", "::1"])
    assert trusted("10.1.2.3", "10.0.0.0/8") and trusted("203.0.113.9", "*")
    assert not trusted("127.0.0.2", "127.0.0.1") and not trusted("10.1.2.3", "192.0.2.1, nonsense")
