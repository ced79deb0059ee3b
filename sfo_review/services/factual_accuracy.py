"""A participant's part in the factual accuracy check (api-v1.1 A): they reply to each
finding that names them, or say they have nothing to add. Until the window's last day has
passed, the review goes to quality assurance only when every participant has done one or the
other (lifecycle._factual_accuracy_heard)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sfo_review import lifecycle
from sfo_review import permissions as perm
from sfo_review.models import Finding, Participant, Review, User
from sfo_review.models._base import utcnow
from sfo_review.services._common import audit, review_edit
from sfo_review.services.errors import Conflict, Forbidden


@dataclass(frozen=True)
class ParticipantState:
    """Where one participant stands in the factual accuracy check."""

    participant: Participant
    done_at: datetime | None  # said they have nothing to add
    outstanding: list[Finding]  # findings naming them, not yet replied to (none once done)
    window_ends_on: date | None
    window_open: bool


def state_of(participant: Participant) -> ParticipantState:
    review = participant.review
    return ParticipantState(
        participant,
        participant.factual_accuracy_done_at,
        lifecycle.factual_accuracy_outstanding(participant),
        review.factual_accuracy_ends_on,
        lifecycle.accepts_responses(review) and lifecycle.factual_accuracy_window_open(review),
    )


def _participant(actor: User, review: Review) -> Participant:
    participant = review.participant_for(actor)
    if participant is None or not perm.can_say_factual_accuracy_done(actor, review):
        raise Forbidden("Only a participant of this review can say they have nothing to add.")
    return participant


def own_state(actor: User, review: Review) -> ParticipantState:
    return state_of(_participant(actor, review))


@review_edit
def mark_done(actor: User, review: Review) -> ParticipantState:
    """The participant has nothing (more) to add. Saying it twice changes nothing."""
    participant = _participant(actor, review)
    if not lifecycle.accepts_responses(review):
        raise Conflict(
            "You can only say you have nothing to add during the factual accuracy check: "
            f"this review is {review.status.replace('_', ' ')}."
        )
    if participant.factual_accuracy_done_at is None:
        participant.factual_accuracy_done_at = utcnow()
        audit(
            review,
            actor,
            "factual_accuracy.done",
            "Said they have nothing to add at the factual accuracy check",
            {"participant_id": participant.id},
        )
    return state_of(participant)
