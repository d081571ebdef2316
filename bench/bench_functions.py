"""Benchmark: recalculating 500 cells of =EGOV.RATIO as Excel calls them, through xlwings
Server's own generated custom-functions code under Node (tests/js/recalc.mjs) against a live
`egov-xl serve --workers 2`. Three passes: first calculation, recalculation with the same
inputs, recalculation after every input changed. Reported with and without our batching
(addin/static/js/function-batch.js): time and count of HTTP requests. The floor is one
=EGOV.RATIO round trip (one cell) in the same run.

    .venv/bin/python bench/bench_functions.py [--cells 500] [--workers 2]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.addin_load import round_trips  # noqa: E402
from tests.live_server import live_server  # noqa: E402
from tests.node_recalc import recalc  # noqa: E402

def one_cell(base: str, count: int = 50) -> float:
    body = {"client": "Office.js", "func_name": "ratio", "args": [[[1]], [[4]]], "caller_address": "[B.xlsx]S!A1",
            "version": "0.37.8", "runtime": "1.4"}
    return statistics.median(round_trips(base, "/xlwings/custom-functions-call", body, count)) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("node") is None:
        raise SystemExit("Node.js is needed (xlwings Server's custom-functions code runs under it)")
    env = {"EGOV_ARCHIVE_URL": f"sqlite:///{Path(tempfile.mkdtemp()) / 'a.sqlite3'}"}
    with live_server("--workers", str(args.workers), env=env) as base:
        floor = one_cell(base)
        plain = recalc(base, args.cells, batch=False)
        batched = recalc(base, args.cells, batch=True)
    print(f"| {args.cells} cells of =EGOV.RATIO, {args.workers} workers, loopback | xlwings alone | batched | aim |")
    print("|---|---|---|---|")
    for key, label in (("cold", "first calculation"), ("again", "recalculation, same inputs"),
                       ("changed", "recalculation, every input changed")):
        print(f"| {label}: time / HTTP requests | {plain[key]['ms']:.0f} ms / {plain[key]['requests']} "
              f"| {batched[key]['ms']:.0f} ms / {batched[key]['requests']} | < 2 s |")
    print(f"| floor: one =EGOV.RATIO round trip (p50) | {floor:.1f} ms | | |")
    print(f"| batched, every input changed ÷ floor | | {batched['changed']['ms'] / floor:.1f} | |")


if __name__ == "__main__":
    main()
