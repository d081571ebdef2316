from __future__ import annotations

from pathlib import Path

import pytest

from egov_xl.validate import validate_file
from tests.fixtures import renditions


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
