"""Whole-file budgets: small files within every per-sheet limit once cost gigabytes or minutes,
because limits bounded each table, not the file. Each case runs the real CLI and checks the
file's one sentence, the time, and the peak memory of the command with its reader processes.

Before: an .ods of several tables of repeated cells, each under the 20,000,000-cell limit,
expanded to all of them (and `ods_formats` built a full tree and a dict entry per repeated
cell: ~3 GB); a .docx of 2,000 tables took 86–116 s and 1.65 GB; a CSV's cells were not counted
(25,000,000 cells accepted against a 20,000,000 limit)."""

from __future__ import annotations

import os
import subprocess
import time
import tracemalloc
import zipfile
from pathlib import Path

import docx

from egov_xl.core.grid import SheetGrid, WorkbookGrid
from egov_xl.sources import ods_formats
from tests.fixtures.packages import rewrite_part
from tests.security.test_hostile_sources import _ODS_CONTENT, _ODS_MANIFEST
from tests.security.test_hostile_workbooks import EGOV, _cap

PEAK_MIB = 500


def measured(*args) -> tuple[int, str, float, float]:
    """Exit code, stderr, seconds and peak MiB (the command and its reader processes) of one
    capped `egov-xl` process."""
    started = time.monotonic()
    process = subprocess.Popen([*EGOV, *map(str, args)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               preexec_fn=_cap, env={**os.environ, "COLUMNS": "2000"})
    stderr = process.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    process.stderr.close()
    return os.waitstatus_to_exitcode(status), stderr, time.monotonic() - started, usage.ru_maxrss / 1024


def assert_one_sentence(done: tuple[int, str, float, float], path: Path, words: str, seconds: float = 30) -> None:
    code, stderr, took, peak = done
    assert code == 2, stderr[-2000:]
    assert "Traceback" not in stderr and str(path) in stderr and words in stderr, stderr[-2000:]
    assert took < seconds and peak < PEAK_MIB, (took, peak)


def _ods(path: Path, tables: list[str]) -> Path:
    body = "".join(f'<table:table table:name="Bảng {n}">{rows}</table:table>' for n, rows in enumerate(tables, 1))
    content = _ODS_CONTENT.replace('<table:table table:name="Dữ liệu">{rows}</table:table>', body)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
    return path


def _repeated_rows(rows: int, cols: int, start: int = 0) -> str:
    """`rows` rows, each one cell holding its own number repeated over `cols` columns."""
    return "".join(f'<table:table-row><table:table-cell table:number-columns-repeated="{cols}" '
                   f'office:value-type="float" office:value="{start + r}"><text:p>{start + r},5</text:p>'
                   '</table:table-cell></table:table-row>' for r in range(rows))


def test_an_ods_whose_tables_together_pass_the_file_budget_is_refused(tmp_path):
    tables = [_repeated_rows(19_000, 1_000, 19_000 * n) for n in range(4)]  # 4 × 19,000,000 cells
    path = _ods(tmp_path / "lap-lai.ods", tables)
    assert path.stat().st_size < 2 << 20
    assert_one_sentence(measured("validate", path), path, "vượt giới hạn 30.000.000 ô cho cả tệp")


def test_ods_formats_are_streamed_and_kept_for_the_read_rows_only(tmp_path):
    """20,000 rows of a 100-column repeated number cell: the formats of the rows the reader
    kept (here the first three), in a few MB; before, a tree of every row and 2,000,000 dict
    entries (≈ 400 MB)."""
    path = _ods(tmp_path / "dinh-dang.ods", [_repeated_rows(20_000, 100)])
    grid = SheetGrid("Bảng 1", [[1.0] * 100 for _ in range(3)] + [()] * 19_997)
    tracemalloc.start()
    try:
        ods_formats.apply(path, WorkbookGrid(str(path), [grid]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 30 * 1024 * 1024, peak
    assert len(grid.formats) == 300 and grid.formats[(2, 99)] == "0.0"


def test_a_word_file_of_thousands_of_tables_is_refused(tmp_path):
    document = docx.Document()
    document.add_table(rows=2, cols=3).rows[0].cells[0].text = "STT"
    plain = tmp_path / "mot-bang.docx"
    document.save(plain)

    def tables(body: bytes) -> bytes:
        start, end = body.index(b"<w:tbl>"), body.index(b"</w:tbl>") + len(b"</w:tbl>")
        return body[:start] + (body[start:end] + b"<w:p/>") * 2_500 + body[end:]

    path = rewrite_part(plain, tmp_path / "nhieu-bang.docx", "word/document.xml", tables)
    assert_one_sentence(measured("validate", path), path, "có hơn 200 bảng Word")


def test_a_csv_over_the_cell_budget_is_refused(tmp_path):
    path = tmp_path / "rong.csv"
    line = ",".join(["1"] * 5_000) + "\n"
    path.write_text(line * 5_000, encoding="utf-8")  # 25,000,000 cells
    assert_one_sentence(measured("validate", path), path, "vượt giới hạn 20.000.000 ô")
