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
from dataclasses import dataclass, field, replace
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
    id: str = ""  # the token's short id (its hash's first ID_LENGTH hex digits): who, when names repeat


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
    _refuse_loose(path)  # at every request: making a file loose changes no time the cache is keyed on
    info = path.stat()
    return _grants(str(path), info.st_mtime_ns, info.st_ino).get(token_hash)


@lru_cache(maxsize=4)
def _grants(path: str, stamp: int, inode: int) -> dict[str, Grant]:
    return {key: entry.grant for key, entry in _read(Path(path)).items()}


def entries(path: Path) -> list[Entry]:
    convert_clear_text(path)
    return list(_read(path).values()) if path.is_file() else []


def issue(path: Path, name: str, units: list[str], consolidates: bool = False) -> tuple[str, Entry]:
    """A new random token for `name`; only its hash is written. Returns the token (shown once)."""
    return issue_many(path, [Grant(name, frozenset(units), consolidates)])[0]


def issue_many(path: Path, grants: list[Grant]) -> list[tuple[str, Entry]]:
    """A new random token for each grant, written in one replacement of the file; each token's
    id (its hash's first ID_LENGTH hex digits) differs from every other id in the file."""
    convert_clear_text(path)
    found = _read(path) if path.is_file() else {}
    ids = {entry.id for entry in found.values()}
    created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    issued = []
    for grant in grants:
        token, key = _fresh(ids)
        ids.add(key[:ID_LENGTH])
        found[key] = Entry(key[:ID_LENGTH], replace(grant, id=key[:ID_LENGTH]), created)
        issued.append((token, found[key]))
    _write(path, found)
    return issued


def _fresh(ids: set[str]) -> tuple[str, str]:
    while True:  # a repeated 32-bit id is rare; draw again rather than ever show two alike
        token = secrets.token_urlsafe(32)
        key = digest(token)
        if key[:ID_LENGTH] not in ids:
            return token, key


class AmbiguousName(Exception):
    """Several tokens carry this display name: revoke one by its id."""

    def __init__(self, name: str, entries: list[Entry]):
        super().__init__(name)
        self.name, self.entries = name, entries


def revoke(path: Path, which: str) -> list[Entry]:
    """Remove the token whose id is `which`, or the one token whose holder's name is `which`
    (AmbiguousName when several share it); returns what was removed."""
    convert_clear_text(path)
    found = _read(path) if path.is_file() else {}
    gone = [key for key, entry in found.items() if entry.id == which]
    if not gone:
        gone = [key for key, entry in found.items() if entry.grant.name == which]
        if len(gone) > 1:
            raise AmbiguousName(which, [found[key] for key in gone])
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


def already_issued(path: Path, grants: list[Grant]) -> list[Entry | None]:
    """For each grant, the issued token it matches (same name, units and consolidation), or None.
    The k-th request for one holder matches the k-th such token in the file, so two clerks of
    one name and unit each get one token, and importing the same list again issues nothing."""
    found = entries(path)
    pool: dict[tuple, list[Entry]] = {}
    for entry in found:
        pool.setdefault(_same(entry.grant), []).append(entry)
    matched = []
    for grant in grants:
        waiting = pool.get(_same(grant))
        matched.append(waiting.pop(0) if waiting else None)
    return matched


def _same(grant: Grant) -> tuple:
    return grant.name, grant.units, grant.consolidates


def _read(path: Path) -> dict[str, Entry]:
    _refuse_loose(path)
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


def _refuse_loose(path: Path) -> None:
    if (loose := writable_by_others(path)) is not None:  # whoever can write it can grant themselves anything
        raise TokensFileError("tokens_file_writable", path=loose)


def writable_by_others(path: Path) -> Path | None:
    """The tokens file, or its folder, when another account of this machine may change it
    (write permission for group or others, or another owner than this account or root; a
    folder with the sticky bit lets nobody replace another's file); None when only we may.
    Named through a symbolic link, the link's folder too (whoever may write it may repoint it)."""
    if os.name == "nt":  # NTFS permissions are not mode bits; the private folder is the user's own
        return None
    real = path.resolve()
    linked = (path.absolute().parent.resolve(),) if path.is_symlink() else ()
    for item in (real, real.parent, *linked):
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
                  bool(value.get("consolidates", False)), key[:ID_LENGTH])
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
