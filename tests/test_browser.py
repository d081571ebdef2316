"""The task pane and a ribbon command in headless Chromium, against a live server: the real
taskpane.html, ribbon.js, main.js and xlwings client, with a stand-in office.js holding a real
workbook (the Phụ lục VII seed rendition). The task pane also shows that the unit's report
was returned for correction, with the receiving office's reason, as text. The same again with
the server under a path prefix (`--public-url https://…/egov-xl`): the client's calls follow it."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess

import pytest

from egov_xl.archive import overview
from egov_xl.core.periods import parse_period
from egov_xl.flows.archive import put_file
from egov_xl.archive.store import Archive
from tests.fixtures.pane import pane_project
from tests.excel_bridge import payload_from_xlsx
from tests.live_server import live_server



def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.parametrize("prefix", ["", "/egov-xl"])  # also behind a proxy at https://…/egov-xl (--public-url)
def test_ribbon_command_and_task_pane_in_chromium(samples, tmp_path, prefix):
    browser = _chromium()
    if browser is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required under CI=true (scripts/system-packages installs it)")
        pytest.skip("Chromium not installed")
    payload, _ = payload_from_xlsx(samples["phu-luc-vii-seed.xlsx"])
    book = {"name": payload["book"]["name"],
            "sheets": [{"name": s["name"], "values": s["values"]} for s in payload["sheets"]],
            "review": {"unit": "RV-WEB", "period": "Q1/2025"}}
    project = pane_project(tmp_path, book)
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    store = Archive(url)
    store.init()
    stored = put_file(store, samples["bieu-mau-7-dung.xlsx"], "RV-WEB", parse_period("Q1/2025"), "clerk")
    submission = next(r.id for r in overview.revisions(store, ["RV-WEB"]) if r.revision == stored.stored.revision)
    overview.add_review(store, submission, "returned", "Thiếu số liệu <b>xã</b> ở 4.2.2", "Cán bộ Tỉnh")
    env = {"EGOV_ARCHIVE_URL": url, "XLWINGS_PROJECT_DIR": str(project)}
    public = ("--public-url", f"https://egov.tinh.gov.vn{prefix}") if prefix else ()
    with live_server("--project", str(project), *public, env=env, ready=prefix + "/") as base:
        done = subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=20000", "--dump-dom",
             f"{base}{prefix}/taskpane.html"],
            capture_output=True, text=True, timeout=120)
    match = re.search(r'<pre id="egov-test-result">(.*?)</pre>', done.stdout, re.S)
    assert match, done.stdout[-2000:] + done.stderr[-2000:]
    log = json.loads(html.unescape(match.group(1)))
    steps = {entry[0]: entry[1:] for entry in log}
    assert "error" not in steps, steps.get("error")
    assert "completed" in steps  # event.completed() after the ribbon command
    assert steps["fill"] == ["D33", "#FFC7CE"]
    assert "mẫu số 6.5.1 bằng 0" in steps["note"][1]
    assert steps["sheets"][0] == ["Phụ lục VII", "Kiểm tra"]
    assert steps["stamp"][0]["EgovXL.Edition"] == "pl7-2022"  # the validation stamp, in the workbook's properties
    dialogs = [entry[1] for entry in log if entry[0] == "dialog"]
    assert len(dialogs) == 1 and "Kiểm tra xong: 11 lỗi, 1 cảnh báo, 4 lưu ý" in dialogs[0]  # the task pane is silent
    count, last = steps["taskpane"]
    assert count == 16 and "6.5" in last
    assert ["select", "Phụ lục VII", "'Phụ lục VII'!D33:D33"] in log  # clicking a finding selects its cell
    assert {"RATIO", "CHECK"} <= {entry[1] for entry in log if entry[0] == "function"}
    state, text, classes, children = steps["review"]  # after "Ghi vào sổ": the review in force
    assert state == "returned" and "alert-warning" in classes and "d-none" not in classes
    assert text.startswith("Lần nộp 1 của RV-WEB, Quý I năm 2025 bị trả lại để sửa (Cán bộ Tỉnh, ")
    assert "Lý do: Thiếu số liệu <b>xã</b> ở 4.2.2." in text and children == 0  # the reason shown as text
