"""0012 when a background render started, and how often it was asked for.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 02:00:00.000000

A render whose worker was killed stayed "Preparing your PDF" until its time limit passed,
then "could not be produced" until someone pressed Try again. The job now records when a
worker started it (`started_at`, so two workers never render the same request and a render
is known lost once its hard limit has passed), and the service asks again by itself, a
bounded number of times (`attempts`: how often the job was asked for this request).
Rows waiting at upgrade time were asked for once.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("rendered_reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("started_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )


def downgrade():
    with op.batch_alter_table("rendered_reports", schema=None) as batch_op:
        batch_op.drop_column("attempts")
        batch_op.drop_column("started_at")
