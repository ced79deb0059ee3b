"""0014 learning that sticks (api-v1.1 section B).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 13:20:00.000000

Each action gains what makes it provable: the systemic factors it addresses
(`action_systemic_factors`), a success measure, a review date, an owner who is a user
account (`owner_id`; existing actions keep their owner's title and have no account until
someone sets it), verification by someone other than the owner (`verified_at`,
`verified_by_id`, `verification_note`), the latest reason it was sent back, and when it was
agreed (set at approval, so the live action plan can tell the agreed plan from actions added
afterwards; existing actions are left unset). Reminders sent to owners are recorded once per
kind (`action_reminders`), so `flask send-reminders` is idempotent; a lesson not learned is
recorded against the earlier review's action (`action_recurrences`). Existing `done` actions
stay `done`: on approved reviews they are shown as awaiting verification.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("actions") as batch:
        batch.add_column(sa.Column("success_measure", sa.Text(), nullable=True))
        batch.add_column(sa.Column("review_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("verification_note", sa.Text(), nullable=True))
        batch.add_column(sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("verified_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("sent_back_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("sent_back_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key("fk_actions_owner_id_users", "users", ["owner_id"], ["id"])
        batch.create_foreign_key(
            "fk_actions_verified_by_id_users", "users", ["verified_by_id"], ["id"]
        )
        # An owner's actions, soonest due first; and the done ones waiting for verification
        # (the home page's lists, the reminders).
        batch.create_index("ix_actions_owner_id_due_date", ["owner_id", "due_date", "status"])
        batch.create_index("ix_actions_status_due_date", ["status", "due_date", "id"])

    op.create_table(
        "action_systemic_factors",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("systemic_factor_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["actions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["systemic_factor_id"], ["systemic_factors.id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("action_id", "systemic_factor_id"),
    )
    op.create_index(
        "ix_action_systemic_factors_systemic_factor_id",
        "action_systemic_factors",
        ["systemic_factor_id"],
    )

    op.create_table(
        "action_reminders",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["actions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("action_id", "kind"),
    )

    op.create_table(
        "action_recurrences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(60), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["actions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["review_id"], ["reviews.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "action_id", "review_id", "category", name="uq_action_recurrences_once"
        ),
    )
    op.create_index("ix_action_recurrences_review_id", "action_recurrences", ["review_id"])
    op.create_index("ix_action_recurrences_recorded_at", "action_recurrences", ["recorded_at"])


def downgrade():
    op.drop_index("ix_action_recurrences_recorded_at", table_name="action_recurrences")
    op.drop_index("ix_action_recurrences_review_id", table_name="action_recurrences")
    op.drop_table("action_recurrences")
    op.drop_table("action_reminders")
    op.drop_index(
        "ix_action_systemic_factors_systemic_factor_id", table_name="action_systemic_factors"
    )
    op.drop_table("action_systemic_factors")
    # A `verified` action was `done` before 1.1 had a word for being checked.
    op.execute("UPDATE actions SET status = 'done' WHERE status = 'verified'")
    with op.batch_alter_table("actions") as batch:
        batch.drop_index("ix_actions_status_due_date")
        batch.drop_index("ix_actions_owner_id_due_date")
        batch.drop_constraint("fk_actions_verified_by_id_users", type_="foreignkey")
        batch.drop_constraint("fk_actions_owner_id_users", type_="foreignkey")
        for column in (
            "agreed_at",
            "sent_back_at",
            "sent_back_reason",
            "verified_by_id",
            "verified_at",
            "verification_note",
            "owner_id",
            "review_date",
            "success_measure",
        ):
            batch.drop_column(column)
