"""The command line, run as a clerk or a batch job runs it."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from egov_xl.cli import app

runner = CliRunner()
EGOV = [sys.executable, "-m", "egov_xl"]


def run(*args):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_exit_codes(samples, tmp_path):
    assert run("validate", samples["bieu-mau-7-dung.xlsx"], samples["phu-luc-vii-dung.xlsx"]).exit_code == 0
    assert run("validate", samples["bieu-mau-7-seed.xlsx"]).exit_code == 1
    assert run("validate", samples["bieu-mau-7-seed.xlsx"], tmp_path / "missing.xlsx").exit_code == 2


def test_json_output_shape(samples):
    result = run("validate", samples["phu-luc-vii-seed.xlsx"], "--format", "json")
    data = json.loads(result.stdout)
    (entry,) = data["files"]
    assert (entry["path"], entry["sheet"], entry["form"]) == (str(samples["phu-luc-vii-seed.xlsx"]),
                                                              "Phụ lục VII", "pl7-2022")
    zero = next(f for f in entry["findings"] if f["rule"] == "ratio.zero-denominator")
    assert zero == {"rule": "ratio.zero-denominator", "severity": "error", "code": "6.5",
                    "cell": "Phụ lục VII!D33", "expected": "", "actual": "8",
                    "message": "Chỉ tiêu 6.5: mẫu số 6.5.1 bằng 0 nên tỷ lệ phải để trống, nhưng đang ghi 8%."}
    assert entry["summary"] == {"errors": 11, "warnings": 1, "infos": 4}


def test_english_and_csv(samples):
    result = run("validate", samples["phu-luc-vii-seed.xlsx"], "--format", "csv", "--lang", "en")
    lines = result.stdout.splitlines()
    assert lines[0] == "path,sheet,form,rule,severity,code,cell,message,expected,actual"
    assert any("Indicator 6.5: the denominator 6.5.1 is zero" in line for line in lines)
    assert len(lines) == 1 + 16


def test_text_output_is_vietnamese(samples):
    result = run("validate", samples["bieu-mau-7-seed.xlsx"])
    assert "7 lỗi, 2 cảnh báo, 8 lưu ý" in result.stdout
    assert "Chỉ tiêu 4.3.1: đơn vị tính đang ghi \"Thủ tục\"" in result.stdout
    assert "D24" in result.stdout


def test_unreadable_inputs_have_clear_messages(tmp_path):
    broken = tmp_path / "hỏng.xlsx"
    broken.write_bytes(b"this is not a zip file")
    text = tmp_path / "ghi-chu.txt"
    text.write_text("x")
    empty = tmp_path / "trong.xlsx"
    from openpyxl import Workbook

    Workbook().save(empty)
    folder = tmp_path / "thu-muc"
    folder.mkdir()
    result = run("validate", broken, text, empty, tmp_path / "không-có.xlsx", folder, "--format", "json")
    assert result.exit_code == 2
    errors = [f["error"] for f in json.loads(result.stdout)["files"]]
    assert errors[0].startswith(f'Không đọc được tệp "{broken}"')
    assert errors[1].startswith(f'Tệp "{text}" không đọc được: egov-xl đọc bảng tính .xlsx, .xlsm, .xlsb, .xls, .ods')
    assert errors[2].startswith('Không tìm thấy bảng chỉ tiêu')
    assert errors[3] == f'Không tìm thấy tệp "{tmp_path / "không-có.xlsx"}".'
    assert errors[4].startswith(f'"{folder}" là một thư mục, không phải tệp: hãy ghi tên tệp báo cáo')
    assert "Traceback" not in result.output


def test_console_script_never_shows_a_traceback(tmp_path):
    broken = tmp_path / "x.xlsx"
    broken.write_bytes(b"PK\x03\x04 truncated zip")
    done = subprocess.run([*EGOV, "validate", str(broken)], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"})
    assert done.returncode == 2
    assert "Không đọc được tệp" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_annotate_writes_a_marked_copy_and_keeps_the_original(samples, tmp_path):
    source = samples["phu-luc-vii-seed.xlsx"]
    before = digest(source)
    out = tmp_path / "danh-dau.xlsx"
    result = run("validate", source, "--annotate", out)
    assert result.exit_code == 1
    assert digest(source) == before
    book = load_workbook(out)
    sheet = book["Phụ lục VII"]
    assert sheet["D33"].fill.start_color.rgb == "00FFC7CE"  # error: red
    assert "mẫu số 6.5.1 bằng 0" in sheet["D33"].comment.text
    assert sheet["D16"].fill.start_color.rgb == "00FFEB9C"  # warning: yellow
    assert sheet["D30"].fill.start_color.rgb == "00DDEBF7"  # info: blue
    assert sheet["D17"].comment is None
    report = book["Kiểm tra"]
    rows = list(report.iter_rows(values_only=True))
    assert rows[1][:5] == ("STT", "Mức độ", "Mã", "Ô", "Nội dung")
    assert len(rows) == 2 + 16
    linked = [c for c in report["D"] if c.hyperlink]
    assert linked[0].hyperlink.location == "'Phụ lục VII'!D7"


def test_annotate_refuses_to_overwrite_the_input(samples, tmp_path):
    copy = tmp_path / "form.xlsx"
    copy.write_bytes(samples["bieu-mau-7-seed.xlsx"].read_bytes())
    before = digest(copy)
    result = run("validate", copy, "--annotate", copy)
    assert result.exit_code == 2
    assert "trùng tệp đầu vào" in result.output
    assert digest(copy) == before


def test_unknown_form_id(samples):
    result = run("validate", samples["bieu-mau-7-seed.xlsx"], "--form", "bm9")
    assert result.exit_code == 2
    assert 'Không có biểu mẫu "bm9"' in result.output


def test_forms_list_show_check(tmp_path):
    listing = run("forms", "list")
    assert "bm7-2025" in listing.stdout and "pl7-2022" in listing.stdout
    shown = run("forms", "show", "pl7-2022")
    assert "6.3.1" in shown.stdout and "6.1.2 / 6.1.1" in shown.stdout
    good = Path(__file__).resolve().parents[1] / "egov_xl" / "forms" / "pl7-2022.yaml"
    assert run("forms", "check", good).exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(good.read_text(encoding="utf-8").replace("kind: ratio", "kind: rate", 1), encoding="utf-8")
    result = run("forms", "check", bad)
    assert result.exit_code == 2
    assert f"Tệp định nghĩa biểu mẫu {bad}, dòng" in result.output


def test_annotated_copy_validates_like_the_original(samples, tmp_path):
    from tests.conftest import findings_of

    source = samples["bieu-mau-7-seed.xlsx"]
    out = tmp_path / "danh-dau.xlsx"
    run("validate", source, "--annotate", out)
    assert findings_of(out) == findings_of(source)  # the "Kiểm tra" sheet is not read as a form


def test_the_annotated_copy_prints_its_notes(samples, tmp_path):
    """A printed copy carries the reasons: the marked sheet prints its notes at the end."""
    from openpyxl import load_workbook

    from egov_xl import definitions
    from egov_xl.flows.check import validate_file
    from egov_xl.output.annotate import annotate

    source = samples["bieu-mau-7-seed.xlsx"]
    copy = annotate(source, tmp_path / "copy.xlsx", validate_file(source), definitions.catalogue("vi"))
    book = load_workbook(copy)
    assert book["Biểu mẫu 7"].page_setup.cellComments == "atEnd"
