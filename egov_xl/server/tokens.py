"""The tokens file: who a token belongs to, stored as the token's SHA-256, never the token.

    # egov-xl tokens: SHA-256 of each token (egov-xl token add / revoke / list)
    format: sha256
    tokens:
      "5e884898…":  {name: "Nguyễn Văn A", units: ["SO-TTTT"], created: "2025-07-01T08:00:00+00:00"}
      "a3f1c2d4…":  {name: "Trần Thị B", units: ["HCM"], consolidates: true, created: "…"}

`egov-xl token add` prints a new random token once and writes only its hash. A file of the
older clear-text form (0.1.0's, tokens as keys, no `format: sha256`) is converted by `egov-xl
serve` at start and by the token commands (`convert_clear_text`): each entry kept under its
token's hash, the file replaced atomically (mode 0600), so the clear text is gone and clerks
keep their tokens through the upgrade (a symbolic link is followed to the file it names, and the
old file's content is emptied, so no other name of it keeps a token). A running server's worker still refuses a clear-text
file it meets (one dropped in while it runs) with a sentence. The admin is told to re-issue the
tokens soon: they lay in clear on disk.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
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
    convert_clear_text(path)
    return list(_read(path).values()) if path.is_file() else []


def issue(path: Path, name: str, units: list[str], consolidates: bool = False) -> tuple[str, Entry]:
    """A new random token for `name`; only its hash is written. Returns the token (shown once)."""
    convert_clear_text(path)
    found = _read(path) if path.is_file() else {}
    token = secrets.token_urlsafe(32)
    key = digest(token)
    created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    found[key] = Entry(key[:ID_LENGTH], Grant(name, frozenset(units), consolidates), created)
    _write(path, found)
    return token, found[key]


def revoke(path: Path, which: str) -> list[Entry]:
    """Remove the tokens whose id or holder's name is `which`; returns what was removed."""
    convert_clear_text(path)
    found = _read(path) if path.is_file() else {}
    gone = [key for key, entry in found.items() if which in (entry.id, entry.grant.name)]
    if gone:
        _write(path, {key: entry for key, entry in found.items() if key not in gone})
    return [found[key] for key in gone]


def convert_clear_text(path: Path | None) -> int:
    """Upgrade a clear-text tokens file (0.1.0) in place: every entry kept, every field of it
    (an id included) unchanged, under the SHA-256 of its token; the file replaced atomically
    with mode 0600. Returns how many tokens were converted (0: nothing to convert)."""
    if path is None or not path.is_file():
        return 0
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TokensFileError("tokens_file_invalid", path=path, reason=exc) from None
    listed = data.get("tokens") if isinstance(data, dict) else None
    if not isinstance(listed, dict) or not listed or data.get("format") == FORMAT or "format" in data:
        return 0  # hashed already, empty, or not a tokens file: _read says what is wrong
    converted = {}
    for number, (token, value) in enumerate(listed.items(), start=1):
        if not isinstance(value, dict) or not value.get("name") or not str(token).strip():
            raise TokensFileError("tokens_file_invalid", path=path, reason=f"tokens: #{number}")  # never the token
        converted[digest(str(token))] = dict(value)
    text = HEADER + yaml.safe_dump({"format": FORMAT, "tokens": converted}, allow_unicode=True, sort_keys=False)
    real = path.resolve()  # a link to the file: the file itself is converted, not the link replaced
    with open(real, "r+b") as old:  # the clear text's own inode, whatever other names it has
        write_private(real, text.encode("utf-8"))
        old.truncate(0)  # a hard link elsewhere (a copy by `cp -l`, a backup) keeps no token either
    return len(converted)


def _read(path: Path) -> dict[str, Entry]:
    if (loose := writable_by_others(path)) is not None:  # whoever can write it can grant themselves anything
        raise TokensFileError("tokens_file_writable", path=loose)
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


def writable_by_others(path: Path) -> Path | None:
    """The tokens file, or its folder, when another account of this machine may change it
    (write permission for group or others, or another owner than this account or root; a
    folder with the sticky bit lets nobody replace another's file); None when only we may."""
    if os.name == "nt":  # NTFS permissions are not mode bits; the private folder is the user's own
        return None
    real = path.resolve()
    for item in (real, real.parent):
        info = item.stat()
        loose = info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
        if item.is_dir() and info.st_mode & stat.S_ISVTX:
            loose = 0
        if loose or info.st_uid not in (os.getuid(), 0):
            return item
    return None


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
