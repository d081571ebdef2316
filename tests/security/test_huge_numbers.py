"""Numbers no form holds: a value cell of 1E+400 or NaN (a hostile .xlsx; Excel writes neither,
calamine reads both), a figure of 39 digits (or, before the archive refused figures wider than
its column, a million) typed as text, EGOV.RATIO over 1E+300.

Before: the CLI printed Python's English OverflowError instead of the cell's sentence; the web
upload answered 500 for every file of the request; EGOV.RATIO of 1E+300 (and every call batched
with it) was 500 (decimal.InvalidOperation: 28 digits); and a revision archived with such a
figure (with a reason, as a clerk may) made the consolidation page and its .xlsx 500 for good,
since the archive is append-only (a million digits, kept by SQLite, the unit's page too)."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
import pytest
import xlwings as xw
from openpyxl import load_workbook

from egov_xl.core.periods import parse_period
from egov_xl.flows.archive import put_file
from egov_xl.server.tokens import issue
from tests.fixtures.web import http_session
from tests.fixtures.office import PROVINCE_AND_DEPARTMENT, small_archive, token_env
from tests.live_server import live_server

WIDE = "9" * 39  # the widest figure the archive keeps is 40 characters


def _with_value(source: Path, target: Path, cell: str, value: str) -> Path:
    """`source` with the stored number of `cell` on its first sheet replaced by `value` as written
    in the package (`1E+400`, `NaN`): what a hostile program, not Excel, can write."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(rf'(<c r="{cell}"[^>]*>)<v>[^<]*</v>'.encode(), rb"\g<1><v>" + value.encode()
                                      + b"</v>", data)
                assert count == 1, f"no stored number in {cell}"
            new.writestr(item, data)
    return target


def _with_text(source: Path, target: Path, cells: tuple[str, ...], text: str) -> Path:
    book = load_workbook(source)
    for cell in cells:
        book.active[cell] = text
    book.save(target)
    return target


@pytest.mark.parametrize("stored", ["1E+400", "-1E+400", "NaN"])
def test_an_infinite_or_nan_cell_is_the_cells_sentence(samples, tmp_path, stored):
    hostile = _with_value(samples["bieu-mau-7-dung.xlsx"], tmp_path / "vo-cuc.xlsx", "D7", stored)
    run = subprocess.run([sys.executable, "-m", "egov_xl", "validate", str(hostile), str(samples["bieu-mau-7-dung.xlsx"])],
                         capture_output=True, text=True, timeout=120, env={"COLUMNS": "300", "PATH": "/usr/bin:/bin"})
    said = run.stdout + run.stderr
    assert "Error" not in said and "Traceback" not in said and "Không xử lý được tệp" not in said, said
    assert re.search(r"D7\s.*không đọc được giá trị", said), said
    assert run.returncode == 1  # the hostile file has an error; the good one was checked too
    assert said.count("Biểu mẫu 7") >= 2


def test_egov_ratio_of_huge_numbers_is_a_number_or_a_sentence():
    from egov_xl.excel import functions

    assert functions.ratio(1e300, 1) == pytest.approx(1e302)
    assert functions.ratio("1" + "0" * 40, "1", 2, "cat") == pytest.approx(1e42)
    with pytest.raises(xw.XlwingsError, match="EGOV.RATIO: kết quả"):
        functions.ratio(1e308, 1e-308)  # beyond what a cell of Excel holds


@pytest.fixture(scope="module")
def office(samples, tmp_path_factory):
    """A province and two departments; SO-A's revisions of Q1/2025 hold a figure of 39 digits
    and +∞ (archived with a reason through the CLI's path)."""
    folder = tmp_path_factory.mktemp("huge-numbers")
    url, store = small_archive(folder, (*PROVINCE_AND_DEPARTMENT, ("SO-B", "Sở B", "TINH")))
    good, period = samples["bieu-mau-7-dung.xlsx"], parse_period("Q1/2025")
    put_file(store, good, "SO-B", period, "seed")
    put_file(store, good, "SO-A", parse_period("Năm 2024"), "seed")
    huge = _with_text(good, folder / "lon.xlsx", ("D7", "D10", "D11"), WIDE)
    put_file(store, huge, "SO-A", period, "seed", force_reason="Số liệu đang xác minh")
    for n, stored in enumerate(("1E+30", "1E+400")):
        hostile = _with_value(good, folder / f"so-{n}.xlsx", "D7", stored)
        put_file(store, hostile, "SO-A", period, "seed", force_reason="Số liệu đang xác minh")
    put_file(store, huge, "SO-A", period, "seed", force_reason="Số liệu đang xác minh")  # the current one
    tokens = folder / "tokens.yaml"
    office_token, _ = issue(tokens, "Trần Thị B", ["TINH"], consolidates=True)
    clerk_token, _ = issue(tokens, "Nguyễn Văn A", ["SO-B"])
    env = token_env(url, tokens)
    with live_server(env=env) as base:
        yield {"base": base, "office": office_token, "clerk": clerk_token, "good": good, "folder": folder}


@pytest.mark.parametrize("page", ["/bao-cao/don-vi/SO-A", "/bao-cao/don-vi/SO-A?ky=Q1/2025&tu=1&den=4",
                                  "/bao-cao/tong-hop?don_vi=TINH&ky=Q1/2025",
                                  "/bao-cao/tong-hop?don_vi=TINH&ky=Q1/2025&chi_tieu=2",
                                  "/bao-cao/tong-hop.xlsx?don_vi=TINH&ky=Q1/2025",
                                  "/bao-cao?don_vi=TINH", "/bao-cao/xuat.xlsx?don_vi=TINH"])
def test_a_huge_figure_in_the_archive_leaves_every_page_standing(office, page):
    with http_session(office["base"], office["office"]) as client:
        answer = client.get(page, timeout=120)
    assert answer.status_code == 200, answer.text[-500:]


def test_the_web_upload_answers_each_file(office):
    hostile = _with_value(office["good"], office["folder"] / "vo-cuc-web.xlsx", "D7", "1E+400")
    with http_session(office["base"], office["clerk"]) as client:
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/bao-cao/kiem-tra").text).group(1)
        answer = client.post("/bao-cao/kiem-tra", data={"csrf": csrf}, timeout=120, files=[
            ("tep", ("vo-cuc.xlsx", hostile.read_bytes())), ("tep", ("dung.xlsx", office["good"].read_bytes()))])
    assert answer.status_code == 200, answer.text[-500:]
    assert "không đọc được giá trị" in answer.text and "kiem-tra-dung.xlsx" in answer.text


def test_a_huge_ratio_does_not_take_its_batch_down(office):
    def call(*args):
        return {"client": "Office.js", "func_name": "ratio", "args": [[[a]] for a in args],
                "caller_address": "[B.xlsx]S!A1", "version": "0.37.8", "runtime": "1.4"}

    answer = httpx.post(office["base"] + "/egov/functions-batch", timeout=30,
                        json={"calls": [call(1, 4), call(1e300, 1), call(1e308, 1e-308)]},
                        headers={"Authorization": office["clerk"], "Auth-Provider": "custom"})
    assert answer.status_code == 200, answer.text
    first, second, third = answer.json()["results"]
    assert first == {"status": 200, "result": [[25.0]]}
    assert second["status"] == 200 and second["result"][0][0] == pytest.approx(1e302)
    assert third["status"] == 400 and "EGOV.RATIO" in third["error"]
