"""0006 indexes for the review lists: every filter and sort, and pending extensions.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# The same expression as sfo_review.models.review.STATUS_ORDER_SQL (copied: a migration must
# not change when the code does).
STATUS_ORDER_SQL = (
    "CASE status WHEN 'in_review' THEN 0 WHEN 'factual_accuracy' THEN 1 "
    "WHEN 'quality_assurance' THEN 2 WHEN 'approved' THEN 3 WHEN 'closed' THEN 4 ELSE 5 END"
)

REVIEW_INDEXES = {
    "ix_reviews_effective_due_date_id": ["effective_due_date", "id"],
    "ix_reviews_notification_date_id": ["notification_date", "id"],
    "ix_reviews_pdu": ["pdu"],
    "ix_reviews_offence_category": ["offence_category"],
    "ix_reviews_person_initials": ["person_initials"],
    "ix_reviews_created_by_id": ["created_by_id"],
    # A region's reviews at one stage, soonest deadline first: the list leadership opens most.
    "ix_reviews_region_status_due": ["region", "status", "effective_due_date", "id"],
}


def upgrade():
    for name, columns in REVIEW_INDEXES.items():
        op.create_index(name, "reviews", columns, unique=False)
    op.create_index(
        "ix_reviews_status_order_id",
        "reviews",
        [sa.text(f"({STATUS_ORDER_SQL})"), "id"],
        unique=False,
    )
    op.create_index(
        "ix_deadline_extensions_status_review_id",
        "deadline_extensions",
        ["status", "review_id"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_deadline_extensions_status_review_id", table_name="deadline_extensions")
    op.drop_index("ix_reviews_status_order_id", table_name="reviews")
    for name in reversed(REVIEW_INDEXES):
        op.drop_index(name, table_name="reviews")
