"""Running a `node --test` file of tests/js against xlwings Server's own JavaScript client: the
installed package's static/js and the test's helpers are copied to a temporary folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import xlwings_server

JS_TESTS = Path(__file__).resolve().parent / "js"
ADDIN_JS = Path(__file__).resolve().parents[1] / "addin" / "static" / "js"


def run_client_test(tmp_path: Path, test_file: str, fixture: dict, files: tuple[Path, ...] = (),
                    env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run tests/js/`test_file` with EGOV_FIXTURE (the `fixture` as JSON) and XLWINGS_JS_DIR set;
    the add-in's runMacro callbacks (stamp.js, forms.js) and `files` are copied beside it. Fails under CI=true (skips otherwise) without Node."""
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Node.js is required under CI=true")
        pytest.skip("Node.js not installed")
    path = tmp_path / "actions.json"
    path.write_text(json.dumps(fixture, ensure_ascii=False), encoding="utf-8")
    js = tmp_path / "js"
    shutil.copytree(Path(xlwings_server.__file__).parent / "static" / "js", js)
    (tmp_path / "package.json").write_text('{"type": "module"}', encoding="utf-8")
    for source in (JS_TESTS / test_file, JS_TESTS / "office-globals.mjs", ADDIN_JS / "stamp.js", ADDIN_JS / "forms.js", *files):
        shutil.copy(source, tmp_path / source.name)
    done = subprocess.run([node, "--test", str(tmp_path / test_file)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "EGOV_FIXTURE": str(path), "XLWINGS_JS_DIR": str(js), **(env or {})})
    assert done.returncode == 0, done.stdout + done.stderr
    return done
