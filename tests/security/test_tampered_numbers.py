"""A clerk edits the console's address: a revision or page number that is no number, or wider
than any database column (9 × 30).

Before: the unit page's comparison, "Tải tệp gốc" and a review's revision were 500 for a number
past 2^63 (SQLite: OverflowError), and any non-number was FastAPI's English JSON listing the
input; now one Vietnamese sentence, 400, on the console's page."""

from __future__ import annotations

import re

import pytest

from egov_xl.archive import overview
from egov_xl.core.periods import parse_period
from egov_xl.flows.archive import put_file
from egov_xl.server.tokens import issue
from tests.fixtures.web import http_session
from tests.fixtures.office import small_archive, token_env
from tests.live_server import live_server

BIG = "9" * 30
SENTENCE = "số lần nộp hoặc số trang phải là số nguyên"


@pytest.fixture(scope="module")
def office(samples, tmp_path_factory):
    folder = tmp_path_factory.mktemp("tampered")
    url, store = small_archive(folder)
    put_file(store, samples["bieu-mau-7-dung.xlsx"], "SO-A", parse_period("Q1/2025"), "seed")
    tokens = folder / "tokens.yaml"
    token, _ = issue(tokens, "Trần Thị B", ["TINH"], consolidates=True)
    env = token_env(url, tokens)
    with live_server(env=env) as base:
        yield base, token, store


@pytest.mark.parametrize("target", [
    f"/bao-cao/don-vi/SO-A?ky=Q1/2025&tu={BIG}&den=1", f"/bao-cao/don-vi/SO-A?ky=Q1/2025&tu=-{BIG}&den=1",
    "/bao-cao/don-vi/SO-A?ky=Q1/2025&tu=abc&den=1", f"/bao-cao/don-vi/SO-A/tep-goc/Q1-2025/{BIG}",
    "/bao-cao/don-vi/SO-A/tep-goc/Q1-2025/x", "/bao-cao?don_vi=TINH&trang=x", f"/bao-cao?don_vi=TINH&trang={BIG}",
    f"/bao-cao/tong-hop?don_vi=TINH&trang={BIG}"])
def test_a_tampered_number_in_an_address_is_a_sentence(office, target):
    base, token, _ = office
    with http_session(base, token) as client:
        answer = client.get(target)
    assert answer.status_code == 400, answer.text[-300:]
    assert SENTENCE in answer.text and "text/html" in answer.headers["content-type"]
    assert "int_parsing" not in answer.text and "Input should be" not in answer.text


def test_a_tampered_revision_in_a_review_is_a_sentence_and_records_nothing(office):
    base, token, store = office
    with http_session(base, token) as client:
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/bao-cao/don-vi/SO-A").text).group(1)
        for lan in (BIG, "x"):
            answer = client.post("/bao-cao/don-vi/SO-A/danh-gia", data={
                "csrf": csrf, "ky": "Q1/2025", "lan": lan, "quyet_dinh": "accepted", "ly_do": ""})
            assert answer.status_code == 400 and SENTENCE in answer.text
    assert overview.reviews_in_force(store, ["SO-A"]) == {}
