"""Benchmark: consolidating a province (150 units) and a country (34 provinces × 150 units)
on SQLite and on PostgreSQL (a throwaway cluster started here).

For each, the median of `--repeat` runs of `consolidate_unit` (the tree, the current
revisions, the totals with contributions, the mapping, the outliers, the check of the total
and its drill-downs), beside the floor measured in the same run: the bare aggregate query (a
recursive CTE over the tree, the latest revision per unit, SUM of the values per code).

    .venv/bin/python bench/bench_consolidate.py [--provinces 34] [--units 150] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from egov_xl import definitions  # noqa: E402
from egov_xl.archive import models  # noqa: E402
from egov_xl.core.periods import parse_period  # noqa: E402
from egov_xl.archive.store import Archive  # noqa: E402
from egov_xl.flows.consolidate import consolidate_unit  # noqa: E402
from tests.pg import Cluster  # noqa: E402

PERIODS = [parse_period("Năm 2024"), parse_period("Năm 2025")]
BM7 = definitions.edition("bm7-2025")
FLOOR_SQL = """
WITH RECURSIVE tree(id, depth) AS (
  SELECT u.id, 1 FROM units u JOIN units p ON u.parent_id = p.id WHERE p.code = :root
  UNION ALL SELECT u.id, t.depth + 1 FROM units u JOIN tree t ON u.parent_id = t.id WHERE t.depth < 8
), latest AS (
  SELECT s.unit_id, MAX(s.revision) AS revision FROM submissions s JOIN periods p ON s.period_id = p.id
  WHERE p.key = :key AND s.unit_id IN (SELECT id FROM tree) GROUP BY s.unit_id
)
SELECT v.code, SUM(CAST(v.number AS NUMERIC)) FROM submissions s
JOIN latest l ON l.unit_id = s.unit_id AND l.revision = s.revision
JOIN periods p ON s.period_id = p.id AND p.key = :key
JOIN indicator_values v ON v.submission_id = s.id GROUP BY v.code
"""


def _values(rng: random.Random) -> dict[str, str]:
    values = {}
    for row in BM7.rows:
        if row.kind.value == "count":
            values[row.code] = str(rng.randint(5, 400))
    for row in BM7.rows:
        if row.kind.value == "ratio":
            num, den = int(values[row.numerator]), int(values[row.denominator])
            values[row.numerator] = str(min(num, den))
            values[row.code] = f"{min(num, den) / den * 100:.2f}"
        elif row.kind.value == "percent":
            values[row.code] = str(rng.randint(60, 100))
        elif row.kind.value == "coded":
            values[row.code] = str(rng.randint(0, 1))
    return values


def load(archive: Archive, provinces: int, units: int) -> None:
    """BO ← P01…Pnn ← P01-001…: every leaf unit has one revision per period."""
    rng = random.Random(7)
    now = datetime.now(UTC)
    rows_units = [{"id": 1, "code": "BO", "name": "Bộ", "parent_id": None}]
    leaves = []
    for p in range(provinces):
        pid = len(rows_units) + 1
        rows_units.append({"id": pid, "code": f"P{p + 1:02d}", "name": f"Tỉnh {p + 1}", "parent_id": 1})
        for u in range(units):
            uid = len(rows_units) + 1
            rows_units.append({"id": uid, "code": f"P{p + 1:02d}-{u:03d}", "name": f"Đơn vị {u}", "parent_id": pid})
            leaves.append(uid)
    submissions, heads, values = [], [], []
    for period_id in (1, 2):
        for uid in leaves:
            sid = len(submissions) + 1
            submissions.append({"id": sid, "unit_id": uid, "period_id": period_id, "edition_id": BM7.id,
                                "revision": 1, "archived_by": "bench", "archived_at": now,
                                "source_name": "bench.xlsx", "content_hash": "0" * 64, "rules_version": "bench",
                                "summary": {"errors": 0}, "forced_reason": None})
            heads.append({"unit_id": uid, "period_id": period_id, "last_revision": 1})
            values += [{"submission_id": sid, "code": code, "number": number, "decimals": None, "typed": number,
                        "unit": None} for code, number in _values(rng).items()]
    with archive.engine.execution_options(egov_write=True).begin() as conn:
        conn.execute(insert(models.units), rows_units)
        conn.execute(insert(models.editions), [{"id": BM7.id, "title": BM7.title}])
        conn.execute(insert(models.periods), [{"id": i + 1, "key": p.key, "kind": p.kind.value, "year": p.year,
                                              "start": p.start, "end": p.end} for i, p in enumerate(PERIODS)])
        conn.execute(insert(models.submissions), submissions)
        conn.execute(insert(models.report_heads), heads)
        for start in range(0, len(values), 50_000):
            conn.execute(insert(models.indicator_values), values[start:start + 50_000])


def _median(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(archive: Archive, repeat: int) -> list[tuple[str, float, float]]:
    period = PERIODS[1]
    rows = []
    for label, root in (("province", "P01"), ("country", "BO")):
        def floor(root=root):
            with archive.engine.connect() as conn:
                return conn.execute(text(FLOOR_SQL), {"root": root, "key": period.key}).all()

        def full(root=root):
            return consolidate_unit(archive, root, period)

        result = full()
        assert result.consolidation.included, "nothing consolidated"
        rows.append((label, _median(full, repeat), _median(floor, repeat)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--provinces", type=int, default=34)
    parser.add_argument("--units", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{args.provinces} provinces × {args.units} units, 2 periods, {len(BM7.rows)} rows")
    print(f"{'back-end':10} {'scope':9} {'consolidate':>12} {'bare SQL':>10} {'ratio':>7}")
    with tempfile.TemporaryDirectory() as folder:
        sqlite = Archive(f"sqlite:///{folder}/bench.sqlite3")
        sqlite.init()
        load(sqlite, args.provinces, args.units)
        report("SQLite", measure(sqlite, args.repeat))
    cluster = Cluster()
    try:
        pg = Archive(cluster.url(cluster.new_database()))
        pg.init()
        load(pg, args.provinces, args.units)
        with pg.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
        report("PostgreSQL", measure(pg, args.repeat))
    finally:
        cluster.stop()


def report(backend: str, rows: list[tuple[str, float, float]]) -> None:
    for scope, full, floor in rows:
        print(f"{backend:10} {scope:9} {full * 1000:10.0f} ms {floor * 1000:8.0f} ms {full / floor:7.1f}")


if __name__ == "__main__":
    main()
