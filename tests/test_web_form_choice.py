"""Which form of a workbook holding several, on the web console (issue 19: "the same answer
everywhere, asked when ambiguous"): archiving such a workbook from /bao-cao/kiem-tra archives
nothing and asks, listing the sheets holding a form; the choice's form carries the file back
(nothing kept on the server) with the sheet chosen as `trang`, like the CLI's --sheet and the
add-in pane's select. Against a live `egov-xl serve` (tests/live_server.py) over HTTP, and in
headless Chromium through the served page; with the attacks: a sheet holding no form, a sheet
of no such name, another session's form token, carried bytes that are not a file."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from egov_xl.core.periods import parse_period
from egov_xl.settings import Limits
from egov_xl.web.upload import Archiving, check_upload
from tests.fixtures.console import TOKENS
from tests.fixtures.web import chromium, console, http_session, login  # noqa: F401 (fixtures)
from tests.test_web_a11y import _violations, axe  # noqa: F401 (the fixture)

SHEETS = ["Biểu 7", "Biểu 7 (2)"]
NOTES = "Ghi chú"  # a sheet holding no form
FIRST, SECOND = Decimal("95.5"), Decimal("91")  # indicator 2 on each sheet: which form was archived shows
ASKED = 'Tệp "hai-bieu.xlsx" có 2 biểu mẫu (các trang Biểu 7, Biểu 7 (2)): chọn biểu mẫu cần lưu'


def two_forms(samples, folder: Path) -> Path:
    """The correct Biểu mẫu 7 twice (indicator 2 differing) and a sheet of notes."""
    path = folder / "hai-bieu.xlsx"
    book = load_workbook(samples["bieu-mau-7-dung.xlsx"])
    book.active.title = SHEETS[0]
    second = book.copy_worksheet(book.active)
    second.title = SHEETS[1]
    assert second["D7"].value == float(FIRST)
    second["D7"] = float(SECOND)
    book.create_sheet(NOTES)["A1"] = "Số liệu lấy từ sổ theo dõi"
    book.save(path)
    return path


def _fields(page: str) -> dict[str, str]:
    """The hidden fields of the answer's choice form (the first one)."""
    form = page[page.index('class="border rounded p-3 mb-3 form-choice"'):]
    form = form[:form.index("</form>")]
    return {name: html.unescape(value)
            for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)}


def test_archiving_a_two_form_workbook_asks_then_archives_the_sheet_chosen(console, samples, tmp_path):
    base, archive = console["base"], console["archive"]
    period = parse_period("Q3/2024")
    data = two_forms(samples, tmp_path).read_bytes()
    with http_session(base, TOKENS["so"]) as clerk:
        csrf = re.search(r'name="csrf" value="([^"]+)"', clerk.get("/bao-cao/kiem-tra").text).group(1)
        asked = clerk.post("/bao-cao/kiem-tra", files={"tep": ("hai-bieu.xlsx", data)},
                           data={"csrf": csrf, "luu": "1", "don_vi": "SO-TTTT", "ky": "Q3/2024"})
        assert asked.status_code == 200 and ASKED in html.unescape(asked.text)
        assert "Chưa có gì được lưu." in html.unescape(asked.text) and archive.get("SO-TTTT", period) is None
        options = re.findall(r'<option value="([^"]*)"[ a-z]*>', asked.text[asked.text.index("form-choice"):])
        assert [html.unescape(o) for o in options[:3]] == ["", *SHEETS]  # nothing chosen; the notes not offered
        assert html.unescape(asked.text).count(" — Biểu 7 (2): ") == 1  # both forms checked meanwhile
        fields = _fields(asked.text)
        assert fields["don_vi"] == "SO-TTTT" and fields["ky"] == "2024-Q3" and fields["ten"] == "hai-bieu.xlsx"

        checked = clerk.post("/bao-cao/kiem-tra", data={**fields, "trang": SHEETS[0], "luu": ""})
        assert checked.status_code == 200 and html.unescape(checked.text).count(" — Biểu 7: ") == 1
        assert "Biểu 7 (2): " not in html.unescape(checked.text) and archive.get("SO-TTTT", period) is None

        stored = clerk.post("/bao-cao/kiem-tra", data={**fields, "trang": SHEETS[1], "luu": "1"})
        assert stored.status_code == 200 and "lần nộp thứ 1" in stored.text, stored.text
    kept = archive.get("SO-TTTT", period)
    assert kept.revision == 1 and kept.values["2"].number == SECOND  # the sheet chosen, not the first


