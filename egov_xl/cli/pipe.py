"""A closed standard output (`egov-xl … | head -4`) is the reader's choice, not an error: the
command finishes its work (files written, archive stored) and exits with its own code, the
rest of its output discarded. Installed once, at the entry point (cli.main).

As Python's documentation advises for SIGPIPE, the closed descriptor is replaced by devnull,
so the interpreter's last flush at exit does not fail either."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing in a reader's first milliseconds
if TYPE_CHECKING:
    from typing import TextIO


class QuietPipe:
    """Standard output that, once its reader has gone, writes to devnull."""

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            silence(self._stream)
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            silence(self._stream)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def silence(stream: TextIO) -> None:
    """Point the stream's descriptor at devnull (what was buffered for the closed pipe is dropped)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, stream.fileno())
    os.close(devnull)


def install() -> None:
    if not isinstance(sys.stdout, QuietPipe):
        sys.stdout = QuietPipe(sys.stdout)


def reopen_closed() -> None:
    """A command started with a standard stream closed (`egov-xl … <&- 2>&-`) gets /dev/null
    there, first of all: no pipe or file it opens then takes that number (a reader process
    would send its answers where it sends its error output, to /dev/null), and what it prints
    there goes nowhere instead of failing."""
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        try:
            os.fstat(fd)
        except OSError:
            opened = os.open(os.devnull, os.O_RDONLY if fd == 0 else os.O_WRONLY)
            if opened != fd:
                os.dup2(opened, fd)
                os.close(opened)
        if getattr(sys, name) is None:  # the interpreter found it closed at start
            setattr(sys, name, open(os.devnull, "r" if fd == 0 else "w", encoding="utf-8"))
