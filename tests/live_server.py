"""Starting `egov-xl serve` on a free loopback port for a test or a benchmark, and stopping it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Base(str):
    """The server's base URL, carrying its process (for signal tests) and its output file."""

    process: subprocess.Popen
    log: Path


@contextmanager
def live_server(*args: str, env: dict[str, str] | None = None, ready: str = "/") -> Iterator[str]:
    """Run `egov-xl serve --http` with extra `args`; yields the base URL once `ready` answers."""
    with live_process(*args, env=env, ready=ready) as (base, _):
        yield base


@contextmanager
def live_process(*args: str, env: dict[str, str] | None = None, ready: str = "/",
                 command: tuple[str, ...] = (sys.executable, "-m", "egov_xl"),
                 inherit: bool = True) -> Iterator[tuple[str, subprocess.Popen]]:
    """`live_server`, also yielding the server process (one worker: the process that serves);
    `command` is how egov-xl is started (an installed `egov-xl` script, for the bundle's test),
    `inherit=False` starts it with `env` alone, not this process's environment."""
    port = free_port()
    # Output to a file, never a pipe nobody reads: once a pipe's 64 KiB fill, every write the
    # server makes blocks, and so does the server.
    log = Path(tempfile.mkdtemp(prefix="egov-serve-")) / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen([*command, "serve", "--http", "--port", str(port),
                                    *args], env={**(os.environ if inherit else {}), **(env or {})}, stdout=out, stderr=subprocess.STDOUT)
    base = Base(f"http://127.0.0.1:{port}")
    base.process, base.log = process, log
    try:
        for _ in range(150):
            try:
                if httpx.get(base + ready, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            process.kill()
            raise RuntimeError("egov-xl serve did not start: " + log.read_text(errors="replace"))
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise


def while_answered(base: str, page: str, heavy, settle_s: float, timeout: float = 60):
    """`heavy()` (a request a clerk sends) run in a thread; meanwhile, from `settle_s` after it
    was sent, another clerk, already connected, GETs `page` again and again, as a clerk with the
    page open would. (what `heavy` answered, its seconds, the other clerk's latencies)."""
    import threading

    done: dict[str, object] = {}

    def send() -> None:
        start = time.monotonic()
        done["answer"] = heavy()
        done["seconds"] = time.monotonic() - start

    worker = threading.Thread(target=send)
    latencies = []
    with httpx.Client(base_url=base, timeout=timeout) as other:
        other.get(page)
        worker.start()
        time.sleep(settle_s)
        while worker.is_alive():
            start = time.monotonic()
            assert other.get(page).status_code == 200
            latencies.append(time.monotonic() - start)
            time.sleep(0.05)
    worker.join()
    return done["answer"], done["seconds"], latencies
