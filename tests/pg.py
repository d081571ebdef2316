"""A throwaway PostgreSQL cluster for the tests: initdb + pg_ctl, socket in a temporary folder.

initdb and pg_ctl refuse to run as root, so as root they run as the `postgres` user through
runuser. Under CI=true a missing PostgreSQL fails the run instead of skipping.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def _tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _as_postgres(args: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


def missing(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required under CI=true: {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}")


class Cluster:
    def __init__(self):
        initdb, pg_ctl = _tool("initdb"), _tool("pg_ctl")
        if not initdb or not pg_ctl:
            missing("initdb/pg_ctl not found")
        self.pg_ctl = pg_ctl
        self.base = Path(tempfile.mkdtemp(prefix="egov-pg-"))
        self.base.chmod(0o777)
        self.data = self.base / "data"
        self.port = 40000 + os.getpid() % 20000
        self.log = self.base / "server.log"
        subprocess.run(_as_postgres([initdb, "-D", str(self.data), "-A", "trust", "-U", "postgres",
                                     "-E", "UTF8", "--no-sync"]), check=True, capture_output=True)
        options = (f"-k {self.base} -p {self.port} -c listen_addresses='' -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        subprocess.run(_as_postgres([pg_ctl, "-D", str(self.data), "-o", options, "-l", str(self.log),
                                     "-w", "start"]), check=True, capture_output=True)
        self.options = options
        self.counter = 0

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.base}&port={self.port}"

    def new_database(self) -> str:
        import psycopg

        self.counter += 1
        name = f"egov_test_{self.counter}"
        with psycopg.connect(host=str(self.base), port=self.port, user="postgres", dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return name

    def restart(self) -> None:
        subprocess.run(_as_postgres([self.pg_ctl, "-D", str(self.data), "-m", "fast", "-l", str(self.log), "-w",
                                     "restart"]),
                       check=True, capture_output=True)

    def stop(self) -> None:
        subprocess.run(_as_postgres([self.pg_ctl, "-D", str(self.data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(self.base, ignore_errors=True)
