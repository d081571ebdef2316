"""The add-in through the real xlwings Server app: functions with the bodies Excel sends,
scripts with payloads built from real .xlsx files and their actions applied back."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from egov_xl.core.periods import parse_period
from egov_xl.flows.archive import put_file
from egov_xl.excel.scripts import archive
from egov_xl import definitions
from egov_xl.template.build import row_of
from egov_xl.definitions import edition
from tests.conftest import ADDIN_DIR
from tests.excel_bridge import apply_actions, details_from_xlsx, payload_from_xlsx
from tests.fixtures.renditions import Layout, bm7_correct, corrected, write_form
from tests.fixtures.templates import template_with as _template_with

from xlwings_server.main import main_app  # noqa: E402  (after tests.conftest set the environment)

client = TestClient(main_app, raise_server_exceptions=False)
TEMPLATES = Path(__file__).resolve().parents[1] / "workbook_templates"


def call(func_name, *args, caller="[Bao-cao.xlsx]Biểu mẫu 7!J5"):
    body = {"client": "Office.js", "func_name": func_name, "args": [[[a]] for a in args],
            "caller_address": caller, "version": "0.37.8", "runtime": "1.4", "culture_info_name": "vi-VN"}
    return client.post("/xlwings/custom-functions-call", json=body)


def run_script(path: Path, name: str, *args, book=None):
    payload, opened = payload_from_xlsx(path, [details_from_xlsx(path), "alert", "vi", *args])
    response = client.post(f"/xlwings/custom-scripts-call/{name}", json=payload)
    assert response.status_code == 200, response.text
    applied = apply_actions(opened, response.json()["actions"])
    return opened, applied


# functions -------------------------------------------------------------------------------------

def test_ratio():
    assert call("ratio", 146, 148).json() == {"result": [[98.65]]}
    assert call("ratio", "4.939", "8.334").json() == {"result": [[59.26]]}  # Vietnamese text numbers
    assert call("ratio", 146, 148, 2, "cat").json() == {"result": [[98.64]]}
    assert call("ratio", 2, 0).json() == {"result": [[""]]}  # zero denominator: blank
    assert call("ratio", 2, "").json() == {"result": [[""]]}
    bad = call("ratio", "abc", 148)
    assert (bad.status_code, bad.text) == (400, 'EGOV.RATIO: tử số "abc" không phải là số.')
    assert "Traceback" not in call("ratio", 1, 2, "x").text and call("ratio", 1, 2, "x").status_code == 400


def test_num():
    assert call("num", "8.334").json() == {"result": [[8334.0]]}
    assert call("num", "=98,64%").json() == {"result": [[98.64]]}
    assert call("num", "1,488 triệu").json() == {"result": [[1488000.0]]}
    bound = call("num", "trên 84%")
    assert bound.status_code == 400 and "là một giới hạn" in bound.text
    share = call("num", "32/34")  # two numbers, not one (a table reads it as 32 of 34)
    assert (share.status_code, share.text) == (400, 'EGOV.NUM: giá trị "32/34" không phải là số.')


def test_function_metadata_is_vietnamese():
    meta = {f["name"]: f for f in client.get("/xlwings/custom-functions-meta.json").json()["functions"]}
    assert set(meta) == {"RATIO", "NUM", "PRIOR", "CHANGE", "CHECK"}
    assert meta["RATIO"]["description"].startswith("Tỷ lệ (%) = tử số / mẫu số × 100")
    assert [p["name"] for p in meta["PRIOR"]["parameters"]] == ["code", "period", "unit", "comparison"]


def test_check_on_a_table():
    path = TEMPLATES.parent / "build" / "check.xlsx"
    values = [[c.value for c in row] for row in load_workbook(
        write_form(path, corrected(bm7_correct(), {"4.1.2": "190"}), Layout(numeric=True))).active.iter_rows()]
    body = {"client": "Office.js", "func_name": "check", "args": [[["4.1.2"]], values],
            "caller_address": "[B.xlsx]S!A1", "version": "0.37.8", "runtime": "1.4"}
    result = client.post("/xlwings/custom-functions-call", json=body).json()["result"][0][0]
    assert result.startswith("Lỗi: Chỉ tiêu 4.1.2 (190) lớn hơn chỉ tiêu 4.1.1 (180)")
    body["args"][0] = [["4.5"]]
    assert client.post("/xlwings/custom-functions-call", json=body).json() == {"result": [["OK"]]}


def test_check_after_kiem_tra(samples, tmp_path):
    own = tmp_path / "check-after.xlsx"  # a workbook name no other test checks
    own.write_bytes(samples["phu-luc-vii-seed.xlsx"].read_bytes())
    caller = f"[{own.name}]Phụ lục VII!J5"
    before = call("check", "6.5", caller=caller)
    assert before.status_code == 400 and "sổ này chưa được Kiểm tra" in before.text
    run_script(own, "kiem_tra")
    assert call("check", "6.5", caller=caller).json() == {"result": [[
        "Lỗi: Chỉ tiêu 6.5: mẫu số 6.5.1 bằng 0 nên tỷ lệ phải để trống, nhưng đang ghi 8%."]]}
    assert call("check", "6.4", caller=caller).json() == {"result": [["OK"]]}  # only a note there


def test_prior_and_change(samples):
    put_file(archive(), samples["bieu-mau-7-dung.xlsx"], "FN-UNIT", parse_period("Q1/2025"), "clerk")
    assert call("prior", "4.1.1", "6T/2025", "FN-UNIT").json() == {"result": [[180.0]]}
    assert call("change", "4.1.1", 200, "6T/2025", "FN-UNIT").json() == {"result": [[20.0, 11.11]]}
    assert call("prior", "4.1.1", "6T/2025", "OTHER-UNIT").json() == {"result": [[""]]}
    unknown = call("prior", "4.1.1", caller="[Moi.xlsx]S!A1")
    assert unknown.status_code == 400 and "Chưa biết đơn vị và kỳ" in unknown.text


# scripts ---------------------------------------------------------------------------------------

def test_kiem_tra_marks_the_seed(samples):
    book, applied = run_script(samples["phu-luc-vii-seed.xlsx"], "kiem_tra")
    assert applied.alerts == ['Kiểm tra xong: 11 lỗi, 1 cảnh báo, 4 lưu ý. Xem các ô được tô màu và trang "Kiểm tra".']
    sheet = book["Phụ lục VII"]
    assert sheet["D33"].fill.start_color.rgb == "00FFC7CE"  # 6.5.1 blamed: red
    assert "mẫu số 6.5.1 bằng 0 nên tỷ lệ phải để trống, nhưng đang ghi 8%" in sheet["D33"].comment.text
    assert sheet["D16"].fill.start_color.rgb == "00FFEB9C"  # heading with a value: yellow
    assert sheet["D30"].fill.start_color.rgb == "00DDEBF7"  # "8.334" typed as text: blue
    report = [[c.value for c in row] for row in book["Kiểm tra"].iter_rows()]
    assert report[1][:5] == ["STT", "Mức độ", "Mã", "Ô", "Nội dung"]
    assert len(report) == 2 + 16
    assert report[2][3] == "=HYPERLINK(\"#'Phụ lục VII'!D7\",\"D7\")" and report[2][8] == "Phụ lục VII!D7"


def test_kiem_tra_again_clears_the_earlier_marks(samples, tmp_path):
    book, _ = run_script(samples["bieu-mau-7-seed.xlsx"], "kiem_tra")
    sheet = book["Biểu mẫu 7"]
    sheet["C24"].value = sheet["C25"].value = "Hồ sơ"  # the clerk fixes the units
    marked = tmp_path / "marked.xlsx"
    book.save(marked)
    again, applied = run_script(marked, "kiem_tra")
    fixed = again["Biểu mẫu 7"]
    assert fixed["C24"].comment is None and fixed["C24"].fill.fill_type is None
    assert "deleteNote" in applied.funcs
    assert fixed["D20"].fill.start_color.rgb == "00DDEBF7"  # 4.2 still truncated: still marked
    assert applied.alerts[0].startswith("Kiểm tra xong: 5 lỗi")


def test_kiem_tra_and_the_annotated_copy_write_one_plan(samples, tmp_path):
    """The add-in's sheet and the command line's annotated copy come from output/plan.py: the
    same marks, the same report sheet (a link is a HYPERLINK formula in one, a hyperlink in the
    other; Excel reads the add-in's leading apostrophe as "text"), and the add-in clears the
    marks of a copy the command line annotated."""
    from egov_xl import definitions
    from egov_xl.flows.check import validate_file
    from egov_xl.output.annotate import annotate

    source, sheet = samples["bieu-mau-7-seed.xlsx"], "Biểu mẫu 7"
    copy_path = tmp_path / "kiem-tra.xlsx"
    reports = validate_file(source)
    annotate(source, copy_path, reports, definitions.catalogue("vi"))
    copy = load_workbook(copy_path)
    book, _ = run_script(source, "kiem_tra")

    def marks(workbook):
        return {c.coordinate: (c.fill.start_color.rgb, c.comment.text) for row in workbook[sheet].iter_rows()
                for c in row if c.comment}

    def as_excel_reads(value):
        return value[1:] if isinstance(value, str) and value.startswith("'") else value

    assert marks(copy) and marks(copy) == marks(book)
    written = []
    for row in copy["Kiểm tra"].iter_rows():
        link = row[3].hyperlink
        written.append([f'=HYPERLINK("#{link.location}","{c.value}")' if c.column == 4 and link else c.value
                        for c in row])
    sent = [[as_excel_reads(c.value) for c in row] for row in book["Kiểm tra"].iter_rows()]
    assert len(written) == 2 + sum(len(r.findings) for r in reports) and written == sent
    again, applied = run_script(copy_path, "kiem_tra")  # the copy's marks read back as the add-in's own
    assert "deleteNote" in applied.funcs and marks(again) == marks(copy)


def test_script_reply_is_what_fastapi_would_send(samples):
    """The reply is encoded in one pass (egov_xl.excel.reply), byte for byte as FastAPI's own
    path (jsonable_encoder, then JSONResponse) would encode the same actions."""
    import datetime as dt

    from fastapi.encoders import jsonable_encoder
    from fastapi.responses import JSONResponse

    from egov_xl.excel.reply import Reply

    path = samples["phu-luc-vii-seed.xlsx"]
    payload, _ = payload_from_xlsx(path, [details_from_xlsx(path), "alert", "vi"])
    response = client.post("/xlwings/custom-scripts-call/kiem_tra", json=payload)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    actions = response.json()
    assert len(actions["actions"]) > 20 and any(a["func"] == "addNote" for a in actions["actions"])
    assert response.content == JSONResponse(jsonable_encoder(actions)).body
    odd = {"actions": [{"values": [[dt.date(2025, 6, 30), Decimal("98.64"), Decimal("2"), "Hồ sơ", None]]}]}
    assert Reply(odd).body == JSONResponse(jsonable_encoder(odd)).body

CORRECT = {"1": 1, "2": 95.5, "3.1.1": 100, "3.1.2": 96.5, "3.2": 98.4, "3.2.1": 99.2, "3.2.2": 97.8,
           "4.1.1": 180, "4.1.2": 177, "4.2.1": 148, "4.2.2": 146, "4.3.1": 412, "4.3.2": 187,
           "4.4.1": 253, "4.4.2": 214, "4.5.1": 108, "4.5.2": 108}


def test_luu_ky_bao_cao_from_a_template(tmp_path):
    path = _template_with(tmp_path, CORRECT, unit="TPL-LUU")
    # openpyxl leaves the ratio formulas uncomputed: Excel would send their results
    book = load_workbook(path)
    rows = row_of(edition("bm7-2025"))
    for code, value in {"4.1": 98.33, "4.2": 98.65, "4.3": 45.39, "4.4": 84.58, "4.5": 100}.items():
        book.active.cell(rows[code], 4).value = value
    book.save(path)
    _, applied = run_script(path, "luu_ky_bao_cao")
    assert applied.alerts == ["Đã lưu Biểu mẫu 7 của đơn vị TPL-LUU, Quý I năm 2025: lần nộp thứ 1."]
    stored = archive().get("TPL-LUU", parse_period("Q1/2025"))
    assert stored.values["4.3.1"].number == Decimal(412) and stored.meta.archived_by == "Anonymous"
    _, again = run_script(path, "luu_ky_bao_cao")
    assert again.alerts[0].endswith("lần nộp thứ 2.")


def test_luu_refuses_errors_without_a_reason(samples):
    _, refused = run_script(samples["bieu-mau-7-seed.xlsx"], "luu_ky_bao_cao", "SEED-UNIT", "6T/2025")
    assert refused.alerts == ["Chưa lưu: biểu mẫu còn 7 lỗi. Sửa lỗi, hoặc ghi lý do ở khung tác vụ nếu buộc phải nộp."]
    assert archive().get("SEED-UNIT", parse_period("6T/2025")) is None
    accepted = '[{"rule": "label.drift", "code": "4.4", "reason": "Biểu mẫu của tỉnh in sai tên"}]'
    _, forced = run_script(samples["bieu-mau-7-seed.xlsx"], "luu_ky_bao_cao", "SEED-UNIT", "6T/2025",
                           "Nộp đúng hạn", accepted)
    assert forced.alerts[0].endswith("lần nộp thứ 1.")
    stored = archive().get("SEED-UNIT", parse_period("6T/2025"))
    assert stored.meta.forced_reason == "Nộp đúng hạn"
    assert [(a.rule, a.code) for a in stored.meta.accepted] == [("label.drift", "4.4")]



def test_luu_refuses_a_year_to_date_decrease_as_compare_does(samples, tmp_path):
    """412 dossiers in Quý I, 400 for the 6 months: an error at the save, as `compare` says."""
    put_file(archive(), samples["bieu-mau-7-dung.xlsx"], "YTD-UNIT", parse_period("Q1/2025"), "clerk")
    path = write_form(tmp_path / "h1.xlsx", corrected(bm7_correct(), {"4.3.1": "400", "4.3": "46,75"}),
                      Layout(numeric=True))
    _, refused = run_script(path, "luu_ky_bao_cao", "YTD-UNIT", "6T/2025")
    assert refused.alerts == ["Chưa lưu: biểu mẫu còn 1 lỗi. Sửa lỗi, hoặc ghi lý do ở khung tác vụ nếu buộc phải nộp."]
    assert archive().get("YTD-UNIT", parse_period("6T/2025")) is None

def test_luu_warns_a_returned_report_saved_again_unchanged(samples, tmp_path):
    """The save says what the web upload says when the very form the office returned comes back."""
    from egov_xl.archive import overview
    from egov_xl.flows.review_status import standing

    path, period = samples["bieu-mau-7-dung.xlsx"], parse_period("Q1/2025")
    _, first = run_script(path, "luu_ky_bao_cao", "TWIN-ADDIN", "Q1/2025")
    assert first.alerts == ["Đã lưu Biểu mẫu 7 của đơn vị TWIN-ADDIN, Quý I năm 2025: lần nộp thứ 1."]
    returned = standing(archive(), "TWIN-ADDIN", period).revision
    overview.add_review(archive(), returned.id, "returned", "Chỉ tiêu 4.2.2 thiếu số liệu xã", "Cán bộ Tỉnh")
    _, again = run_script(path, "luu_ky_bao_cao", "TWIN-ADDIN", "Q1/2025")
    assert again.alerts == ["Đã lưu Biểu mẫu 7 của đơn vị TWIN-ADDIN, Quý I năm 2025: lần nộp thứ 2. "
                            "Tệp này giống hệt lần nộp 1 đã bị trả lại để sửa: đơn vị nhận sẽ thấy "
                            "\"nộp lại, chưa sửa\"."]
    corrected_path = write_form(tmp_path / "twin-sua.xlsx", corrected(bm7_correct(), {"4.3.1": "413", "4.3": "45,28"}),
                                Layout(numeric=True))
    _, fixed = run_script(corrected_path, "luu_ky_bao_cao", "TWIN-ADDIN", "Q1/2025")
    assert fixed.alerts == ["Đã lưu Biểu mẫu 7 của đơn vị TWIN-ADDIN, Quý I năm 2025: lần nộp thứ 3."]


def test_refresh_fills_prior_columns(samples, tmp_path):
    put_file(archive(), samples["bieu-mau-7-dung.xlsx"], "REF-UNIT", parse_period("Q1/2025"), "clerk")
    values = dict(CORRECT, **{"4.1.1": 400, "4.1.2": 390})  # +122 %: beyond the form's 50 % threshold
    path = _template_with(tmp_path, values, unit="REF-UNIT", kind="6 tháng")
    book, applied = run_script(path, "lam_moi_so_sanh")
    sheet = book.active
    rows = row_of(edition("bm7-2025"))
    assert [sheet.cell(8, c).value for c in (6, 7, 8)] == ["Kỳ trước", "Chênh lệch", "%"]
    assert [sheet.cell(rows["4.1.1"], c).value for c in (6, 7, 8)] == [180, 220, 122.2]
    assert [sheet.cell(rows["4.3.1"], c).value for c in (6, 7, 8)] == [None, None, None]  # a flow: no last year
    assert "so với Quý I năm 2025" in applied.alerts[0]
    assert sheet.cell(rows["4.1.2"], 4).fill.start_color.rgb == "00FFEB9C"  # 177 → 390: a change to review
    assert "so với kỳ trước (Quý I năm 2025) là 177" in sheet.cell(rows["4.1.2"], 4).comment.text
    assert sheet.cell(rows["4.5.1"], 4).fill.start_color.rgb == "00FFF2CC"  # unflagged input keeps its tint


def test_refresh_without_unit_or_period_says_so(samples):
    _, applied = run_script(samples["bieu-mau-7-dung.xlsx"], "lam_moi_so_sanh")
    assert applied.alerts[0].startswith("Chưa biết đơn vị và kỳ báo cáo của sổ này")


def test_task_pane_sets_unit_and_period_then_functions_know(samples, tmp_path):
    put_file(archive(), samples["bieu-mau-7-dung.xlsx"], "CTX-UNIT", parse_period("Q1/2025"), "clerk")
    book, applied = run_script(samples["bieu-mau-7-dung.xlsx"], "dat_don_vi_ky", "CTX-UNIT", "6T/2025")
    assert applied.alerts == ["Sổ này: đơn vị CTX-UNIT, 6 tháng đầu năm 2025."]
    assert book["egov-xl"]["B1"].value == "CTX-UNIT" and "EGOV_DON_VI" in book.defined_names
    caller = f"[{samples['bieu-mau-7-dung.xlsx'].name}]Biểu mẫu 7!J5"
    assert call("prior", "4.5.1", caller=caller).json() == {"result": [[108.0]]}


def _unit_tree(store, period):
    """TH-TINH ← TH-A, TH-B (a unit name that looks like a formula), TH-MISS (not submitted),
    TH-HUYEN (no form of its own) ← TH-XA-1, TH-XA-2: their current revisions for `period`."""
    from tests.test_consolidate_archive import bm7_values, put

    store.set_unit("TH-TINH", "Tỉnh")
    for code, name in (("TH-A", "Sở A"), ("TH-B", '=HYPERLINK("http://x","Sở B")'), ("TH-MISS", "Sở chưa nộp"),
                       ("TH-HUYEN", "Huyện")):
        store.set_unit(code, name, "TH-TINH")
    scales = {"TH-A": 10, "TH-B": 90, "TH-XA-1": 20, "TH-XA-2": 30}
    for code in ("TH-XA-1", "TH-XA-2"):
        store.set_unit(code, f"Xã {code}", "TH-HUYEN")
    for code, scale in scales.items():
        put(store, code, bm7_values(scale, percent="70" if code == "TH-XA-2" else "90"))
    assert period == parse_period("Năm 2025")  # the period put() stores
    return scales


def test_tong_hop_fills_the_template_and_writes_the_detail_sheets(tmp_path):
    period = parse_period("Năm 2025")
    scales = _unit_tree(archive(), period)
    path = _template_with(tmp_path, {}, unit="TH-TINH", kind="Năm", year=2025)
    book, applied = run_script(path, "tong_hop")
    assert applied.alerts == ['Đã tổng hợp Biểu mẫu 7 của TH-TINH, Năm 2025 từ 4/5 đơn vị — chưa đủ, '
                              'còn 1 đơn vị chưa nộp; xem trang "Thiếu và lỗi".']
    sheet, rows = book.active, row_of(edition("bm7-2025"))
    assert sheet.cell(rows["4.1.1"], 4).value == sum(scales.values())  # counts summed
    assert sheet.cell(rows["4.3.2"], 4).value == sum(9 * n for n in scales.values())
    assert str(sheet.cell(rows["4.2"], 4).value).startswith("=")  # the ratio keeps its formula
    assert sheet.cell(rows["2"], 4).value == 90  # a percentage without parts: the median of 90, 90, 90, 70
    assert sheet.cell(rows["2"], 5).value.startswith("Không cộng được: trung vị của 4 đơn vị")
    assert sheet.cell(rows["1"], 4).value == 1 and "Mức thấp nhất của 4 đơn vị" in sheet.cell(rows["1"], 5).value
    assert book.sheetnames[-2:] == ["Chi tiết tổng hợp", "Thiếu và lỗi"]
    detail = [[c.value for c in row] for row in book["Chi tiết tổng hợp"].iter_rows()]
    assert detail[0] == ["Mã đơn vị", "Tên đơn vị", "Lần nộp", "Chỉ tiêu", "Số liệu", "Tình trạng"]
    codes = [r.code for r in edition("bm7-2025").rows if r.kind.value != "header"]
    assert len(detail) == 1 + len(scales) * len(codes)
    assert {row[0] for row in detail[1:]} == set(scales)
    names = {row[0]: row[1] for row in detail[1:]}
    assert names["TH-B"] == "'" + '=HYPERLINK("http://x","Sở B")'  # text from the archive written as text
    assert names["TH-XA-1"] == "Xã TH-XA-1"
    gaps = [row[0].value for row in book["Thiếu và lỗi"].iter_rows()]
    assert gaps[0] == "Tổng hợp từ 4/5 đơn vị." and "Chưa nộp: TH-MISS Sở chưa nộp" in gaps

    # again, on the filled workbook: the sheets are cleared and rewritten, not added twice
    again_path = tmp_path / "again.xlsx"
    book.save(again_path)
    again, applied = run_script(again_path, "tong_hop")
    assert again.sheetnames == book.sheetnames and "sheetClear" in applied.funcs
    assert len(list(again["Chi tiết tổng hợp"].iter_rows())) == len(detail)


def test_tong_hop_for_a_unit_without_units_below_says_so(tmp_path):
    archive().set_unit("TH-LEAF", "Xã lẻ")
    path = _template_with(tmp_path, {}, unit="TH-LEAF", kind="Năm", year=2025)
    book, applied = run_script(path, "tong_hop")
    assert applied.alerts == [definitions.catalogue("vi").text("consolidate_no_units", unit="TH-LEAF")]
    assert "Chi tiết tổng hợp" not in book.sheetnames


def test_trang_thai_shows_a_return_for_correction(samples):
    from egov_xl.archive import overview
    from egov_xl.flows.review_status import standing

    period = parse_period("Q1/2025")
    store = archive()
    path = samples["bieu-mau-7-dung.xlsx"]
    _, applied = run_script(path, "trang_thai", "RV-UNIT", "Q1/2025")
    assert applied.macros == [["egovReviewStatus", "Đơn vị RV-UNIT chưa lưu báo cáo Quý I năm 2025.", "none"]]
    put_file(store, path, "RV-UNIT", period, "clerk")
    _, applied = run_script(path, "trang_thai", "RV-UNIT", "Q1/2025")
    assert applied.macros[0][2] == "pending" and "đang chờ" in applied.macros[0][1]
    current = standing(store, "RV-UNIT", period).revision
    overview.add_review(store, current.id, "returned", "Chỉ tiêu 4.2.2 thiếu số liệu xã", "Cán bộ Tỉnh")
    _, applied = run_script(path, "trang_thai", "RV-UNIT", "Q1/2025")
    (name, text, state), = applied.macros
    assert (name, state) == ("egovReviewStatus", "returned")
    assert text.startswith("Lần nộp 1 của RV-UNIT, Quý I năm 2025 bị trả lại để sửa (Cán bộ Tỉnh, ")
    assert "Lý do: Chỉ tiêu 4.2.2 thiếu số liệu xã." in text
    assert applied.alerts == [text]  # the ribbon's "alert" notify; the pane asks "silent"
    put_file(store, path, "RV-UNIT", period, "clerk")  # the corrected revision: no review yet
    _, applied = run_script(path, "trang_thai", "RV-UNIT", "Q1/2025")
    assert applied.macros[0][2] == "pending" and applied.macros[0][1].startswith("Lần nộp 2")


# manifest --------------------------------------------------------------------------------------

NS = {"o": "http://schemas.microsoft.com/office/appforoffice/1.1",
      "v": "http://schemas.microsoft.com/office/taskpaneappversionoverrides",
      "bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0"}


def test_manifest_offline_check():
    text = client.get("/manifest.xml", headers={"X-Forwarded-Proto": "https"}).text
    root = ElementTree.fromstring(text.encode())
    assert re.fullmatch(r"[0-9a-f-]{36}", root.find("o:Id", NS).text)
    resources = {}
    for kind in ("Images", "Urls", "ShortStrings", "LongStrings"):
        for item in root.iter(f"{{{NS['bt']}}}{'Image' if kind == 'Images' else 'Url' if kind == 'Urls' else 'String'}"):
            if item.get("id"):  # <bt:Image resid=…> inside <Icon> are uses, not resources
                resources[item.get("id")] = item.get("DefaultValue")
    used = {el.get("resid") for el in root.iter() if el.get("resid")}
    assert used <= set(resources), used - set(resources)
    assert all(len(resid) <= 32 for resid in used)
    for short in root.find(".//bt:ShortStrings", NS):
        assert len(short.get("DefaultValue")) <= 125
    for long in root.find(".//bt:LongStrings", NS):
        assert len(long.get("DefaultValue")) <= 250
    base = "https://testserver"
    urls = [v for v in resources.values() if v.startswith("http")] + [
        el.get("DefaultValue") for el in root.iter() if el.tag.endswith("Url") and el.get("DefaultValue")]
    assert urls and all(url.startswith(base) for url in urls), [u for u in urls if not u.startswith(base)]
    for url in urls:
        if "/static/images/" in url:
            assert (ADDIN_DIR / "static" / url.split("/static/", 1)[1]).is_file(), url
            assert client.get(url.removeprefix(base)).status_code == 200
    ribbon = (ADDIN_DIR / "static" / "js" / "ribbon.js").read_text(encoding="utf-8")
    scripts = {s["function_name"] for s in client.get("/xlwings/custom-scripts-meta.json").json()}
    functions = [el.text for el in root.iter(f"{{{NS['v']}}}FunctionName")]
    assert functions == ["egov-kiem-tra", "egov-lam-moi-so-sanh", "egov-luu-ky-bao-cao", "egov-tong-hop"]
    for name in functions:
        match = re.search(rf'Office\.actions\.associate\("{name}", egovCommand\("(\w+)"\)\)', ribbon)
        assert match and match.group(1) in scripts, name
    assert 'DefaultValue="EGOV"' in text and "xlwings.org" not in text
    labels = {s.get("id"): s.get("DefaultValue") for s in root.find(".//bt:ShortStrings", NS)}
    assert labels["Egov.Validate.Label"] == "Kiểm tra" and labels["Egov.Archive.Label"] == "Lưu kỳ báo cáo"
    assert labels["Egov.Consolidate.Label"] == "Tổng hợp"


def test_taskpane_is_served_in_vietnamese():
    page = client.get("/taskpane.html")
    assert page.status_code == 200
    assert "Kết quả kiểm tra" in page.text and "Lưu kỳ báo cáo" in page.text
    assert "/static/js/ribbon.js" in page.text


def test_kiem_tra_reads_a_tcvn3_workbook_as_a_file_is_read(tmp_path):
    from egov_xl.core.legacy_text import Legacy
    from egov_xl.flows.check import validate_file
    from tests.fixtures.renditions import bm7_seed
    from tests.test_legacy_text import legacy_seed

    path = write_form(tmp_path / "vntime-addin.xlsx", legacy_seed(bm7_seed(), Legacy.TCVN3), Layout(sheet="Biểu mẫu 7"))
    from_file = validate_file(path)[0].findings
    assert any(f.rule == "source.legacy-encoding" for f in from_file)
    book, _ = run_script(path, "kiem_tra")
    report = [[c.value for c in row] for row in book["Kiểm tra"].iter_rows()][2:]
    vi = definitions.catalogue("vi")
    # the same findings as the file's (labels matched, not drifted), the encoding note among them
    assert sorted(str(row[4]) for row in report) == sorted(vi.message(f) for f in from_file)
    assert any("TCVN3" in str(row[4]) for row in report)
