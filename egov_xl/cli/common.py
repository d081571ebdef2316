"""What every command shares: exit codes, the error printer, output consoles, options.

Only typer is imported here; rich, the engine and the archive are imported by the commands
that need them, so `egov-xl --help` and a batch `validate` start at once.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from ..core.messages import Catalogue

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


class Format(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"


class Lang(StrEnum):
    vi = "vi"
    en = "en"


@lru_cache(maxsize=1)
def out() -> Console:
    """Standard output for tables (rich, imported on first use)."""
    from rich.console import Console

    return Console(soft_wrap=False)


@lru_cache(maxsize=1)
def err() -> Console:
    from rich.console import Console

    return Console(stderr=True)


def error(text: object) -> None:
    """One line for the clerk on standard error, in red (a clerk's "[/]" is text, not markup)."""
    from rich.markup import escape

    err().print(f"[bold red]{escape(str(text))}[/]", highlight=False)


def note(text: object) -> None:
    """One plain line for the clerk on standard error."""
    err().print(text, highlight=False)


def catalogue_for(lang: Lang) -> Catalogue:
    from .. import definitions

    return definitions.catalogue(lang.value)


def fail(catalogue: Catalogue, key: str, code: int = EXIT_UNREADABLE, **params) -> typer.Exit:
    error(catalogue.text(key, **params))
    return typer.Exit(code)


UrlOption = Annotated[str | None, typer.Option("--url", envvar="EGOV_ARCHIVE_URL", show_envvar=True,
                                               help="Địa chỉ kho lưu trữ (mặc định: tệp SQLite trên máy).")]
UnitOption = Annotated[str, typer.Option("--unit", help="Mã đơn vị báo cáo.")]
PeriodOption = Annotated[str, typer.Option("--period", help="Kỳ báo cáo: Q1/2025, 6T/2025, Quý III năm 2025, Năm 2024…")]
LangOption = Annotated[Lang, typer.Option("--lang", help="Ngôn ngữ thông báo: vi hoặc en.")]


def period(text: str, catalogue: Catalogue):
    from ..core.periods import parse_period

    return archive_call(catalogue, parse_period, text)


def open_archive(url: str | None, catalogue: Catalogue, read_only: bool = False):
    """The archive at `url`, or the settings' archive (EGOV_ARCHIVE_URL, else the SQLite file in
    the user's data folder): the one place the command line resolves it. `read_only`: a SQLite
    file is opened without ever being written (archive verify of a backup)."""
    from ..archive.store import Archive
    from ..settings import Settings

    settings = Settings.from_env(archive_url=url)
    return archive_call(catalogue, Archive, settings.archive_url, busy_ms=settings.sqlite_busy_ms, read_only=read_only)


def archive_call(catalogue: Catalogue, func, *args, **kwargs):
    """Run an archive or file operation; a UserError it raises becomes one Vietnamese sentence
    (the one place the CLI renders them; exit code 2)."""
    from ..core.errors import UserError

    try:
        return func(*args, **kwargs)
    except UserError as exc:
        error(exc.render(catalogue))
        raise typer.Exit(EXIT_UNREADABLE) from None


def write_output(catalogue: Catalogue, target, write, inputs=()):
    """Run `write()` that makes the output file `target` and return its result; its failures
    (the target is an input — any of the command's `inputs`, not only the file it copies —,
    an unreadable input, a write refused) become one sentence and None."""
    from ..core.errors import UserError
    from ..output.files import SameFileError, same_file

    try:
        if any(same_file(source, target) for source in inputs):
            raise SameFileError(str(target))
        return write()
    except SameFileError:
        error(catalogue.text("annotate_same", out=target))
    except UserError as exc:
        error(exc.render(catalogue))
    except OSError as exc:
        error(catalogue.text("write_failed", out=target, reason=exc.strerror or exc))
    return None
