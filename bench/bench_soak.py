"""Benchmark: deadline day. N distinct units archive a filled Biểu mẫu 7 through the add-in path
(the body Excel posts to `luu_ky_bao_cao`) with 20 concurrent clients, on `egov-xl serve
--workers 2` and a throwaway PostgreSQL cluster (or a SQLite file). Checks every submission stored exactly once
and every reply its own; reports wall time, throughput, p50/p95, and the p50 as a ratio to
xlwings Server's trivial script (hello_world) measured on the same server in the same run.

    .venv/bin/python bench/bench_soak.py [--units 3400] [--clients 20] [--workers 2] [--archive sqlite]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from egov_xl.core.periods import parse_period  # noqa: E402
from egov_xl.archive.store import Archive  # noqa: E402
from tests.addin_load import Clerks, round_trips, run_clerks  # noqa: E402
from tests.excel_bridge import payload_from_xlsx  # noqa: E402
from tests.fixtures import renditions  # noqa: E402
from tests.live_server import live_server  # noqa: E402
from tests.pg import Cluster  # noqa: E402

PERIOD = "6T/2025"


def ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000


def floor(base: str, body: dict, count: int = 100) -> list[float]:
    return round_trips(base, "/xlwings/custom-scripts-call/hello_world", body, count)


def progress(done: list, total: int, stop: threading.Event) -> None:
    start = time.monotonic()
    while not stop.wait(10):
        print(f"  {time.monotonic() - start:5.0f} s: {len(done)}/{total} replies", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=3400)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--archive", choices=["postgresql", "sqlite"], default="postgresql")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="egov-soak-"))
    form = renditions.write_form(tmp / "bm7.xlsx", renditions.bm7_seed(), renditions.Layout(sheet="Biểu mẫu 7"))
    samples = {path.name: path for path in renditions.write_samples(tmp)}
    clerks = Clerks(samples["bieu-mau-7-dung.xlsx"], PERIOD)
    trivial, _ = payload_from_xlsx(form)
    cluster = Cluster() if args.archive == "postgresql" else None
    try:
        url = cluster.url(cluster.new_database()) if cluster else f"sqlite:///{tmp / 'archive.sqlite3'}"
        store = Archive(url)
        store.init()
        units = [f"DV-{n:05d}" for n in range(args.units)]
        with live_server("--url", url, "--workers", str(args.workers)) as base:
            floor(base, trivial, 20)  # warm both workers
            floor_times = floor(base, trivial)
            stop = threading.Event()
            done: list = []
            threading.Thread(target=progress, args=(done, len(units), stop), daemon=True).start()
            start = time.perf_counter()
            replies = run_clerks(base, clerks, [("luu_ky_bao_cao", u) for u in units], args.clients,
                                 on_reply=done.append)
            wall = time.perf_counter() - start
            stop.set()
        label = parse_period(PERIOD).label
        problems = [p for p in (r.problem(label) for r in replies) if p]
        stored = store.count_submissions()
        missing = [u for u in units[:: max(1, len(units) // 200)] if store.get(u, parse_period(PERIOD)) is None]
    finally:
        if cluster:
            cluster.stop()
    p50, p95 = ms([r.seconds for r in replies])
    f50, f95 = ms(floor_times)
    print(f"| measure ({args.units} units, {args.clients} clients, {args.workers} workers, {args.archive}) "
          "| today | aim |\n|---|---|---|")
    print(f"| wall time | {wall:.1f} s ({args.units / wall:.0f} submissions/s) | < 120 s for 3,400 (~30/s) |")
    print(f"| archive round trip p50 / p95 | {p50:.0f} / {p95:.0f} ms | |")
    print(f"| xlwings Server trivial script (floor) p50 / p95 | {f50:.1f} / {f95:.1f} ms | |")
    print(f"| archive p50 ÷ floor p50 | {p50 / f50:.1f} | |")
    print(f"| stored / expected | {stored} / {args.units} | equal |")
    print(f"| replies not exactly their own | {len(problems)} | 0 |")
    for problem in problems[:10]:
        print("  ", problem)
    if problems or stored != args.units or missing:
        sys.exit(1)


if __name__ == "__main__":
    main()
