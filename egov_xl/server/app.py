"""The ASGI app `egov-xl serve` runs: xlwings Server's app, set up with this process's
settings. uvicorn calls `create_app` once in each worker process."""

from __future__ import annotations

from ..settings import Settings
from . import runtime


def create_app():
    settings = Settings.from_env()
    runtime.start(settings).archive()  # migrate once, before serving, never from request threads
    from xlwings_server.main import app, main_app  # reads XLWINGS_* settings at import

    from .. import web

    if not any(getattr(route, "path", "") == web.PATH for route in app.router.routes):  # main_app wraps
        app.include_router(web.router)  # `app` (CORS) and serves what `app` routes
    return main_app
