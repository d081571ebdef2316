"""What `egov-xl serve` checks before it starts: who can reach it, and that no secret lies in a
folder it publishes. Each check returns the catalogue key and parameters of its sentence."""

from __future__ import annotations

import importlib.util
import ipaddress
from enum import Enum
from pathlib import Path

from .private import inside


class Exposure(Enum):
    LOCAL = "local"          # loopback only, or authentication configured
    WARN = "warn"            # reachable by others, anonymous, the administrator said so
    REFUSE = "refuse"        # reachable by others, anonymous, not acknowledged


def loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve to anything


def exposure(host: str, auth_enabled: bool, allow_anonymous: bool) -> Exposure:
    if auth_enabled or loopback(host):
        return Exposure.LOCAL
    return Exposure.WARN if allow_anonymous else Exposure.REFUSE


def served_folders(project: Path) -> list[Path]:
    """Every folder xlwings Server publishes under /static for `project`."""
    spec = importlib.util.find_spec("xlwings_server")
    package = Path(next(iter(spec.submodule_search_locations)))
    return [project / "static", project / "dist" / "static", package / "static"]


def served_secret(secrets: list[Path | None], project: Path) -> tuple[Path, Path] | None:
    """The first secret file inside a published folder, with that folder."""
    folders = served_folders(project)
    for path in secrets:
        if path is not None and (folder := inside(path, folders)) is not None:
            return path, folder
    return None
