"""Workbook text never becomes a live formula in what egov-xl writes: the annotated copy, the
CSV report, the add-in's report sheet, the filled template and the archive export."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from egov_xl.cli import app
from egov_xl.core.grid import CellRef
from egov_xl.output.safe_text import as_typed_text
from tests.security.hostile import DDE, FILE, SHEET, WEBSERVICE, formula_form

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


def formulas_in(path: Path) -> list[str]:
    """The text of every <f> element of every worksheet in the package."""
    with zipfile.ZipFile(path) as archive:
        return [formula for name in archive.namelist() if name.startswith("xl/worksheets/")
                for formula in re.findall(r"<f[^>]*>(.*?)</f>", archive.read(name).decode())]


def test_annotated_copy_writes_clerk_text_as_text(samples, tmp_path):
    source = formula_form(samples["phu-luc-vii-dung.xlsx"], tmp_path)
    target = tmp_path / "kiem-tra.xlsx"
    result = run("validate", source, "--annotate", target)
    assert result.exit_code == 1, result.output  # the two text values are findings
    assert formulas_in(target) == []  # no <f> at all: neither the clerk's cells nor the report sheet
    book = load_workbook(target)
    report = [[c.value for c in row] for row in book["Kiểm tra"].iter_rows()]
    texts = [value for row in report for value in row if isinstance(value, str)]
    assert any(WEBSERVICE in t for t in texts) and any(DDE in t for t in texts)
    assert any(t.startswith(f"{SHEET}!") for t in texts)  # the cell column, kept as text
    assert FILE in report[0][0]
    link = next(c.hyperlink for row in book["Kiểm tra"].iter_rows() for c in row if c.hyperlink)
    assert link.location.startswith(f"'{SHEET}'!")  # quoted: a name that needs quotes gets them
    assert book[SHEET]["D7"].value == WEBSERVICE and book[SHEET]["D7"].data_type == "s"


def test_csv_report_escapes_formula_text(samples, tmp_path, monkeypatch):
    source = formula_form(samples["phu-luc-vii-dung.xlsx"], tmp_path)
    monkeypatch.chdir(tmp_path)  # a relative path: the path field itself begins with "="
    result = run("validate", source.name, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 2
    fields = [field for row in rows for field in row.values()]
    assert not [f for f in fields if f[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert {row["path"] for row in rows} == {"'" + FILE} and {row["sheet"] for row in rows} == {"'" + SHEET}
    assert [row["actual"] for row in rows] == ["'" + WEBSERVICE, "'" + DDE]
    assert [row["cell"] for row in rows] == [f"'{SHEET}!D7", f"'{SHEET}!D9"]


def test_the_rule():
    assert [as_typed_text(v) for v in ("=1+1", "+A1", "-A1", "@SUM(A1)", "\t=1", "\r=1")] == [
        "'=1+1", "'+A1", "'-A1", "'@SUM(A1)", "'\t=1", "'\r=1"]
    assert [as_typed_text(v) for v in ("-5", "+3,5", "98.64%", "Phụ lục", 12, None)] == [
        "-5", "+3,5", "98.64%", "Phụ lục", 12, None]


def test_links_quote_every_sheet_name():
    assert CellRef("=cmd", 9, 5).excel == "'=cmd'!F10"
    assert CellRef("it's", 0, 0).excel == "'it''s'!A1"
    assert CellRef("A1", 0, 3).excel == "'A1'!D1"


def test_addin_report_sends_clerk_text_as_text(samples, tmp_path):
    from fastapi.testclient import TestClient

    from tests.excel_bridge import details_from_xlsx, payload_from_xlsx
    from xlwings_server.main import main_app

    source = formula_form(samples["phu-luc-vii-dung.xlsx"], tmp_path)
    payload, _ = payload_from_xlsx(source, [details_from_xlsx(source), "alert", "vi"])
    response = TestClient(main_app).post("/xlwings/custom-scripts-call/kiem_tra", json=payload)
    assert response.status_code == 200, response.text
    values = [value for action in response.json()["actions"] if action["func"] == "setValues"
              for row in action["values"] for value in row if isinstance(value, str)]
    formulas = [v for v in values if v.startswith("=")]
    assert formulas and all(v.startswith('=HYPERLINK("#') for v in formulas)  # only our own links
    link = formulas[0]
    assert link.startswith('=HYPERLINK("#\'' + SHEET.replace('"', '""') + "'!")
    assert "'" + WEBSERVICE in values and "'" + DDE in values  # the "actual" column
    assert any(v == f"'{SHEET}!D7" for v in values)  # the ref column Excel would parse


def test_filled_template_keeps_text(samples, tmp_path):
    source = formula_form(samples["phu-luc-vii-dung.xlsx"], tmp_path)
    target = tmp_path / "filled.xlsx"
    result = run("templates", "fill", source, "-o", target, "--no-recalc")
    assert result.exit_code == 0, result.output
    assert not [f for f in formulas_in(target) if "WEBSERVICE" in f or "cmd" in f]
    assert any(c.value == WEBSERVICE for row in load_workbook(target).active.iter_rows() for c in row)


def test_the_add_in_keeps_codes_and_formula_like_text_as_text():
    """Excel parses the add-in's values as if typed: "4.1" would become a number (or 1 April in
    a Vietnamese locale), "001" the number 1, "=cmd|…" a formula. Each stays the text it is."""
    from egov_xl.output.safe_text import as_excel_text

    assert [as_excel_text(v) for v in ("4.1", "3.1.2", "001", "1/7", "=cmd|' /C calc'!A0", "-5")] == \
        ["'4.1", "'3.1.2", "'001", "'1/7", "'=cmd|' /C calc'!A0", "'-5"]
    assert [as_excel_text(v) for v in ("Sở Nội vụ", 4.1, 7, None, "")] == ["Sở Nội vụ", 4.1, 7, None, ""]