def test_a_choice_naming_no_form_or_sent_by_another_session_archives_nothing(console, samples, tmp_path):
    base, archive = console["base"], console["archive"]
    before = archive.count_submissions()
    data = two_forms(samples, tmp_path).read_bytes()
    with http_session(base, TOKENS["so"]) as clerk, http_session(base, TOKENS["so"]) as other:
        csrf = re.search(r'name="csrf" value="([^"]+)"', clerk.get("/bao-cao/kiem-tra").text).group(1)
        asked = clerk.post("/bao-cao/kiem-tra", files={"tep": ("hai-bieu.xlsx", data)},
                           data={"csrf": csrf, "luu": "1", "don_vi": "SO-TTTT", "ky": "Q3/2025"})
        fields = _fields(asked.text)
        for sheet in (NOTES, "Biểu 8", ""):  # a sheet holding no form, none of that name, none chosen
            answer = html.unescape(clerk.post("/bao-cao/kiem-tra", data={**fields, "trang": sheet, "luu": "1"}).text)
            expected = (f'Trang "{sheet}" của tệp "hai-bieu.xlsx" không có biểu mẫu nào; '
                        'các trang có biểu mẫu: Biểu 7, Biểu 7 (2). Chưa có gì được lưu.') if sheet else ASKED
            assert expected in answer and "lần nộp thứ" not in answer
        # another session posting the choice's form as it was sent to this one: its token is not theirs
        assert other.post("/bao-cao/kiem-tra", data={**fields, "trang": SHEETS[1], "luu": "1"}).status_code == 403
        # the same session carrying bytes of its own: not base64, or a unit that is not the clerk's
        broken = clerk.post("/bao-cao/kiem-tra", data={**fields, "noi_dung": "<script>", "trang": SHEETS[1],
                                                       "luu": "1"})
        assert broken.status_code == 400 and "nội dung không đúng" in broken.text
        elsewhere = clerk.post("/bao-cao/kiem-tra", data={**fields, "don_vi": "Q1", "trang": SHEETS[1], "luu": "1"})
        assert elsewhere.status_code == 403
    assert archive.count_submissions() == before


def test_a_file_too_large_to_carry_back_is_chosen_again(samples, tmp_path):
    data = two_forms(samples, tmp_path).read_bytes()
    archiving = Archiving("SO-TTTT", parse_period("Q3/2025"), "test")
    result = check_upload("hai-bieu.xlsx", data, None, archiving, limits=Limits(max_body_bytes=len(data) + 1))
    assert result.sheets == SHEETS and result.carried is None and result.stored is None  # asked; nothing to carry
    assert [f["sheet"] for f in result.forms] == SHEETS  # both checked and shown meanwhile
    roomy = check_upload("hai-bieu.xlsx", data, None, archiving, limits=Limits())
    assert roomy.sheets == SHEETS and roomy.carried and roomy.stored is None


def test_the_page_asks_which_form_and_archives_the_one_chosen(console, chromium, samples, tmp_path, axe):  # noqa: F811
    base, archive = console["base"], console["archive"]
    period = parse_period("Q1/2024")  # SO-TTTT's Q1/2024 holds revision 1 (seeded): the chosen one is the 2nd
    clerk = login(chromium, base, TOKENS["so"], bypass_csp=True)  # axe is injected
    clerk.goto(base + "/bao-cao/kiem-tra")
    clerk.set_input_files("#tep", [two_forms(samples, tmp_path)])
    clerk.check("#luu")
    clerk.fill("#ky", "Q1/2024")
    clerk.click("button:has-text('Kiểm tra')")
    choice = clerk.locator(".form-choice")
    assert choice.count() == 1 and clerk.inner_text(".form-choice .ask").startswith(ASKED)
    assert clerk.inner_text("label[for=trang-1]") == "Biểu mẫu" and clerk.input_value("#trang-1") == ""
    assert clerk.locator("#tep-1").count() == 0  # the page carries the file back: nothing to pick again
    assert not choice.evaluate("form => form.checkValidity()")  # nothing chosen: the browser will not send it
    assert _violations(clerk, axe) == []
    clerk.select_option("#trang-1", SHEETS[1])
    clerk.click(".form-choice button:has-text('Lưu biểu mẫu này')")
    assert "lần nộp thứ 2" in clerk.inner_text(".file-result")
    kept = archive.get("SO-TTTT", period)
    assert kept.revision == 2 and kept.values["2"].number == SECOND
    assert not clerk.dialogs
    clerk.context.close()
