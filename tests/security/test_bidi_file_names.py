"""A file name that reorders itself: "bao-cao\\u202exslx.xlsm" (RIGHT-TO-LEFT OVERRIDE) is shown
by a browser, and saved by "Tải tệp gốc", as "bao-caomslx.xlsx": a macro workbook passing for a
plain one in the reviewer's downloads. Zero-width marks hide characters the same way.

Before: the upload's answer and the download's Content-Disposition kept the marks."""

from __future__ import annotations

import re
from urllib.parse import unquote

from tests.fixtures.console import TOKENS
from tests.fixtures.web import console, http_session  # noqa: F401 (the fixture)

MARKED = "bao-cao\u202exslx.xlsm"
MARKS = ("\u202e", "\u200b", "\u2066")


def test_a_reordering_file_name_is_kept_and_served_without_its_marks(console, samples):  # noqa: F811
    base = console["base"]
    with http_session(base, TOKENS["so"]) as clerk:
        csrf = re.search(r'name="csrf" value="([^"]+)"', clerk.get("/bao-cao/kiem-tra").text).group(1)
        answer = clerk.post("/bao-cao/kiem-tra", timeout=120, data={
            "csrf": csrf, "luu": "1", "don_vi": "SO-TTTT", "ky": "6T/2025", "xac_nhan": "1"},
            files=[("tep", (MARKED, samples["phu-luc-vii-dung.xlsx"].read_bytes()))])
        assert answer.status_code == 200 and "lần nộp thứ 1" in answer.text, answer.text[-500:]
        assert not any(mark in answer.text for mark in MARKS)
    with http_session(base, TOKENS["hcm"]) as office:
        kept = office.get("/bao-cao/don-vi/SO-TTTT/tep-goc/6T-2025/1")
    assert kept.status_code == 200 and kept.content == samples["phu-luc-vii-dung.xlsx"].read_bytes()
    disposition = unquote(kept.headers["content-disposition"])
    assert not any(mark in disposition for mark in MARKS)
    assert disposition.endswith(".xlsm") and "bao-cao_xslx.xlsm" in disposition
