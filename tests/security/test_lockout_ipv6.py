"""A host on an IPv6 LAN picks any address of its /64 (privacy addresses, or simply by hand):
counting wrong tokens per full address, it got a fresh count with every address it took, so
neither the per-token limit nor the per-address ceiling ever stopped it. An IPv6 client is
counted by its /64, logged so, and `egov-xl auth unlock` takes either form."""

from __future__ import annotations

import logging

from egov_xl.archive.store import Archive
from egov_xl.server.auth_state import FailureLimiter, unlock


def _limiter(tmp_path) -> tuple[FailureLimiter, Archive]:
    archive = Archive(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    archive.init()
    return FailureLimiter(lambda: archive, limit=3, window=300, per_address=6), archive


def test_rotating_ipv6_addresses_do_not_reset_the_count(tmp_path):
    limiter, _ = _limiter(tmp_path)
    waits = [limiter.fail(f"2001:db8:1:2::{n:x}", "same-guess") for n in range(1, 4)]
    assert waits[-1] > 0  # three tries of one token from one /64
    assert limiter.wait("2001:db8:1:2:aaaa::1", "same-guess") > 0
    sprayed = [limiter.fail(f"2001:db8:1:2::{n:x}", f"guess-{n}") for n in range(10, 13)]
    assert sprayed[-1] > 0  # the ceiling of the /64 (6 of any tokens)
    assert limiter.wait("2001:db8:1:2:ffff::9", "clerk-token") > 0
    assert limiter.wait("2001:db8:1:3::1", "same-guess") == 0  # the next /64 is someone else
    assert limiter.wait("203.0.113.7", "same-guess") == 0


def test_ipv6_lockout_is_logged_by_its_network_and_unlocked_by_either_form(tmp_path, caplog):
    limiter, archive = _limiter(tmp_path)
    with caplog.at_level(logging.WARNING, logger="egov_xl.auth"):
        for n in range(3):
            limiter.fail(f"2001:db8::{n + 1}", "typo")
    line = next(r.getMessage() for r in caplog.records if r.name == "egov_xl.auth")
    assert "2001:db8::/64" in line
    assert unlock(archive, "2001:db8::77") == 3  # the address the clerk reads off their PC
    for n in range(3):
        limiter.fail(f"2001:db8::{n + 1}", "typo")
    assert unlock(archive, "2001:db8::/64") == 3  # the form the log shows
    assert limiter.wait("2001:db8::1", "typo") == 0
    assert limiter.fail("::ffff:203.0.113.7", "x") == 0 and unlock(archive, "203.0.113.7") == 1  # IPv4 via IPv6
