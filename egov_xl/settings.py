"""One settings object for every entry point: read once (CLI start, server app factory) and
passed down. No other module reads the environment.

The environment variables, all optional:

| variable | field | default |
|---|---|---|
| EGOV_ARCHIVE_URL | archive_url | SQLite file in the user's data folder |
| EGOV_ARCHIVE_BUSY_MS | sqlite_busy_ms | 30000 |
| EGOV_TOKENS_FILE | tokens_file | none |
| XLWINGS_AUTH_PROVIDERS | auth_providers | none (one PC, anonymous) |
| EGOV_LANG | lang | vi |
| EGOV_MAX_BODY_BYTES | max_body_bytes | 10 MiB |
| EGOV_WEB_SECRET | web_secret | random, made once by the entry point (sessions end on restart) |
| EGOV_CALENDAR_FILE | calendar_file | egov_xl/archive/calendar.yaml (due dates, kinds of unit) |
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

MIB = 1024 * 1024


def data_dir(environ: Mapping[str, str]) -> Path:
    """Where a single PC keeps its archive: %LOCALAPPDATA%\\egov-xl or ~/.local/share/egov-xl."""
    if sys.platform == "win32" and environ.get("LOCALAPPDATA"):
        return Path(environ["LOCALAPPDATA"]) / "egov-xl"
    base = environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "egov-xl"


def _providers(text: str) -> tuple[str, ...]:
    text = (text or "").strip()
    if not text:
        return ()
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = [part.strip(" \"'") for part in text.strip("[]").split(",")]
    if isinstance(value, str):
        value = [value]
    return tuple(str(item) for item in value if str(item).strip())


@dataclass(frozen=True)
class Limits:
    """What one request or one workbook may cost before it is refused with a sentence."""

    max_body_bytes: int = 10 * MIB


@dataclass(frozen=True)
class Settings:
    archive_url: str
    sqlite_busy_ms: int = 30000
    tokens_file: Path | None = None
    auth_providers: tuple[str, ...] = ()
    lang: str = "vi"
    limits: Limits = field(default_factory=Limits)
    web_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)  # signs web sessions
    calendar_file: Path | None = None  # a province's reporting calendar; None: the package's

    @property
    def auth_enabled(self) -> bool:
        return bool(self.auth_providers)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> Settings:
        env = os.environ if environ is None else environ
        url = env.get("EGOV_ARCHIVE_URL") or f"sqlite:///{data_dir(env) / 'archive.sqlite3'}"
        tokens = env.get("EGOV_TOKENS_FILE")
        calendar = env.get("EGOV_CALENDAR_FILE")
        limits = Limits(max_body_bytes=int(env.get("EGOV_MAX_BODY_BYTES") or Limits.max_body_bytes))
        settings = cls(
            archive_url=url,
            sqlite_busy_ms=int(env.get("EGOV_ARCHIVE_BUSY_MS") or 30000),
            tokens_file=Path(tokens) if tokens else None,
            auth_providers=_providers(env.get("XLWINGS_AUTH_PROVIDERS", "")),
            lang=env.get("EGOV_LANG") or "vi",
            limits=limits,
            web_secret=env.get("EGOV_WEB_SECRET") or secrets.token_urlsafe(32),
            calendar_file=Path(calendar) if calendar else None,
        )
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})

    def to_env(self) -> dict[str, str]:
        """The environment that carries these settings to server worker processes (uvicorn
        starts each worker afresh; it reads them back with `from_env`)."""
        env = {
            "EGOV_ARCHIVE_URL": self.archive_url,
            "EGOV_ARCHIVE_BUSY_MS": str(self.sqlite_busy_ms),
            "EGOV_LANG": self.lang,
            "EGOV_MAX_BODY_BYTES": str(self.limits.max_body_bytes),
            "EGOV_WEB_SECRET": self.web_secret,
        }
        if self.calendar_file is not None:
            env["EGOV_CALENDAR_FILE"] = str(self.calendar_file)
        if self.tokens_file is not None:
            env["EGOV_TOKENS_FILE"] = str(self.tokens_file)
        if self.auth_providers:
            env["XLWINGS_AUTH_PROVIDERS"] = json.dumps(list(self.auth_providers))
        return env
