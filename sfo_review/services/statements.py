"""Use cases for officers' contextual statements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sfo_review import lifecycle, vocab
from sfo_review import permissions as perm
from sfo_review.extensions import db
from sfo_review.models import Participant, Review, Statement, User
from sfo_review.models._base import utcnow
from sfo_review.services import notifications
from sfo_review.services import validation as v
from sfo_review.services._common import (
    apply,
    audit,
    check_version,
    ensure_editable,
    require_permission,
    review_edit,
)
from sfo_review.services.errors import Conflict, Forbidden

BODY_RULES: dict[str, v.Rule] = {"body": v.long("statement")}
DECLINE_RULES: dict[str, v.Rule] = {"reason": v.long("reason for not giving a statement")}
INCLUSION_RULES: dict[str, v.Rule] = {
    "include_in_report": v.enum("report inclusion", vocab.keys(vocab.REPORT_INCLUSIONS)),
    "summary": v.long("summary", required=False),
}


def statements_visible_to(actor: User, review: Review) -> list[Statement]:
    return [s for s in review.statements if perm.can_see_statement(actor, review, s)]


NOT_STARTED = "not_started"
STATUS_LABELS = {
    NOT_STARTED: "Not started",
    lifecycle.DRAFT: "Draft (not yet submitted)",
    lifecycle.SUBMITTED: "Submitted",
    lifecycle.DECLINED: "Declined",
}


@dataclass(frozen=True)
class Asked:
    """One participant: asked for a statement when added to the review, and what is still
    outstanding from them now."""

    participant: Participant
    statement: Statement | None
    status: str  # NOT_STARTED or the statement's status
    outstanding: list[str]

    @property
    def asked_on(self) -> date:
        return self.participant.created_at.date()

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def _outstanding(
    review: Review, participant: Participant, statement: Statement | None
) -> list[str]:
    waiting = []
    if not lifecycle.has_answered(statement):
        waiting.append("Their statement, or a reason for not giving one")
    if lifecycle.accepts_responses(review) and lifecycle.factual_accuracy_window_open(review):
        for finding in lifecycle.factual_accuracy_outstanding(participant):
            waiting.append(f"A reply to “{finding.title}”, or to say they have nothing to add")
    return waiting


def participants_asked(review: Review) -> list[Asked]:
    """Every participant from the moment they are added, with their statement's status."""
    by_author = {s.author_id: s for s in review.statements}
    asked = []
    for p in review.participants:
        statement = by_author.get(p.user_id)
        status = statement.status if statement is not None else NOT_STARTED
        asked.append(Asked(p, statement, status, _outstanding(review, p, statement)))
    return asked


def participants_waiting(review: Review) -> list[Participant]:
    """Participants whose statement is not yet submitted or declined."""
    settled = {s.author_id for s in review.statements if lifecycle.has_answered(s)}
    return [p for p in review.participants if p.user_id not in settled]


def own_statement(actor: User, review: Review) -> Statement | None:
    for statement in review.statements:
        if statement.author_id == actor.id:
            return statement
    return None


def _writing_open(review: Review) -> None:
    if not lifecycle.accepts_statements(review):
        raise Conflict(
            "Statements can only be written while the review is in review or at factual accuracy."
        )


@review_edit
def create_statement(actor: User, review: Review, data: dict[str, Any]) -> Statement:
    """A participant starts their own statement, as a private draft."""
    require_permission(
        perm.can_write_statement(actor, review), "Only participants can write a statement."
    )
    _writing_open(review)
    values = v.clean(data, BODY_RULES)
    if own_statement(actor, review) is not None:
        raise Conflict("You already have a statement on this review: edit your draft instead.")
    statement = Statement(
        review=review, author_id=actor.id, body=values["body"], status=lifecycle.DRAFT
    )
    db.session.add(statement)
    db.session.flush()
    audit(
        review,
        actor,
        "statement.drafted",
        "Started a contextual statement (draft)",
        {"id": statement.id},
    )
    return statement


