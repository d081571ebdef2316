from __future__ import annotations

import os
import tempfile
from pathlib import Path

# xlwings and xlwings Server read these at import time: set them before anything imports them.
ADDIN_DIR = Path(__file__).resolve().parents[1] / "addin"
ADDIN_ARCHIVE = Path(tempfile.mkdtemp(prefix="egov-addin-")) / "archive.sqlite3"
os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
os.environ.setdefault("XLWINGS_PROJECT_DIR", str(ADDIN_DIR))
os.environ.setdefault("XLWINGS_ENVIRONMENT", "prod")
os.environ.setdefault("XLWINGS_ENABLE_SOCKETIO", "false")
os.environ.setdefault("XLWINGS_ENABLE_HOTRELOAD", "false")
os.environ.setdefault("XLWINGS_ENABLE_EXAMPLES", "false")
os.environ["EGOV_ARCHIVE_URL"] = f"sqlite:///{ADDIN_ARCHIVE}"

import pytest

from egov_xl.flows.check import validate_file
from tests.fixtures import renditions
from tests.pg import Cluster


@pytest.fixture(scope="session")
def pg_cluster():
    cluster = Cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def archive_url(request, tmp_path) -> str:
    """An empty archive on each back-end: a SQLite file, a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    cluster = request.getfixturevalue("pg_cluster")
    return cluster.url(cluster.new_database())


@pytest.fixture(scope="session")
def samples(tmp_path_factory) -> dict[str, Path]:
    """The seed renditions and the correct variants, built once per run."""
    out = tmp_path_factory.mktemp("samples")
    return {path.name: path for path in renditions.write_samples(out)}


def findings_of(path: Path, form: str | None = None) -> set[tuple[str, str | None, str | None]]:
    """(rule, code, A1 of the suspect cell) for every finding in a one-form file."""
    reports = validate_file(path, form)
    assert len(reports) == 1, reports
    return {(f.rule, f.code, f.cell.a1 if f.cell else None) for f in reports[0].findings}


def problems(path: Path) -> list:
    """Errors and warnings only."""
    return [f for r in validate_file(path) for f in r.findings if f.severity.value in ("error", "warning")]
