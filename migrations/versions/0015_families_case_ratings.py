"""0015 families, the criminal case and the inspectorate's standards (api-v1.1 section C).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 13:40:00.000000

Reviews gain the criminal case's outcome (`case_outcome`, existing reviews "awaiting") and
its date, the summary written for the victim's family and why any flagged item in it stays.
Contact with the family (`family_contacts`) and the questions they asked with the review's
answers (`family_questions`). Quality assurance's ratings against the inspectorate's four
standards and overall, given at approval (`review_ratings`; existing approved reviews have
none, and say so).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def _versioned() -> list[sa.Column]:
    return [
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade():
    # Plain ADD COLUMNs (no table copy on SQLite: the reviews' expression index stays).
    op.add_column(
        "reviews",
        sa.Column("case_outcome", sa.String(30), nullable=False, server_default="awaiting"),
    )
    op.add_column("reviews", sa.Column("case_outcome_date", sa.Date(), nullable=True))
    op.add_column("reviews", sa.Column("family_summary", sa.Text(), nullable=True))
    op.add_column("reviews", sa.Column("family_summary_exceptions", sa.Text(), nullable=True))

    op.create_table(
        "family_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("with_whom", sa.String(200), nullable=False),
        sa.Column("advocate_offered", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        *_versioned(),
        sa.ForeignKeyConstraint(["review_id"], ["reviews.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_family_contacts_review_id", "family_contacts", ["review_id"])

    op.create_table(
        "family_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("asked_on", sa.Date(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        *_versioned(),
        sa.ForeignKeyConstraint(["review_id"], ["reviews.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["answered_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_family_questions_review_id", "family_questions", ["review_id"])

    op.create_table(
        "review_ratings",
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("standard", sa.String(40), nullable=False),
        sa.Column("rating", sa.String(30), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("rated_by_id", sa.Integer(), nullable=True),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["review_id"], ["reviews.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["rated_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("review_id", "standard"),
    )
    op.create_index("ix_review_ratings_standard_rating", "review_ratings", ["standard", "rating"])


def downgrade():
    op.drop_index("ix_review_ratings_standard_rating", table_name="review_ratings")
    op.drop_table("review_ratings")
    op.drop_index("ix_family_questions_review_id", table_name="family_questions")
    op.drop_table("family_questions")
    op.drop_index("ix_family_contacts_review_id", table_name="family_contacts")
    op.drop_table("family_contacts")
    # Plain DROP COLUMNs, as 0013 does (no table copy: the expression index stays).
    op.drop_column("reviews", "family_summary_exceptions")
    op.drop_column("reviews", "family_summary")
    op.drop_column("reviews", "case_outcome_date")
    op.drop_column("reviews", "case_outcome")