@review_edit
def update_statement(
    actor: User, review: Review, statement: Statement, data: dict[str, Any]
) -> Statement:
    """The author edits their draft; the reviewer chooses how it appears in the report."""
    data = dict(data)
    if statement.author_id == actor.id:
        check_version(statement, data)
        if lifecycle.is_submitted(statement):
            raise Conflict("A submitted statement cannot be changed.")
        if lifecycle.is_declined(statement):
            raise Conflict("You declined to give a statement. Choose to write one after all first.")
        _writing_open(review)
        values = v.clean(data, BODY_RULES, partial=True)
        changed = apply(statement, values)
        if changed:
            audit(
                review,
                actor,
                "statement.edited",
                "Edited their draft statement",
                {"id": statement.id},
            )
        return statement
    if not perm.can_set_statement_inclusion(actor, review):
        raise Forbidden("Only the statement's author or the reviewer can change it.")
    if not lifecycle.is_submitted(statement):
        # Only a submitted statement appears in the report; a declined one shows its reason.
        raise Conflict("Only a submitted statement has a place in the report to choose.")
    check_version(statement, data)
    ensure_editable(review)
    values = v.clean(data, INCLUSION_RULES, partial=True)
    include = values.get("include_in_report", statement.include_in_report)
    summary = values.get("summary", statement.summary)
    if include == "summary" and not (summary and summary.strip()):
        v.require({"summary": ["Enter the summary to use in the report"]})
    changed = apply(statement, values)
    if changed:
        audit(
            review,
            actor,
            "statement.inclusion_set",
            f"Set {statement.author.name}'s statement to appear as "
            f"{statement.include_in_report} in the report",
            {"id": statement.id},
        )
    return statement


@review_edit
def submit_statement(actor: User, review: Review, statement: Statement) -> Statement:
    if statement.author_id != actor.id:
        raise Forbidden("Only the author can submit a statement.")
    if lifecycle.is_submitted(statement):
        raise Conflict("This statement has already been submitted.")
    if lifecycle.is_declined(statement):
        raise Conflict("You declined to give a statement. Choose to write one after all first.")
    _writing_open(review)
    statement.status = lifecycle.SUBMITTED
    statement.submitted_at = utcnow()
    audit(
        review,
        actor,
        "statement.submitted",
        "Submitted their contextual statement",
        {"id": statement.id},
    )
    notifications.statement_answered(review, actor, declined=False)
    return statement


@review_edit
def decline_statement(actor: User, review: Review, data: dict[str, Any]) -> Statement:
    """A participant says they will not give a statement, and why.

    A draft they had begun is kept, private to them, in case they change their mind; others
    see only the reason and when it was given.
    """
    require_permission(
        perm.can_write_statement(actor, review), "Only participants can decline a statement."
    )
    _writing_open(review)
    values = v.clean(data, DECLINE_RULES)
    statement = own_statement(actor, review)
    if lifecycle.is_submitted(statement):
        raise Conflict("You have already submitted your statement, so it cannot be declined.")
    if lifecycle.is_declined(statement):
        raise Conflict("You have already declined to give a statement.")
    if statement is None:
        statement = Statement(review=review, author_id=actor.id, body="")
        db.session.add(statement)
    statement.status = lifecycle.DECLINED
    statement.decline_reason = values["reason"]
    statement.declined_at = utcnow()
    db.session.flush()
    audit(
        review,
        actor,
        "statement.declined",
        "Declined to give a contextual statement, with a reason",
        {"id": statement.id},
    )
    notifications.statement_answered(review, actor, declined=True)
    return statement


@review_edit
def withdraw_decline(actor: User, review: Review, statement: Statement) -> Statement:
    """The participant changes their mind: the statement becomes their private draft again."""
    if statement.author_id != actor.id:
        raise Forbidden("Only the author can change their mind about a statement.")
    if not lifecycle.is_declined(statement):
        raise Conflict("You have not declined to give a statement.")
    _writing_open(review)
    statement.status = lifecycle.DRAFT
    statement.decline_reason = None
    statement.declined_at = None
    audit(
        review,
        actor,
        "statement.decline_withdrawn",
        "Chose to write a statement after declining",
        {"id": statement.id},
    )
    return statement
