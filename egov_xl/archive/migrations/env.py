"""Alembic environment: egov-xl passes its own connection (see egov_xl.archive.db.upgrade)."""

from alembic import context

from egov_xl.archive.models import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
