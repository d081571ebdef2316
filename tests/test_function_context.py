"""The function context (a workbook's unit and period, its latest Kiểm tra) lives in the archive
database: set through one server, used by another server on the same archive. Without sign-in
two clerks' "BaoCao.xlsx" stay apart by their Excel client's id."""

from __future__ import annotations

import httpx

from egov_xl.core.periods import parse_period
from egov_xl.flows.archive import put_file
from egov_xl.archive.store import Archive
from egov_xl.excel.book import row_statuses
from egov_xl.flows.check import validate_file
from tests.excel_bridge import details_from_xlsx, payload_from_xlsx
from tests.live_server import live_server

CLERK_A = "0b5c2a4e-1111-4a7e-9a10-aaaaaaaaaaaa"
CLERK_B = "7f3d9c1b-2222-4b8f-8b20-bbbbbbbbbbbb"


def _script(base, client_id, path, name, *args):
    payload, _ = payload_from_xlsx(path, [details_from_xlsx(path), "silent", "vi", *args])
    payload["book"]["name"] = "BaoCao.xlsx"
    response = httpx.post(f"{base}/xlwings/custom-scripts-call/{name}", json=payload, timeout=30,
                          headers={"X-Egov-Session": client_id})
    assert response.status_code == 200, response.text


def _function(base, client_id, name, *args):
    body = {"client": "Office.js", "func_name": name, "args": [[[a]] for a in args],
            "caller_address": "[BaoCao.xlsx]Biểu mẫu 7!H12", "session_id": client_id,
            "culture_info_name": "vi-VN", "date_format": "dd/MM/yyyy", "version": "0.37.8", "runtime": "1.4"}
    return httpx.post(f"{base}/xlwings/custom-functions-call", json=body, timeout=30,
                      headers={"Auth-Provider": ""})  # as xlwings' custom-functions code sends it


def test_context_set_through_one_server_is_used_by_another(pg_cluster, samples):
    url = pg_cluster.url(pg_cluster.new_database())
    store = Archive(url)
    store.init()
    sample = samples["bieu-mau-7-dung.xlsx"]
    put_file(store, sample, "DV-1", parse_period("Q1/2025"), "seed")
    statuses = row_statuses([f for r in validate_file(samples["bieu-mau-7-seed.xlsx"]) for f in r.findings])
    assert statuses  # the seed rendition has flagged rows
    expected = float(store.get("DV-1", parse_period("Q1/2025")).values["4.1.1"].number)
    with live_server("--url", url) as one, live_server("--url", url) as other:
        _script(one, CLERK_A, sample, "dat_don_vi_ky", "DV-1", "6T/2025")
        _script(one, CLERK_A, samples["bieu-mau-7-seed.xlsx"], "kiem_tra")

        assert _function(other, CLERK_A, "prior", "4.1.1").json() == {"result": [[expected]]}
        code, status = next(iter(statuses.items()))
        assert _function(other, CLERK_A, "check", code).json() == {"result": [[status]]}

        # the other clerk's "BaoCao.xlsx" has no context of its own: asked for the arguments
        refused = _function(other, CLERK_B, "prior", "4.1.1")
        assert refused.status_code == 400 and "Chưa biết đơn vị và kỳ" in refused.text
        assert "chưa được Kiểm tra" in _function(other, CLERK_B, "check", "4.1.1").text

        # the other clerk sets their own; the first clerk's stays as it was
        put_file(store, sample, "DV-2", parse_period("Q1/2025"), "seed")
        _script(other, CLERK_B, sample, "dat_don_vi_ky", "DV-2", "6T/2025")
        assert _function(one, CLERK_B, "prior", "4.1.1").status_code == 200
        assert _function(one, CLERK_A, "prior", "4.1.1").json() == {"result": [[expected]]}
