"""The validation stamp from the add-in: Kiểm tra's reply carries it as a runMacro action; the
properties it names, written into the same workbook, verify as intact (the add-in's values hash
equals the file's); xlwings Server's real client applies it under Node."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from egov_xl.core.stamp import PREFIX, values_hash
from egov_xl.flows.stamp import INTACT, verify_file
from egov_xl.output.doc_props import write_properties
from egov_xl.flows.check import check_file
from tests.excel_bridge import apply_actions, details_from_xlsx, payload_from_xlsx
from tests.node_client import run_client_test
from xlwings_server.main import main_app  # noqa: E402  (after tests.conftest set the environment)



def kiem_tra_actions(path: Path) -> list[dict]:
    payload, _ = payload_from_xlsx(path, [details_from_xlsx(path), "silent", "vi"])
    response = TestClient(main_app).post("/xlwings/custom-scripts-call/kiem_tra", json=payload)
    assert response.status_code == 200, response.text
    return response.json()["actions"]


def stamp_action(actions: list[dict]) -> dict[str, str]:
    (action,) = [a for a in actions if a["func"] == "runMacro" and a["args"][0] == "egovStamp"]
    assert action["args"][0] == "egovStamp"
    return json.loads(action["args"][1])


@pytest.mark.parametrize("name", ["bieu-mau-7-seed.xlsx", "phu-luc-vii-dung.xlsx"])
def test_kiem_tra_stamp_verifies_against_the_saved_file(samples, tmp_path, name):
    props = stamp_action(kiem_tra_actions(samples[name]))
    assert props[PREFIX + "ValuesHash"] == values_hash(check_file(samples[name])[0].form.report)
    saved = tmp_path / name  # what Excel saves: the same workbook with the properties
    write_properties(samples[name], saved, props, lambda key: key.startswith(PREFIX))
    verdict = verify_file(saved)
    assert verdict.status == INTACT and verdict.stamp.sheet == check_file(samples[name])[0].form.sheet


def test_no_stamp_without_a_known_form(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "other.xlsx"
    book = Workbook()
    book.active.append(["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu"])
    book.active.append(["9.9.9", "Không có trong biểu mẫu nào", "%", 5])
    book.save(path)
    assert not [a for a in kiem_tra_actions(path) if a["func"] == "runMacro" and a["args"][0] == "egovStamp"]


def test_stamp_callback_under_node(samples, tmp_path):
    path = samples["bieu-mau-7-seed.xlsx"]
    report = check_file(path)[0].form.report
    fixture = {"actions": kiem_tra_actions(path), "edition": report.edition_id, "valuesHash": values_hash(report)}
    done = run_client_test(tmp_path, "stamp.test.mjs", fixture)
    assert "# pass 3" in done.stdout and "# fail 0" in done.stdout


def test_workbook_saved_after_kiem_tra_verifies(samples, tmp_path):
    """The whole reply applied (marks, notes, the sheet "Kiểm tra", the stamp), then saved: the
    stamp verifies; a value typed afterwards is named."""
    path = samples["phu-luc-vii-seed.xlsx"]
    payload, book = payload_from_xlsx(path, [details_from_xlsx(path), "silent", "vi"])
    response = TestClient(main_app).post("/xlwings/custom-scripts-call/kiem_tra", json=payload)
    applied = apply_actions(book, response.json()["actions"])
    assert "runMacro" in applied.funcs and "Kiểm tra" in book.sheetnames
    saved = tmp_path / "saved.xlsx"
    book.save(saved)
    assert verify_file(saved).status == INTACT
    cell = check_file(saved)[0].form.report.cell("6.4.1").a1
    book["Phụ lục VII"][cell].value = "8.335"
    book.save(saved)
    verdict = verify_file(saved)
    assert [(c.code, c.before, c.after) for c in verdict.changes] == [("6.4.1", "8334", "8335")]
