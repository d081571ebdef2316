"""Benchmark: validating a large workbook, as a ratio to python-calamine reading the same file,
both as whole processes.

The workbook holds 50 sheets, each a filled form (both editions, seed and correct fillings
alternating), plus a 20,000-row sheet of other data, saved once by LibreOffice so that its
formulas carry their results as a workbook saved by Excel does (otherwise every run would
recalculate them, flows/recalculated.py). The floor is a process of its own in which
python-calamine reads every sheet of the same file into Python lists; `egov-xl validate` does
that read (in its reader process), then locates, matches and checks every form and prints the
findings. Rounds interleave the two; medians of wall and CPU time (user + system, from wait4,
reader processes included). Processes run with compiled bytecode, as an installed package does
(bench_cli.run and its environment). Also measured: validating one form once the package is
imported (reading the file included).

    .venv/bin/python bench/bench_validate.py [--repeat 21] [--json bench/results/validate.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import python_calamine
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from egov_xl.flows.check import validate_file  # noqa: E402
from egov_xl.template.recalc import recalculate  # noqa: E402
from tests.fixtures import renditions  # noqa: E402

FORMS = 50
DATA_ROWS = 20_000


def build_large(path: Path, with_results: bool = True) -> Path:
    """50 form sheets and one 20,000-row data sheet, written in one pass (write-only mode), then
    (`with_results`) saved again by LibreOffice with every formula's result."""
    seeds = [renditions.bm7_seed(), renditions.pl7_seed(), renditions.bm7_correct(), renditions.pl7_correct()]
    book = Workbook(write_only=True)
    rng = random.Random(7)
    data = book.create_sheet("Dữ liệu")
    data.append(["Ngày", "Đơn vị", "Thủ tục", "Mã hồ sơ", "Trực tuyến", "Số hồ sơ", "Tỷ lệ", "Ghi chú"])
    for i in range(DATA_ROWS):
        data.append([f"{1 + i % 28:02d}/03/2025", f"Xã {i % 97}", f"TTHC-{i % 413}", f"HS{i:07d}",
                     rng.random() < 0.6, rng.randint(1, 500), round(rng.random() * 100, 2),
                     "đã giải quyết" if i % 3 else ""])
    for index in range(FORMS):
        seed = seeds[index % len(seeds)]
        numeric = index % 4 >= 2
        renditions.append_form(book.create_sheet(f"Đơn vị {index + 1:02d}"), seed,
                               lambda text, numeric=numeric: renditions.typed_value(text, numeric)[0])
    if not with_results:
        book.save(path)
        return path
    written = path.with_name("written-" + path.name)
    book.save(written)
    return recalculate(written, path)


def floor_read(path: Path) -> None:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    book.close()


def timed(func, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    from bench import bench_cli  # whole processes, compiled bytecode

    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench_cli.ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        bench_cli.ENV["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        large = build_large(Path(tmp) / "large.xlsx")
        single = renditions.write_form(Path(tmp) / "one.xlsx", renditions.bm7_seed(), renditions.Layout())
        reports = validate_file(large)
        assert len(reports) == FORMS, len(reports)
        commands = {"floor": [bench_cli.PY, "-c", bench_cli.CALAMINE_READ, str(large)],
                    "validate": [bench_cli.EGOV, "validate", str(large)]}
        bench_cli.rounds(commands, 1)  # compile, and warm the file cache for both sides alike
        samples = bench_cli.rounds(commands, args.repeat)
        one_floor = timed(lambda: floor_read(single), 50)
        one = timed(lambda: validate_file(single), 50)
    wall = {name: statistics.median(s[0] for s in runs) for name, runs in samples.items()}
    cpu = {name: statistics.median(s[3] for s in runs) for name, runs in samples.items()}
    round_ratio, lower, upper = bench_cli.spread([v[0] / f[0] for v, f in zip(samples["validate"], samples["floor"])])
    result = {
        "large_floor_s": wall["floor"], "large_validate_s": wall["validate"],
        "large_ratio": wall["validate"] / wall["floor"],
        "large_round_ratio": round_ratio,
        "large_round_ratio_quartiles": [lower, upper],
        "large_floor_cpu_s": cpu["floor"], "large_validate_cpu_s": cpu["validate"],
        "large_cpu_ratio": cpu["validate"] / cpu["floor"],
        "one_form_ms": statistics.median(one) * 1000,
        "one_form_floor_ms": statistics.median(one_floor) * 1000,
        "forms": FORMS,
        "data_rows": DATA_ROWS,
        "findings": sum(len(r.findings) for r in reports),
        "load_average": os.getloadavg()[0],
    }
    print("| measure | today | aim |")
    print("|---|---|---|")
    print(f"| large workbook ({FORMS} forms + {DATA_ROWS:,} data rows), whole processes: egov-xl validate ÷ "
          f"calamine read | wall {result['large_ratio']:.2f} ({result['large_validate_s'] * 1000:.0f} ms ÷ "
          f"{result['large_floor_s'] * 1000:.0f} ms), CPU {result['large_cpu_ratio']:.2f} "
          f"({result['large_validate_cpu_s'] * 1000:.0f} ms ÷ {result['large_floor_cpu_s'] * 1000:.0f} ms); "
          f"each round's own ratio {result['large_round_ratio']:.2f} (quartiles "
          f"{result['large_round_ratio_quartiles'][0]:.2f}–{result['large_round_ratio_quartiles'][1]:.2f}) | ≤ 1.5 |")
    print(f"| one form, package imported (file read included) | {result['one_form_ms']:.1f} ms "
          f"(calamine read alone {result['one_form_floor_ms']:.1f} ms) | < 50 ms |")
    print(f"(load average {result['load_average']:.1f})")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
