"""Bounded requests on a live `egov-xl serve`: bodies over the limit are refused before they
are read (declared or chunked), POSTs without a valid token are refused before their body is
read, too many wrong tokens from one address are refused for a while even with the right
token, unknown scripts and functions are 404 — and through all of it the server's memory stays
bounded and another clerk is still answered."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from egov_xl.server.tokens import issue
from tests.excel_bridge import details_from_xlsx, payload_from_xlsx
from tests.live_server import live_process, live_server
from tests.security.attack import MIB, detail, rss_mib, stream_post

SCRIPT = "/xlwings/custom-scripts-call/kiem_tra"
FUNCTION = "/xlwings/custom-functions-call"
HUGE = 150 * MIB


def _ratio_call(token: str | None) -> httpx.Response:
    body = {"client": "Office.js", "func_name": "ratio", "args": [[[1]], [[4]]], "caller_address": "[B.xlsx]S!A1",
            "version": "0.37.8", "runtime": "1.4"}
    headers = {"Authorization": token} if token else {}
    return httpx.post(ORIGIN["base"] + FUNCTION, json=body, headers=headers, timeout=30)


ORIGIN: dict[str, str] = {}


def _auth_env(folder, failures: int, window: float) -> tuple[dict[str, str], str]:
    """`failures` wrong tokens of any kind from one address lock it (the per-address ceiling
    against spraying set as low as the per-token count)."""
    token, _ = issue(folder / "tokens.yaml", "Cán bộ Sở A", ["SO-A"])
    env = {"EGOV_TOKENS_FILE": str(folder / "tokens.yaml"), "XLWINGS_AUTH_PROVIDERS": '["custom"]',
           "EGOV_ARCHIVE_URL": f"sqlite:///{folder / 'a.sqlite3'}", "EGOV_AUTH_MAX_FAILURES": str(failures),
           "EGOV_AUTH_MAX_FAILURES_PER_ADDRESS": str(failures), "EGOV_AUTH_FAILURE_WINDOW_S": str(window)}
    return env, token


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    """A server with token authentication and a failure limit high enough not to interfere."""
    env, token = _auth_env(tmp_path_factory.mktemp("limits"), 100_000, 60)
    with live_process(env=env) as (base, process):
        ORIGIN["base"] = base
        yield base, process.pid, token


def test_flood_of_huge_posts_is_refused_early_and_memory_stays_bounded(guarded, samples):
    base, pid, token = guarded
    payload, _ = payload_from_xlsx(samples["bieu-mau-7-dung.xlsx"],
                                   [details_from_xlsx(samples["bieu-mau-7-dung.xlsx"]), "alert", "vi"])
    assert httpx.post(base + SCRIPT, json=payload, headers={"Authorization": token}, timeout=30).status_code == 200
    before = rss_mib(pid)
    good = {"Authorization": token}
    attacks = ([(SCRIPT, None, False)] * 4 + [(FUNCTION, None, True)] * 4       # no token
               + [(SCRIPT, good, False)] * 4 + [(FUNCTION, good, True)] * 4)    # valid token, too large
    with ThreadPoolExecutor(len(attacks)) as pool:
        flood = [pool.submit(stream_post, base, path, HUGE, headers, chunked) for path, headers, chunked in attacks]
        clerk = httpx.post(base + SCRIPT, json=payload, headers=good, timeout=60)  # another clerk, meanwhile
        results = [future.result() for future in flood]
    assert clerk.status_code == 200 and clerk.json()["actions"]
    statuses = [status for status, *_ in results]
    assert statuses == [401] * 8 + [413] * 8
    for (path, headers, chunked), (status, _, body, sent) in zip(attacks, results):
        if headers is None or not chunked:
            assert sent <= MIB, (path, chunked, sent)          # answered before the body was sent
        else:
            assert sent < 32 * MIB, sent   # the 10 MiB limit plus what the sockets' buffers took
    assert "10.485.760 byte" in detail(results[-1][2])
    assert "Mã truy cập không hợp lệ" in detail(results[0][2])
    grown = rss_mib(pid) - before
    assert grown < 60, f"server grew by {grown:.0f} MiB under {len(attacks)} × 150 MB"
    assert _ratio_call(token).json() == {"result": [[25.0]]}


def test_body_over_the_limit_is_refused_with_a_sentence(guarded):
    base, _, token = guarded
    status, headers, body, sent = stream_post(base, FUNCTION, 11 * MIB, {"Authorization": token})
    assert status == 413 and sent == 0
    assert detail(body).startswith("Yêu cầu gửi lên lớn hơn giới hạn 10.485.760 byte")
    assert headers["connection"] == "close"


def test_unknown_script_and_function_are_404_with_a_sentence(guarded):
    base, _, token = guarded
    response = httpx.post(base + "/xlwings/custom-scripts-call/nope", json={}, headers={"Authorization": token})
    assert response.status_code == 404
    assert response.json()["detail"].startswith('Máy chủ egov-xl không có lệnh "nope".')
    # a callable the scripts module imports is not a script either
    response = httpx.post(base + "/xlwings/custom-scripts-call/Path", json={}, headers={"Authorization": token})
    assert response.status_code == 404
    body = {"client": "Office.js", "func_name": "nope", "args": [], "caller_address": "[B.xlsx]S!A1",
            "version": "0.37.8", "runtime": "1.4"}
    response = httpx.post(base + FUNCTION, json=body, headers={"Authorization": token})
    assert response.status_code == 404
    assert response.json()["detail"].startswith('Máy chủ egov-xl không có hàm "nope".')


def test_unknown_names_are_404_without_auth_too(tmp_path):
    addin = {"X-Egov-Session": "test-client"}  # one PC: calls carry the add-in's header (guards.cross_site)
    with live_server(env={"EGOV_ARCHIVE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}"}) as base:
        assert httpx.post(base + "/xlwings/custom-scripts-call/nope", json={}, headers=addin).status_code == 404
        body = {"client": "Office.js", "func_name": "_fail", "args": [], "runtime": "1.4"}
        assert httpx.post(base + FUNCTION, json=body, headers=addin).status_code == 404
        status, _, body, _ = stream_post(base, FUNCTION, 40 * MIB, addin, chunked=True)
        assert status == 413 and "EGOV_MAX_BODY_BYTES" in detail(body)


def test_token_guessing_is_stopped_even_for_the_right_token(tmp_path):
    window = 5.0
    env, token = _auth_env(tmp_path, failures=5, window=window)
    with live_server(env=env) as base:
        ORIGIN["base"] = base
        started = time.monotonic()  # before the first failure: the block ends no earlier than window after it
        answers = [(_ratio_call(f"guess-{n}"), time.monotonic()) for n in range(30)]
        in_window = [a.status_code for a, at in answers if at < started + window]
        assert in_window[:4] == [401] * 4
        assert set(in_window[4:]) == {429} and len(in_window) > 5
        asked = time.monotonic()
        blocked = _ratio_call(token)
        if asked < started + window:  # the first five failures came after `started`: still blocked
            assert blocked.status_code == 429
        if blocked.status_code == 429:
            wait = int(blocked.headers["retry-after"])
            assert 1 <= wait <= window
            assert "đã dùng mã truy cập sai 5 lần" in blocked.json()["detail"]
            time.sleep(wait + 0.2)
        assert _ratio_call(token).json() == {"result": [[25.0]]}
