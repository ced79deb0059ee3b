"""Each review's contribution to the findings figures (`review_figures`) and to who gets
blamed (`review_people_figures`), kept up to date.

The balance measure, the just-culture outcomes and who gets blamed were computed over every
finding or participant in scope: hundreds of milliseconds nationally after every edit of a
finding. Each review's counts are kept instead (models/review_figures.py) and the sections
sum them over the reviews in scope (services/figures/findings.py, just_culture.py,
attribution.py).

A review's rows are computed afresh, in SQL, in the same transaction as any change to what it
counts: its findings and their attributions, just-culture assessments and links (systemic
factors, caseload contexts, subjects), its systemic factors, caseload contexts (which is a
person's latest, its grade and bands) and participants (a context recorded or deleted, or
a participant removed, can change whether a finding's context was weighed; deleting a
factor, a context or a participant removes their links with it, ON DELETE CASCADE). Every
object of those kinds belongs to one review (`review_id`); the listener collects those
reviews at each flush (`_collect`) and rewrites their rows just before the commit
(`_refresh_on_commit`). Changes that bypass the ORM
(`flask seed-bulk`) call `refresh()` themselves; a restore copies the rows with the data.

The per-finding flags are correlated EXISTS tests (index probes on the link tables'
primary keys), so a review's row costs a few probes per finding, never a scan of the
tables. They are the same rule as `lifecycle.finding_context_weighed` and
`lifecycle.finding_is_weighed_sql` (tests/dashboard/test_rules_in_sql.py).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    and_,
    bindparam,
    case,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy.orm import Session

from sfo_review.database import Listener, listen_once
from sfo_review.lifecycle import BALANCE_NOTE_MIN, SHORTFALL_JUDGEMENT
from sfo_review.models import (
    CaseloadContext,
    Finding,
    FindingAttribution,
    JustCultureAssessment,
    Participant,
    Review,
    SystemicFactor,
    finding_caseload_contexts,
    finding_subjects,
    finding_systemic_factors,
    review_figures,
    review_people_figures,
)
from sfo_review.models.review_figures import (
    ATTRIBUTED,
    BANDS,
    COUNTS,
    NOT_ASSESSED,
    OUTCOMES,
    PEOPLE_COUNTS,
    SUBJECT_OUTCOMES,
)
from sfo_review.services.figures.bands import CASELOAD, MONTHS_IN_ROLE, WORKLOAD, band_sql
from sfo_review.sqlfuncs import stripped_length

TOUCHED = "review_figures_touched"
CHUNK = 500  # review ids per statement (SQLite's bound parameters)


def is_individual_correlated() -> ColumnElement[bool]:
    """SQL, correlated on `Finding`: an individual shortfall finding."""
    return (Finding.judgement == SHORTFALL_JUDGEMENT) & exists().where(
        FindingAttribution.finding_id == Finding.id,
        FindingAttribution.attribution == "individual",
    )


def is_weighed_correlated() -> ColumnElement[bool]:
    """SQL, correlated on `Finding`: its context was weighed (rule 2,
    `lifecycle.finding_context_weighed`): a context note of 100 or more characters, or at
    least one systemic factor linked and no subject who has a caseload context with none
    of theirs linked."""
    subject = finding_subjects.alias("subject")
    context = CaseloadContext.__table__.alias("subject_context")
    linked = finding_caseload_contexts.alias("linked_context")
    linked_context = CaseloadContext.__table__.alias("linked_subject_context")
    # Each EXISTS names the only tables of its own: the others are the enclosing queries'
    # (a nested EXISTS would otherwise take `findings` into its FROM, uncorrelated).
    has_context = (
        exists()
        .where(context.c.participant_id == subject.c.participant_id)
        .correlate_except(context)
    )
    linked_one = (
        exists()
        .where(
            linked.c.finding_id == Finding.id,
            linked_context.c.id == linked.c.caseload_context_id,
            linked_context.c.participant_id == subject.c.participant_id,
        )
        .correlate_except(linked, linked_context)
    )
    missing = (
        exists()
        .where(subject.c.finding_id == Finding.id, has_context, ~linked_one)
        .correlate_except(subject)
    )
    factor = exists().where(finding_systemic_factors.c.finding_id == Finding.id)
    return or_(stripped_length(Finding.context_note) >= BALANCE_NOTE_MIN, and_(factor, ~missing))


def _flags(review_ids: Any) -> Any:
    """One row per finding (of `review_ids`, or of every review): its review, 1/0 flags."""

    def flag(condition: ColumnElement[bool]) -> Any:
        return case((condition, 1), else_=0)

    individual = is_individual_correlated()
    other = exists().where(
        FindingAttribution.finding_id == Finding.id,
        FindingAttribution.attribution != "individual",
    )
    outcome = func.coalesce(JustCultureAssessment.outcome, NOT_ASSESSED)
    columns: list[Any] = [
        Finding.review_id.label("review_id"),
        flag(individual).label("individual"),
        flag(individual & ~other).label("individual_only"),
        flag(individual & is_weighed_correlated()).label("weighed"),
    ]
    columns += [
        flag(
            exists().where(
                FindingAttribution.finding_id == Finding.id, FindingAttribution.attribution == key
            )
        ).label(name)
        for key, name in ATTRIBUTED.items()
    ]
    columns += [flag(individual & (outcome == key)).label(name) for key, name in OUTCOMES.items()]
    query = select(*columns).outerjoin(
        JustCultureAssessment, JustCultureAssessment.finding_id == Finding.id
    )
    if review_ids is not None:
        query = query.where(_among(Finding.review_id, review_ids))
    return query.subquery("finding_flags")


def _rows(review_ids: Any) -> Any:
    flags = _flags(review_ids)
    sums = [
        func.count().label("findings")
        if name == "findings"
        else func.sum(flags.c[name]).label(name)
        for name in COUNTS
    ]
    return select(flags.c.review_id, *sums).group_by(flags.c.review_id)


def is_latest(context: Any) -> ColumnElement[bool]:
    """SQL: `context` is its participant's latest (latest period, then latest recorded),
    as services/figures/attribution.py counts them."""
    later = CaseloadContext.__table__.alias("later_context")
    return ~exists().where(
        later.c.participant_id == context.c.participant_id,
        or_(
            later.c.period_end > context.c.period_end,
            and_(later.c.period_end == context.c.period_end, later.c.id > context.c.id),
        ),
    )


def subject_of(participant_id: Any, outcome: str | None = None) -> ColumnElement[bool]:
    """SQL: the participant is a subject of an individual shortfall finding (with that
    just-culture outcome, `not_assessed` when none, when `outcome` is given)."""
    condition = [
        finding_subjects.c.participant_id == participant_id,
        Finding.id == finding_subjects.c.finding_id,
        is_individual_correlated(),
    ]
    if outcome is not None:
        assessed = func.coalesce(
            select(JustCultureAssessment.outcome)
            .where(JustCultureAssessment.finding_id == Finding.id)
            .scalar_subquery(),
            NOT_ASSESSED,
        )
        condition.append(assessed == outcome)
    return exists().where(*condition).correlate_except(finding_subjects, Finding)


def _people_rows(review_ids: Any) -> Any:
    """Each review's part of who gets blamed: one row per review with participants. Each
    person's flags are computed once (an inner query), then counted: a few EXISTS per
    person, and a statement PostgreSQL plans quickly."""
    person = Participant.__table__.alias("person")
    context = CaseloadContext.__table__.alias("latest_context")

    def flag(condition: ColumnElement[bool]) -> Any:
        return case((condition, 1), else_=0)

    people = (
        select(
            person.c.review_id.label("review_id"),
            flag(context.c.id.is_not(None)).label("with_context"),
            flag(subject_of(person.c.id)).label("subject"),
            context.c.grade.label("grade"),
            band_sql(context.c.months_in_role, MONTHS_IN_ROLE).label("months"),
            band_sql(context.c.caseload_count, CASELOAD).label("cases"),
            band_sql(context.c.workload_percent, WORKLOAD).label("wmt"),
            *(
                flag(subject_of(person.c.id, key)).label(name)
                for key, name in SUBJECT_OUTCOMES.items()
            ),
        )
        .select_from(person)
        .outerjoin(context, and_(context.c.participant_id == person.c.id, is_latest(context)))
    )
    if review_ids is not None:
        people = people.where(_among(person.c.review_id, review_ids))
    # OFFSET 0 keeps the inner query whole: merged into the outer one (PostgreSQL pulls a
    # plain subquery up, SQLite flattens it), each flag's EXISTS would be copied into every
    # count that reads it, and PostgreSQL planned the statement in 4.3 ms instead of 2.5
    # (at every commit that changes what a review counts).
    row = people.offset(0).subquery("people")
    with_context, subject = row.c.with_context == 1, row.c.subject == 1

    def how_many(condition: ColumnElement[bool]) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    columns: list[Any] = [
        row.c.review_id,
        how_many(with_context).label("participants"),
        how_many(with_context & subject).label("subjects"),
        how_many(~with_context & subject).label("subjects_without_context"),
    ]
    for (side, breakdown, key), name in BANDS.items():
        condition = with_context & (row.c[breakdown] == key)
        counted = condition & subject if side == "subjects" else condition
        columns.append(how_many(counted).label(name))
    columns += [
        how_many(with_context & (row.c[name] == 1)).label(name)
        for name in SUBJECT_OUTCOMES.values()
    ]
    return select(*columns).group_by(row.c.review_id)


IDS: BindParameter[list[int]] = bindparam("review_ids", expanding=True)
ONE: BindParameter[int] = bindparam("review_id")


def _among(column: Any, review_ids: Any) -> Any:
    """`column` is one of `review_ids`: a list (an expanding parameter: IN) or one id (ONE)."""
    if isinstance(review_ids, BindParameter) and not review_ids.expanding:
        return column == review_ids
    return column.in_(review_ids)


@functools.cache
def _statements(one: bool) -> list[Any]:
    """The statements that rewrite the rows of the reviews bound to `review_ids` (or of the
    one bound to `review_id`): built once, so SQLAlchemy compiles them once (they are large)
    and reuses the SQL. Most commits change one review: its statements compare with one
    parameter, so their SQL is used as compiled, where a list's IN is written out again at
    each execution for the number of ids."""
    ids = ONE if one else IDS
    # Two transactions rewriting one review's rows take turns (PostgreSQL; SQLite has one
    # writer at a time): the second counts what the first committed, and never inserts a
    # row the first inserted. Edits of a review hold this lock already
    # (services/_common.review_edit); other changes take it here, in one order.
    found: list[Any] = [
        select(Review.id).where(_among(Review.id, ids)).order_by(Review.id).with_for_update()
    ]
    for table, names, rows in _TABLES:
        found.append(delete(table).where(_among(table.c.review_id, ids)))
        found.append(insert(table).from_select(["review_id", *names], rows(ids)))
    return found


def refresh(connection: Any, review_ids: Iterable[int] | None = None) -> None:
    """Rewrite the rows of `review_ids` (every review's when None) from the data, in the
    caller's transaction."""
    if review_ids is None:
        for table, names, rows in _TABLES:
            connection.execute(delete(table))
            connection.execute(insert(table).from_select(["review_id", *names], rows(None)))
        return
    ids = sorted(set(review_ids))
    if len(ids) == 1:
        for statement in _statements(one=True):
            connection.execute(statement, {"review_id": ids[0]})
        return
    for start in range(0, len(ids), CHUNK):
        for statement in _statements(one=False):
            connection.execute(statement, {"review_ids": ids[start : start + CHUNK]})


_TABLES = (
    (review_figures, COUNTS, _rows),
    (review_people_figures, PEOPLE_COUNTS, _people_rows),
)

# What a review's row counts: a change to any of these (added, edited, deleted) rewrites it.
_OF_A_REVIEW = (Finding, SystemicFactor, CaseloadContext, Participant)
_OF_A_FINDING = (FindingAttribution, JustCultureAssessment)
FINDINGS = "review_figures_findings"


def _collect(session: Session, _context: Any) -> None:
    """After each flush (new rows have their ids, the lists still name what was flushed):
    the reviews whose row its changes may alter, and the findings whose review's row."""
    reviews: set[int] = session.info.get(TOUCHED, set())
    findings: set[int] = session.info.get(FINDINGS, set())
    for o in (*session.new, *session.dirty, *session.deleted):
        if isinstance(o, _OF_A_REVIEW):
            reviews.add(o.review_id)
        elif isinstance(o, _OF_A_FINDING):
            findings.add(o.finding_id)
    if reviews or findings:
        session.info[TOUCHED], session.info[FINDINGS] = reviews, findings


def _refresh_on_commit(session: Session) -> None:
    session.flush()  # what is still pending may be a change too
    reviews: set[int] = session.info.pop(TOUCHED, set())
    findings: set[int] = session.info.pop(FINDINGS, set())
    if not (reviews or findings):
        return
    connection = session.connection()
    if findings:  # a deleted finding's review is among `reviews` already
        reviews |= set(
            connection.scalars(select(Finding.review_id).where(Finding.id.in_(findings)))
        )
    refresh(connection, reviews)


def _forget_on_rollback(session: Session) -> None:
    session.info.pop(TOUCHED, None)
    session.info.pop(FINDINGS, None)


# Registered by create_app (init_app), never at import; before the figures' data versions
# move (cache.LISTENERS), in the same commit.
LISTENERS: list[Listener] = [
    (Session, "after_flush", _collect),
    (Session, "before_commit", _refresh_on_commit),
    (Session, "after_rollback", _forget_on_rollback),
]


def init_app() -> None:
    listen_once(LISTENERS)
