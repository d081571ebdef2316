"""Characters XML 1.0 forbids in text egov-xl writes into a workbook: the vertical tab Word puts in
a line break pasted into a review's reason, a BEL or ESC in a CSV's cell or label.

Before: openpyxl refused the whole file (IllegalCharacterError). A reason returned with such a
character made the board's .xlsx export of that period 500 for good (reviews are append-only);
a CSV carrying one was 500 for every file of its web upload, and "Lỗi không mong đợi" with no
annotated copy in the CLI."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from egov_xl.core.periods import parse_period
from egov_xl.flows.archive import put_file
from egov_xl.server.tokens import issue
from tests.fixtures.web import http_session
from tests.fixtures.office import small_archive, token_env
from tests.live_server import live_server

REASON = "Sai số liệu\x0bdòng 2\x07 (dán từ Word)"


def _csv_with_controls(correct: Path, target: Path) -> Path:
    """The correct form as CSV, a value cell with BEL and ESC, a label with a vertical tab."""
    rows = [["" if v is None else v for v in row] for row in load_workbook(correct, data_only=True).active.iter_rows(values_only=True)]
    rows[6][3] = "12\x07\x1b[2J"
    rows[9][1] = "Nhãn\x0bcó ký tự \x01 lạ"
    with target.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    return target


def _csrf(client, path: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).text).group(1)


@pytest.fixture(scope="module")
def office(samples, tmp_path_factory):
    folder = tmp_path_factory.mktemp("xml-controls")
    url, store = small_archive(folder)
    put_file(store, samples["bieu-mau-7-dung.xlsx"], "SO-A", parse_period("Q1/2025"), "seed")
    tokens = folder / "tokens.yaml"
    office_token, _ = issue(tokens, "Trần Thị B", ["TINH"], consolidates=True)
    clerk_token, _ = issue(tokens, "Nguyễn Văn A", ["SO-A"])
    env = token_env(url, tokens)
    with live_server(env=env) as base:
        yield {"base": base, "office": office_token, "clerk": clerk_token, "folder": folder}


def test_a_reason_pasted_from_word_leaves_the_board_export_standing(office):
    with http_session(office["base"], office["office"]) as client:
        returned = client.post("/bao-cao/don-vi/SO-A/danh-gia", data={
            "csrf": _csrf(client, "/bao-cao/don-vi/SO-A"), "ky": "Q1/2025", "lan": "1", "quyet_dinh": "returned",
            "ly_do": REASON})
        assert returned.status_code == 303
        export = client.get("/bao-cao/xuat.xlsx", params={"don_vi": "TINH", "ky": "Q1/2025"})
    assert export.status_code == 200, export.text[-300:]
    texts = [c for row in load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True) for c in row]
    assert "Sai số liệu\ufffddòng 2\ufffd (dán từ Word)" in texts


def test_a_csv_with_control_characters_gets_its_answer_and_copy_on_the_web(office, samples):
    hostile = _csv_with_controls(samples["bieu-mau-7-dung.xlsx"], office["folder"] / "ky-tu.csv")
    with http_session(office["base"], office["clerk"]) as client:
        answer = client.post("/bao-cao/kiem-tra", data={"csrf": _csrf(client, "/bao-cao/kiem-tra")}, files=[
            ("tep", ("ky-tu.csv", hostile.read_bytes())),
            ("tep", ("dung.xlsx", samples["bieu-mau-7-dung.xlsx"].read_bytes()))], timeout=120)
    assert answer.status_code == 200, answer.text[-300:]
    assert "kiem-tra-ky-tu-csv.xlsx" in answer.text and "kiem-tra-dung.xlsx" in answer.text


def test_a_csv_with_control_characters_gets_an_annotated_copy_in_the_cli(samples, tmp_path):
    hostile = _csv_with_controls(samples["bieu-mau-7-dung.xlsx"], tmp_path / "ky-tu.csv")
    copy = tmp_path / "ban-sao.xlsx"
    run = subprocess.run([sys.executable, "-m", "egov_xl", "validate", str(hostile), "--annotate", str(copy)],
                         capture_output=True, text=True, timeout=120)
    assert "Lỗi không mong đợi" not in run.stderr + run.stdout and run.returncode == 1, run.stderr
    book = load_workbook(copy)
    texts = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("\ufffd" in text for text in texts)
