"""0010 a region for leadership accounts: whose extension requests they are told about.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 01:10:00.000000

Every leadership user was told of every deadline extension request in the country. A
leadership account may now carry a region (set by an admin); it is told only about reviews
in that region. Existing accounts have none, so they go on being told about all of them.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region", sa.String(length=200), nullable=True))


def downgrade():
    # Not a batch: SQLite's batch mode would copy the users table, and dropping the old copy
    # breaks every foreign key to it. SQLite has dropped columns itself since 3.35 (2021).
    op.drop_column("users", "region")
