"""`egov-xl validate FILE…` starts reading its first file before typer, the engine and the
definitions are imported: the reader process reads while this process imports them
(egov_xl/workbook/read.py `start_early`; the command's own read of that file takes it). The
reader process itself is started first of all (isolated.prestart), once the modules both
processes use are imported (the settings that give its limits, the reading functions): it
imports its readers while this process reads the settings.

Only the command line's shape is looked at here; anything this does not recognise (`--help`,
an unknown option, a bad setting) starts nothing, and the command says what is wrong as usual.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

# what a reader process imports to read an .xlsx, while it waits for its first file
WARM = ("egov_xl.workbook.read", "egov_xl.workbook.limits", "egov_xl.sources.calamine_book",
        "egov_xl.core.legacy_text", "egov_xl.workbook.xlsx_details")

# what the command imports too (its engine, the add-in's grids), imported before the reader is
# started so that it inherits them: one import instead of one in each process
SHARED = ("egov_xl.core.legacy_text", "egov_xl.core.row_hints")

# validate's options that take a value (cli/validate.py; tests/test_cli_early.py keeps them equal)
VALUE_OPTIONS = frozenset({"--form", "--format", "--annotate", "--lang", "--stamp"})


def start_reading(args: list[str]) -> None:
    """`args` are the command line's arguments after the program name."""
    if not args or args[0] != "validate":
        return
    path = first_file(args[1:])
    if path is None or not os.path.isfile(path):
        return
    try:
        from ..sources.formats import format_of

        if format_of(Path(path)) is None:
            return
        # what both processes need is imported once, before the reader is started: its task
        # (the limits) is then sent as soon as it is started, while it imports the readers
        from ..settings import Settings
        from ..workbook import isolated
        from ..workbook.read import start_early

        for module in SHARED:
            importlib.import_module(module)
        isolated.prestart(WARM)
        start_early(path, Settings.from_env().limits)
    except Exception:  # noqa: BLE001 - the command itself reads the file and says what is wrong
        return


def first_file(args: list[str]) -> str | None:
    """The first FILE argument of `validate`, or None when the arguments hold anything else
    before it (an option this does not know, `--help`, `--`)."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in VALUE_OPTIONS:
            skip = True
        elif arg.startswith("-"):
            if arg.partition("=")[0] not in VALUE_OPTIONS:
                return None
        else:
            return arg
    return None
