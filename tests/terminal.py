"""Running a command in a pseudo-terminal, as an admin at a console: it is the command's
controlling terminal (getpass reads /dev/tty), read all along (a full pty would block it)."""

from __future__ import annotations

import fcntl
import os
import pty
import subprocess
import termios
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class Console:
    def __init__(self, process: subprocess.Popen, master: int):
        self.process, self.master = process, master
        self.seen = bytearray()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                return
            if not chunk:
                return
            self.seen.extend(chunk)

    def text(self) -> str:
        return bytes(self.seen).decode(errors="replace")

    def wait_for(self, prompt: str, timeout: float = 60, start: int = 0) -> int:
        """Where `prompt` appears in the output after `start` (AssertionError after `timeout`)."""
        deadline = time.monotonic() + timeout
        while (at := bytes(self.seen).find(prompt.encode(), start)) < 0:
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"no {prompt!r} in: {self.text()}")
            time.sleep(0.05)
        return at

    def answer(self, prompt: str, line: str) -> None:
        """Wait for a new `prompt`, then type `line` and Enter."""
        self.wait_for(prompt, start=getattr(self, "_answered", 0))
        self._answered = len(self.seen)
        time.sleep(0.2)  # the prompt is written before the line is read
        os.write(self.master, (line + "\n").encode())


@contextmanager
def terminal(command: list[str], env: dict[str, str]) -> Iterator[Console]:
    master, slave = pty.openpty()
    process = subprocess.Popen(command, env=env, stdin=slave, stdout=slave, stderr=slave, close_fds=True,
                               start_new_session=True,
                               preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
    os.close(slave)
    try:
        yield Console(process, master)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        os.close(master)
