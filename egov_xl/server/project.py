"""Which xlwings Server project folder `egov-xl serve` publishes: the add-in installed with the
package (`egov_xl.addin`: `addin/` in a clone, `egov_xl/addin` in a wheel), or a copy of it
given with --project. xlwings Server silently falls back to its stock example add-in for a
folder without our scripts, so `serve` checks the folder first (`missing_part`)."""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

PROJECT_NAME = "egov-xl"  # [tool.xlwings_server] project_name in the add-in's pyproject.toml
# what the add-in cannot be served without; each is read by xlwings Server from the project dir
PARTS = ("custom_scripts/__init__.py", "custom_functions/__init__.py", "templates/manifest.xml",
         "templates/taskpane.html", "static/js/ribbon.js")
SCRIPTS_MODULE = "egov_xl.excel.scripts"  # custom_scripts/__init__.py imports our scripts from here


def addin_dir() -> Path:
    """The add-in installed with this package (in a clone installed before it was packaged,
    the clone's `addin/`)."""
    spec = importlib.util.find_spec("egov_xl.addin")
    if spec is None or not spec.submodule_search_locations:
        return Path(__file__).resolve().parents[2] / "addin"
    return Path(next(iter(spec.submodule_search_locations)))


def missing_part(project: Path) -> str | None:
    """What makes `project` not our add-in (a path inside it), or None when it is ours."""
    marker = project / "pyproject.toml"
    try:
        name = tomllib.loads(marker.read_text(encoding="utf-8"))["tool"]["xlwings_server"]["project_name"]
    except (OSError, ValueError, KeyError, TypeError):
        return str(marker)
    if name != PROJECT_NAME:
        return str(marker)
    for part in PARTS:
        if not (project / part).is_file():
            return str(project / part)
    if SCRIPTS_MODULE not in (project / PARTS[0]).read_text(encoding="utf-8", errors="replace"):
        return str(project / PARTS[0])
    return None
