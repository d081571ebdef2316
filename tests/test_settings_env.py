"""A setting the environment gives wrong is one sentence naming its variable, not "Unexpected
error: ValueError", and no limit can be zero, negative or infinite (EGOV_READER_TIMEOUT_S=0
once let the first file be read and refused the second; -10 made a good file "damaged")."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from egov_xl import definitions
from egov_xl.core.errors import UserError
from egov_xl.settings import Limits, Settings
from tests.fixtures import renditions


@pytest.mark.parametrize(("var", "value", "expected"), [
    ("EGOV_READER_TIMEOUT_S", "abc", "positive_number"),
    ("EGOV_READER_TIMEOUT_S", "0", "positive_number"),
    ("EGOV_READER_TIMEOUT_S", "-10", "positive_number"),
    ("EGOV_READER_TIMEOUT_S", "nan", "positive_number"),
    ("EGOV_READER_TIMEOUT_S", "1e400", "positive_number"),
    ("EGOV_MAX_READER_MEMORY", "1.5", "positive_integer"),
    ("EGOV_MAX_SHEET_CELLS", "-1", "positive_integer"),
    ("EGOV_ARCHIVE_BUSY_MS", "lâu", "positive_integer"),
])
def test_a_wrong_number_names_its_variable(var, value, expected):
    with pytest.raises(UserError) as wrong:
        Settings.from_env({var: value})
    assert wrong.value.key == "setting_invalid" and wrong.value.params["variable"] == var
    said = wrong.value.render(definitions.catalogue("vi"))
    assert said == f'Biến môi trường {var}="{value}" không hợp lệ: cần {definitions.catalogue("vi").word(expected)}.'
    assert var in wrong.value.render(definitions.catalogue("en"))


def test_right_numbers_are_taken():
    limits = Limits.from_env({"EGOV_READER_TIMEOUT_S": "2.5", "EGOV_MAX_READER_MEMORY": " 1048576 ", "EGOV_RECALCULATE": "0"})
    assert (limits.reader_timeout_s, limits.max_reader_memory, limits.recalculate) == (2.5, 1048576, False)


def test_validate_says_the_setting_once_and_reads_nothing(tmp_path):
    form = renditions.write_form(tmp_path / "mau.xlsx", renditions.bm7_correct())
    done = subprocess.run([sys.executable, "-m", "egov_xl", "validate", str(form), str(form)], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "EGOV_READER_TIMEOUT_S": "0", "COLUMNS": "300"})
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip() == 'Biến môi trường EGOV_READER_TIMEOUT_S="0" không hợp lệ: cần một số dương.'
