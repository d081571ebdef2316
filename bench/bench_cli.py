"""Benchmark: whole `egov-xl` processes, as a clerk or a batch job starts them, side by side in
one run with their floors: a bare interpreter (`python -c pass`) and python-calamine reading
the same file in a process of its own. Each round runs every command once (interleaved);
the median of the rounds is reported: wall time, and CPU time (user + system of the process,
from wait4), which a machine loaded by other work disturbs much less than the wall clock.

The commands run as an installed package does: with compiled bytecode (written once, in the
first, unreported round, under a cache folder of the run: PYTHONPYCACHEPREFIX), even where the
shell sets PYTHONDONTWRITEBYTECODE, which would recompile egov_xl's modules in every process.
The batch's floor is the disk sync alone: a bare sqlite3 process committing one small
transaction per file (WAL, synchronous=FULL, as the archive) for as many files.

    .venv/bin/python bench/bench_cli.py [--rounds 7] [--big] [--json bench/results/cli.json]

--big adds a workbook with a 1,000,000-row data sheet beside one form (slow to build): peak
memory and time of `validate` against calamine materialising the same workbook.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_validate import build_large  # noqa: E402
from tests.fixtures import renditions  # noqa: E402

PY = sys.executable
EGOV = str(Path(PY).parent / "egov-xl")
CALAMINE_READ = ("import sys, python_calamine; b = python_calamine.CalamineWorkbook.from_path(sys.argv[1]); "
                 "[b.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in b.sheet_names]")
PUT_FILES = 100
SQLALCHEMY = "import sqlalchemy, sqlalchemy.dialects.sqlite"  # what any put imports before our code
SYNC_FLOOR = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
              "[c.execute(p) for p in ('PRAGMA journal_mode=WAL', 'PRAGMA synchronous=FULL', 'PRAGMA foreign_keys=ON')]; "
              "c.execute('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body TEXT)')\n"
              f"for i in range({PUT_FILES}):\n"
              "    c.execute('BEGIN IMMEDIATE'); c.execute('INSERT INTO t (body) VALUES (?)', ('x' * 2000,)); "
              "c.execute('COMMIT')")
BIG_ROWS = 1_000_000


ENV = dict(os.environ)


def run(cmd: list[str]) -> tuple[float, int, int, float]:
    """Wall seconds, exit code, peak RSS (KiB) and CPU seconds (user + system) of one whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} → {proc.returncode}: {stderr}")
    return elapsed, proc.returncode, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def build(tmp: Path) -> dict[str, list[str]]:
    large = build_large(tmp / "large.xlsx")
    one = renditions.write_form(tmp / "one.xlsx", renditions.bm7_correct(), renditions.Layout())
    folder = tmp / "folder"
    folder.mkdir()
    many = [str(shutil.copy(one, folder / f"xa-{i:03d}.xlsx")) for i in range(PUT_FILES)]
    url = f"sqlite:///{tmp / 'archive.sqlite3'}"
    subprocess.run([EGOV, "archive", "init", "--url", url], check=True, stdout=subprocess.DEVNULL)
    put = [EGOV, "archive", "put", "--unit", "XA", "--create-unit", "--period", "Q1/2025", "--url", url, "--by", "bench"]
    return {
        "python -c pass": [PY, "-c", "pass"],
        "python -c 'import sqlalchemy' (+ its SQLite dialect)": [PY, "-c", SQLALCHEMY],
        "calamine read, 50 forms + 20,000 rows": [PY, "-c", CALAMINE_READ, str(large)],
        "egov-xl --help": [EGOV, "--help"],
        "egov-xl validate, 50 forms + 20,000 rows": [EGOV, "validate", str(large)],
        "egov-xl archive put, one form": [*put, str(one)],
        f"egov-xl archive put, {PUT_FILES} files in one call": [*put, *many],
        f"sqlite3 alone, {PUT_FILES} commits": [PY, "-c", SYNC_FLOOR, str(tmp / "floor.sqlite3")],
    }


