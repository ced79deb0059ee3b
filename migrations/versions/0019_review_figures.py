"""0019 review figures: each review's findings counted for the leadership figures.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 20:00:00.000000

`review_figures` holds one row per review with findings: its findings, individual shortfall
findings (judged insufficient, attributed to an individual), those attributed to an
individual alone, those whose context was weighed (the balance rule), findings by
attribution and individual shortfall findings by just-culture outcome. The app rewrites a
review's row in the same transaction as every change that can alter it
(services/figures/contributions.py); the upgrade fills the rows of the reviews already
there, with the same rule written here as it stands at this revision.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

ATTRIBUTIONS = ("individual", "team", "organisational", "partnership", "national")
OUTCOMES = (
    "refer_elsewhere",
    "support_for_health",
    "system_learning",
    "individual_learning",
    "not_assessed",
)
COUNTS = (
    "findings",
    "individual",
    "individual_only",
    "weighed",
    *(f"attributed_{key}" for key in ATTRIBUTIONS),
    *(f"outcome_{key}" for key in OUTCOMES),
)
BALANCE_NOTE_MIN = 100
# Every character Python's str.strip() removes (sfo_review/sqlfuncs.py).
WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())

findings = sa.table(
    "findings",
    sa.column("id"),
    sa.column("review_id"),
    sa.column("judgement"),
    sa.column("context_note"),
)
attributions = sa.table("finding_attributions", sa.column("finding_id"), sa.column("attribution"))
assessments = sa.table("just_culture_assessments", sa.column("finding_id"), sa.column("outcome"))
factor_links = sa.table("finding_systemic_factors", sa.column("finding_id"))
context_links = sa.table(
    "finding_caseload_contexts", sa.column("finding_id"), sa.column("caseload_context_id")
)
subject_links = sa.table("finding_subjects", sa.column("finding_id"), sa.column("participant_id"))
contexts = sa.table("caseload_contexts", sa.column("id"), sa.column("participant_id"))


def _note_length(dialect: str) -> sa.ColumnElement[int]:
    trim = sa.func.btrim if dialect == "postgresql" else sa.func.trim
    return sa.func.length(trim(sa.func.coalesce(findings.c.context_note, ""), WHITESPACE))


def _rows(dialect: str) -> sa.Select[tuple[int, ...]]:
    def flag(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
        return sa.case((condition, 1), else_=0)

    def attributed(key: str) -> sa.ColumnElement[bool]:
        return sa.exists().where(
            attributions.c.finding_id == findings.c.id, attributions.c.attribution == key
        )

    individual = (findings.c.judgement == "insufficient") & attributed("individual")
    other = sa.exists().where(
        attributions.c.finding_id == findings.c.id, attributions.c.attribution != "individual"
    )
    subject = subject_links.alias("subject")
    context = contexts.alias("subject_context")
    linked = context_links.alias("linked_context")
    linked_context = contexts.alias("linked_subject_context")
    # Each EXISTS names the only tables of its own (a nested one would otherwise take
    # `findings` into its FROM, uncorrelated).
    linked_one = (
        sa.exists()
        .where(
            linked.c.finding_id == findings.c.id,
            linked_context.c.id == linked.c.caseload_context_id,
            linked_context.c.participant_id == subject.c.participant_id,
        )
        .correlate_except(linked, linked_context)
    )
    has_context = (
        sa.exists()
        .where(context.c.participant_id == subject.c.participant_id)
        .correlate_except(context)
    )
    missing = (
        sa.exists()
        .where(subject.c.finding_id == findings.c.id, has_context, ~linked_one)
        .correlate_except(subject)
    )
    factor = sa.exists().where(factor_links.c.finding_id == findings.c.id)
    weighed = sa.or_(_note_length(dialect) >= BALANCE_NOTE_MIN, sa.and_(factor, ~missing))
    outcome = sa.func.coalesce(assessments.c.outcome, "not_assessed")
    flags = (
        sa.select(
            findings.c.review_id.label("review_id"),
            flag(individual).label("individual"),
            flag(individual & ~other).label("individual_only"),
            flag(individual & weighed).label("weighed"),
            *(flag(attributed(key)).label(f"attributed_{key}") for key in ATTRIBUTIONS),
            *(flag(individual & (outcome == key)).label(f"outcome_{key}") for key in OUTCOMES),
        )
        .select_from(findings)
        .outerjoin(assessments, assessments.c.finding_id == findings.c.id)
        .subquery("finding_flags")
    )
    sums = [
        sa.func.count().label(name) if name == "findings" else sa.func.sum(flags.c[name])
        for name in COUNTS
    ]
    return sa.select(flags.c.review_id, *sums).group_by(flags.c.review_id)


def upgrade() -> None:
    table = op.create_table(
        "review_figures",
        sa.Column("review_id", sa.Integer(), nullable=False, autoincrement=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.ForeignKeyConstraint(["review_id"], ["reviews.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("review_id"),
    )
    dialect = op.get_bind().dialect.name
    op.execute(table.insert().from_select(["review_id", *COUNTS], _rows(dialect)))


def downgrade() -> None:
    op.drop_table("review_figures")
