"""Use cases on the review itself: create, edit, participants, listing and viewing."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import Select, false, func, or_, select

from sfo_review import clock, lifecycle, vocab
from sfo_review import permissions as perm
from sfo_review.extensions import db
from sfo_review.models import Participant, Review, User
from sfo_review.services import criminal_case, notifications, regions
from sfo_review.services import validation as v
from sfo_review.services._common import (
    apply,
    audit,
    check_version,
    ensure_editable,
    require_permission,
    review_edit,
    use_case,
)
from sfo_review.services.deadlines import add_working_days
from sfo_review.services.errors import Conflict, ValidationFailed

REVIEW_RULES: dict[str, v.Rule] = {
    "case_reference": v.short(
        "case reference",
        pattern=r"[A-Za-z][0-9]{6}",
        pattern_message="Enter the case reference (CRN) as one letter followed by 6 digits, "
        "like X123456",
    ),
    "person_initials": v.short(
        "initials of the person on probation",
        pattern=r"[A-Za-z]{1,4}",
        pattern_message="Enter the initials of the person on probation as 1 to 4 letters",
    ),
    "offence_charged": v.short("offence charged"),
    "offence_category": v.enum("offence category", vocab.keys(vocab.OFFENCE_CATEGORIES)),
    "charge_date": v.a_date(
        "charge date", earliest=v.NOTIFICATIONS_BEGIN, latest_days=v.NOT_AFTER_TODAY
    ),
    "notification_date": v.a_date(
        "notification date", earliest=v.NOTIFICATIONS_BEGIN, latest_days=v.NOT_AFTER_TODAY
    ),
    "region": v.short("region"),
    "pdu": v.short("probation delivery unit (PDU)"),
    "sentence_type": v.enum("sentence type", vocab.keys(vocab.SENTENCE_TYPES)),
    "rosh_level": v.enum("risk of serious harm level", vocab.keys(vocab.ROSH_LEVELS)),
}
REVIEW_EDIT_RULES: dict[str, v.Rule] = {
    **REVIEW_RULES,
    "countersigner_email": v.email("countersigner's email address", required=False),
    "overall_judgement": v.long("overall judgement", required=False),
    # Why the review goes to factual accuracy with statements not yet settled (api-v1.1 A).
    "statements_outstanding_reason": v.long(
        "reason for going on without every statement", required=False
    ),
    # api-v1.1 C: the summary written for the victim's family, and why items of its check stay.
    "family_summary": v.long("summary for the family", required=False),
    "family_summary_exceptions": v.long(
        "reason the remaining items stay in the summary for the family", required=False
    ),
}
PARTICIPANT_RULES: dict[str, v.Rule] = {
    "email": v.email("participant's email address"),
    "role_in_case": v.enum("role in the case", vocab.keys(vocab.PARTICIPANT_ROLES)),
}


def _check_dates(values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    charge, notified = values.get("charge_date"), values.get("notification_date")
    if charge and notified and notified < charge:
        errors["notification_date"] = ["Notification date must be on or after the charge date"]
    v.require(errors)


def _normalise(values: dict[str, Any]) -> None:
    if values.get("case_reference"):
        values["case_reference"] = values["case_reference"].upper()
    if values.get("person_initials"):
        values["person_initials"] = values["person_initials"].upper()


def _next_reference(year: int) -> str:
    prefix = f"SFO-{year}-"
    last = db.session.scalar(
        select(func.max(Review.reference)).where(Review.reference.like(prefix + "%"))
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def due_date_for(notification_date: date) -> date:
    return add_working_days(notification_date, current_app.config["REVIEW_DEADLINE_WORKING_DAYS"])


@use_case
def create_review(actor: User, data: dict[str, Any]) -> Review:
    """Record an SFO notification; the creator becomes the reviewer."""
    require_permission(perm.can_create_review(actor), "Only reviewers can create reviews.")
    values = v.clean(data, REVIEW_RULES)
    _check_dates(values)
    _normalise(values)
    values["region"], values["pdu"] = regions.check_area(values["region"], values["pdu"])
    due = due_date_for(values["notification_date"])
    review = Review(
        **values,
        reference=_next_reference(clock.today().year),
        status=lifecycle.IN_REVIEW,
        reviewer_id=actor.id,
        created_by_id=actor.id,
        due_date=due,
        effective_due_date=due,
    )
    db.session.add(review)
    db.session.flush()
    audit(review, actor, "review.created", f"Created review {review.reference}")
    return review


def _countersigner(email: str | None) -> User | None:
    if email is None:
        return None
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    if user is None or user.role != "quality_assurer" or not user.active:
        raise ValidationFailed(
            {"countersigner_email": ["Enter the email address of an active quality assurer"]}
        )
    return user


def _check_outstanding_reason(values: dict[str, Any]) -> None:
    reason = values.get("statements_outstanding_reason")
    if reason is not None and len(reason.strip()) < lifecycle.STATEMENTS_REASON_MIN:
        v.require(
            {
                "statements_outstanding_reason": [
                    "Reason for going on without every statement must be at least "
                    f"{lifecycle.STATEMENTS_REASON_MIN} characters"
                ]
            }
        )


def _case_fields(review: Review, data: dict[str, Any]) -> dict[str, Any]:
    """Take the criminal case's fields out of `data`. They are not content: they may change in
    any status before closed (api-v1.1 C); every other field keeps the edit window."""
    case_data = {k: data.pop(k) for k in criminal_case.FIELDS if k in data}
    if data or not case_data:
        ensure_editable(review)
    if case_data:
        criminal_case.ensure_open(review)
    return case_data


def _checked_case(
    review: Review, case_data: dict[str, Any], values: dict[str, Any], charge: date
) -> dict[str, Any]:
    """The case fields checked, also when only the charge date moves (the outcome's date may
    not be before it)."""
    if case_data or ("charge_date" in values and review.case_outcome_date is not None):
        return criminal_case.checked(review, case_data, charge)
    return {}


@review_edit
def update_review(actor: User, review: Review, data: dict[str, Any]) -> Review:
    """Edit the notification details, the overall judgement or the countersigner."""
    require_permission(perm.can_edit_review(actor, review))
    data = dict(data)
    check_version(review, data)
    case_data = _case_fields(review, data)
    values = v.clean(data, REVIEW_EDIT_RULES, partial=True)
    _check_outstanding_reason(values)
    merged = {k: getattr(review, k) for k in ("charge_date", "notification_date")}
    merged.update({k: values[k] for k in merged if k in values})
    if {"charge_date", "notification_date"} & values.keys():
        _check_dates(merged)
    case_values = _checked_case(review, case_data, values, merged["charge_date"])
    _normalise(values)
    if {"region", "pdu"} & values.keys():
        now = (review.region, review.pdu)
        sent = (values.get("region", review.region), values.get("pdu", review.pdu))
        values["region"], values["pdu"] = regions.check_area(*sent, keep=now)
    if "countersigner_email" in values:
        countersigner = _countersigner(values.pop("countersigner_email"))
        if countersigner is not None and countersigner.id == review.reviewer_id:
            raise ValidationFailed(
                {"countersigner_email": ["The countersigner cannot be the review's reviewer"]}
            )
        values["countersigner_id"] = countersigner.id if countersigner else None
    if "notification_date" in values:
        values["due_date"] = due_date_for(values["notification_date"])
        if not any(lifecycle.is_agreed(e) for e in review.extensions):
            values["effective_due_date"] = values["due_date"]
    changed = apply(review, values)
    if changed:
        audit(review, actor, "review.updated", "Edited the review", {"fields": changed})
    if case_data:
        criminal_case.record(actor, review, case_values)
    return review


@review_edit
def record_statements_outstanding_reason(
    actor: User, review: Review, data: dict[str, Any]
) -> Review:
    """The reviewer says why the review goes to factual accuracy before every participant's
    statement is submitted or declined (the browser's question page; the API PATCHes the
    review's `statements_outstanding_reason`)."""
    require_permission(perm.can_edit_review(actor, review))
    data = dict(data)
    check_version(review, data)
    ensure_editable(review)
    values = v.clean(
        data,
        {"statements_outstanding_reason": REVIEW_EDIT_RULES["statements_outstanding_reason"]},
    )
    if values.get("statements_outstanding_reason") is None:
        v.require(
            {
                "statements_outstanding_reason": [
                    "Enter the reason for going on without every statement"
                ]
            }
        )
    _check_outstanding_reason(values)
    if apply(review, values):
        audit(
            review,
            actor,
            "review.updated",
            "Recorded why the review goes on without every statement",
            {"fields": ["statements_outstanding_reason"]},
        )
    return review


@review_edit
def add_participant(actor: User, review: Review, data: dict[str, Any]) -> Participant:
    require_permission(perm.can_edit_review(actor, review))
    ensure_editable(review)
    values = v.clean(data, PARTICIPANT_RULES)
    user = db.session.scalar(select(User).where(func.lower(User.email) == values["email"].lower()))
    if user is None or user.role != "officer":
        raise ValidationFailed(
            {"email": ["Enter the email address of a user with the officer role"]}
        )
    if review.participant_for(user) is not None:
        raise ValidationFailed({"email": [f"{user.name} is already a participant"]})
    participant = Participant(review=review, user=user, role_in_case=values["role_in_case"])
    db.session.add(participant)
    db.session.flush()
    audit(
        review,
        actor,
        "participant.added",
        f"Added {user.name} as {vocab.label(vocab.PARTICIPANT_ROLES, values['role_in_case'])}",
        {"user_id": user.id, "role_in_case": values["role_in_case"]},
    )
    notifications.statement_requested(review, user)
    return participant


FIND_MIN, FIND_MAX, FIND_LIMIT = 2, 100, 20


def find_officers(actor: User, review: Review, words: str) -> list[User]:
    """Active officer accounts whose name or email contains `words` (any case), not yet
    participants of `review`, by name: the first FIND_LIMIT. ValidationFailed (field `find`)
    when the words are too short or too long to search for."""
    require_permission(perm.can_edit_review(actor, review))
    words = " ".join(words.split())
    if len(words) < FIND_MIN:
        raise ValidationFailed({"find": [f"Enter at least {FIND_MIN} letters of their name"]})
    if len(words) > FIND_MAX:
        raise ValidationFailed({"find": [f"Enter {FIND_MAX} characters or fewer"]})
    taken = [p.user_id for p in review.participants]
    query = (
        select(User)
        .where(
            User.role == "officer",
            User.active.is_(True),
            or_(
                func.lower(User.name).contains(words.lower(), autoescape=True),
                func.lower(User.email).contains(words.lower(), autoescape=True),
            ),
            User.id.not_in(taken),
        )
        .order_by(User.name, User.id)
        .limit(FIND_LIMIT)
    )
    return list(db.session.scalars(query))


def why_participant_stays(review: Review, participant: Participant) -> str | None:
    """Why `participant` cannot be removed (their own words are on the review), or None."""
    has_statement = any(s.author_id == participant.user_id for s in review.statements)
    has_replies = any(
        r.author_id == participant.user_id for f in review.findings for r in f.responses
    )
    if has_statement or has_replies:
        return (
            f"{participant.user.name} has written a statement or replied to findings, "
            "so they stay on the review."
        )
    return None


@review_edit
def remove_participant(actor: User, review: Review, participant: Participant) -> None:
    require_permission(perm.can_edit_review(actor, review))
    ensure_editable(review)
    kept_because = why_participant_stays(review, participant)
    if kept_because:
        raise Conflict(kept_because)
    for context in list(participant.caseload_contexts):
        review.caseload_contexts.remove(context)
    name, user_id, role = participant.user.name, participant.user_id, participant.role_in_case
    review.participants.remove(participant)
    audit(
        review,
        actor,
        "participant.removed",
        f"Removed {name} from the review",
        # the family summary's redactor still knows them (pdf/redact.py)
        {"user_id": user_id, "role_in_case": role},
    )


def visible_reviews_query(actor: User) -> Select[tuple[Review]]:
    """The reviews `actor` may see (the same rule as permissions.can_see_review); every list
    (services/review_list.py) and the figures (services/figures/scope.py) start here."""
    query = select(Review)
    if actor.role == "reviewer":
        query = query.where(or_(Review.reviewer_id == actor.id, Review.created_by_id == actor.id))
    elif actor.role == "officer":
        query = query.where(
            Review.id.in_(select(Participant.review_id).where(Participant.user_id == actor.id))
        )
    elif actor.role == "quality_assurer":
        query = query.where(
            or_(
                Review.status.in_(lifecycle.WITH_QUALITY_ASSURANCE),
                Review.countersigner_id == actor.id,
            )
        )
    elif actor.role != "leadership":
        query = query.where(false())
    return query


@use_case
def record_view(actor: User, review: Review, what: str = "review") -> None:
    """Every view of a review is an audit event (who read what, and when)."""
    the = "" if what.startswith(("their ", "the ")) else "the "
    audit(review, actor, "review.viewed", f"Viewed {the}{what}")
