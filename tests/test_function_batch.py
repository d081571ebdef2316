"""Pure EGOV functions in batches: the batch route answers each call as its own request would
(results and the Vietnamese 400 sentence), refuses functions that read the archive or the
function context, and under Node xlwings Server's own custom-functions code with our
batching recalculates many =EGOV.RATIO cells in one HTTP request."""

from __future__ import annotations

import os
import shutil

import pytest
from fastapi.testclient import TestClient

from tests.live_server import live_server
from tests.node_recalc import recalc
from xlwings_server.main import main_app  # noqa: E402  (after tests.conftest set the environment)


def _call(name, *args):
    return {"client": "Office.js", "func_name": name, "args": [[[a]] for a in args],
            "caller_address": "[B.xlsx]S!A1", "version": "0.37.8", "runtime": "1.4"}


def test_a_batch_answers_each_call_as_its_own_request_would():
    client = TestClient(main_app, raise_server_exceptions=False)
    calls = [_call("ratio", 8334, 9000), _call("num", "59,26"), _call("ratio", "x", 2), _call("ratio", 1, 0)]
    batch = client.post("/egov/functions-batch", json={"calls": calls}).json()["results"]
    for call, answer in zip(calls, batch, strict=True):
        alone = client.post("/xlwings/custom-functions-call", json=call)
        assert answer["status"] == alone.status_code
        assert answer.get("result", answer.get("error")) == (alone.json()["result"] if alone.status_code == 200
                                                             else alone.text)
    assert batch[2]["error"] == 'EGOV.RATIO: tử số "x" không phải là số.'


def test_functions_that_read_the_archive_are_not_batched():
    client = TestClient(main_app)
    answer = client.post("/egov/functions-batch", json={"calls": [_call("prior", "4.1.1", "Q1/2025", "SO-A")]})
    assert answer.json()["results"] == [{"status": 400, "error": "only EGOV.RATIO and EGOV.NUM are batched"}]
    too_many = client.post("/egov/functions-batch", json={"calls": [_call("num", "1")] * 1001})
    assert too_many.status_code == 400


def test_recalculation_under_node_is_one_request(tmp_path):
    if shutil.which("node") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Node.js is required under CI=true")
        pytest.skip("Node.js not installed")
    with live_server("--url", f"sqlite:///{tmp_path / 'a.sqlite3'}") as base:
        batched = recalc(base, 120, batch=True)
        plain = recalc(base, 120, batch=False)
    # first calculation: one request; the same inputs again: the add-in's cache (RATIO is
    # declared cacheable) answers all; one changed input: one request
    assert [batched[k]["requests"] for k in ("cold", "again", "changed")] == [1, 0, 1]
    assert plain["cold"]["requests"] == 120  # xlwings alone: one request per cell
