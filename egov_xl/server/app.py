"""The ASGI app `egov-xl serve` runs: xlwings Server's app, set up with this process's
settings. uvicorn calls `create_app` once in each worker process."""

from __future__ import annotations

from ..settings import Settings
from . import runtime
from .session import ClientSession


def create_app():
    settings = Settings.from_env()
    runtime.start(settings).archive()  # migrate once, before serving, never from request threads
    from xlwings_server.main import main_app  # reads XLWINGS_* settings at import

    return ClientSession(main_app)  # which Excel client calls, for the function context
