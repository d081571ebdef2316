"""A file whose title names another unit or period than the one it is archived for is refused
unless confirmed, at the command line, in the add-in and on the upload page; a confirmed one
is recorded with the revision."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from egov_xl.archive.store import Archive
from egov_xl.cli import app
from egov_xl.core.periods import parse_period
from egov_xl.definitions import edition
from egov_xl.template.build import row_of
from tests.fixtures.templates import template_with

VALUES = {"1": 1, "2": 95.5, "3.1.1": 100, "3.1.2": 96.5, "3.2": 98.4, "3.2.1": 99.2, "3.2.2": 97.8,
          "4.1.1": 180, "4.1.2": 177, "4.2.1": 148, "4.2.2": 146, "4.3.1": 412, "4.3.2": 187,
          "4.4.1": 253, "4.4.2": 214, "4.5.1": 108, "4.5.2": 108,
          # openpyxl leaves the ratio formulas uncomputed: Excel would have saved their results
          "4.1": 98.33, "4.2": 98.65, "4.3": 45.39, "4.4": 84.58, "4.5": 100}
Q1, Q3 = parse_period("Quý I năm 2026"), parse_period("Quý III năm 2026")
runner = CliRunner()


def commune_form(folder: Path, unit: str = "UBND xã Hòa Phong", kind: str = "Quý I", year: int = 2026) -> Path:
    """The province's template as a commune filled it in: its name and period in the title cells."""
    path = template_with(folder, {}, unit=unit, kind=kind, year=year)
    book = load_workbook(path)
    rows = row_of(edition("bm7-2025"))
    for code, value in VALUES.items():
        book.active.cell(rows[code], 4).value = value
    book.save(path)
    return path


