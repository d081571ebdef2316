"""Deadline day on a live `egov-xl serve --workers 2` with a PostgreSQL archive: many clerks'
Kiểm tra and archive calls at once. Each reply carries its own clerk's message and nothing
else; each submission is stored exactly once; SIGTERM with calls in flight ends the server
within seconds and leaves nothing half-stored."""

from __future__ import annotations

import signal
from collections import Counter
import threading
import time

import httpx
import pytest

from egov_xl.archive.periods import parse_period
from egov_xl.archive.store import Archive
from tests.addin_load import Clerks, run_clerks
from tests.live_server import live_server

PERIOD = "6T/2025"


@pytest.fixture(scope="module")
def pg_archive(pg_cluster):
    url = pg_cluster.url(pg_cluster.new_database())
    store = Archive(url)
    store.init()
    return url, store


def test_concurrent_clerks_each_get_their_own_reply(pg_archive, samples):
    url, store = pg_archive
    clerks = Clerks(samples["bieu-mau-7-dung.xlsx"], PERIOD)
    units = [f"DV-{n:03d}" for n in range(24)]
    calls = [(script, unit) for unit in units for script in ("kiem_tra", "luu_ky_bao_cao")]
    with live_server("--url", url, "--workers", "2") as base:
        replies = run_clerks(base, clerks, calls, concurrency=24)
    label = parse_period(PERIOD).label
    assert len(replies) == len(calls)
    assert [r.problem(label) for r in replies if r.problem(label)] == []
    for unit in units:
        stored = store.get(unit, parse_period(PERIOD))
        assert stored is not None and stored.revision == 1, unit
    assert store.count_submissions() == len(units)


def test_sigterm_with_calls_in_flight_exits_quickly_and_stores_whole_submissions(pg_cluster, samples):
    url = pg_cluster.url(pg_cluster.new_database())
    store = Archive(url)
    store.init()
    clerks = Clerks(samples["bieu-mau-7-dung.xlsx"], PERIOD)
    calls = [("luu_ky_bao_cao", f"TERM-{n:03d}") for n in range(400)]
    with live_server("--url", url, "--workers", "2") as base:
        process = base.process
        worker = threading.Thread(target=run_clerks, args=(base, clerks, calls, 16, 20), daemon=True)
        worker.start()
        time.sleep(3)
        start = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)
        took = time.monotonic() - start
    assert took < 8, f"the server took {took:.1f} s to exit after SIGTERM"
    with pytest.raises(httpx.HTTPError):
        httpx.get(base + "/", timeout=1)
    stored = store.count_submissions()
    assert 0 < stored < len(calls)
    values_per_unit = Counter(row["unit"] for row in store.export_rows())
    assert len(values_per_unit) == stored  # every stored submission has values ...
    assert len(set(values_per_unit.values())) == 1  # ... all of them: nothing half-stored
    assert {row["revision"] for row in store.export_rows()} == {1}
