"""The folders say how data flows: the README lists each package with its first docstring line,
and the archive is storage only (it imports no flow, no workbook reading, no rule running)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("workbook", "sources", "core", "flows", "output", "archive", "template", "cli", "excel", "web", "server")


def first_line(package: str) -> str:
    source = (ROOT / "egov_xl" / package / "__init__.py").read_text("utf-8")
    doc = ast.get_docstring(ast.parse(source))
    assert doc, f"egov_xl/{package}/__init__.py has no docstring"
    return doc.splitlines()[0]


def test_readme_shows_each_package_with_its_first_docstring_line():
    readme = (ROOT / "README.md").read_text("utf-8")
    built = readme[readme.index("## How it is built"):]
    for package in PACKAGES:
        assert f"egov_xl/{package}/".ljust(20) + first_line(package) in built, package


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            names.update(f"{base}.{alias.name}" if not node.module else base for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_archive_is_storage_only():
    forbidden = ("..flows", "..validate", "..workbook", "..definitions", "..core.rules", "..core.engine",
                 "..output", "..excel", "..web", "..cli")
    for path in sorted((ROOT / "egov_xl" / "archive").glob("*.py")):
        wrong = [name for name in imported(path) if name.startswith(forbidden)]
        assert wrong == [], f"{path.name} imports {wrong}"
    assert not (ROOT / "egov_xl" / "archive" / "service.py").exists()
    assert not (ROOT / "egov_xl" / "archive" / "periods.py").exists()
