"""Lessons not learned (api-v1.1 B): at approval, the review's systemic factors are compared
with the actions of earlier reviews in the same PDU that addressed the same category.

An earlier action counts when its review is approved or closed, it addressed a factor of
the same `category` and it was done (or verified) before the new review's notification
date: the factor came back although the action said it had been dealt with. Each such
action gains one `ActionRecurrence` per (later review, category), its owner and leadership
are told, and both reviews' histories record it.

Two queries whatever the number of reviews: the matches (set-based, already recorded ones
left out, so a retried approval records nothing twice), then the matched actions with their
reviews and owners.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import aliased, joinedload

from sfo_review import lifecycle, vocab
from sfo_review.extensions import db
from sfo_review.models import Action, ActionRecurrence, Review, SystemicFactor
from sfo_review.models._base import utcnow
from sfo_review.models.action import action_systemic_factors
from sfo_review.services import notifications
from sfo_review.services._common import audit

RECORDED = "action.recurrence_recorded"


@dataclass(frozen=True)
class Match:
    action_id: int
    category: str


def _cutoff(review: Review) -> datetime:
    """The start of the notification day (UTC): an action done that day or later was done
    after the offence had already been notified, so it proves nothing about the lesson."""
    return datetime.combine(review.notification_date, time.min, tzinfo=UTC)


def matches(review: Review) -> list[Match]:
    """The (earlier action, category) pairs the approval of `review` records, not yet recorded:
    one query."""
    new = aliased(SystemicFactor, name="new_factor")
    old = aliased(SystemicFactor, name="old_factor")
    earlier = aliased(Review, name="earlier")
    recorded = exists().where(
        ActionRecurrence.action_id == Action.id,
        ActionRecurrence.review_id == review.id,
        ActionRecurrence.category == new.category,
    )
    query = (
        select(Action.id, new.category)
        .select_from(new)
        .join(old, old.category == new.category)
        .join(action_systemic_factors, action_systemic_factors.c.systemic_factor_id == old.id)
        .join(
            Action,
            and_(
                Action.id == action_systemic_factors.c.action_id,
                Action.review_id == old.review_id,
            ),
        )
        .join(earlier, earlier.id == Action.review_id)
        .where(
            new.review_id == review.id,
            earlier.id != review.id,
            earlier.pdu == review.pdu,
            earlier.status.in_(lifecycle.FINISHED),
            Action.status.in_(lifecycle.COMPLETED),
            func.coalesce(Action.completed_at, Action.verified_at) < _cutoff(review),
            ~recorded,
        )
        .distinct()
        .order_by(Action.id, new.category)
    )
    return [Match(action_id, category) for action_id, category in db.session.execute(query)]


def record_for_approved(review: Review) -> list[ActionRecurrence]:
    """Record the lessons not learned that approving `review` reveals, in the approval's
    transaction (the caller commits): the recurrences, their audit events on both reviews
    and the notifications of each action's owner and of leadership. Safe to call again."""
    found = matches(review)
    if not found:
        return []
    ids = {m.action_id for m in found}
    actions = {
        a.id: a
        for a in db.session.scalars(
            select(Action)
            .where(Action.id.in_(ids))
            .options(joinedload(Action.review), joinedload(Action.owner_user))
        )
    }
    now = utcnow()
    made = []
    for match in found:
        action = actions[match.action_id]
        recurrence = ActionRecurrence(
            action=action, review_id=review.id, category=match.category, recorded_at=now
        )
        db.session.add(recurrence)
        made.append(recurrence)
        _record(action, review, match.category)
    db.session.flush()
    return made


def _record(action: Action, later: Review, category: str) -> None:
    earlier = action.review
    label = vocab.category_label(category)
    detail = {
        "action_id": action.id,
        "category": category,
        "earlier_review_id": earlier.id,
        "later_review_id": later.id,
    }
    audit(
        later,
        None,
        RECORDED,
        f"Recorded a lesson not learned: {label} came back after an action of "
        f"{earlier.reference} was done",
        detail,
    )
    audit(
        earlier,
        None,
        RECORDED,
        f"Recorded a lesson not learned: {label} came back in {later.reference} after this "
        "review's action was done",
        detail,
    )
    notifications.recurrence_recorded(action, later, label)
