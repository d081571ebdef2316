"""xlwings Server's JavaScript client, from the installed package, under `node --test`: the
actions our server returns for a real workbook are applied by the real client code."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.excel_bridge import details_from_xlsx, payload_from_xlsx
from tests.node_client import run_client_test
from xlwings_server.main import main_app  # noqa: E402  (after tests.conftest set the environment)


def test_client_under_node(samples, tmp_path):
    path = samples["phu-luc-vii-seed.xlsx"]
    payload, book = payload_from_xlsx(path, [details_from_xlsx(path), "alert", "vi"])
    response = TestClient(main_app).post("/xlwings/custom-scripts-call/kiem_tra", json=payload)
    done = run_client_test(tmp_path, "client.test.mjs", {"sheets": book.sheetnames, "actions": response.json()["actions"]})
    assert "# pass 2" in done.stdout and "# fail 0" in done.stdout
