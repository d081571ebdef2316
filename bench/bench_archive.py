"""Benchmark: the archive at 1,000 units × 40 periods × 40 indicators (1.6 million values).

For SQLite and for PostgreSQL (a throwaway cluster started here), it reports the p50 and p95
of a prior-period lookup for one unit-period (`Archive.previous`, values included), the same
rows fetched by bare SQL on the driver's cursor in the same run (the floor), and archiving
one form (`Archive.put`, 40 values, a new revision).

    .venv/bin/python bench/bench_archive.py [--units 1000] [--lookups 400] [--puts 100]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from egov_xl.archive import integrity, models  # noqa: E402
from egov_xl.core.periods import Period  # noqa: E402
from egov_xl.archive.store import PREVIOUS, Archive, NewSubmission  # noqa: E402
from egov_xl.core.report import ArchivedValue  # noqa: E402
from egov_xl.core.spec import PeriodKind  # noqa: E402
from tests.pg import Cluster  # noqa: E402

KINDS = (PeriodKind.Q1, PeriodKind.H1, PeriodKind.Q3, PeriodKind.YEAR)
PERIODS = [Period(year, kind) for year in range(2016, 2026) for kind in KINDS]  # 40 periods
CODES = [f"{major}.{minor}" for major in range(1, 9) for minor in range(1, 6)]  # 40 indicators



def load(archive: Archive, units: int) -> None:
    """Bulk-load the archive through the schema the migration made (no per-row transactions),
    then seal the loaded revisions as migration 0002 seals an older archive's."""
    rng = random.Random(11)
    now = datetime.now(UTC)
    with archive.engine.execution_options(egov_write=True).begin() as conn:
        conn.execute(insert(models.units), [{"id": u + 1, "code": f"DV{u:04d}", "name": f"Đơn vị {u}"}
                                           for u in range(units)])
        conn.execute(insert(models.editions), [{"id": "bench", "title": "Benchmark"}])
        conn.execute(insert(models.periods), [{"id": i + 1, "key": p.key, "kind": p.kind.value, "year": p.year,
                                              "start": p.start, "end": p.end} for i, p in enumerate(PERIODS)])
        submissions, heads = [], []
        for u in range(units):
            for i in range(len(PERIODS)):
                sid = u * len(PERIODS) + i + 1
                submissions.append({"id": sid, "unit_id": u + 1, "period_id": i + 1, "edition_id": "bench",
                                    "revision": 1, "archived_by": "bench", "archived_at": now,
                                    "source_name": "bench.xlsx", "content_hash": "0" * 64,
                                    "rules_version": "bench", "summary": {}, "forced_reason": None})
                heads.append({"unit_id": u + 1, "period_id": i + 1, "last_revision": 1})
        conn.execute(insert(models.submissions), submissions)
        conn.execute(insert(models.report_heads), heads)
        rows = ((s["id"], code, str(rng.randint(0, 5000)), 0, None, "Thủ tục")
                for s in submissions for code in CODES)
        if archive.dialect == "postgresql":
            cursor = conn.connection.dbapi_connection.cursor()
            with cursor.copy("COPY indicator_values (submission_id, code, number, decimals, typed, unit) "
                             "FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            conn.exec_driver_sql("SELECT setval('indicator_values_id_seq', (SELECT max(id) FROM indicator_values))")
            for table in ("units", "periods", "submissions"):
                conn.exec_driver_sql(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
            integrity.seal_unsealed(conn)
            conn.exec_driver_sql("ANALYZE")
        else:
            conn.exec_driver_sql("SELECT 1")
            raw = conn.connection.dbapi_connection
            raw.executemany("INSERT INTO indicator_values (submission_id, code, number, decimals, typed, unit) "
                            "VALUES (?, ?, ?, ?, ?, ?)", rows)
            integrity.seal_unsealed(conn)
            conn.exec_driver_sql("ANALYZE")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95) - 1] * 1000


def measure(archive: Archive, units: int, lookups: int, puts: int) -> dict:
    rng = random.Random(5)
    targets = [(f"DV{rng.randrange(units):04d}", rng.choice(PERIODS[1:])) for _ in range(lookups)]
    for unit, period in targets[:20]:
        archive.previous(unit, period)  # warm caches for both sides alike
    ours = []
    for unit, period in targets:
        start = time.perf_counter()
        found = archive.previous(unit, period)
        ours.append(time.perf_counter() - start)
        assert found is not None and len(found.values) == len(CODES)
    # the floor: the very SQL the lookup sends, run on the driver's own cursor
    compiled = PREVIOUS.compile(dialect=archive.engine.dialect)
    sql = str(compiled)
    raw = archive.engine.raw_connection()
    cursor = raw.cursor()
    bare = []
    for unit, period in targets:
        named = {**compiled.params, "unit": unit, "end": period.end}
        params = [named[k] for k in compiled.positiontup] if compiled.positional else named
        start = time.perf_counter()
        cursor.execute(sql, params)
        assert len(cursor.fetchall()) == len(CODES)
        bare.append(time.perf_counter() - start)
    raw.rollback()
    raw.close()
    writes = []
    for n in range(puts):
        new = NewSubmission(unit=f"DV{rng.randrange(units):04d}", period=rng.choice(PERIODS), edition_id="bench",
                            edition_title="Benchmark",
                            values=[ArchivedValue(code, Decimal(rng.randint(0, 5000)), 0, None, "Thủ tục") for code in CODES],
                            archived_by="bench", source_name="bench.xlsx", content_hash="1" * 64,
                            rules_version="bench", summary={"errors": 0})
        start = time.perf_counter()
        archive.put(new)
        writes.append(time.perf_counter() - start)
    lookup50, lookup95 = percentiles(ours)
    bare50, bare95 = percentiles(bare)
    put50, put95 = percentiles(writes)
    return {"lookup_p50": lookup50, "lookup_p95": lookup95, "bare_p50": bare50, "bare_p95": bare95,
            "ratio": lookup50 / bare50, "put_p50": put50, "put_p95": put95}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--lookups", type=int, default=400)
    parser.add_argument("--puts", type=int, default=100)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = Archive(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        sqlite.init()
        start = time.perf_counter()
        load(sqlite, args.units)
        print(f"SQLite loaded in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        results["SQLite"] = measure(sqlite, args.units, args.lookups, args.puts)
    cluster = Cluster()
    try:
        postgres = Archive(cluster.url(cluster.new_database()))
        postgres.init()
        start = time.perf_counter()
        load(postgres, args.units)
        print(f"PostgreSQL loaded in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        results["PostgreSQL"] = measure(postgres, args.units, args.lookups, args.puts)
    finally:
        cluster.stop()
    values = args.units * len(PERIODS) * len(CODES)
    print(f"Archive of {args.units:,} units × {len(PERIODS)} periods × {len(CODES)} indicators "
          f"({values:,} values)")
    print("| back-end | lookup p50 / p95 | bare SQL p50 / p95 | lookup ÷ bare (p50) | archive one form p50 / p95 |")
    print("|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['lookup_p50']:.2f} / {r['lookup_p95']:.2f} ms | {r['bare_p50']:.2f} / "
              f"{r['bare_p95']:.2f} ms | {r['ratio']:.2f} | {r['put_p50']:.2f} / {r['put_p95']:.2f} ms |")


if __name__ == "__main__":
    main()
