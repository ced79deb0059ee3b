"""Deadline extensions: asked for with a reason and a new date, agreed or refused, all kept.

A request is made by the review's reviewer (or by leadership on their behalf) while the
review is not yet approved, for a working day later than both today and the deadline in
force. Quality assurance or leadership agree or refuse it, with an optional note — never
the person who asked. Nothing is overwritten or deleted: a refused request stays in the
history, and a new request starts a new row. A request still waiting can be withdrawn by
whoever may ask for one (it stays in the history as withdrawn, by whom and when).
Agreeing moves `Review.effective_due_date` (the deadline in force); `Review.due_date`
stays the one counted from the notification.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError

from sfo_review import clock, lifecycle
from sfo_review import permissions as perm
from sfo_review.extensions import db
from sfo_review.models import DeadlineExtension, Review, User
from sfo_review.models._base import utcnow
from sfo_review.services import notifications
from sfo_review.services import validation as v
from sfo_review.services._common import audit, require_permission, review_edit
from sfo_review.services.deadlines import is_working_day
from sfo_review.services.errors import Conflict
from sfo_review.services.notifications import long_date

# A typing slip (2206 for 2026) is caught; real extensions run from weeks to about a year.
LONGEST_EXTENSION = timedelta(days=2 * 366)

REQUEST_RULES: dict[str, v.Rule] = {
    "new_due_date": v.a_date("new deadline"),
    "reason": v.long("reason for the extension"),
}
DECISION_RULES: dict[str, v.Rule] = {
    "decision": v.enum("decision", lifecycle.DECISIONS),
    "note": v.long("note on the decision", required=False),
}


def pending(review: Review) -> DeadlineExtension | None:
    """The request waiting for a decision, if there is one (there is never more than one)."""
    return next((e for e in review.extensions if lifecycle.is_waiting(e)), None)


def _still_open(review: Review) -> None:
    if not lifecycle.extensions_open(review):
        raise Conflict(
            f"This review is {review.status}: its deadline no longer applies, so it cannot be "
            "extended."
        )


def may_request(actor: User, review: Review) -> bool:
    """Whether the page should offer `actor` a request form now."""
    return (
        perm.can_request_extension(actor, review)
        and lifecycle.extensions_open(review)
        and pending(review) is None
    )


def _check_new_date(review: Review, values: dict[str, Any]) -> None:
    new = values["new_due_date"]
    in_force = review.effective_due_date
    errors: list[str] = []
    if new <= in_force:
        errors.append(
            f"The new deadline must be after the deadline in force, {long_date(in_force)}"
        )
    elif new <= clock.today():
        errors.append("The new deadline must be in the future")
    elif new - max(in_force, clock.today()) > LONGEST_EXTENSION:
        errors.append("The new deadline must be no more than 2 years away")
    elif not is_working_day(new):
        errors.append(
            "The new deadline must be a working day (not a weekend or a bank holiday in "
            "England and Wales)"
        )
    v.require({"new_due_date": errors} if errors else {})


@review_edit
def request_extension(actor: User, review: Review, data: dict[str, Any]) -> DeadlineExtension:
    """Ask for a later deadline, with the reason."""
    require_permission(
        perm.can_request_extension(actor, review),
        "Only the reviewer or leadership can ask for a deadline extension.",
    )
    values = v.clean(data, REQUEST_RULES)
    _still_open(review)
    waiting = pending(review)
    if waiting is not None:
        raise _already_waiting(waiting)
    _check_new_date(review, values)
    extension = DeadlineExtension(
        review_id=review.id,
        reason=values["reason"],
        previous_due_date=review.effective_due_date,
        new_due_date=values["new_due_date"],
        status=lifecycle.REQUESTED,
        requested_by_id=actor.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(extension)
    except IntegrityError as exc:  # another request was sent at the same moment
        db.session.expire(review, ["extensions"])
        waiting = pending(review)
        if waiting is None:
            raise
        raise _already_waiting(waiting) from exc
    db.session.expire(review, ["extensions"])
    audit(
        review,
        actor,
        "extension.requested",
        f"Asked to extend the deadline from {long_date(extension.previous_due_date)} to "
        f"{long_date(extension.new_due_date)}",
        {"extension_id": extension.id, "new_due_date": extension.new_due_date.isoformat()},
    )
    notifications.extension_requested(review, extension, actor)
    return extension


def _already_waiting(waiting: DeadlineExtension) -> Conflict:
    return Conflict(
        "A request to extend the deadline to "
        f"{long_date(waiting.new_due_date)} is already waiting for a decision."
    )


def _check_decidable(actor: User, review: Review, extension: DeadlineExtension) -> None:
    if extension.requested_by_id == actor.id:
        require_permission(False, "You asked for this extension, so someone else decides on it.")
    require_permission(
        perm.can_decide_extension(actor, review, extension),
        "Only quality assurance or leadership can agree or refuse an extension.",
    )
    if not lifecycle.is_waiting(extension):
        who = extension.decided_by.name if extension.decided_by else "someone else"
        raise Conflict(f"This request has already been {extension.status} by {who}.")
    _still_open(review)


@review_edit
def decide_extension(
    actor: User, review: Review, extension: DeadlineExtension, data: dict[str, Any]
) -> DeadlineExtension:
    """Agree (the deadline in force moves to the new date) or refuse, with an optional note."""
    _check_decidable(actor, review, extension)
    values = v.clean(data, DECISION_RULES)
    decision: str = values["decision"]
    if decision == lifecycle.AGREED:
        if extension.new_due_date <= review.effective_due_date:
            raise Conflict(
                "The deadline in force is now "
                f"{long_date(review.effective_due_date)}, on or after the date asked for: "
                "refuse this request, and the reviewer can ask for a later date."
            )
        review.effective_due_date = extension.new_due_date
    extension.status = decision
    extension.decided_by_id = actor.id
    extension.decided_at = utcnow()
    extension.decision_note = values.get("note")
    db.session.flush()
    summary = f"{decision.capitalize()} the extension to {long_date(extension.new_due_date)}"
    if extension.decision_note:
        summary += f": {extension.decision_note}"
    audit(
        review,
        actor,
        f"extension.{decision}",
        summary,
        {"extension_id": extension.id, "new_due_date": extension.new_due_date.isoformat()},
    )
    notifications.extension_decided(review, extension, actor)
    return extension


@review_edit
def withdraw_extension(
    actor: User, review: Review, extension: DeadlineExtension
) -> DeadlineExtension:
    """Take back a request still waiting for a decision; the deadline in force stays."""
    require_permission(
        perm.can_request_extension(actor, review),
        "Only the reviewer or leadership can withdraw a request for an extension.",
    )
    if not lifecycle.is_waiting(extension):
        who = f" by {extension.decided_by.name}" if extension.decided_by else ""
        raise Conflict(f"This request has already been {extension.status}{who}.")
    _still_open(review)
    extension.status = lifecycle.WITHDRAWN
    extension.decided_by_id = actor.id
    extension.decided_at = utcnow()
    db.session.flush()
    db.session.refresh(extension, ["decided_by"])
    audit(
        review,
        actor,
        "extension.withdrawn",
        f"Withdrew the request to extend the deadline to {long_date(extension.new_due_date)}",
        {"extension_id": extension.id, "new_due_date": extension.new_due_date.isoformat()},
    )
    notifications.extension_withdrawn(review, extension, actor)
    return extension
