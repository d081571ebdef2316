"""The typer application of `egov-xl` (imported by egov_xl/cli/__init__.py when a command runs
or a test asks for `app`): one thin module per command group, calling the flows."""

from __future__ import annotations

import sys

import typer

from . import archive, auth, coercion, forms, pipe, rules, stamp, templates, token
from .common import EXIT_ERRORS, EXIT_OK, EXIT_UNREADABLE, error
from .compare import compare_command
from .consolidate import consolidate_command
from .serve import serve
from .validate import validate

__all__ = ["EXIT_ERRORS", "EXIT_OK", "EXIT_UNREADABLE", "app", "main"]

coercion.install()  # option values without pydantic (see coercion.py)

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="egov-xl: kiểm tra Biểu mẫu 7 / Phụ lục VII (Chính quyền điện tử, Chính quyền số) trong tệp Excel.",
)


def _version(shown: bool) -> None:
    if shown:
        from .. import __version__

        typer.echo(f"egov-xl {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", is_eager=True, callback=_version,
                                       help="Phiên bản egov-xl.")) -> None:
    """egov-xl"""


app.command()(validate)
app.add_typer(forms.app, name="forms")
app.add_typer(archive.app, name="archive")
app.command("compare")(compare_command)
app.add_typer(templates.app, name="templates")
app.command("consolidate")(consolidate_command)
app.command("serve")(serve)
app.add_typer(token.app, name="token")
app.add_typer(rules.app, name="rules")
app.add_typer(stamp.app, name="stamp")
app.add_typer(auth.app, name="auth")


def main() -> None:
    """Entry point: never shows a traceback to a clerk; a closed standard output (a pipe into
    `head`) is no error (cli/pipe.py)."""
    pipe.install()
    try:
        app()
    except SystemExit:
        raise
    except BrokenPipeError:  # written past the wrapper (a library holding the raw stream)
        pipe.silence(sys.stdout)
        raise SystemExit(EXIT_OK) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception as exc:  # noqa: BLE001 - the last line of defence for a clerk's terminal
        error(f"Lỗi không mong đợi / Unexpected error: {type(exc).__name__}: {exc}")
        raise SystemExit(EXIT_UNREADABLE) from None
