"""The add-in on a live server (`egov-xl serve` on 127.0.0.1) with token authentication:
each clerk archives and reads only for their own unit; a consolidating unit reads its
children. A refused write stores nothing."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from egov_xl.core.periods import parse_period
from egov_xl.flows.archive import put_file
from egov_xl.archive.store import Archive
from egov_xl.server.tokens import issue
from tests.excel_bridge import apply_actions, details_from_xlsx, payload_from_xlsx
from tests.live_server import live_server

TOKEN: dict[str, str] = {}  # issued by the fixture the way `egov-xl token add` does; the file holds hashes


@pytest.fixture(scope="module")
def server(tmp_path_factory, samples):
    folder = tmp_path_factory.mktemp("live")
    tokens = folder / "tokens.yaml"
    TOKEN["so-a"], _ = issue(tokens, "Cán bộ Sở A", ["SO-A"])
    TOKEN["tinh"], _ = issue(tokens, "Cán bộ Tỉnh", ["TINH"], consolidates=True)
    url = f"sqlite:///{folder / 'archive.sqlite3'}"
    store = Archive(url)
    store.init()
    store.set_unit("TINH", "Tỉnh", None)
    store.set_unit("SO-A", "Sở A", "TINH")
    store.set_unit("SO-B", "Sở B", None)
    put_file(store, samples["bieu-mau-7-dung.xlsx"], "SO-A", parse_period("Q1/2025"), "seed")
    put_file(store, samples["bieu-mau-7-dung.xlsx"], "SO-B", parse_period("Q1/2025"), "seed")
    env = {"EGOV_TOKENS_FILE": str(tokens), "XLWINGS_AUTH_PROVIDERS": '["custom"]'}
    with live_server("--url", url, env=env) as base:
        yield base, store


def _script(base, token, path: Path, name: str, *args):
    payload, book = payload_from_xlsx(path, [details_from_xlsx(path), "alert", "vi", *args])
    response = httpx.post(f"{base}/xlwings/custom-scripts-call/{name}", json=payload, timeout=30,
                          headers={"Authorization": token, "Auth-Provider": "custom"})
    return response, book


def test_unknown_token_is_refused(server, samples):
    base, _ = server
    response, _ = _script(base, "wrong", samples["bieu-mau-7-dung.xlsx"], "kiem_tra")
    assert response.status_code == 401


def test_clerk_archives_only_for_their_own_unit(server, samples):
    base, store = server
    before = store.count_submissions()
    response, book = _script(base, TOKEN["so-a"], samples["bieu-mau-7-dung.xlsx"], "luu_ky_bao_cao",
                             "SO-B", "6T/2025")
    assert response.status_code == 200
    applied = apply_actions(book, response.json()["actions"])
    assert applied.alerts == ["Tài khoản của bạn không được lưu báo cáo cho đơn vị SO-B. Chưa có gì được lưu."]
    assert store.count_submissions() == before
    assert store.get("SO-B", parse_period("6T/2025")) is None
    response, book = _script(base, TOKEN["so-a"], samples["bieu-mau-7-dung.xlsx"], "luu_ky_bao_cao",
                             "SO-A", "6T/2025")
    applied = apply_actions(book, response.json()["actions"])
    assert applied.alerts[0].endswith("lần nộp thứ 1.")
    assert store.get("SO-A", parse_period("6T/2025")).meta.archived_by == "Cán bộ Sở A"


def test_reads_follow_the_unit_tree(server, samples):
    base, _ = server

    def prior(token, unit):
        body = {"client": "Office.js", "func_name": "prior", "args": [[["4.1.1"]], [["6T/2025"]], [[unit]]],
                "caller_address": "[B.xlsx]S!A1", "version": "0.37.8", "runtime": "1.4"}
        return httpx.post(f"{base}/xlwings/custom-functions-call", json=body, timeout=30,
                          headers={"Authorization": token, "Auth-Provider": "custom"})

    assert prior(TOKEN["so-a"], "SO-A").json() == {"result": [[180.0]]}
    refused = prior(TOKEN["so-a"], "SO-B")
    assert refused.status_code == 400 and "không được xem số liệu của đơn vị SO-B" in refused.text
    assert prior(TOKEN["tinh"], "SO-A").json() == {"result": [[180.0]]}  # the province reads its department
    assert prior(TOKEN["tinh"], "SO-B").status_code == 400  # not one of its units
