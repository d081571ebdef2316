"""`egov-xl validate` starts reading its first file before typer and the engine are imported
(egov_xl/cli/early.py, egov_xl/workbook/read.py `start_early`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import typer.main

from egov_xl.cli import app, early
from egov_xl.flows.check import validate_file
from egov_xl.settings import Settings
from egov_xl.workbook import read
from tests.fixtures import renditions


def test_the_value_options_are_validates_own():
    command = typer.main.get_command(app).commands["validate"]
    taking_values = {opt for param in command.params if param.param_type_name == "option"
                     and not param.is_flag for opt in param.opts}
    assert early.VALUE_OPTIONS == taking_values


@pytest.mark.parametrize(("args", "expected"), [
    (["a.xlsx", "b.xlsx"], "a.xlsx"),
    (["--form", "bm7-2025", "--format=json", "a.xlsx"], "a.xlsx"),
    (["--lang", "en", "--annotate", "out.xlsx", "a.xlsx"], "a.xlsx"),
    (["--help", "a.xlsx"], None),
    (["--unknown", "a.xlsx"], None),
    (["--", "a.xlsx"], None),
    (["--form"], None),
    ([], None),
])
def test_the_first_file_is_found_or_nothing_is_started(args, expected):
    assert early.first_file(args) == expected


def test_the_early_read_is_the_commands_own_read(tmp_path):
    form = renditions.write_form(tmp_path / "bieu-mau.xlsx", renditions.bm7_correct())
    limits = Settings.from_env({}).limits
    expected = validate_file(form, limits=limits)
    early.start_reading(["validate", "--format", "json", str(form)])
    assert (os.path.abspath(form), limits) in read._early
    reports = validate_file(form, limits=limits)
    assert not read._early  # taken by the command's read, not read twice
    assert [(r.form, r.findings) for r in reports] == [(r.form, r.findings) for r in expected]


def test_nothing_is_started_for_other_commands_or_missing_files(tmp_path):
    early.start_reading(["forms", "list"])
    early.start_reading(["validate", str(tmp_path / "missing.xlsx")])
    early.start_reading(["validate", str(tmp_path)])
    assert not read._early


def test_a_whole_process_gives_the_same_answers_as_typers_runner(tmp_path):
    good = renditions.write_form(tmp_path / "dung.xlsx", renditions.bm7_correct())
    seed = renditions.write_form(tmp_path / "mau.xlsx", renditions.bm7_seed())
    args = ["validate", "--format", "json", str(seed), str(good), str(tmp_path / "thieu.xlsx")]
    done = subprocess.run([sys.executable, "-m", "egov_xl", *args], capture_output=True, text=True, timeout=120)
    from typer.testing import CliRunner

    inline = CliRunner().invoke(app, args)
    assert done.returncode == inline.exit_code == 2
    assert json.loads(done.stdout) == json.loads(inline.stdout)


def test_what_is_imported_before_the_reader_starts_is_used_by_both_processes(tmp_path):
    """early.SHARED is imported before the reader process is started so that it inherits it:
    each module is one the reader imports to read an .xlsx and one `validate` imports itself."""
    path = renditions.write_form(tmp_path / "mau.xlsx", renditions.bm7_seed())
    report = ("import atexit, json, sys\n"
              "from egov_xl.cli import early\n"
              "atexit.register(lambda: print(json.dumps([m in sys.modules for m in early.SHARED]), file=sys.stderr))\n")
    sys_argv = f"import sys; sys.argv = ['egov-xl', 'validate', {str(path)!r}]\n"
    command = subprocess.run([sys.executable, "-c", report + sys_argv + "from egov_xl.cli.commands import main\nmain()"],
                             capture_output=True, text=True, timeout=120)
    reader = subprocess.run([sys.executable, "-c", report + "import importlib\n"
                             "[importlib.import_module(m) for m in early.WARM]\n"
                             "from egov_xl.sources import read_sheets\n"
                             f"list(read_sheets({str(path)!r}))\n"],
                            capture_output=True, text=True, timeout=120)
    assert command.returncode == 1, command.stderr  # the seed has errors
    assert json.loads(command.stderr.strip().splitlines()[-1]) == [True] * len(early.SHARED)
    assert json.loads(reader.stderr.strip().splitlines()[-1]) == [True] * len(early.SHARED)


def test_validate_of_a_workbook_imports_no_openpyxl(tmp_path):
    """openpyxl (and numpy, which it imports when installed) cost ≈ 120 ms of CPU: `validate`
    with its text report writes no workbook and reads with calamine, so it imports neither."""
    path = renditions.write_form(tmp_path / "mau.xlsx", renditions.bm7_seed())
    code = ("import atexit, json, sys\n"
            "atexit.register(lambda: print(json.dumps(sorted({'openpyxl', 'numpy'} & set(sys.modules))), file=sys.stderr))\n"
            f"sys.argv = ['egov-xl', 'validate', {str(path)!r}]\n"
            "from egov_xl.cli import main\nmain()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr  # the seed has errors
    assert "E " in done.stdout or done.stdout.strip()  # its report was printed
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []


def test_a_reader_reads_a_workbook_without_the_catalogue_or_the_findings(tmp_path):
    """A reader process is started before the command imports the engine, and what it imports
    is on the way to the first sheet: it reads a workbook of forms and a data sheet with the
    modules it warms (early.WARM) and makes the parameters of a refusal (core.amounts) without
    the catalogue (core.messages) or the findings, and without typing, json or base64 (what
    the reader imports before its first sheet is on its way to the answer)."""
    from tests.test_read_stream import forms_workbook

    path = forms_workbook(tmp_path / "bao-cao.xlsx", [("bm7", False), ("pl7-ok", True)], data_rows=300)
    code = ("import importlib, sys\n"
            "from pathlib import Path\n"
            "from egov_xl.cli import early\n"
            "[importlib.import_module(m) for m in (*early.SHARED, *early.WARM)]\n"
            "from egov_xl.settings import Limits\n"
            "from egov_xl.workbook.read import _read\n"
            f"parts = list(_read(Path({str(path)!r}), Limits()))\n"
            "print(repr([len(parts), sorted({'egov_xl.core.messages', 'egov_xl.core.findings', 'typing', 'json', 'base64'} & set(sys.modules))]))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "[3, []]", done.stderr
