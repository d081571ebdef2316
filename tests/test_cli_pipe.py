"""A closed standard output is no error: `egov-xl … | head -4` under `set -o pipefail` (as in
scripts/demo) exits 0 every time, and each command still does its work and exits with its
own code when nobody reads what it prints."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from egov_xl.cli import app

EGOV = [sys.executable, "-m", "egov_xl"]


def closed_pipe(args: list, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run egov-xl with its standard output a pipe whose reader is already gone."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run([*EGOV, *map(str, args)], stdout=write, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, **(env or {})}, timeout=120)
    finally:
        os.close(write)


@pytest.fixture
def province(tmp_path, samples) -> dict:
    """A province over two units with a clean Quý I each, as scripts/demo builds it."""
    env = {"EGOV_ARCHIVE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}", "COLUMNS": "120"}
    runner = CliRunner()
    for args in (["archive", "init"], ["archive", "unit", "TINH", "--name", "Tỉnh mẫu"],
                 ["archive", "unit", "DEMO", "--name", "Đơn vị mẫu", "--parent", "TINH"],
                 ["archive", "unit", "DEMO-2", "--name", "Đơn vị mẫu 2", "--parent", "TINH"],
                 ["archive", "put", samples["bieu-mau-7-dung.xlsx"], "--unit", "DEMO", "--period", "Quý I năm 2025"],
                 ["archive", "put", samples["bieu-mau-7-dung.xlsx"], "--unit", "DEMO-2", "--period", "Quý I năm 2025"]):
        result = runner.invoke(app, [str(a) for a in args], env=env)
        assert result.exit_code == 0, result.output
    return env


def test_commands_exit_quietly_on_a_closed_pipe(samples, province, tmp_path):
    cases = [
        (["rules", "list"], 0),
        (["forms", "list"], 0),
        (["validate", samples["bieu-mau-7-dung.xlsx"]], 0),
        (["validate", samples["bieu-mau-7-seed.xlsx"], "--format", "json"], 1),  # errors found: still 1
        (["archive", "history", "--unit", "DEMO"], 0),
    ]
    for args, code in cases:
        run = closed_pipe(args, province)
        assert (run.returncode, run.stderr) == (code, ""), args


def test_consolidate_writes_its_file_when_nobody_reads_its_output(province, tmp_path):
    target = tmp_path / "tong-hop.xlsx"
    run = closed_pipe(["consolidate", "--unit", "TINH", "--period", "Quý I năm 2025", "-o", target], province)
    assert (run.returncode, run.stderr) == (0, "")
    assert target.stat().st_size > 0


def test_the_demo_pipeline_exits_0_every_time(province, tmp_path):
    script = f"set -euo pipefail; {' '.join(EGOV)} consolidate --unit TINH --period 'Quý I năm 2025' " \
             f"-o {tmp_path / 'tong-hop.xlsx'} | head -4"
    for _ in range(2):
        run = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env={**os.environ, **province},
                             timeout=120, cwd=Path(__file__).resolve().parents[1])
        assert run.returncode == 0, run.stderr
        assert len(run.stdout.splitlines()) == 4 and run.stderr == ""
