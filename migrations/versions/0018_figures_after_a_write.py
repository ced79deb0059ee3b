"""0018 figures after a write: a covering index for the action figures.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 16:45:00.000000

The dashboard's action figures count the agreed actions of approved and closed reviews by
level, owner, status and due date in one pass; `ix_actions_review_id_figures` holds every
column that pass reads, so it never visits the table (services/figures/actions.py). The
figures' per-section data versions are rows of `data_versions` made when first moved: no
table changes.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_actions_review_id_figures",
        "actions",
        ["review_id", "level", "owner", "status", "due_date"],
    )


def downgrade() -> None:
    op.drop_index("ix_actions_review_id_figures", table_name="actions")
