"""`egov-xl validate` ends as soon as its answer is out.

The interpreter's teardown frees every object one by one (≈ 30 ms after a 50-form workbook,
as much as a tenth of the whole command); by then the command has written what it writes (its
answer, an annotated copy, a stamp: each file closed), its readers end when its pipes close
(workbook/isolated.py), and the exit handlers have run: what is left to free is memory the
system takes back at once (os._exit)."""

from __future__ import annotations

import atexit
import os
import sys
from typing import NoReturn


def end(code: object) -> NoReturn:
    """Exit with what `SystemExit(code)` would: None is 0, a number itself, any other value
    printed to standard error and 1."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()  # noqa: SLF001 - what the interpreter runs at exit (readers stopped, logs flushed)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed stream: nothing more can reach it
            pass
    os._exit(status)
