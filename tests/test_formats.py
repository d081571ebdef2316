"""One record per input format (egov_xl/sources/formats.py) and every place reads it: each suffix
in exactly one record, each record's reader, pre-check and number formats present, the readers,
the admin table, the annotated copy, the stamp and the upload page answer from the records, and
no suffix literal (nor a count of findings by severity) is written anywhere else."""

from __future__ import annotations

import ast
import importlib
import re
from collections import Counter
from pathlib import Path

import httpx
import pytest

from egov_xl import definitions
from egov_xl.flows.stamp import stamp_copy
from egov_xl.output.annotate import annotated_path
from egov_xl.sources.admin_table import read_table
from egov_xl.sources.formats import COPY, FORMATS, SUFFIXES, format_of, listed
from egov_xl.web.upload import copy_name
from egov_xl.workbook import ReadError, read_workbook
from egov_xl.workbook.limits import PRECHECKS
from tests.fixtures.console import seed_console
from tests.live_server import live_server

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "egov_xl"
RECORDS = PACKAGE / "sources" / "formats.py"
SUFFIX = re.compile(r"\.(xlsx|xlsm|xlsb|xls|ods|csv|docx)\b", re.IGNORECASE)
# Files egov-xl itself writes (always an .xlsx, or a CSV export): names of outputs, not input formats.
WRITTEN = {
    ("cli/consolidate.py", "Ghi biểu mẫu tổng hợp (.xlsx) vào tệp này."),
    ("cli/templates.py", "Tệp mẫu biểu mẫu (.xlsx) sinh từ định nghĩa biểu mẫu."),
    ("flows/recalculated.py", "recalculated.xlsx"),
    ("template/build.py", "Không có phần bổ trợ? Chạy: egov-xl validate TEN_TEP.xlsx --annotate TEN_TEP.kiem-tra.xlsx"),
    ("template/build.py", ".xlsx"),
    ("template/recalc.py", ".xlsx"),
    ("web/routes.py", "/xuat.xlsx"),
    ("web/routes.py", "/tong-hop.xlsx"),
    ("web/routes.py", ".xlsx"),
    ("web/routes.py", 'attachment; filename="tinh-hinh-nop.xlsx"'),
    ("web/templates/board.html", "/xuat.xlsx"),
    ("web/templates/consolidation.html", "/tong-hop.xlsx"),
}


def test_every_suffix_is_in_exactly_one_record():
    counts = Counter(suffix for f in FORMATS for suffix in f.suffixes)
    assert counts and all(n == 1 for n in counts.values()), counts
    assert all(s == s.lower() and s.startswith(".") for s in counts)
    assert set(SUFFIXES) == set(counts)
    assert len({f.kind for f in FORMATS}) == len(FORMATS)
    assert COPY.in_place and COPY.suffixes[0] == ".xlsx"


@pytest.mark.parametrize("kind", FORMATS, ids=lambda f: f.kind)
def test_each_record_names_a_reader_a_precheck_and_its_number_formats(kind):
    reader = importlib.import_module(f"egov_xl.sources.{kind.reader}")
    assert callable(reader.read) and isinstance(reader.ERRORS, tuple)
    assert kind.precheck in PRECHECKS
    if kind.number_formats:
        assert callable(importlib.import_module(f"egov_xl.sources.{kind.number_formats}").apply)
    assert kind.damaged in definitions.catalogue("vi").texts
    assert not kind.stamp or kind.in_place  # a stamp is written into a copy of the same kind


def test_the_readers_take_every_recorded_suffix_and_name_them_all_for_any_other(tmp_path):
    """A file of each recorded kind reaches its reader (garbage is unreadable, not of an unknown
    kind, whatever the suffix's case); any other suffix gets the sentence listing every kind."""
    vi = definitions.catalogue("vi")
    for suffix in SUFFIXES:
        path = tmp_path / f"rac{suffix.upper()}"
        path.write_bytes(b"\x00garbage that no reader can use\xff" * 8)
        try:
            grids = read_workbook(path)
        except ReadError as exc:
            assert exc.key != "file_format", suffix
        else:
            assert format_of(path).reader == "csv_text" and grids.sheets  # a CSV reads any bytes as text
    for other in (".txt", ".pdf", ".xlsx.bak", ".odt"):
        path = tmp_path / f"bao-cao{other}"
        path.write_bytes(b"PK\x03\x04")
        with pytest.raises(ReadError) as caught:
            read_workbook(path)
        sentence = caught.value.render(vi)
        assert caught.value.key == "file_format" and all(suffix in sentence for suffix in SUFFIXES), sentence
        assert "{" not in caught.value.render(definitions.catalogue("en"))


