"""Escape sequences from a file reaching the clerk's terminal. A cell, a label or a file name may
hold ESC and friends ("\\x1b[2J" clears the screen; "\\x1b[1A\\x1b[2K" erases the line above, so
a file can hide its own errors; "\\x1b]52;…" writes the clipboard in some terminals).

Before: `egov-xl validate` printed them as they were, in its table and in a batch's lines."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

HIDE = "\x1b[1A\x1b[2K\r"


def _csv_with_escapes(correct: Path, target: Path) -> Path:
    rows = [["" if v is None else v for v in row]
            for row in load_workbook(correct, data_only=True).active.iter_rows(values_only=True)]
    rows[6][3] = "12" + HIDE + "\x1b[2J"
    rows[9][1] = "Nhãn \x1b]52;c;ZWNobyBwd25lZA==\x07 \x9b31m"
    with target.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    return target


def _validate(*files: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "egov_xl", "validate", *map(str, files)], capture_output=True,
                          text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "COLUMNS": "200"})


def _controls(text: str) -> set[str]:
    return {c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f}


def test_one_files_table_carries_no_escape_from_the_file(samples, tmp_path):
    run = _validate(_csv_with_escapes(samples["bieu-mau-7-dung.xlsx"], tmp_path / "an-loi.csv"))
    assert run.returncode == 1
    assert "12\ufffd[1A" in run.stdout  # shown, harmless
    assert not _controls(run.stdout + run.stderr)


def test_a_batchs_lines_and_a_file_name_carry_no_escape(samples, tmp_path):
    hostile = _csv_with_escapes(samples["bieu-mau-7-dung.xlsx"], tmp_path / "an-loi.csv")
    named = tmp_path / "x\x1b]0;ten\x07.xlsx"
    named.write_bytes(b"PK\x03\x04 not a workbook")
    run = _validate(hostile, samples["bieu-mau-7-dung.xlsx"], named)
    assert run.returncode == 2  # one file unreadable
    assert "Chỉ tiêu 2" in run.stdout and "x\ufffd]0;ten\ufffd.xlsx" in run.stdout + run.stderr
    assert not _controls(run.stdout + run.stderr)
