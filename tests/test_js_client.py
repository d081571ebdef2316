"""xlwings Server's JavaScript client, from the installed package, under `node --test`: the
actions our server returns for a real workbook are applied by the real client code."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import xlwings_server
from fastapi.testclient import TestClient

from tests.excel_bridge import details_from_xlsx, payload_from_xlsx
from xlwings_server.main import main_app  # noqa: E402  (after tests.conftest set the environment)

HERE = Path(__file__).resolve().parent


def test_client_under_node(samples, tmp_path):
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Node.js is required under CI=true")
        pytest.skip("Node.js not installed")
    path = samples["phu-luc-vii-seed.xlsx"]
    payload, book = payload_from_xlsx(path, [details_from_xlsx(path), "alert", "vi"])
    response = TestClient(main_app).post("/xlwings/custom-scripts-call/kiem_tra", json=payload)
    fixture = tmp_path / "actions.json"
    fixture.write_text(json.dumps({"sheets": book.sheetnames, "actions": response.json()["actions"]},
                                  ensure_ascii=False), encoding="utf-8")
    js = tmp_path / "js"
    shutil.copytree(Path(xlwings_server.__file__).parent / "static" / "js", js)
    (tmp_path / "package.json").write_text('{"type": "module"}', encoding="utf-8")
    shutil.copy(HERE / "js" / "client.test.mjs", tmp_path / "client.test.mjs")
    done = subprocess.run([node, "--test", str(tmp_path / "client.test.mjs")], capture_output=True, text=True,
                          env={**os.environ, "EGOV_FIXTURE": str(fixture), "XLWINGS_JS_DIR": str(js)}, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "# pass 2" in done.stdout and "# fail 0" in done.stdout
