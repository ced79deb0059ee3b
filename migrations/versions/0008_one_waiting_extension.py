"""0008 one extension request waiting per review (a unique index); covered indexes dropped.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 20:30:00.000000

The rule "one request waiting for a decision" was only checked in Python: two requests
sent at the same moment could both pass the check. The database now refuses the second.
A database that already holds two waiting requests for one review cannot take the index:
the upgrade stops and names the reviews, for someone to decide on the extra requests.

Dropped, as the leftmost columns of another index serve the same queries:
ix_reviews_region (ix_reviews_region_pdu), ix_reviews_notification_date
(ix_reviews_notification_date_id) and ix_deadline_extensions_review_id
(ix_deadline_extensions_review_id_status).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

WAITING = sa.text("status = 'requested'")
COVERED = [
    ("ix_reviews_region", "reviews", ["region"]),
    ("ix_reviews_notification_date", "reviews", ["notification_date"]),
    ("ix_deadline_extensions_review_id", "deadline_extensions", ["review_id"]),
]


def upgrade():
    doubled = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT review_id FROM deadline_extensions WHERE status = 'requested' "
                "GROUP BY review_id HAVING COUNT(*) > 1 ORDER BY review_id"
            )
        )
        .scalars()
        .all()
    )
    if doubled:
        raise RuntimeError(
            "Reviews with more than one extension request waiting for a decision (ids "
            f"{', '.join(str(i) for i in doubled)}): agree or refuse all but one of each, "
            "then run the upgrade again."
        )
    op.create_index(
        "uq_deadline_extensions_one_waiting",
        "deadline_extensions",
        ["review_id"],
        unique=True,
        sqlite_where=WAITING,
        postgresql_where=WAITING,
    )
    for name, table, _columns in COVERED:
        op.drop_index(name, table_name=table)


def downgrade():
    for name, table, columns in reversed(COVERED):
        op.create_index(name, table, columns, unique=False)
    op.drop_index("uq_deadline_extensions_one_waiting", table_name="deadline_extensions")
