"""The ASGI app `egov-xl serve` runs: xlwings Server's app, set up with this process's
settings, its static files contained, behind egov-xl's guards (guards.py). uvicorn calls
`create_app` once in each worker process."""

from __future__ import annotations

import anyio

from ..settings import Settings
from . import runtime
from .guards import Guard, contain_static, host_name
from .session import ClientSession


def create_app(settings: Settings | None = None):
    settings = settings or Settings.from_env()
    started = runtime.start(settings)
    started.archive()  # migrate once, before serving, never from request threads
    from xlwings_server import dependencies  # reads XLWINGS_* settings at import
    from xlwings_server.config import settings as xlwings_settings
    from xlwings_server.main import app, main_app
    from xlwings_server.routers import xlwings as routes

    from .. import web

    contain_static(app)
    console = settings.app_path + web.PATH  # under the public URL's prefix, like xlwings Server's routes
    if not any(getattr(route, "path", "") == console for route in app.router.routes):  # once per process
        app.include_router(web.router, prefix=settings.app_path)  # the receiving office's pages, same guard

    async def authenticate(headers: dict[str, str]) -> None:
        await dependencies.authenticate(token_string=headers.get("authorization", ""),
                                        auth_provider=headers.get("auth-provider"))

    refusals(app, console)
    guarded = Guard(ClientSession(main_app),  # which Excel client calls, for the function context
                    settings, authenticate=authenticate, scripts=routes.custom_scripts,
                    functions=routes.custom_functions, prefix=f"{xlwings_settings.app_path}/xlwings",
                    limiter=started.auth_failures,  # shared with the web console's login
                    hosts=served_names(settings, xlwings_settings.hostname), signed_in=web.signed_in_scope)
    return observed(app, guarded, settings, started.archive, console)


def refusals(app, console: str) -> None:
    """A 404 or 403 under the console is its page with a Vietnamese sentence (web.http_refusal);
    elsewhere (the add-in's routes) FastAPI's answer as before."""
    from fastapi.exception_handlers import http_exception_handler
    from starlette.exceptions import HTTPException

    from .. import web

    async def refused(request, exc: HTTPException):
        if exc.status_code in web.REFUSALS and request.url.path.startswith(console + "/"):
            return web.http_refusal(request, exc)
        return await http_exception_handler(request, exc)

    app.exception_handlers[HTTPException] = refused  # read when the middleware is built, like `failed` below


def observed(app, guarded, settings: Settings, archive, console: str):
    """Health, access and failure lines around everything (observe.py); a failure in a route is
    answered with a sentence and an id instead of xlwings Server's "An error occurred."."""
    from fastapi import Request
    from fastapi.exception_handlers import request_validation_exception_handler
    from fastapi.exceptions import RequestValidationError

    from .. import web
    from . import observe

    async def failed(request: Request, exc: Exception):
        return observe.failure_response(request.url.path, exc, console)

    async def invalid(request: Request, exc: RequestValidationError):
        if request.url.path.startswith(console):  # a page's sentence, not FastAPI's English list
            return await anyio.to_thread.run_sync(web.refused_input, request)
        return await request_validation_exception_handler(request, exc)

    app.exception_handlers[Exception] = failed  # read when the app's middleware is built, at its first request
    app.exception_handlers[RequestValidationError] = invalid
    return observe.Observed(guarded, settings.app_path, archive, console)


def served_names(settings: Settings, hostname: str | None) -> frozenset[str]:
    """The names a one-PC server answers to beside localhost and its own (guards.served_host)."""
    names = [*settings.hosts, *([hostname] if hostname else [])]
    return frozenset(host_name(name.split("://", 1)[-1].split("/", 1)[0]) for name in names)
