"""Initial archive schema: units, editions, periods, append-only submissions and values.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY = ("submissions", "indicator_values", "accepted_warnings")
MESSAGE = "egov-xl archive is append-only"


def upgrade() -> None:
    op.create_table(
        "units",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("units.id")),
    )
    op.create_table(
        "editions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
    )
    op.create_table(
        "periods",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(16), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("end", sa.Date, nullable=False),
    )
    op.create_index("ix_periods_end", "periods", ["end"])
    op.create_table(
        "report_heads",
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), primary_key=True),
        sa.Column("period_id", sa.Integer, sa.ForeignKey("periods.id"), primary_key=True),
        sa.Column("last_revision", sa.Integer, nullable=False),
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("period_id", sa.Integer, sa.ForeignKey("periods.id"), nullable=False),
        sa.Column("edition_id", sa.String(64), sa.ForeignKey("editions.id"), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("archived_by", sa.String(200), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_name", sa.String(500), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("rules_version", sa.String(64), nullable=False),
        sa.Column("summary", sa.JSON, nullable=False),
        sa.Column("forced_reason", sa.Text),
        sa.UniqueConstraint("unit_id", "period_id", "revision", name="uq_submission_revision"),
    )
    op.create_index("ix_submissions_unit_id", "submissions", ["unit_id"])
    op.create_table(
        "indicator_values",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("number", sa.String(40)),
        sa.Column("decimals", sa.Integer),
        sa.Column("typed", sa.Text),
        sa.Column("unit", sa.String(120)),
        sa.UniqueConstraint("submission_id", "code", name="uq_value_code"),
    )
    op.create_table(
        "accepted_warnings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("code", sa.String(16)),
        sa.Column("reason", sa.Text, nullable=False),
    )
    _append_only_triggers()


def _append_only_triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION egov_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
        )
    for table in APPEND_ONLY:
        for action in ("UPDATE", "DELETE"):
            name = f"{table}_no_{action.lower()}"
            if dialect == "postgresql":
                op.execute(f"CREATE TRIGGER {name} BEFORE {action} ON {table} "
                           "FOR EACH ROW EXECUTE FUNCTION egov_append_only()")
            elif dialect == "sqlite":
                op.execute(f"CREATE TRIGGER {name} BEFORE {action} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def downgrade() -> None:
    raise RuntimeError("the archive is append-only and has no downgrade")
