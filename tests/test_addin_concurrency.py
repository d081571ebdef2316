"""Deadline day on a live `egov-xl serve --workers 2` with a PostgreSQL archive: many clerks'
Kiểm tra and archive calls at once. Each reply carries its own clerk's message and nothing
else; each submission is stored exactly once; SIGTERM with calls in flight ends the server
within seconds and leaves nothing half-stored."""

from __future__ import annotations

import itertools
import signal
from collections import Counter
import threading
import time

import httpx
import pytest

from egov_xl.core.periods import parse_period
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
        replies = itertools.count(1)
        under_way = threading.Event()  # signalled after 20 replies: by progress, not by the clock

        def on_reply(_reply) -> None:
            if next(replies) >= 20:
                under_way.set()

        worker = threading.Thread(target=run_clerks, args=(base, clerks, calls, 16, 20, on_reply), daemon=True)
        worker.start()
        assert under_way.wait(60)
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


def test_scripts_keep_no_request_in_xlwings_process_wide_read_cache(samples):
    """xlwings' remote Range reads go through one unbounded lru_cache keyed by the whole sheet:
    our scripts read the payload instead, so a day of distinct workbooks is not kept in memory."""
    from fastapi.testclient import TestClient
    from xlwings.pro._xlremote import get_range_api

    from tests.excel_bridge import details_from_xlsx, payload_from_xlsx
    from xlwings_server.main import main_app

    client = TestClient(main_app)
    path = samples["bieu-mau-7-seed.xlsx"]
    get_range_api.cache_clear()
    for script, extra in (("kiem_tra", []), ("dat_don_vi_ky", ["DV-CACHE", PERIOD]),
                          ("luu_ky_bao_cao", ["DV-CACHE", PERIOD, "lý do"]),
                          ("lam_moi_so_sanh", ["DV-CACHE", "Năm 2025"])):
        payload, _ = payload_from_xlsx(path, [details_from_xlsx(path), "alert", "vi", *extra])
        assert client.post(f"/xlwings/custom-scripts-call/{script}", json=payload).status_code == 200
    assert get_range_api.cache_info().currsize == 0
