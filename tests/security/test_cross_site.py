"""One PC (no sign-in, every caller is the clerk): a web page the clerk happens to visit cannot
make the server on this PC archive anything (guards.cross_site), and a name re-pointed at
127.0.0.1 (DNS rebinding) reaches nothing (guards.served_host). The attack is run by Chromium
itself: a page served from another origin posts the forged `text/plain` request (no CORS
preflight) to `luu_ky_bao_cao`, the way xlwings Server would parse it as JSON."""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from playwright.sync_api import sync_playwright

from egov_xl.archive.store import Archive
from egov_xl.core.periods import parse_period
from tests.excel_bridge import details_from_xlsx, payload_from_xlsx
from tests.fixtures.web import CHROMIUM, FLAGS, _require_chromium
from tests.live_server import live_server

SCRIPT = "/xlwings/custom-scripts-call/luu_ky_bao_cao"
PERIOD = "Q1/2025"
ATTACK = """<!doctype html><meta charset="utf-8"><title>Khuyến mãi</title><pre id="log"></pre><script>
const target = %(target)s, body = %(body)s, log = [];
async function attempt(name, run) {
  try { const r = await run(); log.push([name, r.type, r.status]); } catch (e) { log.push([name, "error", String(e)]); }
}
(async () => {
  await attempt("text/plain", () => fetch(target, {method: "POST", mode: "no-cors", body: body,
                                                   headers: {"Content-Type": "text/plain"}}));
  await attempt("beacon", async () => ({type: "beacon", status: navigator.sendBeacon(target,
                                        new Blob([body], {type: "text/plain"}))}));
  await attempt("json+header", () => fetch(target, {method: "POST", body: body,
                headers: {"Content-Type": "application/json", "X-Egov-Session": "forged"}}));
  await new Promise((done) => setTimeout(done, 1500));  // the beacon is sent in the background
  document.getElementById("log").textContent = JSON.stringify(log);
  document.title = "done";
})();
</script>"""


@pytest.fixture(scope="module")
def one_pc(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('cross') / 'a.sqlite3'}"
    store = Archive(url)
    store.init()
    with live_server("--url", url) as base:
        yield base, store


@contextmanager
def page_elsewhere(text: str):
    """Another origin (another port) serving one page: the attacker's site."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            data = text.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def _store_body(path, unit: str) -> str:
    payload, _ = payload_from_xlsx(path, [details_from_xlsx(path), "silent", "vi", unit, PERIOD])
    return json.dumps(payload, ensure_ascii=False)


def test_a_page_elsewhere_cannot_archive_through_the_clerks_server(one_pc, samples):
    _require_chromium()
    base, store = one_pc
    body = _store_body(samples["bieu-mau-7-dung.xlsx"], "DV-FORGED")
    attack = ATTACK % {"target": json.dumps(base + SCRIPT), "body": json.dumps(body)}
    with page_elsewhere(attack) as site, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.goto(site)
        page.wait_for_function("document.title === 'done'", timeout=30_000)
        log = json.loads(page.inner_text("#log"))
        browser.close()
    assert [entry[0] for entry in log] == ["text/plain", "beacon", "json+header"]
    assert log[2][1] == "error"  # the JSON call needs a preflight, which no other origin passes
    assert store.get("DV-FORGED", parse_period(PERIOD)) is None  # nothing stored, by any of the three
    # what the server answered the simple request the browser sent without asking
    refused = httpx.post(base + SCRIPT, content=body.encode(), headers={"Content-Type": "text/plain;charset=UTF-8",
                                                                       "Origin": site.rstrip("/")})
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("Yêu cầu này không đến từ phần bổ trợ egov-xl")
    assert store.get("DV-FORGED", parse_period(PERIOD)) is None
    # the same body, sent the way the task pane sends it, is a real store call
    own = httpx.post(base + SCRIPT, content=_store_body(samples["bieu-mau-7-dung.xlsx"], "DV-OWN").encode(),
                     headers={"Content-Type": "application/json", "X-Egov-Session": "clerk-pc"}, timeout=60)
    assert own.status_code == 200, own.text
    assert store.get("DV-OWN", parse_period(PERIOD)) is not None


@pytest.mark.parametrize("headers", [
    {"Content-Type": "application/json"},  # no header of our clients
    {"Content-Type": "application/x-www-form-urlencoded", "X-Egov-Session": "x"},
    {"Content-Type": "application/json", "X-Egov-Session": "x", "Sec-Fetch-Site": "cross-site"},
    {"Content-Type": "application/json", "X-Egov-Session": "x", "Sec-Fetch-Site": "same-site"},  # another port
    {"Content-Type": "application/json", "Auth-Provider": "", "Origin": "http://127.0.0.1:1"},
    {"Content-Type": "application/json", "Auth-Provider": "", "Origin": "null"},
])
def test_script_and_function_posts_not_from_our_clients_are_refused_unread(one_pc, samples, headers):
    base, store = one_pc
    body = _store_body(samples["bieu-mau-7-dung.xlsx"], "DV-HEADERS")
    for path in (SCRIPT, "/xlwings/custom-functions-call", "/egov/functions-batch"):
        answer = httpx.post(base + path, content=body.encode(), headers=headers)
        assert answer.status_code == 403, (path, answer.text)
    assert store.get("DV-HEADERS", parse_period(PERIOD)) is None


def test_a_name_re_pointed_at_this_pc_reaches_nothing(one_pc, samples):
    base, store = one_pc
    port = base.rsplit(":", 1)[1]
    body = _store_body(samples["bieu-mau-7-dung.xlsx"], "DV-REBIND").encode()
    addin = {"Content-Type": "application/json", "X-Egov-Session": "x"}
    for host in (f"attacker.example:{port}", f"127.0.0.1.nip.io:{port}", ""):
        assert httpx.get(base + "/bao-cao", headers={"Host": host}).status_code == 421
        answer = httpx.post(base + SCRIPT, content=body, headers={**addin, "Host": host, "Origin": f"http://{host}"})
        assert answer.status_code == 421 and "không phục vụ tên" in answer.json()["detail"]
    assert store.get("DV-REBIND", parse_period(PERIOD)) is None
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"LOCALHOST:{port}"):
        assert httpx.get(base + "/bao-cao/dang-nhap", headers={"Host": host}).status_code == 200


def test_served_names():
    from egov_xl.server.app import served_names
    from egov_xl.server.guards import LOCAL_NAMES, host_name, served_host
    from egov_xl.settings import Settings

    assert [host_name(h) for h in ("[::1]:8000", "LOCALHOST:8443", "egov.local", "::1")] == \
        ["::1", "localhost", "egov.local", "::1"]
    names = served_names(Settings(archive_url="sqlite://", hosts=("may-so-noi-vu",)), "https://Egov.Tinh.gov.vn:8443/")
    assert names == {"may-so-noi-vu", "egov.tinh.gov.vn"}
    lan = {"server": ("192.168.1.5", 8000)}
    assert served_host("192.168.1.5:8000", LOCAL_NAMES, lan)  # a clerk who typed the PC's address
    assert served_host("[::1]:8000", LOCAL_NAMES, lan) and served_host("localhost", LOCAL_NAMES, lan)
    assert not served_host("192.168.1.6:8000", LOCAL_NAMES, lan)
    assert not served_host("evil.example", LOCAL_NAMES | names, lan)
