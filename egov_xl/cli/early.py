"""`egov-xl validate FILE…` starts reading its first file before typer, the engine and the
definitions are imported: the reader process reads while this process imports them (the
command's own read of that file takes it, egov_xl/workbook/read.py `adopt_early`). The reader
is forked first of all, before this process imports anything (workbook/forked.py): each process
imports what it needs on a core of its own. Where nothing may be forked (Windows), a pool's
reader is started instead (isolated.prestart), once the modules both processes use are imported
(the settings that give its limits, the reading functions), and given the file
(`start_early`).

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
    from ..workbook import forked

    reader = forked.fork(path)  # first of all: it imports and reads while this process imports
    try:
        from ..sources.formats import format_of

        if format_of(Path(path)) is None:
            raise LookupError(path)  # the command says what the file is not
        from ..settings import Settings
        from ..workbook.read import adopt_early, start_early

        if reader is not None:
            adopt_early(path, Settings.from_env().limits, *reader)
            return
        # no fork here: what both processes need is imported once, before a pool's reader is
        # started, so that its task (the limits) is sent as soon as it is started
        from ..workbook import isolated

        for module in SHARED:
            importlib.import_module(module)
        isolated.prestart(WARM)
        start_early(path, Settings.from_env().limits)
    except BaseException as exc:  # noqa: BLE001 - the command itself reads the file and says what is wrong
        if reader is not None:  # not adopted: nobody would stop it
            os.close(reader[1])
            forked.end(reader[0])
        if not isinstance(exc, Exception):  # Ctrl-C, an exit: after the reader is stopped
            raise


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
