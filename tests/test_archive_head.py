"""The archive's schema check at every start knows the migrations' head without reading the
migration files (a constant checked here against alembic's reading of them)."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from egov_xl.archive import db
from egov_xl.archive.store import Archive


def test_head_and_current_revision_agree_with_alembic(tmp_path):
    assert db.head_revision() == ScriptDirectory.from_config(db._alembic_config()).get_current_head()
    archive = Archive(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    assert db.current_revision(archive.engine) is None
    archive.init()
    with archive.engine.connect() as conn:
        assert db.current_revision(archive.engine) == MigrationContext.configure(conn).get_current_revision()
    assert db.current_revision(archive.engine) == db.head_revision()


def test_head_revision_reads_no_file_in_request_threads(monkeypatch, tmp_path):
    """Request threads ask for the head at once; parsing the migration files there crashed
    CPython 3.11's `ast` now and then. The head must come without reading any file."""
    from concurrent.futures import ThreadPoolExecutor

    expected = ScriptDirectory.from_config(db._alembic_config()).get_current_head()
    monkeypatch.setattr(db, "MIGRATIONS", tmp_path / "no-migrations-here")
    with ThreadPoolExecutor(32) as pool:
        heads = set(pool.map(lambda _: db.head_revision(), range(256)))
    assert heads == {expected}
