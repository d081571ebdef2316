"""Benchmark: the receiving office's board (/bao-cao) over a generated province of 3,400 units
and three periods (tests/fixtures/big_province.py) in a SQLite archive: the server's time to
answer the first screen (p50 and p95 of the whole request in process, template included), and
its size, for the board as opened, filtered by a status, searched, and on a later page. "cold":
nothing kept (the first request after a start: every unit's cells built from the archive);
"new revision": a revision archived before each request (the revisions and reviews added since
are read, their units' rows built again); the others answer from the board kept for the
archive's state.
Aim: under 300 ms and under 200 KB.

    .venv/bin/python bench/bench_board.py [--units 3400] [--repeat 15]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from egov_xl.archive.store import Archive  # noqa: E402
from egov_xl.server import runtime  # noqa: E402
from egov_xl.settings import Settings  # noqa: E402
from egov_xl.web import board, router  # noqa: E402
from egov_xl.core.periods import parse_period  # noqa: E402
from tests.fixtures.big_province import ROOT as PROVINCE, load_province  # noqa: E402
from tests.fixtures.consolidation import bm7_values, put_values  # noqa: E402

LATE = parse_period("Q3/2026")  # a revision more for one unit of the last period

PAGES = {"cold": f"/bao-cao?don_vi={PROVINCE}", "new revision": f"/bao-cao?don_vi={PROVINCE}",
         "board": f"/bao-cao?don_vi={PROVINCE}", "not submitted": f"/bao-cao?don_vi={PROVINCE}&trang_thai=chua-nop",
         "search": f"/bao-cao?don_vi={PROVINCE}&tim=phuong", "page 20": f"/bao-cao?don_vi={PROVINCE}&trang=20",
         "one period": f"/bao-cao?don_vi={PROVINCE}&ky=2026-Q3"}


def measure(client: TestClient, path: str, repeat: int, before=None) -> tuple[float, float, int]:
    client.get(path)  # warm: templates compiled, archive opened
    times, size = [], 0
    for n in range(repeat):
        if before:
            before(n)
        start = time.perf_counter()
        answer = client.get(path)
        times.append(time.perf_counter() - start)
        assert answer.status_code == 200, answer.text[:500]
        size = len(answer.content)
    ordered = sorted(times)
    return statistics.median(ordered) * 1000, ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=3400)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'province.sqlite3'}"
        archive = Archive(url)
        archive.init()
        load_province(archive, args.units)
        settings = Settings.from_env({"EGOV_ARCHIVE_URL": url, "EGOV_WEB_SECRET": "bench"})
        app = FastAPI()
        app.include_router(router)
        runtime.start(settings)  # as the app factory does: one PC, no authentication, the same work per page
        client = TestClient(app)
        print(f"board over {args.units} units × 3 periods (SQLite), {args.repeat} requests each")
        for name, path in PAGES.items():
            before = {"cold": lambda n: board._BUILT.clear(),
                      "new revision": lambda n: put_values(archive, f"XA-{n + 2:04d}", LATE, bm7_values(20))}
            p50, p95, size = measure(client, path, args.repeat, before.get(name))
            print(f"  {name:14} p50 {p50:6.0f} ms   p95 {p95:6.0f} ms   {size / 1024:6.1f} KB")


if __name__ == "__main__":
    main()
