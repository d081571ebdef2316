"""The typer application of `egov-xl` (imported by egov_xl/cli/__init__.py when a command runs
or a test asks for `app`): one thin module per command group, calling the flows.

A process builds only the command it runs (`build(name)`: its module imported, its click
command made), under the same root as the whole application, so its options, help and errors
are those of `app`; anything else (`--help`, `--version`, no or an unknown command) runs the
whole application. tests/test_cli_commands.py compares both."""

from __future__ import annotations

import sys
from importlib import import_module

import typer

from ..core.errors import UserError
from . import coercion, pipe
from .common import EXIT_ERRORS, EXIT_OK, EXIT_UNREADABLE, error

__all__ = ["COMMANDS", "EXIT_ERRORS", "EXIT_OK", "EXIT_UNREADABLE", "app", "build", "main"]

coercion.install()  # option values without pydantic (see coercion.py)

# command name → (module, attribute, a group of commands?), in the order `--help` lists them
COMMANDS = {
    "validate": ("validate", "validate", False),
    "forms": ("forms", "app", True),
    "archive": ("archive", "app", True),
    "compare": ("compare", "compare_command", False),
    "templates": ("templates", "app", True),
    "consolidate": ("consolidate", "consolidate_command", False),
    "serve": ("serve", "serve", False),
    "token": ("token", "app", True),
    "rules": ("rules", "app", True),
    "stamp": ("stamp", "app", True),
    "auth": ("auth", "app", True),
}


def _version(shown: bool) -> None:
    if shown:
        from .. import __version__

        typer.echo(f"egov-xl {__version__}")
        raise typer.Exit()


def _root(version: bool = typer.Option(False, "--version", is_eager=True, callback=_version,
                                       help="Phiên bản egov-xl.")) -> None:
    """egov-xl"""


def build(only: str | None = None) -> typer.Typer:
    """The application with every command, or with the command `only` alone."""
    root = typer.Typer(
        add_completion=False,
        pretty_exceptions_enable=False,
        no_args_is_help=True,
        help="egov-xl: kiểm tra Biểu mẫu 7 / Phụ lục VII (Chính quyền điện tử, Chính quyền số) trong tệp Excel.",
    )
    root.callback()(_root)
    for name, (module, attribute, group) in COMMANDS.items():
        if only is None or name == only:
            command = getattr(import_module(f".{module}", __package__), attribute)
            if group:
                root.add_typer(command, name=name)
            else:
                root.command(name)(command)
    return root


def __getattr__(name: str):
    if name == "app":  # the whole application, built once when asked for
        globals()["app"] = built = build()
        return built
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Entry point: never shows a traceback to a clerk; a closed standard output (a pipe into
    `head`) is no error (cli/pipe.py)."""
    pipe.install()
    first = sys.argv[1] if len(sys.argv) > 1 else None
    try:
        build(first if first in COMMANDS else None)()
    except SystemExit:
        raise
    except BrokenPipeError:  # written past the wrapper (a library holding the raw stream)
        pipe.silence(sys.stdout)
        raise SystemExit(EXIT_OK) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except UserError as exc:  # a setting the environment gives wrong (the settings are read where needed)
        from .common import Lang, catalogue_for

        error(exc.render(catalogue_for(Lang.vi)))
        raise SystemExit(EXIT_UNREADABLE) from None
    except Exception as exc:  # noqa: BLE001 - the last line of defence for a clerk's terminal
        error(f"Lỗi không mong đợi / Unexpected error: {type(exc).__name__}: {exc}")
        raise SystemExit(EXIT_UNREADABLE) from None
