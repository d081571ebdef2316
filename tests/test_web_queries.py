"""The unit page, the board and the consolidation page read a province with hundreds of units in a bounded number of
SQL statements, whatever the number of peers (SQLAlchemy's cursor events counted on the real
routes, in process, over a real SQLite archive)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

from egov_xl.core.periods import parse_period
from egov_xl.archive.store import Archive
from egov_xl.server import runtime
from egov_xl.settings import Settings
from egov_xl.web import router
from tests.fixtures.consolidation import bm7_values, put_values

PERIODS = [parse_period(text) for text in ("Q1/2024", "Q1/2025")]


@contextmanager
def counted():
    statements: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", note)


def _province(tmp_path, communes: int) -> str:
    url = f"sqlite:///{tmp_path / f'archive-{communes}.sqlite3'}"
    archive = Archive(url)
    archive.init()
    archive.set_unit("TINH", "Tỉnh")
    for i in range(communes):
        archive.set_unit(f"XA-{i}", f"Xã {i}", "TINH")
        for period in PERIODS:
            put_values(archive, f"XA-{i}", period, bm7_values(20 + i % 7, online=10 + i % 5))
    return url


@pytest.fixture
def client(monkeypatch):
    def open_on(url: str) -> TestClient:
        settings = Settings.from_env({"EGOV_ARCHIVE_URL": url, "EGOV_WEB_SECRET": "test-secret"})
        monkeypatch.setattr(runtime, "_current", runtime.Runtime(settings))  # one PC, no authentication
        app = FastAPI()
        app.include_router(router)
        return TestClient(app)

    return open_on


def _statements(client, url: str, path: str) -> int:
    web = client(url)
    assert web.get(path).status_code == 200  # the archive is opened (and migrated) before counting
    with counted() as statements:
        page = web.get(path)
    assert page.status_code == 200
    return len(statements), page.text


@pytest.mark.parametrize(("path", "shown"), [("/bao-cao/don-vi/XA-1", "So với 149 đơn vị cùng cấp"),
                                             ("/bao-cao?don_vi=TINH&trang=3", "XA-149"),
                                             ("/bao-cao/tong-hop?don_vi=TINH&ky=2025-Q1", "150/150")])
def test_pages_read_a_province_in_a_bounded_number_of_statements(client, tmp_path, path, shown):
    few, _ = _statements(client, _province(tmp_path, 5), path)
    many, text = _statements(client, _province(tmp_path, 150), path)
    assert many == few and many <= 8, (few, many)  # not one query per peer
    assert shown in text
