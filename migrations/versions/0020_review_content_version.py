"""0020 the review's content version: what a cached draft PDF is checked against.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 20:00:00.000000

`reviews.content_version`: moved (+1) at the commit of every transaction that changes
anything the review's PDFs show (services/reports/versions.py), so a download tells that
its cached PDF is current from the review row it has already read (docs/pdf.md). Existing
reviews start at 0: their cached PDFs were stamped the old way, so their first download
builds the HTML once, finds the same content key and restamps the row (no render).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "reviews",
        sa.Column("content_version", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    # Not a batch: SQLite's batch mode would copy the reviews table, and dropping the old copy
    # breaks every foreign key to it (as 0010, 0017).
    op.drop_column("reviews", "content_version")
