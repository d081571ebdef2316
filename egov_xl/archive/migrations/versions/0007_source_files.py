"""Source files: the bytes of the file a revision was archived from (CLI, web upload), keyed by
their SHA-256, kept beside the revision (whose summary names it under "file", sealed with the
summary) so the receiving office can download the original. Append-only like the submissions:
triggers refuse UPDATE and DELETE on both dialects; the server's role may only INSERT (and
SELECT) it (egov_xl/archive/roles.py). Revisions stored before have no file kept.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

MESSAGE = "egov-xl archive is append-only"


def upgrade() -> None:
    op.create_table(
        "source_files",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
    )
    dialect = op.get_bind().dialect.name
    for action in ("UPDATE", "DELETE"):
        name = f"source_files_no_{action.lower()}"
        if dialect == "postgresql":  # egov_append_only() comes from 0001
            op.execute(f"CREATE TRIGGER {name} BEFORE {action} ON source_files "
                       "FOR EACH ROW EXECUTE FUNCTION egov_append_only()")
        elif dialect == "sqlite":
            op.execute(f"CREATE TRIGGER {name} BEFORE {action} ON source_files "
                       f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def downgrade() -> None:
    raise RuntimeError("the archive is append-only and has no downgrade")
