"""`egov-xl validate` ends as soon as its answer is out (egov_xl/cli/ending.py: os._exit once the
exit handlers have run and the streams are flushed, instead of the interpreter's teardown):
nothing it prints or writes is lost, and its exit codes are those of SystemExit."""

from __future__ import annotations

import json
import subprocess
import sys

from openpyxl import load_workbook

from tests.fixtures import renditions

EGOV = [sys.executable, "-m", "egov_xl"]


def test_validate_s_whole_answer_and_its_exit_codes_come_out(tmp_path):
    seed = renditions.write_form(tmp_path / "mau.xlsx", renditions.bm7_seed())
    right = renditions.write_form(tmp_path / "dung.xlsx", renditions.bm7_correct())
    many = [str(seed)] * 40  # a long answer, larger than a pipe's buffer
    done = subprocess.run([*EGOV, "validate", *many, "--format", "json"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    answer = json.loads(done.stdout)
    assert len(done.stdout) > 65536 and len(json.dumps(answer)) > 65536
    assert subprocess.run([*EGOV, "validate", str(right)], capture_output=True, timeout=120).returncode == 0
    missing = subprocess.run([*EGOV, "validate", str(tmp_path / "khong-co.xlsx")], capture_output=True, text=True,
                             timeout=120)
    assert missing.returncode == 2 and "khong-co.xlsx" in missing.stderr


def test_an_annotated_copy_is_whole_when_validate_ends(tmp_path):
    seed = renditions.write_form(tmp_path / "mau.xlsx", renditions.bm7_seed())
    copy = tmp_path / "mau-danh-dau.xlsx"
    done = subprocess.run([*EGOV, "validate", str(seed), "--annotate", str(copy)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1, done.stderr
    book = load_workbook(copy)
    assert len(book.sheetnames) == 2  # the form, and the list of findings


def test_exit_handlers_run_and_what_they_print_comes_out(tmp_path):
    script = ("import atexit, sys\n"
              "from egov_xl.cli.ending import end\n"
              "atexit.register(lambda: print('handler', end=''))\n"
              "print('answer ', end='')\n"
              "end(sys.argv[1] if sys.argv[1] != '7' else 7)\n")
    for code, status in (("7", 7), ("Không đọc được", 1)):
        done = subprocess.run([sys.executable, "-c", script, code], capture_output=True, text=True, timeout=60)
        assert (done.returncode, done.stdout) == (status, "answer handler")
        assert done.stderr == ("" if status == 7 else "Không đọc được\n")
