"""Attacks on the web console (/bao-cao) over plain HTTP, as a new user would try them on a live
`egov-xl serve`: guessing tokens through the login form (the add-in's limit holds there too,
with one budget per client address), and a tampered query string (a period nobody wrote) that
must get a sentence, never a server error."""

from __future__ import annotations

import re
import time

import httpx
import pytest

from tests.fixtures.console import TOKENS, seed_console
from tests.fixtures.web import http_session
from tests.live_server import live_server

FUNCTION = "/xlwings/custom-functions-call"


def _login_form(client: httpx.Client) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get("/bao-cao/dang-nhap").text).group(1)


def _ratio(base: str, token: str) -> httpx.Response:
    body = {"client": "Office.js", "func_name": "ratio", "args": [[[1]], [[4]]], "caller_address": "[B.xlsx]S!A1",
            "version": "0.37.8", "runtime": "1.4"}
    return httpx.post(base + FUNCTION, json=body, headers={"Authorization": token}, timeout=30)


@pytest.fixture(scope="module")
def office(samples, tmp_path_factory):
    folder = tmp_path_factory.mktemp("web-attacks")
    seeded = seed_console(folder, samples)
    env = {**seeded["env"], "EGOV_AUTH_MAX_FAILURES": "5", "EGOV_AUTH_MAX_FAILURES_PER_ADDRESS": "5",
           "EGOV_AUTH_FAILURE_WINDOW_S": "6"}
    with live_server(env=env) as base:
        yield base


def test_guessing_tokens_through_the_login_form_is_stopped(office):
    """Before: the login form answered 401 to any number of guesses and let the right token in
    after them; the limit held only for the add-in's POSTs."""
    started = time.monotonic()
    with httpx.Client(base_url=office, follow_redirects=False, timeout=30) as client:
        csrf = _login_form(client)
        answers = [client.post("/bao-cao/dang-nhap", data={"csrf": csrf, "token": f"guess-{n}"}) for n in range(8)]
        right = client.post("/bao-cao/dang-nhap", data={"csrf": csrf, "token": TOKENS["hcm"]})
        assert time.monotonic() - started < 6, "too slow to test inside the window"
        assert [a.status_code for a in answers[:4]] == [401] * 4
        assert {a.status_code for a in answers[4:]} == {429}
        assert right.status_code == 429 and "egov_session" not in right.headers.get("set-cookie", "")
        assert "đã dùng mã truy cập sai 5 lần" in right.text and 1 <= int(right.headers["retry-after"]) <= 6
        assert _ratio(office, TOKENS["hcm"]).status_code == 429  # the add-in's budget is the same one
        time.sleep(int(right.headers["retry-after"]) + 0.5)
        assert client.post("/bao-cao/dang-nhap", data={"csrf": csrf, "token": TOKENS["hcm"]}).status_code == 303


@pytest.mark.parametrize("page", ["/bao-cao/tong-hop", "/bao-cao/tong-hop.xlsx"])
def test_a_period_nobody_wrote_gets_a_sentence_not_a_server_error(office, page):
    """Before: ?ky=garbage on the consolidation page or its download was 500 (NameError)."""
    time.sleep(0.1)
    with http_session(office, TOKENS["tinh"]) as client:
        answer = client.get(page, params={"don_vi": "TINH", "ky": "garbage<script>"})
    assert answer.status_code == 400
    assert "Không hiểu kỳ báo cáo" in answer.text and "garbage&lt;script&gt;" in answer.text
    assert "<script>" not in answer.text.split("</head>")[-1]


def test_hostile_uploads_each_get_a_sentence(office, samples, tmp_path):
    """Before: an .xlsx whose docProps/core.xml nests entities (calamine never reads it,
    openpyxl does for the annotated copy) was a 500 for the whole upload; 25 files at once
    were Starlette's English JSON."""
    from tests.security.hostile import with_nested_entities_in_core_props

    hostile = with_nested_entities_in_core_props(samples["bieu-mau-7-seed.xlsx"], tmp_path / "hong.xlsx")
    good = samples["bieu-mau-7-dung.xlsx"].read_bytes()
    with http_session(office, TOKENS["so"]) as client:
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/bao-cao/kiem-tra").text).group(1)
        both = client.post("/bao-cao/kiem-tra", data={"csrf": csrf},
                           files=[("tep", ("hong.xlsx", hostile.read_bytes())), ("tep", ("dung.xlsx", good))])
        many = client.post("/bao-cao/kiem-tra", data={"csrf": csrf},
                           files=[("tep", (f"tep-{n}.xlsx", good)) for n in range(25)])
    assert both.status_code == 200
    assert "Không đọc được tệp &#34;hong.xlsx&#34;: tệp bị hỏng" in both.text
    assert "kiem-tra-dung.xlsx" in both.text  # the other file still has its answer and its copy
    assert many.status_code == 400 and "mỗi lần gửi tối đa 20 tệp" in many.text
    assert "Too many files" not in many.text
