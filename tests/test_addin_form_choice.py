"""Which form of a workbook holding several (issue 19: "the same answer everywhere, asked when
ambiguous"): the add-in never archives, compares or fills a guessed form. Its scripts send the
task pane the sheets holding a form; with several the pane offers them in a select ("Biểu mẫu"),
nothing chosen until the clerk picks one, and sends the choice as the scripts' `sheet`, as the
CLI's --sheet. Through the real xlwings Server app (the scripts' replies), and in headless
Chromium through the served task pane (real taskpane.html, main.js, ribbon.js and xlwings'
client, the office.js stand-in holding the two-form workbook) against a live `egov-xl serve`."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from egov_xl.archive.store import Archive
from egov_xl.core.periods import parse_period
from egov_xl.excel.scripts import archive as addin_archive
from tests.excel_bridge import apply_actions, details_from_xlsx, payload_from_xlsx
from tests.fixtures.web import chromium  # noqa: F401  (the fixture)
from tests.live_server import live_server
from tests.test_addin import client
from tests.fixtures.pane import pane_project
from tests.test_web_a11y import axe  # noqa: F401  (the fixture)

Q1 = parse_period("Q1/2025")
SHEETS = ["Biểu 7", "Biểu 7 (2)"]
FIRST, SECOND = Decimal("95.5"), Decimal("91")  # indicator 2 on each sheet: which form was archived shows


def two_forms(samples, folder: Path) -> Path:
    """The correct Biểu mẫu 7 twice, on sheets "Biểu 7" and "Biểu 7 (2)", indicator 2 differing."""
    path = folder / "hai-bieu.xlsx"
    book = load_workbook(samples["bieu-mau-7-dung.xlsx"])
    book.active.title = SHEETS[0]
    second = book.copy_worksheet(book.active)
    second.title = SHEETS[1]
    assert second["B7"].value.startswith("Tỷ lệ báo cáo định kỳ") and second["D7"].value == float(FIRST)
    second["D7"] = float(SECOND)
    book.save(path)
    return path


def script(path: Path, name: str, *args, notify: str = "alert", active: int = 0):
    """One script call as Excel sends it (`active`: the sheet in front of the clerk); the actions applied."""
    payload, opened = payload_from_xlsx(path, [details_from_xlsx(path), notify, "vi", *args])
    payload["book"]["active_sheet_index"] = active
    response = client.post(f"/xlwings/custom-scripts-call/{name}", json=payload)
    assert response.status_code == 200, response.text
    return apply_actions(opened, response.json()["actions"])


def offered(applied) -> list[list[str]]:
    return [json.loads(args[0]) for name, *args in applied.macros if name == "egovForms"]


def test_a_two_form_workbook_is_never_archived_as_the_first_form(samples, tmp_path):
    path = two_forms(samples, tmp_path)
    store = addin_archive()
    refused = ('Tệp "hai-bieu.xlsx" có 2 biểu mẫu (các trang Biểu 7, Biểu 7 (2)): '
               'chọn biểu mẫu cần dùng ở ô "Biểu mẫu"')
    for active in (0, 1):  # neither the first sheet nor the one in front of the clerk is taken for a choice
        applied = script(path, "luu_ky_bao_cao", "HAI-BIEU", "Q1/2025", active=active)
        assert len(applied.alerts) == 1 and applied.alerts[0].startswith(refused), applied.alerts
        assert applied.alerts[0].endswith("Chưa có gì được lưu.") and offered(applied) == [SHEETS]
        assert store.get("HAI-BIEU", Q1) is None
    pane = script(path, "luu_ky_bao_cao", "HAI-BIEU", "Q1/2025", notify="silent")  # from the task pane, none chosen
    said = [args for name, *args in pane.macros if name == "egovSaid"]
    assert said == [[pane.macros[-1][1], "refused"]] and said[0][0].startswith(refused) and offered(pane) == [SHEETS]
    assert store.get("HAI-BIEU", Q1) is None
    compared = script(path, "lam_moi_so_sanh", "HAI-BIEU", "Q1/2025")  # compare and consolidate pick alike
    assert compared.alerts[0].startswith(refused)
    consolidated = script(path, "tong_hop", "HAI-BIEU", "Q1/2025")
    assert consolidated.alerts[0].startswith(refused)

    # reason, accepted, confirm, sheet: the second form chosen
    chosen = script(path, "luu_ky_bao_cao", "HAI-BIEU", "Q1/2025", "", "", "", SHEETS[1])
    assert chosen.alerts[0].endswith("lần nộp thứ 1."), chosen.alerts
    assert store.get("HAI-BIEU", Q1).values["2"].number == SECOND  # the second form, as chosen
    again = script(path, "luu_ky_bao_cao", "HAI-BIEU", "Q1/2025", "", "", "", SHEETS[0])
    assert again.alerts[0].endswith("lần nộp thứ 2.") and store.get("HAI-BIEU", Q1).values["2"].number == FIRST
    missing = script(path, "luu_ky_bao_cao", "HAI-BIEU", "Q1/2025", "", "", "", "Biểu 8")  # a sheet holding no form
    assert "Biểu 8" in missing.alerts[0] and store.get("HAI-BIEU", Q1).revision == 2
    compared = script(path, "lam_moi_so_sanh", "HAI-BIEU", "Q1/2025", SHEETS[1])
    assert compared.alerts[0].startswith("Đã điền số liệu so sánh"), compared.alerts


def test_kiem_tra_checks_every_form_and_tells_the_pane_which_sheets_hold_one(samples, tmp_path):
    path = two_forms(samples, tmp_path)
    checked = script(path, "kiem_tra")
    assert checked.alerts == ["Không phát hiện vấn đề."] and offered(checked) == [SHEETS]
    one = script(samples["bieu-mau-7-dung.xlsx"], "kiem_tra")
    assert offered(one) == [["Biểu mẫu 7"]]  # one form: the pane asks nothing


@pytest.fixture
def pane(samples, tmp_path, chromium):  # noqa: F811
    """The served task pane, one PC (no sign-in), Excel holding the two-form workbook."""
    payload, _ = payload_from_xlsx(two_forms(samples, tmp_path))
    book = {"name": "hai-bieu.xlsx", "scenario": False,
            "sheets": [{"name": s["name"], "values": s["values"]} for s in payload["sheets"]]}
    project = pane_project(tmp_path, book)
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    store = Archive(url)
    store.init()
    with live_server("--project", str(project), "--url", url, env={"XLWINGS_PROJECT_DIR": str(project)}) as base:
        context = chromium.new_context()
        page = context.new_page()
        page.goto(base + "/taskpane.html")
        page.wait_for_function("typeof egovStandin === 'object' && document.getElementById('egov-sheet') !== null")
        yield page, store
        context.close()


def _click_and_wait(page, button: str) -> str:
    page.evaluate("document.getElementById('egov-status').textContent = ''")
    page.click(button)
    page.wait_for_function("['', 'Đang xử lý…'].indexOf(document.getElementById('egov-status').textContent) < 0",
                           timeout=30000)
    return page.text_content("#egov-status")


def test_the_task_pane_asks_which_form_and_saves_the_one_chosen(pane, axe):  # noqa: F811
    from tests.test_web_a11y import _violations

    page, store = pane
    assert not page.is_visible("#egov-sheet")  # nothing offered before the workbook was checked
    page.fill("#egov-unit", "XA-1")
    page.fill("#egov-period", "Q1/2025")
    said = _click_and_wait(page, "#egov-archive")  # a save before any choice: refused, the choice offered
    assert said.startswith('Tệp "hai-bieu.xlsx" có 2 biểu mẫu (các trang Biểu 7, Biểu 7 (2))'), said
    assert page.get_attribute("#egov-status", "data-state") == "failed" and store.get("XA-1", Q1) is None
    assert page.is_visible("#egov-sheet") and "Biểu mẫu" in page.text_content("label[for=egov-sheet]")
    options = page.eval_on_selector_all("#egov-sheet option", "items => items.map((o) => [o.value, o.textContent])")
    assert options == [["", "— Chọn biểu mẫu —"], [SHEETS[0], SHEETS[0]], [SHEETS[1], SHEETS[1]]]
    assert page.input_value("#egov-sheet") == ""  # nothing guessed: the clerk picks
    assert _violations(page, axe) == []  # the choice labelled, for a keyboard and a screen reader

    said = _click_and_wait(page, "#egov-archive")  # still none chosen: refused again
    assert said.startswith('Tệp "hai-bieu.xlsx" có 2 biểu mẫu') and store.get("XA-1", Q1) is None
    page.select_option("#egov-sheet", SHEETS[1])
    page.wait_for_function("egovStandin.active.name === 'Biểu 7 (2)'")  # Excel shows the form chosen
    said = _click_and_wait(page, "#egov-archive")
    assert said.endswith("lần nộp thứ 1.") and page.get_attribute("#egov-status", "data-state") == "", said
    assert store.get("XA-1", Q1).values["2"].number == SECOND  # the second form, as chosen

    said = _click_and_wait(page, "#egov-validate")  # Kiểm tra checks both; the choice stays
    assert said == "Không phát hiện vấn đề." and page.input_value("#egov-sheet") == SHEETS[1]
    said = _click_and_wait(page, "#egov-refresh")
    assert said.startswith("Đã điền số liệu so sánh cho Quý I năm 2025"), said


def test_a_one_form_workbook_asks_nothing(pane):
    page, store = pane
    page.evaluate("egovStandin.sheets.splice(1, 1)")  # the clerk deleted the second form
    page.fill("#egov-unit", "XA-2")
    page.fill("#egov-period", "Q1/2025")
    said = _click_and_wait(page, "#egov-archive")
    assert said.endswith("lần nộp thứ 1."), said
    assert not page.is_visible("#egov-sheet") and store.get("XA-2", Q1).values["2"].number == FIRST
