"""The first saves after a start on PostgreSQL, as the server's role: five fresh starts of
`egov-xl serve --workers 2`, each taking 80 concurrent `luu_ky_bao_cao` calls with a real form.
Every reply is its own clerk's confirmation; none is a 500 or a dropped connection (request
threads once parsed the migration files concurrently and CPython's `ast` failed now and then)."""

from __future__ import annotations

import psycopg
import pytest
from typer.testing import CliRunner

from egov_xl.archive.store import Archive
from egov_xl.cli import app
from egov_xl.core.periods import parse_period
from tests.addin_load import Clerks, run_clerks
from tests.live_server import live_server

PERIOD = "Q3/2025"
OWNER, APP = "egov_owner_first", "egov_app_first"
STARTS, SAVES = 5, 80


@pytest.fixture(scope="module")
def app_url(pg_cluster):
    with psycopg.connect(host=str(pg_cluster.base), port=pg_cluster.port, user="postgres", dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {OWNER} LOGIN CREATEROLE")
        name = pg_cluster.new_database()
        conn.execute(f"ALTER DATABASE {name} OWNER TO {OWNER}")
    owner_url = pg_cluster.url(name).replace("postgres@", f"{OWNER}@")
    done = CliRunner().invoke(app, ["archive", "init", "--url", owner_url, "--app-role", APP])
    assert done.exit_code == 0, done.output
    return pg_cluster.url(name).replace("postgres@", f"{APP}@")


@pytest.mark.parametrize("start", range(STARTS))
def test_fresh_start_takes_80_concurrent_first_saves(app_url, samples, start):
    clerks = Clerks(samples["bieu-mau-7-dung.xlsx"], PERIOD)
    units = [f"KD{start}-{n:03d}" for n in range(SAVES)]
    with live_server("--url", app_url, "--workers", "2") as base:
        replies = run_clerks(base, clerks, [("luu_ky_bao_cao", unit) for unit in units], concurrency=SAVES)
        log = base.log.read_text(errors="replace")
    label = parse_period(PERIOD).label
    assert len(replies) == SAVES
    assert [r.problem(label) for r in replies if r.problem(label)] == []
    assert sorted(r.unit for r in replies) == units
    assert "Traceback" not in log and "SystemError" not in log
    store = Archive(app_url)
    for unit in units:
        stored = store.get(unit, parse_period(PERIOD))
        assert stored is not None and stored.revision == 1, unit
