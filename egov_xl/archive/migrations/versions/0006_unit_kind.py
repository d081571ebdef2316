"""The kind of a reporting unit (UBND tỉnh; sở, ban, ngành; cơ quan ngành dọc; xã, phường, đặc
khu), set by `egov-xl archive units import`. Nullable: units created before it, or by
`archive unit`, have none. Not part of any revision's seal (a unit's name and kind may change).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("units") as batch:  # plain ADD COLUMN on both dialects
        batch.add_column(sa.Column("kind", sa.String(32)))


def downgrade() -> None:
    with op.batch_alter_table("units") as batch:
        batch.drop_column("kind")
