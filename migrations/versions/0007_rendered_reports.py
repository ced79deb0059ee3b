"""0007 rendered PDFs (content-keyed cache, background render state) and archival snapshots.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 17:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rendered_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("variant", sa.String(length=30), nullable=False),
        sa.Column("content_key", sa.String(length=64), nullable=False),
        sa.Column("stamp", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("page_count", sa.Integer(), nullable=True),
        sa.Column("render_seconds", sa.Float(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
            name=op.f("fk_rendered_reports_review_id_reviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rendered_reports")),
        sa.UniqueConstraint("review_id", "variant", name=op.f("uq_rendered_reports_review_id")),
    )
    op.create_index(
        op.f("ix_rendered_reports_review_id"), "rendered_reports", ["review_id"], unique=False
    )
    # Snapshots gain a format (standard PDF/UA or archival PDF/A-3b); the existing ones are
    # standard. Nothing references report_snapshots, so the batch copy SQLite needs to
    # change its unique constraint cascades to nothing.
    with op.batch_alter_table("report_snapshots", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("format", sa.String(length=20), nullable=False, server_default="standard")
        )
        batch_op.drop_constraint("uq_report_snapshots_review_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_report_snapshots_review_id", ["review_id", "variant", "format"]
        )


def downgrade():
    op.execute("DELETE FROM report_snapshots WHERE format <> 'standard'")
    with op.batch_alter_table("report_snapshots", schema=None) as batch_op:
        batch_op.drop_constraint("uq_report_snapshots_review_id", type_="unique")
        batch_op.create_unique_constraint("uq_report_snapshots_review_id", ["review_id", "variant"])
        batch_op.drop_column("format")
    op.drop_index(op.f("ix_rendered_reports_review_id"), table_name="rendered_reports")
    op.drop_table("rendered_reports")
