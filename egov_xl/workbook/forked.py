"""A command's first file read by a reader forked in its first milliseconds.

`egov-xl validate FILE` forks the reader of its first file before it imports anything else
(cli/early.py): the reader imports what reading needs, and reads, while the command imports
typer, the engine and the definitions on the other core. It is a reader as any other
(workbook/isolated.py `serve_once`: its own address-space limit, the time limit, its output
nowhere; an abort or a panic is the file's sentence), for that one file: it sends its parts
down a pipe and ends. Where a process cannot fork (Windows) or already runs threads, nothing is
forked here, and the command starts a reader of the pool instead.

This module imports nothing but the standard library's os, so that the fork comes first.
"""

from __future__ import annotations

import os

PIPE_BYTES = 1024 * 1024  # a whole workbook's parts: a reader never waits for a command still importing


def fork(path: str) -> tuple[int, int] | None:
    """(the reader's pid, the read end of its pipe), or None where nothing may be forked."""
    import threading

    if not hasattr(os, "fork") or threading.active_count() != 1:
        return None
    read, write = os.pipe()
    widen(write)
    pid = os.fork()
    if pid == 0:  # the reader: it never returns
        os.close(read)
        _serve(write, path)
    os.close(write)
    return pid, read


def _serve(write: int, path: str) -> None:
    try:
        from .isolated import serve_once

        serve_once(write, path)
    finally:
        os._exit(0)


def widen(fd: int) -> None:
    """Let a pipe hold PIPE_BYTES (Linux's most for a user; the default 64 KiB), so that a
    reader streaming its sheets does not wait for a caller that is still importing. Elsewhere
    the reader waits, which costs time, never an answer."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError, ValueError):
        pass


def end(pid: int) -> None:
    """The forked reader stopped (if it has not ended) and reaped."""
    try:
        os.kill(pid, 9)  # SIGKILL: where os.fork is, so is the signal
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
