"""The migrations are the schema's truth; archive/models.py declares every table the code uses.
Alembic compares the two on the schema the migrations build, on SQLite and on PostgreSQL: a
column, type, key, index or table in one and not the other fails here."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from egov_xl.archive import models
from egov_xl.archive.store import Archive


def test_models_declare_exactly_the_schema_the_migrations_build(archive_url):
    archive = Archive(archive_url)
    archive.init()
    with archive.engine.connect() as conn:
        built = set(inspect(conn).get_table_names()) - {"alembic_version"}
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, models.metadata)
    assert built == set(models.metadata.tables)
    assert differences == []
    archive.engine.dispose()
