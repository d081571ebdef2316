"""What one server process holds: its settings, read once, and its archive, opened and
migrated once under a lock before the first request needs it.

The app factory (`egov_xl.server.app.create_app`) calls `start(settings)`; scripts, functions
and the auth provider call `current()`. A process that imports the add-in without the factory
(a test through xlwings Server's own app) gets the settings of its environment, read once.
"""

from __future__ import annotations

import gc
from threading import Lock

from ..archive.store import Archive
from ..settings import Settings

_lock = Lock()
_current: Runtime | None = None


class Runtime:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._archive: Archive | None = None
        self._archive_lock = Lock()
        from .auth_state import FailureLimiter

        # wrong tokens per client and token, counted in the archive: add-in and web login, every worker
        self.auth_failures = FailureLimiter(self.archive, settings.limits.auth_max_failures,
                                            settings.limits.auth_failure_window_s,
                                            per_address=settings.limits.auth_max_failures_per_address,
                                            lang=settings.lang)

    def archive(self) -> Archive:
        """The archive this server writes to; on SQLite the file is created on first use (one
        PC); a shared PostgreSQL archive is created by `egov-xl archive init`."""
        with self._archive_lock:
            if self._archive is None:
                store = Archive(self.settings.archive_url, busy_ms=self.settings.sqlite_busy_ms)
                if store.dialect == "sqlite":
                    store.init()
                self._archive = store
            return self._archive


def start(settings: Settings) -> Runtime:
    global _current
    with _lock:
        _current = Runtime(settings)
    _warm()
    return _current


def _warm() -> None:
    """Load the form definitions, rules and catalogues before the first request, so a fresh
    worker's first concurrent calls do not each parse them (they are read-only afterwards)."""
    from .. import definitions

    definitions.editions(), definitions.rulebook(), definitions.mappings(), definitions.rules_version()
    for lang in ("vi", "en"):
        definitions.catalogue(lang)
    # what is loaded by now (modules, definitions, the app) lives as long as the process: kept out
    # of the collector's full passes, which otherwise rescan it all while a large board is built
    # (the cold 3,400-unit board: about half its time; docs/benchmarks.md)
    gc.collect()
    gc.freeze()


def current() -> Runtime:
    global _current
    with _lock:
        if _current is None:
            _current = Runtime(Settings.from_env())
        return _current
