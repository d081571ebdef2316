"""The add-in travels with the package (`egov_xl.addin`) and `egov-xl serve` refuses to publish
a folder that is not it: xlwings Server would otherwise serve its stock example add-in without
a word (no EGOV functions, no scripts)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from egov_xl.server.project import addin_dir, missing_part
from tests.conftest import ADDIN_DIR


def test_installed_addin_is_ours():
    assert addin_dir().resolve() == ADDIN_DIR.resolve()  # an editable install: the clone's addin/
    assert missing_part(addin_dir()) is None


def _stock(folder):
    """A folder like the one `xlwings-server init` makes: not ours."""
    (folder / "custom_scripts").mkdir(parents=True)
    (folder / "custom_scripts" / "__init__.py").write_text("from .examples import *\n")
    (folder / "pyproject.toml").write_text('[tool.xlwings_server]\nproject_name = "xlwings Server"\n')
    return folder


def _copy_without(folder, part):
    shutil.copytree(ADDIN_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / part).unlink()
    return folder


@pytest.mark.parametrize("make", [
    lambda tmp: tmp / "nothing-here",
    lambda tmp: tmp.joinpath("empty").mkdir() or tmp / "empty",
    _stock,
    lambda tmp: _copy_without(tmp / "copy", "custom_scripts/__init__.py"),
    lambda tmp: _copy_without(tmp / "copy", "templates/manifest.xml"),
])
def test_serve_refuses_a_folder_that_is_not_our_addin(make, tmp_path):
    folder = make(tmp_path)
    done = subprocess.run([sys.executable, "-m", "egov_xl", "serve", "--http", "--project", str(folder)],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "EGOV_ARCHIVE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}"})
    said = " ".join(done.stderr.split())
    assert done.returncode == 2, done.stderr
    assert f"Không chạy máy chủ: thư mục {folder.resolve()} không phải phần bổ trợ egov-xl" in said
    assert "Traceback" not in done.stderr
