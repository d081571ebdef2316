"""One settings object for every entry point: read once (CLI start, server app factory) and
passed down. No other module reads the environment.

The environment variables, all optional:

| variable | field | default |
|---|---|---|
| EGOV_ARCHIVE_URL | archive_url | SQLite file in the user's data folder |
| EGOV_ARCHIVE_BUSY_MS | sqlite_busy_ms | 30000 |
| EGOV_PRIVATE_DIR | private_dir | `private/` in the user's data folder (TLS key, tokens) |
| EGOV_TOKENS_FILE | tokens_file | tokens.yaml in private_dir |
| XLWINGS_AUTH_PROVIDERS | auth_providers | none (one PC, anonymous) |
| EGOV_LANG | lang | vi |
| EGOV_MAX_BODY_BYTES | limits.max_body_bytes | 10 MiB |
| EGOV_AUTH_MAX_FAILURES | limits.auth_max_failures | 10 wrong tokens per client address… |
| EGOV_AUTH_FAILURE_WINDOW_S | limits.auth_failure_window_s | …within 300 s, then 429 until the window passes |
| EGOV_AUTH_MAX_FAILURES_PER_ADDRESS | limits.auth_max_failures_per_address | 100 wrong tokens of any kind from one address within the window (a NAT's ceiling against spraying) |
| EGOV_HEADER_TIMEOUT_S | limits.header_timeout_s | 10 (a connection whose request head is not complete by then is closed) |
| EGOV_BODY_IDLE_S | limits.body_idle_s | 20 (a request body that sends nothing for this long is answered 408) |
| EGOV_BODY_TIMEOUT_S | limits.body_timeout_s | 300 (a whole request body, however steady) |
| EGOV_MAX_ANONYMOUS_BODIES | limits.max_anonymous_bodies | 16 bodies read at once from senders not signed in (shared server) |
| EGOV_MAX_CONNECTIONS | limits.max_connections | 1000 (uvicorn's limit_concurrency: beyond it, 503) |
| EGOV_MAX_CONNECTIONS_PER_ADDRESS | limits.max_connections_per_address | 100 open connections from one client address (a trusted proxy, FORWARDED_ALLOW_IPS, is not counted); more are closed at once |
| EGOV_MAX_SHEET_CELLS | max_sheet_cells | 20,000,000 (rows × columns from A1) |
| EGOV_MAX_PART_BYTES | max_part_bytes | 512 MiB (one part of an .xlsx, unzipped) |
| EGOV_MAX_UNZIPPED_BYTES | max_unzipped_bytes | 1 GiB (all parts of an .xlsx, unzipped) |
| EGOV_MAX_ZIP_RATIO | max_zip_ratio | 200 (unzipped ÷ zipped, parts over 1 MiB) |
| EGOV_MAX_FILE_CELLS | max_file_cells | 30,000,000 (all sheets or tables of a file together) |
| EGOV_MAX_WORD_TABLES | max_word_tables | 200 (tables in a Word document) |
| EGOV_MAX_READER_MEMORY | max_reader_memory | 1 GiB (address space a reader process may add, RLIMIT_AS) |
| EGOV_READER_TIMEOUT_S | reader_timeout_s | 120 (seconds a reader may take for one file) |
| EGOV_READER_WORKERS | reader_workers | 2 (reader processes, reused across files) |
| EGOV_MAX_ANNOTATE_BYTES | max_annotate_bytes | 16 MiB (the sheets of a workbook given an annotated copy, unzipped) |
| EGOV_RECALCULATE | limits.recalculate | 1 (0: formulas saved without results stay a warning, LibreOffice is not run) |
| EGOV_WEB_SECRET | web_secret | random, made once by the entry point (sessions end on restart) |
| EGOV_HOSTS | hosts | none: one PC answers only to localhost, its own addresses and name, XLWINGS_HOSTNAME (comma-separated extra names) |
| EGOV_CALENDAR_FILE | calendar_file | egov_xl/archive/calendar.yaml (due dates, kinds of unit) |
| EGOV_APP_PASSWORD | app_password | none: the password `archive init --app-role` sets (prompted for when unset) |
| EGOV_TLS_PASSPHRASE | tls_passphrase | none: the passphrase of an encrypted `serve --key` (prompted for in a terminal) |
| EGOV_PUBLIC_URL | public_url | none: the address a request came to (`serve --public-url`/`--hostname`) |
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from .core.errors import UserError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing in a reader's first milliseconds
if TYPE_CHECKING:  # parsed when set (from_env): `validate` starts its reader without urllib
    from .server.public_url import PublicUrl

MIB = 1024 * 1024


def data_dir(environ: Mapping[str, str]) -> Path:
    """Where a single PC keeps its archive: %LOCALAPPDATA%\\egov-xl or ~/.local/share/egov-xl."""
    if sys.platform == "win32" and environ.get("LOCALAPPDATA"):
        return Path(environ["LOCALAPPDATA"]) / "egov-xl"
    base = environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "egov-xl"


def _providers(text: str) -> tuple[str, ...]:
    import json

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


def _new_secret() -> str:
    """`secrets.token_urlsafe(32)` (32 bytes of os.urandom, URL-safe base64), without importing
    secrets (hmac, hashlib, random) in every command's first milliseconds."""
    import base64

    return base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class Limits:
    """What one request or one workbook may cost before it is refused with a sentence."""

    max_body_bytes: int = 10 * MIB
    auth_max_failures: int = 10
    auth_failure_window_s: float = 300.0
    auth_max_failures_per_address: int = 100  # every token from one address (a commune office's NAT)
    # connections (egov_xl/server/connections.py, guards.py): slow clients cannot hold the server
    header_timeout_s: float = 10.0
    body_idle_s: float = 20.0
    body_timeout_s: float = 300.0
    max_anonymous_bodies: int = 16
    max_connections: int = 1000
    max_connections_per_address: int = 100  # one client cannot take every slot by reconnecting
    # a workbook, checked before it is read (egov_xl/workbook/limits.py); a real form has about
    # 100 rows, a data sheet beside it up to 1,048,576 rows × a few columns
    max_sheet_cells: int = 20_000_000
    max_part_bytes: int = 512 * MIB
    max_unzipped_bytes: int = 1024 * MIB
    max_zip_ratio: int = 200
    # the whole file: every sheet (or Word table, or CSV line) together, and a Word file's tables
    max_file_cells: int = 30_000_000
    max_word_tables: int = 200
    # each reader runs in a child process (egov_xl/workbook/isolated.py): what it may allocate
    # beyond its start, how long it may take, how many run at once
    max_reader_memory: int = 1024 * MIB
    reader_timeout_s: float = 120.0
    reader_workers: int = 2
    # the annotated copy is built by openpyxl in memory (≈ 30 × the sheets' XML): a form is a few
    # hundred KB; a workbook whose sheets unzip to more gets its findings but no copy
    max_annotate_bytes: int = 16 * MIB
    # formulas saved without results (files written by programs) in a form's rows: a temporary
    # copy is recalculated with LibreOffice (a few seconds), only for such files
    recalculate: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Limits:
        """The limits the environment sets; a value that is not a positive number (a whole one
        for a count or a size) is the UserError "setting_invalid" naming its variable."""
        return cls(**{name: _flag(env[var]) if name == "recalculate" else _positive(env, var, type(getattr(cls, name)))
                      for name, var in _LIMIT_VARS.items() if env.get(var)})

    def to_env(self) -> dict[str, str]:
        return {var: str(getattr(self, name)) for name, var in _LIMIT_VARS.items()}