def units_archive(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    archive = Archive(url)
    archive.init()
    archive.set_unit("XA-HP", "UBND xã Hòa Phong")
    archive.set_unit("XA-BM", "Xã Bình Minh")
    return url


def put(*args):
    return runner.invoke(app, ["archive", "put", *[str(a) for a in args]], env={"COLUMNS": "300"})


def test_cli_refuses_another_communes_quarter_without_confirm(tmp_path):
    url, path = units_archive(tmp_path), commune_form(tmp_path)
    refused = put(path, "--unit", "XA-BM", "--period", "Q3/2026", "--url", url)
    assert refused.exit_code == 1, refused.output
    sentence = " ".join(refused.output.split())
    assert (f'Không lưu "{path.name}": tiêu đề của tệp ghi "UBND xã Hòa Phong, Quý I năm 2026" nhưng đang lưu '
            "cho đơn vị XA-BM (Xã Bình Minh), Quý III năm 2026;") in sentence
    assert "--confirm" in sentence and "Traceback" not in refused.output
    assert Archive(url).get("XA-BM", Q3) is None

    confirmed = put(path, "--unit", "XA-BM", "--period", "Q3/2026", "--url", url, "--confirm")
    assert confirmed.exit_code == 0, confirmed.output
    stored = Archive(url).get("XA-BM", Q3)
    assert stored.revision == 1
    assert stored.meta.summary["title_mismatch"] == {"unit": "different", "period": "different",
                                                     "named_unit": "UBND xã Hòa Phong", "named_period": "2026-Q1"}


def test_cli_stores_a_matching_title_without_a_record(tmp_path):
    url = units_archive(tmp_path)
    path = commune_form(tmp_path, unit="Ủy ban nhân dân xã Hoà Phong")  # written out, another accent
    stored = put(path, "--unit", "XA-HP", "--period", "Quý I năm 2026", "--url", url)
    assert stored.exit_code == 0, stored.output
    assert "title_mismatch" not in Archive(url).get("XA-HP", Q1).meta.summary


def test_cli_batch_refuses_only_the_mismatched_file(tmp_path):
    url = units_archive(tmp_path)
    right = commune_form(tmp_path, kind="Quý III")
    (tmp_path / "other").mkdir()
    wrong = commune_form(tmp_path / "other", kind="6 tháng")  # the half-year's file sent as Quý III
    result = put(right, wrong, "--unit", "XA-HP", "--period", "Q3/2026", "--url", url)
    assert result.exit_code == 1
    assert f"{right}: Đã lưu" in result.stdout
    assert "6 tháng đầu năm 2026" in " ".join(result.output.split())
    assert Archive(url).get("XA-HP", Q3).revision == 1 and Archive(url).get("XA-HP", Q3, 2) is None


def test_addin_refuses_then_stores_with_the_task_panes_confirmation(tmp_path):
    from egov_xl.excel.scripts import archive
    from tests.test_addin import run_script

    archive().set_unit("TM-HP", "UBND xã Hòa Phong")
    archive().set_unit("TM-BM", "Xã Bình Minh")
    path = commune_form(tmp_path)
    _, refused = run_script(path, "luu_ky_bao_cao", "TM-BM", "Q3/2026")
    assert refused.alerts == ['Chưa lưu: tiêu đề của tệp ghi "UBND xã Hòa Phong, Quý I năm 2026" nhưng đang lưu '
                              "cho đơn vị TM-BM (Xã Bình Minh), Quý III năm 2026; hãy kiểm tra lại đơn vị và kỳ "
                              'báo cáo, hoặc đánh dấu "Xác nhận đơn vị và kỳ" ở khung tác vụ nếu vẫn lưu như vậy.']
    assert archive().get("TM-BM", Q3) is None
    _, stored = run_script(path, "luu_ky_bao_cao", "TM-BM", "Q3/2026", "", "", "1")
    assert stored.alerts == ["Đã lưu Biểu mẫu 7 của đơn vị TM-BM, Quý III năm 2026: lần nộp thứ 1."]
    assert archive().get("TM-BM", Q3).meta.summary["title_mismatch"]["named_period"] == "2026-Q1"
    _, own = run_script(path, "luu_ky_bao_cao", "TM-HP", "Q1/2026")  # its own unit and period: no question
    assert own.alerts[0].endswith("lần nộp thứ 1.")


def test_upload_refuses_then_stores_with_the_pages_confirmation(tmp_path):
    from egov_xl.web.upload import Archiving, check_upload

    archive = Archive(units_archive(tmp_path))
    data = commune_form(tmp_path).read_bytes()
    refused = check_upload("hoa-phong.xlsx", data, archive, Archiving("XA-BM", Q3, "officer"))
    assert refused.stored is None and refused.refused.startswith(
        'Chưa lưu "hoa-phong.xlsx": tiêu đề của tệp ghi "UBND xã Hòa Phong, Quý I năm 2026" nhưng đang lưu cho '
        "đơn vị XA-BM (Xã Bình Minh), Quý III năm 2026;")
    assert refused.forms  # the findings are still shown
    confirmed = check_upload("hoa-phong.xlsx", data, archive, Archiving("XA-BM", Q3, "officer", confirm=True))
    assert confirmed.refused is None and "lần nộp thứ 1" in confirmed.stored
    assert archive.get("XA-BM", Q3).meta.summary["title_mismatch"]["unit"] == "different"


def test_task_pane_offers_the_confirmation_and_sends_it():
    from tests.test_addin import client

    page = client.get("/taskpane.html").text
    assert 'id="egov-confirm"' in page and "Xác nhận đơn vị và kỳ" in page
    script = client.get("/static/js/main.js").text
    assert 'el("egov-confirm").checked ? "1" : ""' in script  # the script's last argument, `confirm`


def test_upload_page_refuses_then_stores_with_the_box_ticked(tmp_path):
    """Through `egov-xl serve` (one PC, no sign-in): the page's "xac_nhan" box is the confirmation."""
    import re

    import httpx

    from tests.live_server import live_server

    url = units_archive(tmp_path)
    upload = ("tep", ("hoa-phong.xlsx", commune_form(tmp_path).read_bytes()))
    env = {"EGOV_ARCHIVE_URL": url, "XLWINGS_AUTH_PROVIDERS": "[]"}
    with live_server(env=env) as base, httpx.Client(base_url=base, timeout=60) as client:
        page = client.get("/bao-cao/kiem-tra").text
        assert 'name="xac_nhan"' in page
        fields = {"csrf": re.search(r'name="csrf" value="([^"]+)"', page).group(1), "luu": "1", "don_vi": "XA-BM",
                  "ky": "Q3/2026"}
        refused = client.post("/bao-cao/kiem-tra", data=fields, files=[upload])
        assert refused.status_code == 200 and "tiêu đề của tệp ghi" in refused.text
        assert Archive(url).get("XA-BM", Q3) is None
        confirmed = client.post("/bao-cao/kiem-tra", data={**fields, "xac_nhan": "1"}, files=[upload])
        assert confirmed.status_code == 200 and "lần nộp thứ 1" in confirmed.text
    assert Archive(url).get("XA-BM", Q3).meta.summary["title_mismatch"]["period"] == "different"
