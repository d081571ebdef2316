"""Benchmark: one dot chart of the consolidation page (web/charts.distribution_chart) over a
country of 3,400 units with two outliers, every unit drawn against at most charts.MAX_DOTS of
the others (quantiles by rank) plus the outliers: p50 of the render time and the size of the
data URL the page carries (the page holds up to consolidation.MAX_CHARTS such charts).

    .venv/bin/python bench/bench_distribution.py [--units 3400] [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from egov_xl.web import charts  # noqa: E402

NAMES = ("Đơn vị", "Cần xem lại", "Trung vị")


def measure(values: dict[str, Decimal], marked: set[str], limit: int | None, repeat: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        size = len(charts.distribution_chart(values, marked, "4.2", NAMES, limit=limit))
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=3400)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    values = {f"XA-{i:04d}": Decimal(50 + i % 40) + Decimal(i) / 10000 for i in range(args.units)}
    values["XA-0007"] = Decimal(1)
    marked = {"XA-0007", "XA-0008"}
    for label, limit in (("every unit", None), (f"quantiles ({charts.MAX_DOTS})", charts.MAX_DOTS)):
        ms, size = measure(values, marked, limit, args.repeat)
        print(f"{label:>16}: {ms:7.1f} ms p50, {size / 1024:7.1f} KB data URL")


if __name__ == "__main__":
    main()