_LIMIT_VARS = {
    "max_body_bytes": "EGOV_MAX_BODY_BYTES",
    "auth_max_failures": "EGOV_AUTH_MAX_FAILURES",
    "auth_failure_window_s": "EGOV_AUTH_FAILURE_WINDOW_S",
    "auth_max_failures_per_address": "EGOV_AUTH_MAX_FAILURES_PER_ADDRESS",
    "header_timeout_s": "EGOV_HEADER_TIMEOUT_S",
    "body_idle_s": "EGOV_BODY_IDLE_S",
    "body_timeout_s": "EGOV_BODY_TIMEOUT_S",
    "max_anonymous_bodies": "EGOV_MAX_ANONYMOUS_BODIES",
    "max_connections": "EGOV_MAX_CONNECTIONS",
    "max_connections_per_address": "EGOV_MAX_CONNECTIONS_PER_ADDRESS",
    "max_sheet_cells": "EGOV_MAX_SHEET_CELLS",
    "max_part_bytes": "EGOV_MAX_PART_BYTES",
    "max_unzipped_bytes": "EGOV_MAX_UNZIPPED_BYTES",
    "max_zip_ratio": "EGOV_MAX_ZIP_RATIO",
    "max_file_cells": "EGOV_MAX_FILE_CELLS",
    "max_word_tables": "EGOV_MAX_WORD_TABLES",
    "max_reader_memory": "EGOV_MAX_READER_MEMORY",
    "reader_timeout_s": "EGOV_READER_TIMEOUT_S",
    "reader_workers": "EGOV_READER_WORKERS",
    "max_annotate_bytes": "EGOV_MAX_ANNOTATE_BYTES",
    "recalculate": "EGOV_RECALCULATE",
}


def _flag(text: str) -> bool:
    return text.strip().lower() not in ("0", "false", "no", "off")


def _positive(env: Mapping[str, str], var: str, kind: type[int] | type[float]):
    """The positive number (int or float) variable `var` holds."""
    text = env[var]
    try:
        value = kind(text.strip())
        if math.isfinite(value) and value > 0:
            return value
    except (ValueError, OverflowError):
        pass
    from .core.amounts import Word

    raise UserError("setting_invalid", variable=var, value=text,
                    expected=Word("positive_integer" if kind is int else "positive_number"))


