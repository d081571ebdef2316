"""Starting `egov-xl serve` on a free loopback port for a test or a benchmark, and stopping it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Base(str):
    """The server's base URL, carrying its process (for signal tests)."""

    process: subprocess.Popen


@contextmanager
def live_server(*args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run `egov-xl serve --http` with extra `args`; yields the base URL once it answers."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "egov_xl", "serve", "--http", "--port", str(port), *args],
                               env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    base = Base(f"http://127.0.0.1:{port}")
    base.process = process
    try:
        for _ in range(150):
            try:
                if httpx.get(base + "/", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            process.kill()
            raise RuntimeError("egov-xl serve did not start: " + (process.stdout.read() if process.stdout else ""))
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