def test_admin_tables_come_in_the_recorded_kinds_only(tmp_path):
    for kind in FORMATS:
        path = tmp_path / f"don-vi{kind.suffixes[0]}"
        path.write_bytes(b"Ma don vi;Ten don vi\r\nSO-NV;So Noi vu\r\n")
        try:
            read_table(path)
        except ReadError as exc:
            assert (exc.key == "file_format") is not kind.admin_table, kind.kind
        else:
            assert kind.admin_table


@pytest.mark.parametrize("kind", FORMATS, ids=lambda f: f.kind)
def test_the_annotated_copy_and_the_stamp_follow_the_record(kind, tmp_path):
    suffix = kind.suffixes[0]
    source = tmp_path / f"bao-cao{suffix}"
    into_folder = annotated_path(source, tmp_path / "ra", into_folder=True)
    named = annotated_path(source, tmp_path / "ban-sao.ods", into_folder=False)
    if kind.in_place:
        assert into_folder.name == f"bao-cao.kiem-tra{suffix}" and copy_name(source) == f"kiem-tra-bao-cao{suffix}"
    else:
        assert into_folder.name == f"bao-cao-{kind.kind}.kiem-tra.xlsx"
        assert copy_name(source) == f"kiem-tra-bao-cao-{kind.kind}.xlsx"
        assert named.suffix == ".xlsx"  # a copy openpyxl writes is an .xlsx whatever it was asked to be named
    with pytest.raises(ReadError) as caught:
        stamp_copy(source, tmp_path / f"dau{suffix}", [])
    assert caught.value.key == ("stamp_no_form" if kind.stamp else "stamp_not_package")
    if not kind.stamp:
        sentence = caught.value.render(definitions.catalogue("vi"))
        assert listed(lambda f: f.stamp, "/") in sentence and "{" not in sentence


def test_the_upload_page_accepts_and_names_the_recorded_suffixes(samples, tmp_path):
    seeded = seed_console(tmp_path, samples)
    env = {"EGOV_ARCHIVE_URL": seeded["env"]["EGOV_ARCHIVE_URL"], "XLWINGS_AUTH_PROVIDERS": "[]"}
    with live_server(env=env) as base, httpx.Client(base_url=base) as client:
        page = client.get("/bao-cao/kiem-tra")
    assert page.status_code == 200
    accept = re.search(r'<input id="tep"[^>]*\saccept="([^"]*)"', page.text).group(1)
    assert accept.split(",") == list(SUFFIXES)
    label = re.search(r'<label for="tep"[^>]*>([^<]*)</label>', page.text).group(1)
    assert f"({', '.join(SUFFIXES)})" in label


def _literals(path: Path) -> list[str]:
    """The string constants of a module, docstrings left out (they describe, they decide nothing)."""
    tree = ast.parse(path.read_text("utf-8"))
    docs = {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body
            and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs]


def test_no_suffix_is_written_outside_the_records():
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        if path != RECORDS:
            found |= {(path.relative_to(PACKAGE).as_posix(), text) for text in _literals(path) if SUFFIX.search(text)}
    for path in sorted((PACKAGE / "web" / "templates").glob("*.html")):
        for text in re.findall(r'"([^"]*)"', path.read_text("utf-8")):
            if SUFFIX.search(text):
                found.add((path.relative_to(PACKAGE).as_posix(), re.sub(r"\{\{ link\(path='([^']*)'\) \}\}", r"\1",
                                                                     re.sub(r"^\{\{ base \}\}|\?.*$", "", text))))
    assert found - WRITTEN == set()


def test_findings_are_counted_by_severity_only_in_the_summary():
    counting = re.compile(r"(any|all|sum|len|count)\(.*\bseverity\s+(is|==|!=|is not)\s+Severity\.")
    places = [f"{path.relative_to(PACKAGE)}:{n}" for path in sorted(PACKAGE.rglob("*.py"))
              if path.name != "findings.py" or path.parent.name != "core"
              for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if counting.search(line)]
    assert places == []
