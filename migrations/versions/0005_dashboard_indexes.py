"""0005 indexes for the leadership dashboard, and the figures' data version.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 17:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_reviews_notification_date", "reviews", ["notification_date"]),
    ("ix_reviews_region_pdu", "reviews", ["region", "pdu"]),
    (
        "ix_caseload_contexts_review_id_figures",
        "caseload_contexts",
        ["review_id", "caseload_count", "workload_percent", "management_oversight_sessions"],
    ),
    (
        "ix_systemic_factors_review_id_category_level",
        "systemic_factors",
        ["review_id", "category", "level"],
    ),
    (
        "ix_actions_review_id_status_due_date_level",
        "actions",
        ["review_id", "status", "due_date", "level"],
    ),
    ("ix_actions_level_due_date_status", "actions", ["level", "due_date", "status"]),
    ("ix_deadline_extensions_review_id_status", "deadline_extensions", ["review_id", "status"]),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)
    data_versions = op.create_table(
        "data_versions",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_data_versions")),
    )
    op.bulk_insert(data_versions, [{"name": "figures", "version": 1}])


def downgrade():
    op.drop_table("data_versions")
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
