"""A closed standard output (`egov-xl … | head -4`) is the reader's choice, not an error: the
command finishes its work (files written, archive stored) and exits with its own code, the
rest of its output discarded. Installed once, at the entry point (cli.main).

As Python's documentation advises for SIGPIPE, the closed descriptor is replaced by devnull,
so the interpreter's last flush at exit does not fail either."""

from __future__ import annotations

import os
import sys
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
