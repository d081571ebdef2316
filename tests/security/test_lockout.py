"""Wrong tokens are counted per address *and* token: one clerk's typos behind a commune office's
NAT do not lock out the other clerks there; spraying many tokens from one address still hits a
ceiling. A lock-out is logged in one line, survives a restart (it is kept in the archive) and
`egov-xl auth unlock ADDRESS` lifts it."""

from __future__ import annotations

import logging

import httpx
from typer.testing import CliRunner

from egov_xl.archive.store import Archive
from egov_xl.cli import app
from egov_xl.server.auth_state import FailureLimiter, unlock
from egov_xl.server.tokens import issue
from tests.live_server import live_server

FUNCTION = "/xlwings/custom-functions-call"
BODY = {"client": "Office.js", "func_name": "ratio", "args": [[[1]], [[4]]], "caller_address": "[B.xlsx]S!A1",
        "version": "0.37.8", "runtime": "1.4"}
NAT = "203.0.113.7"


def _limiter(tmp_path) -> tuple[FailureLimiter, Archive]:
    archive = Archive(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    archive.init()
    return FailureLimiter(lambda: archive, limit=3, window=300, per_address=6), archive


def test_one_clerks_typos_do_not_lock_out_the_office(tmp_path):
    limiter, _ = _limiter(tmp_path)
    assert [limiter.fail(NAT, "typo-of-clerk-a") > 0 for _ in range(3)] == [False, False, True]
    assert limiter.wait(NAT, "typo-of-clerk-a") > 0  # that token from that address waits
    assert limiter.wait(NAT, "clerk-b-right-token") == 0  # the clerk at the next desk does not
    assert limiter.wait("198.51.100.1", "typo-of-clerk-a") == 0  # nor the same token elsewhere


def test_spraying_tokens_from_one_address_hits_the_ceiling(tmp_path):
    limiter, _ = _limiter(tmp_path)
    waits = [limiter.fail(NAT, f"guess-{n}") for n in range(6)]
    assert all(w == 0 for w in waits[:5]) and waits[5] > 0
    assert limiter.wait(NAT, "clerk-b-right-token") > 0  # every token from the address now waits
    assert limiter.wait("198.51.100.1", "guess-0") == 0


def test_a_lockout_is_logged_once_and_unlock_lifts_it(tmp_path, caplog):
    limiter, archive = _limiter(tmp_path)
    with caplog.at_level(logging.WARNING, logger="egov_xl.auth"):
        for _ in range(3):
            limiter.fail(NAT, "typo")
    lines = [r.getMessage() for r in caplog.records if r.name == "egov_xl.auth"]
    assert len(lines) == 1 and NAT in lines[0] and "egov-xl auth unlock 203.0.113.7" in lines[0]
    assert "typo" not in lines[0]  # never the token
    limiter.fail("203.0.113.70", "typo")  # a longer address with the same beginning stays counted
    assert unlock(archive, NAT) == 3
    assert limiter.wait(NAT, "typo") == 0
    assert unlock(archive, "203.0.113.70") == 1


def test_wildcards_in_an_address_match_nothing_else(tmp_path):
    limiter, archive = _limiter(tmp_path)
    for n in range(6):
        limiter.fail("10.0.0.1", f"guess-{n}")
    assert limiter.wait("10.0.0.%", "x") == 0 and limiter.wait("_0.0.0.1", "x") == 0
    assert unlock(archive, "%") == 0 and limiter.wait("10.0.0.1", "x") > 0


def test_live_server_lockout_survives_a_restart_and_the_cli_lifts_it(tmp_path):
    """The attack as it happens: one PC behind the NAT (here 127.0.0.1) sends a wrong token ten
    times; another clerk there still works; the lock-out is logged, kept over a restart, lifted
    by `egov-xl auth unlock`."""
    right, _ = issue(tmp_path / "tokens.yaml", "Cán bộ xã B", ["XA-B"])
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    env = {"EGOV_TOKENS_FILE": str(tmp_path / "tokens.yaml"), "XLWINGS_AUTH_PROVIDERS": '["custom"]',
           "EGOV_ARCHIVE_URL": url}

    def call(base, token):
        return httpx.post(base + FUNCTION, json=BODY, headers={"Authorization": token}, timeout=30).status_code

    with live_server(env=env) as base:
        statuses = [call(base, "wrong-token-of-clerk-a") for _ in range(12)]
        assert statuses[:9] == [401] * 9 and set(statuses[9:]) == {429}
        assert call(base, right) == 200  # the other clerk behind the same address
        log = base.log.read_text(errors="replace")
    assert log.count("Khoá tạm địa chỉ 127.0.0.1") == 1 and "egov-xl auth unlock 127.0.0.1" in log
    with live_server(env=env) as base:
        assert call(base, "wrong-token-of-clerk-a") == 429  # kept in the archive over a restart
        done = CliRunner().invoke(app, ["auth", "unlock", "127.0.0.1", "--url", url])
        assert done.exit_code == 0 and "Đã gỡ khoá địa chỉ 127.0.0.1" in done.output, done.output
        assert call(base, "wrong-token-of-clerk-a") == 401  # counted afresh
        again = CliRunner().invoke(app, ["auth", "unlock", "127.0.0.9", "--url", url])
        assert again.exit_code == 0 and "không có lần dùng mã sai" in again.output
