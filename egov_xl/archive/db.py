"""Connecting to the archive: SQLite by default, PostgreSQL through the settings' archive URL.

One code path serves both. SQLite runs in WAL mode with foreign keys on, and write
transactions start with BEGIN IMMEDIATE so that concurrent writers queue (up to the busy
timeout) instead of failing half-way. Database errors become an ArchiveError whose key names
a catalogue sentence for the clerk.

`Database` is the one handle every repository works on (store.py's revisions, tree.py,
overview.py, units.py, function_state.py, auth_state.py): `read()` and `write()` connections
that check the schema once and translate failures once, and `fetch()` for a read retried on a
fresh connection when the server restarted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

from sqlalchemy import Engine, Table, create_engine, event, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from ..core.errors import UserError

T = TypeVar("T")
SQLITE_BUSY_MS = 30000  # how long a writer waits by default (Settings.sqlite_busy_ms)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD_REVISION = "0007"  # the newest file in migrations/versions (checked by tests/test_archive_head.py)


class ArchiveError(UserError):
    """A failure a clerk or an IT admin can act on; `key` names the catalogue sentence."""


def no_nul(value):
    """Text as both back-ends keep it: PostgreSQL's text and JSON hold no NUL (a CSV's cell, a
    reason typed with one), SQLite would; U+FFFD instead, before anything is sealed."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {no_nul(key): no_nul(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [no_nul(item) for item in value]
    return value


