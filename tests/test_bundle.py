"""The offline install: `scripts/bundle` builds our wheel and the Linux wheelhouse (pip's cache
makes it quick), its install.sh installs it into a fresh venv with no package index and no
pip configuration, and the installed `egov-xl serve` serves our add-in (manifest, EGOV
functions, the kiem_tra script), not xlwings Server's stock one. The Windows wheelhouses are
not downloaded here; their commands are checked (binary wheels for win_amd64, 3.11 and 3.12)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.live_server import live_process

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "scripts" / "bundle"


def _version() -> str:
    from egov_xl import __version__  # the release's one place

    return __version__


def _offline_env(home: Path) -> dict[str, str]:
    """No pip configuration (no extra index, no find-links of this machine), no egov/xlwings
    settings of the test run, not the clone on the path."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "XLWINGS_", "EGOV_", "PYTHON", "VIRTUAL_ENV"))}
    # no .pyc compiled at install (a third of the time here); the installed server compiles as it imports
    return {**env, "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1", "PIP_NO_COMPILE": "1", "HOME": str(home)}


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundle")
    subprocess.run([sys.executable, str(BUNDLE), "--out", str(out), "--no-windows", "--no-archive"],
                   check=True, capture_output=True, text=True, timeout=900)
    folder = out / f"egov-xl-{_version()}"
    home = tmp_path_factory.mktemp("home")
    target = tmp_path_factory.mktemp("opt") / "egov-xl"
    python = getattr(sys, "_base_executable", sys.executable)
    done = subprocess.run(["sh", str(folder / "install.sh"), str(target)], cwd=home, capture_output=True, text=True,
                          timeout=900, env={**_offline_env(home), "PYTHON": python})
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Đã cài egov-xl: {target}/venv/bin/egov-xl" in done.stdout
    assert (target / "docs" / "install.md").is_file() and (target / "deploy" / "egov-xl.service").is_file()
    assert (target / "deploy" / "egov-xl-admin").is_file()  # install.md section 8: sudo sh /opt/egov-xl/deploy/egov-xl-admin
    return target / "venv"


def test_bundle_holds_the_wheel_the_wheelhouse_and_the_scripts(installed):
    folder = next(installed.parents[2].glob("bundle*/egov-xl-*"))
    assert (folder / f"egov_xl-{_version()}-py3-none-any.whl").is_file()
    wheels = {path.name.split("-")[0].lower() for path in next((folder / "wheels").glob("linux-cp*")).glob("*.whl")}
    assert {"egov_xl", "xlwings_server", "xlwings", "sqlalchemy", "psycopg_binary", "uvicorn"} <= wheels
    assert "pytest" not in wheels and "playwright" not in wheels  # no test extras in production
    assert (folder / "install.cmd").is_file() and (folder / "deploy" / "egov-xl.service").is_file()


def test_installed_package_carries_the_addin(installed):
    found = subprocess.run([str(installed / "bin" / "python"), "-c",
                            "import egov_xl, pytest"], capture_output=True, text=True, cwd=installed)
    assert "No module named 'pytest'" in found.stderr
    where = subprocess.run([str(installed / "bin" / "python"), "-c",
                            "from egov_xl.server.project import addin_dir; print(addin_dir())"],
                           capture_output=True, text=True, cwd=installed, check=True).stdout.strip()
    assert where.startswith(str(installed)) and where.endswith("site-packages/egov_xl/addin")


def test_installed_serve_serves_our_addin(installed, tmp_path):
    env = {**_offline_env(tmp_path), "EGOV_ARCHIVE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}"}
    with live_process(env=env, command=(str(installed / "bin" / "egov-xl"),), inherit=False) as (base, _):
        manifest = httpx.get(base + "/manifest.xml").text
        assert '<DisplayName DefaultValue="egov-xl" />' in manifest
        assert '<bt:String id="Functions.Namespace" DefaultValue="EGOV" />' in manifest
        assert "egov-xl – Báo cáo CCHC" in httpx.get(base + "/taskpane.html").text
        scripts = httpx.get(base + "/xlwings/custom-scripts-meta.json").json()
        assert "kiem_tra" in {entry.get("function_name") for entry in scripts}, scripts
        functions = httpx.get(base + "/xlwings/custom-functions-meta.json").json()
        assert any(f["name"].upper().startswith("RATIO") or f["id"] for f in functions["functions"])


def test_windows_wheelhouse_commands():
    done = subprocess.run([sys.executable, str(BUNDLE), "--dry-run", "--out", "/nonexistent"], check=True,
                          capture_output=True, text=True, timeout=60)
    lines = [line for line in done.stdout.splitlines() if "win_amd64" in line]
    for version in ("3.11", "3.12"):
        compile_, download = [line for line in lines if f"--python-version {version}" in line]
        assert "--python-platform x86_64-pc-windows-msvc" in compile_
        assert "uv pip compile" in compile_ and "--python-platform x86_64-pc-windows-msvc" in compile_
        assert "pip download --no-deps --only-binary=:all: --platform win_amd64" in download
        assert f"win_amd64-cp{version.replace('.', '')}/requirements.txt" in download
