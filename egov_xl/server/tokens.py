"""The tokens file: who a token belongs to, stored as the token's SHA-256, never the token.

    # egov-xl tokens: SHA-256 of each token (egov-xl token add / revoke / list)
    format: sha256
    tokens:
      "5e884898…":  {name: "Nguyễn Văn A", units: ["SO-TTTT"], created: "2025-07-01T08:00:00+00:00"}
      "a3f1c2d4…":  {name: "Trần Thị B", units: ["HCM"], consolidates: true, created: "…"}

`egov-xl token add` prints a new random token once and writes only its hash. A file of the
older clear-text form (tokens as keys, no `format: sha256`) is refused, by the server and by
the token commands, with a sentence asking the administrator to issue new tokens: its tokens
lay in clear on disk (and, before the static-file containment fix, could be downloaded), so
they must be treated as known to others and replaced, not merely hashed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .private import write_private

FORMAT = "sha256"
HEADER = "# egov-xl tokens: SHA-256 of each token, never the token (egov-xl token add / revoke / list)\n"
_HEX = re.compile(r"[0-9a-f]{64}")
ID_LENGTH = 8


class TokensFileError(Exception):
    """A tokens file the server must not use; `key`/`params` name the catalogue sentence."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Grant:
    name: str
    units: frozenset[str] = field(default_factory=frozenset)
    consolidates: bool = False


@dataclass(frozen=True)
class Entry:
    """One issued token as `egov-xl token list` shows it: no secret, only a short id of its hash."""

    id: str
    grant: Grant
    created: str


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def grant_for(token: str, path: Path | None) -> Grant | None:
    """The grant of `token`, or None for an unknown token or a missing file."""
    return grant_by_digest(digest(token), path)


def grant_by_digest(token_hash: str, path: Path | None) -> Grant | None:
    """The grant of a token known by its SHA-256 (what a web session keeps, never the token)."""
    if path is None or not path.is_file():
        return None
    return _grants(str(path), path.stat().st_mtime_ns).get(token_hash)


@lru_cache(maxsize=4)
def _grants(path: str, stamp: int) -> dict[str, Grant]:
    return {key: entry.grant for key, entry in _read(Path(path)).items()}


def entries(path: Path) -> list[Entry]:
    return list(_read(path).values()) if path.is_file() else []


def issue(path: Path, name: str, units: list[str], consolidates: bool = False) -> tuple[str, Entry]:
    """A new random token for `name`; only its hash is written. Returns the token (shown once)."""
    found = _read(path) if path.is_file() else {}
    token = secrets.token_urlsafe(32)
    key = digest(token)
    created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    found[key] = Entry(key[:ID_LENGTH], Grant(name, frozenset(units), consolidates), created)
    _write(path, found)
    return token, found[key]


def revoke(path: Path, which: str) -> list[Entry]:
    """Remove the tokens whose id or holder's name is `which`; returns what was removed."""
    found = _read(path) if path.is_file() else {}
    gone = [key for key, entry in found.items() if which in (entry.id, entry.grant.name)]
    if gone:
        _write(path, {key: entry for key, entry in found.items() if key not in gone})
    return [found[key] for key in gone]


def _read(path: Path) -> dict[str, Entry]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TokensFileError("tokens_file_invalid", path=path, reason=exc) from None
    if not data:
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("tokens") or {}, dict):
        raise TokensFileError("tokens_file_invalid", path=path, reason="tokens:")
    listed = data.get("tokens") or {}
    if data.get("format") != FORMAT:
        if listed:
            raise TokensFileError("tokens_clear_text", path=path, count=len(listed))
        raise TokensFileError("tokens_file_invalid", path=path, reason=f"format: {data.get('format')}")
    return {str(key): _entry(path, str(key), value) for key, value in listed.items()}


def _entry(path: Path, key: str, value) -> Entry:
    if not _HEX.fullmatch(key) or not isinstance(value, dict) or not value.get("name"):
        raise TokensFileError("tokens_file_invalid", path=path, reason=key[:ID_LENGTH])
    grant = Grant(str(value["name"]), frozenset(str(u) for u in value.get("units") or []),
                  bool(value.get("consolidates", False)))
    return Entry(key[:ID_LENGTH], grant, str(value.get("created", "")))


def _write(path: Path, found: dict[str, Entry]) -> None:
    tokens = {}
    for key, entry in found.items():
        item = {"name": entry.grant.name, "units": sorted(entry.grant.units)}
        if entry.grant.consolidates:
            item["consolidates"] = True
        item["created"] = entry.created
        tokens[key] = item
    text = HEADER + yaml.safe_dump({"format": FORMAT, "tokens": tokens}, allow_unicode=True, sort_keys=False)
    write_private(path, text.encode("utf-8"))
