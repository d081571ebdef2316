"""Who may do what on a shared server.

Clerks authenticate with a token (xlwings Server's custom auth provider, configured in
addin/auth/custom.py): EGOV_TOKENS_FILE names a YAML file that maps each token to a person and
the units they report for (the settings' tokens file, EGOV_TOKENS_FILE):

    tokens:
      "3f6c…":  {name: "Nguyễn Văn A", units: ["SO-TTTT"]}
      "9a1d…":  {name: "Trần Thị B", units: ["HCM"], consolidates: true}

A clerk archives only for their own units and reads prior values of their own units; a
clerk of a consolidating unit also reads the units below it (parent → child in the archive).
Without any auth provider (one PC, one clerk) everything is allowed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

@dataclass(frozen=True)
class Grant:
    name: str
    units: frozenset[str] = field(default_factory=frozenset)
    consolidates: bool = False


@lru_cache(maxsize=4)
def _load(path: str, stamp: float) -> dict[str, Grant]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    grants = {}
    for token, entry in (data.get("tokens") or {}).items():
        grants[token_digest(str(token))] = Grant(entry["name"], frozenset(entry.get("units", [])),
                                            bool(entry.get("consolidates", False)))
    return grants


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def grant_for(token: str, tokens_file: Path | None) -> Grant | None:
    return grant_by_digest(token_digest(token), tokens_file)


def grant_by_digest(digest: str, tokens_file: Path | None) -> Grant | None:
    """The grant of a token known by its SHA-256 (what a web session keeps, never the token)."""
    if tokens_file is None or not tokens_file.is_file():
        return None
    return _load(str(tokens_file), tokens_file.stat().st_mtime).get(digest)


def auth_enabled() -> bool:
    from ..server.runtime import current

    return current().settings.auth_enabled


def units_of(user) -> frozenset[str] | None:
    """The units a user reports for; None means "any" (no authentication configured)."""
    if not auth_enabled():
        return None
    claims = getattr(user, "claims", {}) or {}
    return frozenset(claims.get("units", []))


def may_write(user, unit: str) -> bool:
    units = units_of(user)
    return units is None or unit in units


def may_read(user, unit: str, children_of) -> bool:
    """`children_of(unit)` lists the units directly below `unit` in the archive."""
    units = units_of(user)
    if units is None or unit in units:
        return True
    claims = getattr(user, "claims", {}) or {}
    if not claims.get("consolidates"):
        return False
    return any(unit in _below(own, children_of) for own in units)


def may_review(user, unit: str, children_of) -> bool:
    """Accept or return a unit's report: its consolidating unit's clerks, not the unit itself."""
    units = units_of(user)
    if units is None:
        return True
    claims = getattr(user, "claims", {}) or {}
    if unit in units or not claims.get("consolidates"):
        return False
    return any(unit in _below(own, children_of) for own in units)


def _below(unit: str, children_of, depth: int = 0) -> set[str]:
    if depth > 5:
        return set()
    found = set()
    for child in children_of(unit):
        found.add(child)
        found |= _below(child, children_of, depth + 1)
    return found
