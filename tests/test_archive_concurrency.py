"""Many clerks at once, and a database that is down, locked or read-only.

20 writer processes archive the same and different unit-periods: every revision is stored
exactly once, revision numbers per unit-period have no gaps, nothing is lost. A failing
database gives a clear Vietnamese sentence and stores nothing partial.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from egov_xl.archive.db import ArchiveError
from egov_xl.core.periods import parse_period
from egov_xl.archive.store import Archive
from egov_xl.core.report import ArchivedValue
from egov_xl.definitions import catalogue
from tests.test_archive import Q1, submission

WRITERS = 20
PUTS = 3


def _writer(url: str, index: int, start_at: float) -> list[tuple[str, str, int, str]]:
    archive = Archive(url)
    time.sleep(max(0.0, start_at - time.time()))
    done = []
    targets = [(f"U{index % 3}", ("Q1/2025", "6T/2025")[index % 2])] * PUTS + [(f"W{index}", "Q1/2025")]
    for n, (unit, period) in enumerate(targets):
        stored = archive.put(submission(unit=unit, period=parse_period(period), value=f"{index}.{n}",
                                        by=f"w{index}-{n}"))
        done.append((unit, stored.period.key, stored.revision, stored.meta.archived_by))
    return done


def test_twenty_concurrent_writers(archive_url):
    Archive(archive_url).init()
    start_at = time.time() + 1.5
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=WRITERS, mp_context=context) as pool:
        results = [r for f in [pool.submit(_writer, archive_url, i, start_at) for i in range(WRITERS)]
                   for r in f.result()]
    assert len(results) == WRITERS * (PUTS + 1)
    archive = Archive(archive_url)
    stored = archive.export_rows()
    by_submission = {(r["unit"], r["period"], r["revision"]): r["archived_by"] for r in stored}
    # every put is stored exactly once, under the revision its writer was told
    assert len(by_submission) == len(results)
    assert {(u, p, rev): by for u, p, rev, by in results} == by_submission
    # gapless revisions 1..n per unit-period
    counts = Counter((u, p) for u, p, _ in by_submission)
    for (unit, period), count in counts.items():
        revisions = sorted(rev for u, p, rev in by_submission if (u, p) == (unit, period))
        assert revisions == list(range(1, count + 1)), (unit, period)
    assert counts[("U0", "2025-Q1")] == PUTS * len([i for i in range(WRITERS) if i % 3 == 0 and i % 2 == 0])


def _message(exc: ArchiveError) -> str:
    return catalogue("vi").text(exc.key, **exc.params)


def test_database_down(pg_cluster, tmp_path):
    down = f"postgresql+psycopg://postgres@/egov?host={tmp_path}&port=1"
    with pytest.raises(ArchiveError) as caught:
        Archive(down).init()
    assert caught.value.key == "archive_unreachable"
    assert _message(caught.value).startswith("Không kết nối được kho lưu trữ postgresql+psycopg://postgres@/egov")
    assert "Chưa có gì được lưu" in _message(caught.value)
    folder = tmp_path / "a-folder"
    folder.mkdir()
    with pytest.raises(ArchiveError) as caught:
        Archive(f"sqlite:///{folder}").init()
    assert caught.value.key == "archive_unreachable"


def _hold_write_lock(archive_url: str, archive: Archive):
    """Another writer in the middle of its transaction."""
    url = make_url(archive_url)
    if url.get_backend_name() == "sqlite":
        conn = sqlite3.connect(url.database, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        return conn
    conn = psycopg.connect(host=url.query["host"], port=int(url.query["port"]), user="postgres",
                           dbname=url.database)
    conn.execute("SELECT * FROM report_heads FOR UPDATE")
    return conn


def test_locked_database_stores_nothing(archive_url):
    archive = Archive(archive_url, busy_ms=300)
    archive.init()
    archive.put(submission())
    holder = _hold_write_lock(archive_url, archive)
    try:
        with pytest.raises(ArchiveError) as caught:
            archive.put(submission(value="1"))
        assert caught.value.key == "archive_locked"
        assert "đang bận" in _message(caught.value)
    finally:
        holder.rollback() if hasattr(holder, "rollback") else None
        holder.close()
    assert archive.count_submissions() == 1
    assert archive.put(submission(value="2")).revision == 2  # no gap left behind


def test_read_only_database_stores_nothing(archive_url):
    archive = Archive(archive_url)
    archive.init()
    archive.put(submission())
    url = make_url(archive_url)
    if url.get_backend_name() == "sqlite":
        read_only = Archive(f"sqlite:///file:{url.database}?mode=ro&uri=true")
    else:
        with create_engine(archive_url, isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(text(f"ALTER DATABASE {url.database} SET default_transaction_read_only = on"))
        read_only = Archive(archive_url)
    with pytest.raises(ArchiveError) as caught:
        read_only.put(submission(value="5"))
    assert caught.value.key == "archive_read_only"
    assert "chỉ cho phép đọc" in _message(caught.value)
    assert read_only.get("HCM", Q1).values["4.1"].number == Decimal("98.64")
    assert read_only.count_submissions() == 1


def test_failure_half_way_leaves_nothing(archive_url):
    archive = Archive(archive_url)
    archive.init()
    archive.put(submission())
    broken = submission(value="3")
    broken.values.append(ArchivedValue("4.1", Decimal(1)))  # the second 4.1 breaks a constraint after inserts
    with pytest.raises(ArchiveError) as caught:
        archive.put(broken)
    assert caught.value.key == "archive_failed"
    assert archive.count_submissions() == 1
    assert archive.put(submission(value="4")).revision == 2


def test_reads_survive_a_server_restart(pg_cluster):
    archive = Archive(pg_cluster.url(pg_cluster.new_database()))
    archive.init()
    archive.put(submission())
    assert archive.get("HCM", Q1).revision == 1  # a pooled connection now exists
    pg_cluster.restart()
    assert archive.get("HCM", Q1).revision == 1  # the dead connection is dropped and the read retried
    assert archive.put(submission(value="2")).revision == 2
