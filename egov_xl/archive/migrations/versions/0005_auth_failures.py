"""Shared authentication state: wrong tokens per client address and ended web sessions, so the
failure limit and logout hold across every worker and every server on the archive.

Mutable state, not archived submissions: rows are pruned once past their window or expiry, so
these tables have no append-only trigger and are outside the integrity chain
(egov_xl/server/auth_state.py).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auth_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_index("ix_auth_failures_client_at", "auth_failures", ["client", "at"])
    op.create_index("ix_auth_failures_at", "auth_failures", ["at"])
    op.create_table(
        "ended_sessions",
        sa.Column("session_id", sa.String(64), primary_key=True),
        sa.Column("until", sa.Float, nullable=False),
    )
    op.create_index("ix_ended_sessions_until", "ended_sessions", ["until"])


def downgrade() -> None:
    op.drop_table("ended_sessions")
    op.drop_table("auth_failures")
