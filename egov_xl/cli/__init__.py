"""The command line `egov-xl`: one thin module per command group, calling the flows.

`egov-xl validate FILE…` for batch work, `egov-xl forms` for definitions, `egov-xl archive`,
`compare`, `consolidate`, `templates`, `serve`, `token`, `auth`, `rules` and `stamp`. Each command
imports what it needs when it runs; the typer application is in commands.py, imported by `main`
(after `validate` has started reading its first file, early.py) or when `app` is asked for.

Exit codes of `validate`: 0 no errors, 1 errors found, 2 an input could not be read.
"""

from __future__ import annotations

import sys

__all__ = ["EXIT_ERRORS", "EXIT_OK", "EXIT_UNREADABLE", "app", "main"]


def main() -> None:
    """Entry point: `validate` starts its first file's reader process before typer and the
    engine are imported (early.py), then the command line runs (commands.main); `validate`
    ends as soon as its answer is out (ending.py). A standard stream the command was started
    without is /dev/null first (pipe.reopen_closed)."""
    from .pipe import reopen_closed

    reopen_closed()
    try:
        from .early import start_reading

        start_reading(sys.argv[1:])
        from .commands import main as run

        run()
        code: object = 0
    except KeyboardInterrupt:  # before commands.main says it (Ctrl-C while the command starts)
        code = 130
    except SystemExit as stop:
        code = stop.code
    if sys.argv[1:2] == ["validate"]:
        from .ending import end

        end(code)
    raise SystemExit(code)


def __getattr__(name: str):
    if name in {"app", "EXIT_ERRORS", "EXIT_OK", "EXIT_UNREADABLE"}:
        from . import commands

        return getattr(commands, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