@dataclass(frozen=True)
class Settings:
    archive_url: str
    sqlite_busy_ms: int = 30000
    tokens_file: Path | None = None
    private_dir: Path | None = None
    auth_providers: tuple[str, ...] = ()
    lang: str = "vi"
    limits: Limits = field(default_factory=Limits)
    web_secret: str = field(default_factory=_new_secret, repr=False)  # signs web sessions
    calendar_file: Path | None = None  # a province's reporting calendar; None: the package's
    app_password: str | None = field(default=None, repr=False)  # archive init --app-role; never a CLI option
    tls_passphrase: str | None = field(default=None, repr=False)  # an encrypted serve --key; never a CLI option
    hosts: tuple[str, ...] = ()  # names a one-PC server answers to beside its own (DNS rebinding)
    public_url: PublicUrl | None = None  # where Excel reaches the server (manifest, banner, app path)

    @property
    def app_path(self) -> str:
        """The path prefix every route lives under ("" or "/prefix", from the public URL)."""
        return self.public_url.prefix if self.public_url else ""

    @property
    def auth_enabled(self) -> bool:
        return bool(self.auth_providers)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> Settings:
        env = os.environ if environ is None else environ
        url = env.get("EGOV_ARCHIVE_URL") or f"sqlite:///{data_dir(env) / 'archive.sqlite3'}"
        private = Path(env.get("EGOV_PRIVATE_DIR") or data_dir(env) / "private")
        tokens = env.get("EGOV_TOKENS_FILE")
        calendar = env.get("EGOV_CALENDAR_FILE")
        public = env.get("EGOV_PUBLIC_URL")
        limits = Limits.from_env(env)
        settings = cls(
            archive_url=url,
            sqlite_busy_ms=_positive(env, "EGOV_ARCHIVE_BUSY_MS", int) if env.get("EGOV_ARCHIVE_BUSY_MS") else 30000,
            tokens_file=Path(tokens) if tokens else private / "tokens.yaml",
            private_dir=private,
            auth_providers=_providers(env.get("XLWINGS_AUTH_PROVIDERS", "")),
            lang=env.get("EGOV_LANG") or "vi",
            limits=limits,
            web_secret=env.get("EGOV_WEB_SECRET") or _new_secret(),
            calendar_file=Path(calendar) if calendar else None,
            app_password=env.get("EGOV_APP_PASSWORD") or None,
            tls_passphrase=env.get("EGOV_TLS_PASSPHRASE") or None,
            hosts=tuple(h.strip() for h in (env.get("EGOV_HOSTS") or "").split(",") if h.strip()),
            public_url=_public_url(public) if public else None,
        )
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})

    def to_env(self, project: Path | None = None, *, environ: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment that carries these settings to server worker processes (uvicorn
        starts each worker afresh; it reads them back with `from_env`). Given the xlwings Server
        `project` folder, it also holds xlwings Server's own settings (a variable already set in
        `environ` keeps its value, except the project folder and those of the public URL)."""
        env = _xlwings_env(project, self.public_url, os.environ if environ is None else environ) if project else {}
        env |= {
            "EGOV_ARCHIVE_URL": self.archive_url,
            "EGOV_ARCHIVE_BUSY_MS": str(self.sqlite_busy_ms),
            "EGOV_LANG": self.lang,
            **self.limits.to_env(),
            "EGOV_WEB_SECRET": self.web_secret,
        }
        if self.private_dir is not None:
            env["EGOV_PRIVATE_DIR"] = str(self.private_dir)
        if self.calendar_file is not None:
            env["EGOV_CALENDAR_FILE"] = str(self.calendar_file)
        if self.hosts:
            env["EGOV_HOSTS"] = ",".join(self.hosts)
        if self.tokens_file is not None:
            env["EGOV_TOKENS_FILE"] = str(self.tokens_file)
        if self.public_url is not None:
            env["EGOV_PUBLIC_URL"] = str(self.public_url)
        if self.auth_providers:
            import json

            env["XLWINGS_AUTH_PROVIDERS"] = json.dumps(list(self.auth_providers))
        return env


def _xlwings_env(project: Path, public_url: PublicUrl | None, environ: Mapping[str, str]) -> dict[str, str]:
    xlwings = {
        "XLWINGS_PROJECT_DIR": str(project.resolve()), "XLWINGS_LICENSE_KEY": "noncommercial",
        "XLWINGS_ENVIRONMENT": "prod", "XLWINGS_ENABLE_SOCKETIO": "false", "XLWINGS_ENABLE_HOTRELOAD": "false",
        "XLWINGS_ENABLE_EXAMPLES": "false", "XLWINGS_FUNCTIONS_NAMESPACE": "EGOV",
        "XLWINGS_LOG_LEVEL": "WARNING",  # not a line per request: a full stderr pipe stalls every worker
    }
    public = public_url.xlwings_env() if public_url else {}
    chosen = {"XLWINGS_PROJECT_DIR": xlwings.pop("XLWINGS_PROJECT_DIR")}  # the folder serve checked
    return {k: v for k, v in xlwings.items() if k not in environ} | chosen | public


def _public_url(text: str) -> PublicUrl:
    from .server.public_url import parse

    return parse(text)