def safe_url(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a malformed URL is shown as given
        return url


def sqlite_files(url: str) -> list[Path]:
    """The files a SQLite archive at `url` lives in (the database, its rollback journal, WAL
    and shared memory), so that no output file is ever written over them; [] for a server."""
    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - a malformed URL names no file
        return []
    database = parsed.database if parsed.get_backend_name() == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        return []
    return [Path(database + suffix) for suffix in ("", "-journal", "-wal", "-shm")]


def make_engine(url: str, busy_ms: int = SQLITE_BUSY_MS, read_only: bool = False) -> Engine:
    """An engine for the archive at `url` (the settings' archive URL; no default is read here);
    `read_only` opens a SQLite file without ever writing it or beside it (archive verify)."""
    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001
        raise ArchiveError("archive_bad_url", url=url) from None
    if parsed.get_backend_name() == "sqlite":
        if read_only and parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
            return _sqlite_read_only(url, Path(parsed.database), busy_ms)
        return _sqlite_engine(url, parsed.database, busy_ms)
    if parsed.get_backend_name() == "postgresql":
        # No ping per checkout: a connection lost to a server restart is invalidated on first
        # use and the read is retried once (Database.fetch); writes say so and store nothing.
        _quiet_pipeline_echo()
        return create_engine(url, pool_recycle=1800, connect_args={"connect_timeout": 5})
    raise ArchiveError("archive_bad_url", url=safe_url(url))


def _sqlite_read_only(url: str, path: Path, busy_ms: int) -> Engine:
    """The file opened read-only (URI mode=ro): its bytes, its time and its journal mode stay as
    they are, and a missing file is not created. A file in WAL mode with no -wal beside it (a
    stopped archive, a plain copy) is also `immutable`: read-only, SQLite would still create its
    -wal and -shm (which nobody has open: the file holds everything there is)."""
    import sqlite3

    address = "file:" + quote(str(path.absolute())) + "?mode=ro"
    if not Path(f"{path}-wal").exists() and _in_wal_mode(path):
        address += "&immutable=1"
    engine = create_engine(url, creator=lambda: sqlite3.connect(address, uri=True, timeout=busy_ms / 1000,
                                                                check_same_thread=False))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("egov_snapshot", False):
            conn.exec_driver_sql("BEGIN")

    return engine


def _in_wal_mode(path: Path) -> bool:
    """The file's header says WAL (bytes 18 and 19 are 2: https://sqlite.org/fileformat.html)."""
    try:
        with path.open("rb") as file:
            header = file.read(20)
    except OSError:
        return False
    return header[18:20] == b"\x02\x02"


def _sqlite_engine(url: str, database: str | None, busy_ms: int) -> Engine:
    if database and database != ":memory:" and not database.startswith("file:"):
        try:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArchiveError("archive_unreachable", url=url, reason=exc.strerror or str(exc)) from None
    engine = create_engine(url, connect_args={"timeout": busy_ms / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
            try:
                cursor.execute("PRAGMA journal_mode=WAL")
            except Exception:  # noqa: BLE001 - a read-only file keeps its journal mode
                pass
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the write lock up front, so they queue instead of failing half-way.
        # Readers need no transaction: archived rows never change once written.
        # A reader that needs one consistent view (archive verify) asks for a snapshot.
        options = conn.get_execution_options()
        if options.get("egov_write", False):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif options.get("egov_snapshot", False):
            conn.exec_driver_sql("BEGIN")

    return engine


class _PipelineEcho(logging.Filter):
    """psycopg's own warning when a pipeline (an executemany) ends after the statement that
    already failed in it ("error ignored terminating <psycopg.Pipeline …>: pipeline aborted"):
    the failure itself is raised and becomes the clerk's sentence (translated); the echo is
    lowered to DEBUG, for a developer's log, so a terminal shows only that sentence."""

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith("error ignored terminating") and "Pipeline" in repr(record.args):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


_PIPELINE_ECHO = _PipelineEcho()


def _quiet_pipeline_echo() -> None:
    logging.getLogger("psycopg").addFilter(_PIPELINE_ECHO)  # once: addFilter keeps one of each


@contextmanager
def translated(url: str) -> Iterator[None]:
    """Turn database failures into an ArchiveError with a sentence a clerk can act on."""
    try:
        yield
    except ArchiveError:
        raise
    except OperationalError as exc:
        raise ArchiveError(_operational_key(exc), url=safe_url(url), reason=_first_line(exc)) from None
    except DBAPIError as exc:
        text = str(exc.orig).lower()
        key = "archive_read_only" if "read-only" in text or "readonly" in text else "archive_failed"
        if "append-only" in text:
            key = "archive_append_only"
        elif "permission denied" in text or "must be owner" in text:
            key = "archive_denied"
        raise ArchiveError(key, url=safe_url(url), reason=_first_line(exc)) from None
    except SQLAlchemyError as exc:
        raise ArchiveError("archive_failed", url=safe_url(url), reason=_first_line(exc)) from None


def _operational_key(exc: OperationalError) -> str:
    text = str(exc.orig).lower()
    if "locked" in text or "lock timeout" in text or "canceling statement due to lock" in text:
        return "archive_locked"
    if "readonly" in text or "read-only" in text:
        return "archive_read_only"
    if "no such table" in text:
        return "archive_not_initialised"
    return "archive_unreachable"


def _first_line(exc: Exception) -> str:
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0][:300]


def _alembic_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine) -> str:
    """Create or upgrade the schema to the newest migration; returns its revision id."""
    from alembic import command

    config = _alembic_config()
    with translated(str(engine.url)), engine.connect().execution_options(egov_write=True) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        conn.commit()
    return head_revision()


def head_revision() -> str:
    """The newest migration id. A constant, not read from the migration files at run time:
    request threads ask for it concurrently, and `ast.parse` is not thread-safe in CPython 3.11
    ("AST constructor recursion depth mismatch"). tests/test_archive_head.py checks it against
    alembic's own reading of the migration files, so a new migration without it fails the tests."""
    return HEAD_REVISION


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (alembic's version table), None before `init`."""
    with translated(str(engine.url)), engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


class Database:
    """The archive database: its engine, its schema check, and the connections repositories
    read and write through. Failures leave as an ArchiveError (`translated`), never as a
    driver's exception."""

    def __init__(self, url: str | None = None, engine: Engine | None = None, busy_ms: int = SQLITE_BUSY_MS,
                 read_only: bool = False):
        """The database at `url` (or on `engine`); the caller resolves the URL from its settings.
        `read_only`: a SQLite file is never written (make_engine)."""
        self.busy_ms = busy_ms
        self.engine = engine or make_engine(url, busy_ms, read_only)
        self.url = str(self.engine.url)
        self._writer = self.engine.execution_options(egov_write=True)
        # reads need no transaction (archived rows never change): nothing to roll back after
        self._reader = self.engine.execution_options(isolation_level="AUTOCOMMIT") \
            if self.engine.dialect.name == "postgresql" else self.engine
        self._ready = False

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def init(self) -> str:
        """Create or upgrade the schema; at the newest revision already, only check it (so a
        server whose role may not change the schema can call it)."""
        revision = head_revision()
        if current_revision(self.engine) != revision:
            revision = upgrade(self.engine)
        self._ready = True
        return revision

    def require_schema(self) -> None:
        """Refuse (archive_not_initialised) a database not at the newest migration; checked once."""
        if self._ready:
            return
        if current_revision(self.engine) != head_revision():
            raise ArchiveError("archive_not_initialised", url=self.url)
        self._ready = True

    def insert(self, table: Table):
        """INSERT … ON CONFLICT for `table`, in this database's dialect (the PostgreSQL dialect
        is imported only for a PostgreSQL database: ~20 ms)."""
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reading, outside any transaction (archived rows never change)."""
        self.require_schema()
        with translated(self.url), self._reader.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction for writing, committed when the block ends and rolled back on a failure;
        on SQLite it holds the write lock from its start (writers queue, see _sqlite_engine)."""
        self.require_schema()
        with translated(self.url), self._writer.begin() as conn:
            yield conn

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """A connection that sees one consistent state of the whole database (archive verify)."""
        self.require_schema()
        options = {"isolation_level": "REPEATABLE READ"} if self.dialect == "postgresql" else {"egov_snapshot": True}
        with translated(self.url), self.engine.connect().execution_options(**options) as conn:
            yield conn

    def fetch(self, work: Callable[[Connection], T]) -> T:
        """`work` on a read connection; when the connection turns out lost (a PostgreSQL server
        restarted since the pool opened it), once more on a fresh one."""
        self.require_schema()
        with translated(self.url):
            try:
                with self._reader.connect() as conn:
                    return work(conn)
            except DBAPIError as exc:
                if not exc.connection_invalidated:
                    raise
            with self._reader.connect() as conn:
                return work(conn)
