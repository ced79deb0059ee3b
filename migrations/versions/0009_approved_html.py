"""0009 the approved document's HTML, kept while the approved PDFs are made in the background.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 01:00:00.000000

Approving a review used to lay out and store its PDFs inside the countersigner's request
(about 4 seconds for a long review). Approval now keeps the HTML of each report as it
stands at that moment, and the background job turns it into the stored PDFs. The HTML is
cleared once they are stored.

The downgrade refuses while an approved review still waits for its PDFs: without the kept
HTML it would have no record of what was approved.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("rendered_reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approved_html", sa.Text(), nullable=True))


def downgrade():
    waiting = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT DISTINCT review_id FROM rendered_reports "
                "WHERE approved_html IS NOT NULL ORDER BY review_id"
            )
        )
        .scalars()
        .all()
    )
    if waiting:
        raise RuntimeError(
            "Cannot downgrade: approved reviews still wait for their stored PDFs (review ids "
            f"{', '.join(str(i) for i in waiting)}). Run the background worker until they are "
            "stored, then downgrade."
        )
    with op.batch_alter_table("rendered_reports", schema=None) as batch_op:
        batch_op.drop_column("approved_html")
