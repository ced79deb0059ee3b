"""0004 deadline extensions, and the deadline in force on each review.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 16:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "deadline_extensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("previous_due_date", sa.Date(), nullable=False),
        sa.Column("new_due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_deadline_extensions_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_deadline_extensions_requested_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
            name=op.f("fk_deadline_extensions_review_id_reviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_extensions")),
    )
    op.create_index(
        op.f("ix_deadline_extensions_review_id"),
        "deadline_extensions",
        ["review_id"],
        unique=False,
    )
    # ADD COLUMN NOT NULL needs a default on SQLite; every existing review then gets its own
    # due date. Never a batch copy of the reviews table (it would cascade deletes).
    op.add_column(
        "reviews",
        sa.Column("effective_due_date", sa.Date(), nullable=False, server_default="1970-01-01"),
    )
    op.execute("UPDATE reviews SET effective_due_date = due_date")
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("reviews", "effective_due_date", server_default=None)


def downgrade():
    op.drop_column("reviews", "effective_due_date")
    op.drop_index(op.f("ix_deadline_extensions_review_id"), table_name="deadline_extensions")
    op.drop_table("deadline_extensions")
