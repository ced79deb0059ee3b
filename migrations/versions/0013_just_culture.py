"""0013 the individual's side of every finding (api-v1.1 section A).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 10:30:00.000000

Whom a finding is about (`finding_subjects`), the statements shown beside it
(`finding_statements`), its just-culture assessment (`just_culture_assessments`, one row per
finding, none for existing findings: the rules apply from the next move to quality
assurance); what was known at the time on every chronology entry (existing entries:
"unclear"); the subject's account of their recorded working conditions
(`caseload_accounts`); the reviewer's outcome on each reply; why statements were still
outstanding at factual accuracy; a participant's "nothing to add" at factual accuracy; and
who read a statement's words (`statement_access`).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _link(name: str, other_table: str, other_column: str) -> None:
    op.create_table(
        name,
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column(other_column, sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["finding_id"], ["findings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint([other_column], [f"{other_table}.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("finding_id", other_column),
    )
    op.create_index(f"ix_{name}_{other_column}", name, [other_column])


def upgrade():
    _link("finding_subjects", "participants", "participant_id")
    _link("finding_statements", "statements", "statement_id")
    op.create_table(
        "just_culture_assessments",
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("deliberate_harm", sa.String(10), nullable=True),
        sa.Column("health_factors", sa.String(10), nullable=True),
        sa.Column("protocol_existed", sa.String(10), nullable=True),
        sa.Column("protocol_workable", sa.String(10), nullable=True),
        sa.Column("knowingly_departed", sa.String(10), nullable=True),
        sa.Column("peers_would_act_same", sa.String(10), nullable=True),
        sa.Column("comparator", sa.String(200), nullable=True),
        sa.Column("training_gap", sa.Boolean(), nullable=True),
        sa.Column("supervision_gap", sa.Boolean(), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("mitigation", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(30), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["finding_id"], ["findings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("finding_id"),
    )
    op.create_index("ix_just_culture_assessments_outcome", "just_culture_assessments", ["outcome"])
    op.create_table(
        "caseload_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("caseload_context_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("disputed_fields", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["caseload_context_id"], ["caseload_contexts.id"], ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_caseload_accounts_caseload_context_id", "caseload_accounts", ["caseload_context_id"]
    )
    op.create_table(
        "statement_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["statement_id"], ["statements.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_statement_access_statement_id", "statement_access", ["statement_id"])
    op.add_column(
        "chronology_entries",
        sa.Column(
            "known_at_the_time", sa.String(10), nullable=False, server_default=sa.text("'unclear'")
        ),
    )
    with op.batch_alter_table("finding_responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome", sa.String(30), nullable=True))
        batch_op.add_column(sa.Column("outcome_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("outcome_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_finding_responses_outcome_by_id_users", "users", ["outcome_by_id"], ["id"]
        )
    # Plain ADD COLUMN (a batch would copy `reviews` on SQLite and lose its expression index).
    op.add_column("reviews", sa.Column("statements_outstanding_reason", sa.Text(), nullable=True))
    op.add_column(
        "participants",
        sa.Column("factual_accuracy_done_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade():
    op.drop_column("participants", "factual_accuracy_done_at")
    op.drop_column("reviews", "statements_outstanding_reason")
    with op.batch_alter_table("finding_responses", schema=None) as batch_op:
        batch_op.drop_constraint("fk_finding_responses_outcome_by_id_users", type_="foreignkey")
        batch_op.drop_column("outcome_by_id")
        batch_op.drop_column("outcome_at")
        batch_op.drop_column("outcome_note")
        batch_op.drop_column("outcome")
    op.drop_column("chronology_entries", "known_at_the_time")
    op.drop_table("statement_access")
    op.drop_table("caseload_accounts")
    op.drop_table("just_culture_assessments")
    op.drop_table("finding_statements")
    op.drop_table("finding_subjects")
