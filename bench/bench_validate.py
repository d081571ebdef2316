"""Benchmark: validating a large workbook, as a ratio to python-calamine reading the same file.

The workbook holds 50 sheets, each a filled form (both editions, seed and correct fillings
alternating), plus a 20,000-row sheet of other data. The floor is python-calamine reading
every sheet of the same file into Python lists, in the same run; egov-xl does that read and
then locates, matches and checks every form. Also measured: validating one form once the
package is imported (reading the file included).

    .venv/bin/python bench/bench_validate.py [--repeat 7] [--json bench/results/validate.json]
"""

from __future__ import annotations

import argparse
import json
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
from tests.fixtures import renditions  # noqa: E402

FORMS = 50
DATA_ROWS = 20_000


def build_large(path: Path) -> Path:
    """50 form sheets and one 20,000-row data sheet, written in one pass (write-only mode)."""
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
        sheet = book.create_sheet(f"Đơn vị {index + 1:02d}")
        for line in seed.title:
            sheet.append([None, line])
        sheet.append([])
        sheet.append(["STT", "Chỉ tiêu thống kê", "Kết quả thống kê", None, "Ghi chú"])
        sheet.append([None, None, "Đơn vị tính", "Số liệu", None])
        numeric = index % 4 >= 2
        for row in seed.rows:
            value, _ = renditions.typed_value(row.value, numeric)
            sheet.append([row.code or None, row.label or None, row.unit or None, value, row.note or None])
    book.save(path)
    return path


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
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        large = build_large(Path(tmp) / "large.xlsx")
        single = renditions.write_form(Path(tmp) / "one.xlsx", renditions.bm7_seed(), renditions.Layout())
        reports = validate_file(large)
        assert len(reports) == FORMS, len(reports)
        floor_read(large)  # warm the file cache for both sides alike
        floor = timed(lambda: floor_read(large), args.repeat)
        ours = timed(lambda: validate_file(large), args.repeat)
        one_floor = timed(lambda: floor_read(single), 50)
        one = timed(lambda: validate_file(single), 50)
    result = {
        "large_floor_s": statistics.median(floor),
        "large_validate_s": statistics.median(ours),
        "large_ratio": statistics.median(ours) / statistics.median(floor),
        "one_form_ms": statistics.median(one) * 1000,
        "one_form_floor_ms": statistics.median(one_floor) * 1000,
        "forms": FORMS,
        "data_rows": DATA_ROWS,
        "findings": sum(len(r.findings) for r in reports),
    }
    print("| measure | today | aim |")
    print("|---|---|---|")
    print(f"| large workbook ({FORMS} forms + {DATA_ROWS:,} data rows): validate ÷ calamine read "
          f"| {result['large_ratio']:.2f} ({result['large_validate_s'] * 1000:.0f} ms ÷ "
          f"{result['large_floor_s'] * 1000:.0f} ms) | ≤ 1.5 |")
    print(f"| one form, package imported (file read included) | {result['one_form_ms']:.1f} ms "
          f"(calamine read alone {result['one_form_floor_ms']:.1f} ms) | < 50 ms |")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
