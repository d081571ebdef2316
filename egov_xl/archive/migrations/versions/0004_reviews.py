"""Reviews: the receiving office accepts a revision or returns it for correction (append-only).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

MESSAGE = "egov-xl archive is append-only"


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("reviewed_by", sa.String(200), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("decision IN ('accepted', 'returned')", name="ck_review_decision"),
    )
    op.create_index("ix_reviews_submission_id", "reviews", ["submission_id"])
    dialect = op.get_bind().dialect.name
    for action in ("UPDATE", "DELETE"):
        name = f"reviews_no_{action.lower()}"
        if dialect == "postgresql":  # egov_append_only() comes from 0001
            op.execute(f"CREATE TRIGGER {name} BEFORE {action} ON reviews "
                       "FOR EACH ROW EXECUTE FUNCTION egov_append_only()")
        elif dialect == "sqlite":
            op.execute(f"CREATE TRIGGER {name} BEFORE {action} ON reviews "
                       f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def downgrade() -> None:
    raise RuntimeError("the archive is append-only and has no downgrade")
