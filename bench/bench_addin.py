"""Benchmark: the Kiểm tra round trip over HTTP on a live server (`egov-xl serve`, loopback).

A filled Biểu mẫu 7 (the seed rendition, with its 17 findings) is posted as Excel posts it;
the floor is xlwings Server's own trivial script (hello_world) on the same server, same run,
posted alternately with Kiểm tra.
Then 20 concurrent clerks (threads, each posting Kiểm tra in a loop) for the p95 under load.

    .venv/bin/python bench/bench_addin.py [--requests 100] [--clerks 20] [--workers 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.excel_bridge import details_from_xlsx, payload_from_xlsx  # noqa: E402
from tests.fixtures import renditions  # noqa: E402
from tests.live_server import live_server  # noqa: E402


def percentiles(samples):
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--clerks", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="egov-bench-"))
    form = renditions.write_form(tmp / "bm7.xlsx", renditions.bm7_seed(), renditions.Layout(sheet="Biểu mẫu 7"))
    payload, _ = payload_from_xlsx(form, [details_from_xlsx(form), "silent", "vi"])
    trivial, _ = payload_from_xlsx(form)
    env = {"EGOV_ARCHIVE_URL": f"sqlite:///{tmp / 'a.sqlite3'}"}
    with live_server("--workers", str(args.workers), env=env) as base:
        with httpx.Client(base_url=base, timeout=30) as client:

            def post(name, body):
                start = time.perf_counter()
                response = client.post(f"/xlwings/custom-scripts-call/{name}", json=body)
                assert response.status_code == 200, response.text
                return time.perf_counter() - start

            for _ in range(10):
                post("kiem_tra", payload), post("hello_world", trivial)
            # alternately, so that both see the same machine (its load comes and goes)
            ours, floor = [], []
            for _ in range(args.requests):
                ours.append(post("kiem_tra", payload))
                floor.append(post("hello_world", trivial))

        def clerk(_):
            with httpx.Client(base_url=base, timeout=60) as own:
                times = []
                for _ in range(args.rounds):
                    start = time.perf_counter()
                    assert own.post("/xlwings/custom-scripts-call/kiem_tra", json=payload).status_code == 200
                    times.append(time.perf_counter() - start)
                return times

        with ThreadPoolExecutor(args.clerks) as pool:
            loaded = [t for times in pool.map(clerk, range(args.clerks)) for t in times]
    ours50, ours95 = percentiles(ours)
    floor50, floor95 = percentiles(floor)
    load50, load95 = percentiles(loaded)
    print("| measure | today | aim |\n|---|---|---|")
    print(f"| Kiểm tra round trip, filled Biểu mẫu 7, p50 / p95 | {ours50:.1f} / {ours95:.1f} ms | |")
    print(f"| xlwings Server trivial script (floor), p50 / p95 | {floor50:.1f} / {floor95:.1f} ms | |")
    print(f"| Kiểm tra ÷ trivial script (p50) | {ours50 / floor50:.2f} | ≤ 2 |")
    print(f"| {args.clerks} concurrent clerks × {args.rounds} Kiểm tra, {args.workers} workers: p50 / p95 "
          f"| {load50:.0f} / {load95:.0f} ms | p95 < 300 ms |")


if __name__ == "__main__":
    main()
