"""Hostile workbooks end in one sentence, never in an abort, a traceback or gigabytes of memory.

The worst files run in a child process whose address space is capped (RLIMIT_AS 1.5 GB): before
the limits, one cell at XFD1048576 made python-calamine ask for 512 GB and abort (exit 134),
XFD4096 took 2.7 GB. A sheet that declares such an extent (`<dimension>`, as Excel writes it)
is refused before it is read; one that hides it (no tag, or a lying one) is read in the reader
process, whose memory limit ends the read with the file's sentence. A hypothesis generator
builds malformed packages (positions, dimensions, styles, shared strings, zip structure) and
one capped batch must answer for every file."""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from egov_xl.settings import Limits
from egov_xl.workbook.limits import check_xlsx
from tests.security.hostile import package, sheet_xml

EGOV = [sys.executable, "-c", "from egov_xl.cli import main; main()"]
MEMORY_CAP = 1536 * 1024 * 1024


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def egov(*args, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*EGOV, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          preexec_fn=_cap, env={**os.environ, "COLUMNS": "2000", **(env or {})})


def one_far_cell(path: Path, ref: str, dimension: str | None = None) -> Path:
    row = "".join(ch for ch in ref if ch.isdigit())
    return package(path, sheet_xml(f'<row r="1"><c r="A1"><v>1</v></c></row>'
                                   f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>', dimension))


def assert_refused(done: subprocess.CompletedProcess, path: Path, limit_words: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr and "panicked" not in done.stderr and "Unexpected" not in done.stderr
    assert str(path) in done.stderr and limit_words in done.stderr


READER_STOPPED = "chương trình đọc tệp dừng đột ngột"  # the reader process ended by its memory limit


def test_a_cell_at_xfd1048576_is_refused_by_a_capped_process(tmp_path):
    declared = one_far_cell(tmp_path / "xfd.xlsx", "XFD1048576", "A1:XFD1048576")
    assert declared.stat().st_size < 8000
    done = egov("validate", declared)
    assert_refused(done, declared, "vượt giới hạn 20.000.000 ô")
    assert 'trang tính "Dữ liệu"' in done.stderr and "1.048.576 dòng × 16.384 cột" in done.stderr
    hidden = one_far_cell(tmp_path / "an.xlsx", "XFD1048576")  # no <dimension>: calamine finds it
    assert_refused(egov("validate", hidden), hidden, READER_STOPPED)


def test_xfd4096_and_archive_put_are_refused(tmp_path):
    path = one_far_cell(tmp_path / "xfd4096.xlsx", "XFD4096")
    assert_refused(egov("validate", path, "--format", "json"), path, READER_STOPPED)
    url = f"sqlite:///{tmp_path / 'kho.sqlite3'}"
    assert egov("archive", "init", "--url", url).returncode == 0
    far = one_far_cell(tmp_path / "xfd.xlsx", "XFD1048576", "A1:XFD1048576")
    assert_refused(egov("archive", "put", far, "--unit", "X", "--create-unit", "--period", "Quý I 2024", "--url", url), far,
                   "vượt giới hạn")


def test_leading_zeros_do_not_hide_a_far_row(tmp_path):
    """A reader takes "A0000000001" as row 1; the ten digits once made it the "longest" row
    number for the position scan, and the process aborted in calamine. Positions are no longer
    scanned: the reader process's limit answers whatever the positions say."""
    path = package(tmp_path / "zeros.xlsx", sheet_xml('<row r="1"><c r="A0000000001"><v>1</v></c></row>'
                                                      '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'))
    assert_refused(egov("validate", path), path, READER_STOPPED)


def test_a_zip_bomb_is_refused_by_its_ratio(tmp_path):
    path = tmp_path / "bomb.xlsx"
    package(path, sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'), xl__media__pad_bin=b"\0" * (64 << 20))
    assert path.stat().st_size < 1 << 20
    assert_refused(egov("validate", path), path, "nén tới")


def test_part_and_total_sizes_follow_the_settings(tmp_path):
    rng = random.Random(7)
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{rng.random()}</v></c></row>' for i in range(1, 40001))
    path = package(tmp_path / "lon.xlsx", sheet_xml(rows))
    assert_refused(egov("validate", path, env={"EGOV_MAX_PART_BYTES": "1000000"}), path, "xl/worksheets/sheet1.xml")
    assert_refused(egov("validate", path, env={"EGOV_MAX_UNZIPPED_BYTES": "1000000"}), path, "giải nén ra")


def test_a_declared_dimension_is_believed_and_a_lying_one_is_bounded_by_the_reader(tmp_path):
    lying = package(tmp_path / "lie.xlsx", sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>', "A1:B2"))
    check_xlsx(lying, Limits(max_sheet_cells=4))
    try:
        check_xlsx(lying, Limits(max_sheet_cells=3))
    except Exception as exc:  # noqa: BLE001
        assert getattr(exc, "key", "") == "limit_cells"
    else:
        raise AssertionError("a declared 2 × 2 extent passed a limit of 3 cells")
    hidden = package(tmp_path / "hidden.xlsx", sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'
                                                         '<row r="1048576"><c r="XFD1048576"/></row>', "A1"))
    assert egov("validate", hidden).returncode == 2


def test_a_million_row_data_sheet_is_accepted(tmp_path):
    path = tmp_path / "du-lieu.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        package(tmp_path / "base.xlsx", "")
        for info in zipfile.ZipFile(tmp_path / "base.xlsx").infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info.filename, zipfile.ZipFile(tmp_path / "base.xlsx").read(info.filename))
        with archive.open("xl/worksheets/sheet1.xml", "w") as stream:
            stream.write(sheet_xml("").split("<sheetData>")[0].encode() + b"<sheetData>")
            for start in range(1, 1_048_577, 65536):
                stream.write("".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c><c r="B{i}"><v>2</v></c>'
                                     f'<c r="C{i}"><v>3.5</v></c><c r="D{i}"><v>4</v></c></row>'
                                     for i in range(start, min(start + 65536, 1_048_577))).encode())
            stream.write(b"</sheetData></worksheet>")
    check_xlsx(path, Limits())  # 1,048,576 × 4 cells: far below the limit, no error


# generated malformed packages -------------------------------------------------------------------

REFS = st.one_of(
    st.builds(lambda col, row: f"{col}{row}", st.sampled_from(["A", "D", "Z", "AA", "XFD", "ZZZ", "a"]),
              st.integers(0, 10**9)),
    st.text(alphabet="AZ09x -:$", max_size=8),
)
VALUES = st.one_of(st.integers(-10**20, 10**20).map(str), st.floats(allow_nan=True).map(str),
                   st.text(alphabet="0123456789.,-eE%x", max_size=12))
ATTRS = st.builds(
    lambda ref, t, s: "".join(f' {k}="{v}"' for k, v in (("r", ref), ("t", t), ("s", s)) if v is not None),
    st.one_of(st.none(), REFS), st.sampled_from([None, "n", "s", "str", "inlineStr", "b", "e", "d", "x"]),
    st.one_of(st.none(), st.sampled_from(["0", "1", "x", "-1", "99999999999"])),
)
CELL = st.builds(lambda attrs, value: f"<c{attrs}><v>{value}</v></c>", ATTRS, VALUES)
def _row(r: str | None, cells: list[str]) -> str:
    attrs = "" if r is None else f' r="{r}"'
    return f"<row{attrs}>{''.join(cells)}</row>"


ROW = st.builds(_row, st.one_of(st.none(), st.integers(0, 2_000_000).map(str), st.just("x")), st.lists(CELL, max_size=6))
SHEET = st.builds(lambda rows, dim: sheet_xml("".join(rows), dim), st.lists(ROW, max_size=6),
                  st.one_of(st.none(), REFS, st.just("A1:XFD1048576")))
NUMFMT = st.sampled_from(["x", "-1", "", "164", "99999999999", "1e3", "²"])
STYLES = st.builds(
    lambda fmt, xf: ('<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                     f'<numFmts><numFmt numFmtId="{fmt}" formatCode="0.00%"/></numFmts>'
                     f'<cellXfs><xf numFmtId="0"/><xf numFmtId="{xf}"/></cellXfs></styleSheet>'), NUMFMT, NUMFMT)
STRINGS = st.sampled_from([
    None, '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>STT</t></si></sst>',
    "<sst><si><t>unclosed", "not xml at all", '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'])
DAMAGE = st.sampled_from(["none", "truncate", "duplicate", "no-workbook", "no-rels", "no-sheet", "bad-workbook",
                          "garbage"])


def _damage(path: Path, how: str, cut: float) -> None:
    data = path.read_bytes()
    if how == "truncate":
        path.write_bytes(data[: int(len(data) * cut)])
    elif how == "garbage":
        path.write_bytes(bytes(b ^ 0x5A if i % 97 == 0 else b for i, b in enumerate(data)))
    elif how == "duplicate":
        with zipfile.ZipFile(path, "a") as archive:
            archive.writestr("xl/worksheets/sheet1.xml", sheet_xml('<row r="9"><c r="XFD9"/></row>'))


def test_generated_malformed_workbooks_each_get_an_answer(tmp_path):
    made: list[Path] = []

    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(SHEET, st.one_of(st.none(), STYLES), STRINGS, DAMAGE, st.floats(0.05, 0.95))
    def build(sheet, styles, strings, damage, cut):
        path = tmp_path / f"f{len(made):03d}.xlsx"
        extra = {"xl__styles.xml": styles, "xl__sharedStrings.xml": strings}
        package(path, sheet, **extra)
        if damage.startswith("no-") or damage == "bad-workbook":
            name = {"no-workbook": "xl/workbook.xml", "no-rels": "xl/_rels/workbook.xml.rels",
                    "no-sheet": "xl/worksheets/sheet1.xml", "bad-workbook": "xl/workbook.xml"}[damage]
            with zipfile.ZipFile(path) as archive:
                parts = {i.filename: archive.read(i.filename) for i in archive.infolist() if i.filename != name}
            if damage == "bad-workbook":
                parts[name] = b"<workbook><sheets><sheet name='x' r:id='rId1'"
            with zipfile.ZipFile(path, "w") as archive:
                for part, data in parts.items():
                    archive.writestr(part, data)
        else:
            _damage(path, damage, cut)
        made.append(path)

    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate names we write on purpose
        build()
    done = egov("validate", *made, "--format", "json", timeout=600)
    assert "Traceback" not in done.stderr and "panicked" not in done.stderr, done.stderr[-3000:]
    assert done.returncode in (0, 1, 2)
    files = json.loads(done.stdout)["files"]
    answered = {entry["path"] for entry in files}
    assert answered == {str(p) for p in made}  # every file has its own answer, named
    failures = [entry["error"] for entry in files if entry.get("error")]
    assert failures and all("Không xử lý được" not in text for text in failures), failures  # none unforeseen
    assert (done.returncode == 2) == bool(failures)
