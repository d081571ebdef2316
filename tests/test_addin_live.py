"""The add-in on a live server (`egov-xl serve` on 127.0.0.1) with token authentication:
each clerk archives and reads only for their own unit; a consolidating unit reads its
children and consolidates them (Tổng hợp), a department's clerk cannot. A refused write stores
nothing; each reply carries only its own caller's message."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from egov_xl.core.periods import parse_period
from egov_xl.flows.archive import put_file
from egov_xl.archive.store import Archive
from egov_xl.definitions import edition
from egov_xl.server.tokens import issue
from egov_xl.template.build import row_of
from tests.excel_bridge import apply_actions, details_from_xlsx, payload_from_xlsx
from tests.fixtures.templates import template_with
from tests.live_server import live_server

TOKEN: dict[str, str] = {}  # issued by the fixture the way `egov-xl token add` does; the file holds hashes
TOKEN_ID: dict[str, str] = {}


@pytest.fixture(scope="module")
def server(tmp_path_factory, samples):
    folder = tmp_path_factory.mktemp("live")
    tokens = folder / "tokens.yaml"
    TOKEN["so-a"], entry = issue(tokens, "Cán bộ Sở A", ["SO-A", "SO-MOI"])
    TOKEN_ID["so-a"] = entry.id
    TOKEN["twin"], _ = issue(tokens, "Cán bộ Sở A", ["SO-A"])  # another clerk of the same name
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
    assert store.get("SO-A", parse_period("6T/2025")).meta.archived_by == f"Cán bộ Sở A ({TOKEN_ID['so-a']})"


def test_a_unit_the_archive_does_not_know_is_refused(server, samples):
    """The token names SO-MOI, the admin never imported it: nothing stored, no orphan unit."""
    base, store = server
    before = store.count_submissions()
    response, book = _script(base, TOKEN["so-a"], samples["bieu-mau-7-dung.xlsx"], "luu_ky_bao_cao",
                             "SO-MOI", "6T/2025")
    applied = apply_actions(book, response.json()["actions"])
    assert applied.alerts == ['Kho lưu trữ chưa có đơn vị "SO-MOI"; chưa có gì được lưu. Quản trị viên thêm đơn vị '
                              "bằng egov-xl archive units import (hoặc thêm --create-unit nếu thật sự muốn tạo mới)."]
    assert store.count_submissions() == before and "SO-MOI" not in store.children("TINH")


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


def test_only_the_consolidating_clerk_consolidates_and_each_reply_is_its_own(server, samples, tmp_path):
    base, store = server
    path = template_with(tmp_path, {}, unit="TINH", kind="Quý I", year=2025)
    value_row = row_of(edition("bm7-2025"))["4.1.1"]
    department = store.get("SO-A", parse_period("Q1/2025")).values["4.1.1"].number
    response, book = _script(base, TOKEN["so-a"], path, "tong_hop")
    applied = apply_actions(book, response.json()["actions"])
    assert applied.alerts == ["Tài khoản của bạn không được tổng hợp cho đơn vị TINH: không được xem số liệu của "
                              "đơn vị TINH; chỉ cán bộ của đơn vị tổng hợp xem được số liệu của các đơn vị cấp dưới."]
    assert applied.funcs == ["alert"]  # nothing written into the workbook

    seed = samples["phu-luc-vii-seed.xlsx"]
    with ThreadPoolExecutor(8) as pool:  # the province consolidates while the department checks
        calls = [pool.submit(_script, base, TOKEN["tinh"], path, "tong_hop") if n % 2 else
                 pool.submit(_script, base, TOKEN["so-a"], seed, "kiem_tra") for n in range(8)]
        replies = [call.result() for call in calls]
    for n, (response, book) in enumerate(replies):
        assert response.status_code == 200, response.text
        applied = apply_actions(book, response.json()["actions"])
        if n % 2:
            assert applied.alerts == ['Đã tổng hợp Biểu mẫu 7 của TINH, Quý I năm 2025 từ đủ 1/1 đơn vị vào sổ này; '
                                      'xem trang "Chi tiết tổng hợp" và "Thiếu và lỗi".']
            assert {row[0].value for row in book["Chi tiết tổng hợp"].iter_rows(min_row=2)} == {"SO-A"}
            assert book.active.cell(value_row, 4).value == department  # its one unit's figure
        else:
            assert len(applied.alerts) == 1 and applied.alerts[0].startswith("Kiểm tra xong: 11 lỗi")
            assert "Chi tiết tổng hợp" not in book.sheetnames


def test_review_status_only_for_units_the_clerk_reads(server, samples):
    base, _ = server
    response, book = _script(base, TOKEN["so-a"], samples["bieu-mau-7-dung.xlsx"], "trang_thai", "SO-B", "Q1/2025")
    applied = apply_actions(book, response.json()["actions"])
    assert applied.macros == [["egovReviewStatus", "Tài khoản của bạn không được xem số liệu của đơn vị SO-B.", ""]]
    response, book = _script(base, TOKEN["tinh"], samples["bieu-mau-7-dung.xlsx"], "trang_thai", "SO-A", "Q1/2025")
    applied = apply_actions(book, response.json()["actions"])
    assert applied.macros[0][2] == "pending"  # the province reads its department's standing


def test_two_clerks_of_one_name_keep_their_own_function_context(server, samples):
    """The function context is keyed by the token's id, not the display name: each clerk's
    =EGOV.PRIOR("4.1.1") follows the period their own workbook set."""
    base, _ = server
    path = samples["bieu-mau-7-dung.xlsx"]
    for who, period in (("so-a", "6T/2025"), ("twin", "Q1/2025")):
        response, _ = _script(base, TOKEN[who], path, "dat_don_vi_ky", "SO-A", period)
        assert response.status_code == 200

    def prior(token):
        body = {"client": "Office.js", "func_name": "prior", "args": [[["4.1.1"]], [[""]], [[""]]],
                "caller_address": f"[{path.name}]Biểu mẫu 7!F12", "version": "0.37.8", "runtime": "1.4"}
        return httpx.post(f"{base}/xlwings/custom-functions-call", json=body, timeout=30,
                          headers={"Authorization": token, "Auth-Provider": "custom"}).json()

    assert prior(TOKEN["so-a"]) == {"result": [[180.0]]}  # 6T/2025: Kỳ trước is Q1/2025
    assert prior(TOKEN["twin"]) == {"result": [[""]]}  # Q1/2025: nothing archived before it
