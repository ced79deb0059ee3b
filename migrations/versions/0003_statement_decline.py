"""0003 a participant may decline to give a statement, with a reason.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 16:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMNs (nullable, no default): existing statements keep every row and value.
    op.add_column("statements", sa.Column("decline_reason", sa.Text(), nullable=True))
    op.add_column("statements", sa.Column("declined_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    # Declined statements have no body worth keeping; they become empty drafts again.
    op.execute("UPDATE statements SET status = 'draft' WHERE status = 'declined'")
    op.drop_column("statements", "declined_at")
    op.drop_column("statements", "decline_reason")
