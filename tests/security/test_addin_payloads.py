"""Script arguments the task pane sends as JSON text (the number formats and formulas of
`details`, the accepted warnings of Lưu kỳ báo cáo), sent 200,000 levels deep.

Before: Python's JSON reader ran out of recursion (RecursionError is no JSONDecodeError) and the
clerk's call was 500; now the argument counts as empty and the script answers as usual."""

from __future__ import annotations

import httpx
import pytest

from egov_xl.excel.scripts import SAID_CALLBACK
from egov_xl.server.tokens import issue
from tests.excel_bridge import details_from_xlsx, payload_from_xlsx
from tests.fixtures.office import small_archive, token_env
from tests.live_server import live_server

DEEP = "[" * 200_000 + "]" * 200_000


@pytest.fixture(scope="module")
def server(samples, tmp_path_factory):
    folder = tmp_path_factory.mktemp("payloads")
    url, _ = small_archive(folder, (("SO-A", "Sở A", None),))
    tokens = folder / "tokens.yaml"
    token, _ = issue(tokens, "Nguyễn Văn A", ["SO-A"])
    env = token_env(url, tokens)
    with live_server(env=env) as base:
        yield base, token


def _said(base: str, token: str, script: str, payload: dict) -> tuple[int, list[str]]:
    answer = httpx.post(f"{base}/xlwings/custom-scripts-call/{script}", json=payload, timeout=120,
                        headers={"Authorization": token, "Auth-Provider": "custom"})
    if answer.status_code != 200:
        return answer.status_code, [answer.text[:300]]
    return 200, [a["args"][1] for a in answer.json()["actions"]
                 if a["func"] == "runMacro" and a["args"][0] == SAID_CALLBACK]


def test_deep_details_are_no_details(server, samples):
    base, token = server
    payload, _ = payload_from_xlsx(samples["bieu-mau-7-dung.xlsx"], [DEEP, "silent", "vi"])
    status, said = _said(base, token, "kiem_tra", payload)
    assert status == 200 and said[-1] == "Không phát hiện vấn đề.", said


def test_deep_accepted_warnings_are_none_and_the_form_is_archived(server, samples):
    base, token = server
    good = samples["bieu-mau-7-dung.xlsx"]
    payload, _ = payload_from_xlsx(good, [details_from_xlsx(good), "silent", "vi", "SO-A", "Q1/2025", "", DEEP, "1", ""])
    status, said = _said(base, token, "luu_ky_bao_cao", payload)
    assert status == 200 and said == ["Đã lưu Biểu mẫu 7 của đơn vị SO-A, Quý I năm 2025: lần nộp thứ 1."], said
