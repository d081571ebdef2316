"""The add-in's function context: per clerk and workbook, the unit and period the workbook
reports and its latest Kiểm tra's row statuses, for =EGOV.PRIOR / =EGOV.CHECK on any worker.

Mutable state, not archived submissions: rows are replaced on every script run, so this table
has no append-only trigger and holds nothing the archive's history depends on.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "function_context",
        sa.Column("owner", sa.String(200), primary_key=True),
        sa.Column("workbook", sa.String(300), primary_key=True),
        sa.Column("unit", sa.String(64)),
        sa.Column("period", sa.String(32)),
        sa.Column("statuses", sa.Text),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("function_context")