def build_big(tmp: Path) -> Path:
    """One form sheet and a 1,000,000-row data sheet (write-only openpyxl)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    data = book.create_sheet("Dữ liệu")
    for i in range(BIG_ROWS):
        data.append([f"{1 + i % 28:02d}/03/2025", f"Xã {i % 97}", f"HS{i:07d}", i % 500, "đã giải quyết"])
    renditions.append_form(book.create_sheet("Biểu mẫu"), renditions.bm7_seed())
    path = tmp / "big.xlsx"
    book.save(path)
    return path


def rounds(commands: dict[str, list[str]], count: int,
           shuffle: random.Random | None = None) -> dict[str, list[tuple[float, int, int, float]]]:
    """`count` rounds of every command, interleaved (in an order `shuffle` draws each round when
    given, else as listed)."""
    samples: dict[str, list[tuple[float, int, int, float]]] = {name: [] for name in commands}
    for _ in range(count):
        names = list(commands)
        if shuffle is not None:
            shuffle.shuffle(names)
        for name in names:
            samples[name].append(run(commands[name]))
    return samples


def spread(values: list[float]) -> tuple[float, float, float]:
    """(median, lower quartile, upper quartile) of `values`."""
    ordered = sorted(values)
    return statistics.median(ordered), ordered[len(ordered) // 4], ordered[3 * len(ordered) // 4]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--big", action="store_true")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        ENV["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        commands = build(tmp)
        rounds(commands, 1)  # warm the file cache and the archive alike
        samples = rounds(commands, args.rounds)
        ms = {name: statistics.median(s[0] for s in runs) * 1000 for name, runs in samples.items()}
        cpu = {name: statistics.median(s[3] for s in runs) * 1000 for name, runs in samples.items()}
        names = list(ms)
        bare, sqlalchemy, floor, help_, check, put_one, put_many, sync = names
        result = {"ms": ms, "cpu_ms": cpu, "files_per_s": PUT_FILES / (ms[put_many] / 1000),
                  "sync_floor_files_per_s": PUT_FILES / (ms[sync] / 1000), "rounds": args.rounds}

        def cells(name: str, floor_name: str) -> str:
            return (f"{ms[name]:.0f} ms | {ms[name] / ms[floor_name]:.2f} | "
                    f"{cpu[name]:.0f} ms | {cpu[name] / cpu[floor_name]:.2f}")

        print(f"| measure (median of {args.rounds} rounds) | wall | ÷ floor | CPU | ÷ floor | floor | aim |")
        print("|---|---|---|---|---|---|---|")
        print(f"| {bare} | {cells(bare, bare)} | itself | floor |")
        print(f"| {sqlalchemy} | {cells(sqlalchemy, bare)} | python -c pass | (part of every put) |")
        print(f"| {floor} | {cells(floor, floor)} | itself | floor |")
        print(f"| {help_} | {cells(help_, bare)} | python -c pass | < 150 ms |")
        print(f"| {check} | {cells(check, floor)} | calamine read | ≤ 1.5 × calamine read |")
        print(f"| {put_one} (SQLite) | {cells(put_one, bare)} | python -c pass | < 300 ms |")
        print(f"| {sync}, {result['sync_floor_files_per_s']:.0f} files/s | {cells(sync, sync)} | itself | floor |")
        print(f"| {put_many} (SQLite), {result['files_per_s']:.0f} files/s | {cells(put_many, sync)} "
              f"| sqlite3 alone | ≥ 50 files/s |")
        if args.big:
            big = build_big(tmp)
            big_runs = rounds({"calamine": [PY, "-c", CALAMINE_READ, str(big)],
                               "egov": [EGOV, "validate", str(big)]}, 3)
            calamine, ours = ({"s": statistics.median(r[0] for r in runs), "mib": max(r[2] for r in runs) / 1024}
                              for runs in big_runs.values())
            result["big"] = {"calamine": calamine, "validate": ours}
            print(f"| validate, one form beside a {BIG_ROWS:,}-row sheet | {ours['s']:.1f} s, {ours['mib']:.0f} MiB "
                  f"peak | {ours['s'] / calamine['s']:.2f} × time, {ours['mib'] / calamine['mib']:.2f} × memory of "
                  f"calamine materialising it ({calamine['s']:.1f} s, {calamine['mib']:.0f} MiB) | ≤ 1 × time |")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
