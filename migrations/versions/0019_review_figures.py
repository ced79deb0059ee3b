"""0019 review figures: each review's findings counted for the leadership figures.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 20:00:00.000000

`review_figures` holds one row per review with findings: its findings, individual shortfall
findings (judged insufficient, attributed to an individual), those attributed to an
individual alone, those whose context was weighed (the balance rule), findings by
attribution and individual shortfall findings by just-culture outcome.
`review_people_figures` holds one row per review with participants: its part of who gets
blamed (participants with a caseload context by their latest context's grade and bands,
the subjects of individual shortfall findings among them, those subjects by outcome,
subjects without a context). The app rewrites a review's rows in the same transaction as every change that can alter it
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
GRADES = (
    "probation_officer",
    "probation_services_officer",
    "trainee_probation_officer",
    "senior_probation_officer",
    "agency_probation_officer",
)
# The bands of who gets blamed: (key, highest value inclusive), the last open above.
BANDS = {
    "months": ("months_in_role", (("under_12", 11), ("12_to_24", 24), ("over_24", None))),
    "cases": ("caseload_count", (("up_to_50", 50), ("51_to_60", 60), ("over_60", None))),
    "wmt": ("workload_percent", (("up_to_100", 100), ("101_to_110", 110), ("over_110", None))),
}
BREAKDOWNS = {"grade": GRADES} | {
    name: tuple(key for key, _ in bands) for name, (_, bands) in BANDS.items()
}
PEOPLE_COUNTS = (
    "participants",
    "subjects",
    "subjects_without_context",
    *(
        f"{side}_{breakdown}_{key}"
        for side in ("all", "subjects")
        for breakdown, keys in BREAKDOWNS.items()
        for key in keys
    ),
    *(f"subjects_outcome_{key}" for key in OUTCOMES),
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
contexts = sa.table(
    "caseload_contexts",
    sa.column("id"),
    sa.column("participant_id"),
    sa.column("period_end"),
    sa.column("grade"),
    sa.column("months_in_role"),
    sa.column("caseload_count"),
    sa.column("workload_percent"),
)
participants = sa.table("participants", sa.column("id"), sa.column("review_id"))


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


def _individual(finding: sa.TableClause) -> sa.ColumnElement[bool]:
    return (finding.c.judgement == "insufficient") & sa.exists().where(
        attributions.c.finding_id == finding.c.id, attributions.c.attribution == "individual"
    )


def _subject_of(person: sa.Alias, outcome: str | None = None) -> sa.ColumnElement[bool]:
    link = subject_links.alias("subject_link")
    finding = findings.alias("subject_finding")
    condition = [
        link.c.participant_id == person.c.id,
        finding.c.id == link.c.finding_id,
        _individual(finding),
    ]
    if outcome is not None:
        assessed = (
            sa.select(assessments.c.outcome)
            .where(assessments.c.finding_id == finding.c.id)
            .scalar_subquery()
        )
        condition.append(sa.func.coalesce(assessed, "not_assessed") == outcome)
    return sa.exists().where(*condition).correlate_except(link, finding)


def _band(column: sa.ColumnElement[int], bands: tuple[tuple[str, int | None], ...]) -> sa.Case:
    whens = [(column <= high, key) for key, high in bands if high is not None]
    return sa.case(*whens, else_=bands[-1][0])


def _people_rows() -> sa.Select[tuple[int, ...]]:
    person = participants.alias("person")
    context = contexts.alias("latest_context")
    later = contexts.alias("later_context")
    latest = ~sa.exists().where(
        later.c.participant_id == context.c.participant_id,
        sa.or_(
            later.c.period_end > context.c.period_end,
            sa.and_(later.c.period_end == context.c.period_end, later.c.id > context.c.id),
        ),
    )
    subject = _subject_of(person)
    with_context = context.c.id.is_not(None)

    def how_many(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    bands = {"grade": context.c.grade} | {
        name: _band(context.c[column], keys) for name, (column, keys) in BANDS.items()
    }
    columns = [
        person.c.review_id,
        how_many(with_context),
        how_many(with_context & subject),
        how_many(~with_context & subject),
    ]
    for side in ("all", "subjects"):
        for breakdown, keys in BREAKDOWNS.items():
            for key in keys:
                condition = with_context & (bands[breakdown] == key)
                columns.append(how_many(condition & subject if side == "subjects" else condition))
    columns += [how_many(with_context & _subject_of(person, key)) for key in OUTCOMES]
    return (
        sa.select(*columns)
        .select_from(person)
        .outerjoin(context, sa.and_(context.c.participant_id == person.c.id, latest))
        .group_by(person.c.review_id)
    )


def _table(name: str, counts: tuple[str, ...]) -> sa.Table:
    return op.create_table(
        name,
        sa.Column("review_id", sa.Integer(), nullable=False, autoincrement=False),
        *(sa.Column(count, sa.Integer(), nullable=False) for count in counts),
        sa.ForeignKeyConstraint(["review_id"], ["reviews.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("review_id"),
    )


def upgrade() -> None:
    table = _table("review_figures", COUNTS)
    dialect = op.get_bind().dialect.name
    op.execute(table.insert().from_select(["review_id", *COUNTS], _rows(dialect)))
    people = _table("review_people_figures", PEOPLE_COUNTS)
    op.execute(people.insert().from_select(["review_id", *PEOPLE_COUNTS], _people_rows()))


def downgrade() -> None:
    op.drop_table("review_people_figures")
    op.drop_table("review_figures")
