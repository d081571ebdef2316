"""The archive's schema check at every start reads the migration files without alembic."""

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
