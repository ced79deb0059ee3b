"""The reviewer's answer to a participant's reply to a finding (api-v1.1 A, "Replies get an
answer"): fact corrected, context added, or not accepted (saying why). Given once, while the
edit window is open; the reply's author is told in the app."""

from __future__ import annotations

from typing import Any

from sfo_review import permissions as perm
from sfo_review import vocab
from sfo_review.extensions import db
from sfo_review.models import Finding, FindingResponse, Review, User
from sfo_review.models._base import utcnow
from sfo_review.services import notifications
from sfo_review.services import validation as v
from sfo_review.services._common import audit, ensure_editable, require_permission, review_edit
from sfo_review.services.errors import Conflict, NotFound

NOT_ACCEPTED = "not_accepted"
NOT_ACCEPTED_NOTE_MIN = 20
OUTCOME_RULES: dict[str, v.Rule] = {
    "outcome": v.enum("answer to the reply", vocab.keys(vocab.RESPONSE_OUTCOMES)),
    "note": v.long("note", required=False),
}
ALREADY_ANSWERED = "This reply has already been answered: an answer is never changed."


def response_of(finding: Finding, response_id: int) -> FindingResponse:
    """A reply to `finding`; a reply to any other finding (or none) is not found."""
    response = db.session.get(FindingResponse, response_id)
    if response is None or response.finding_id != finding.id:
        raise NotFound("Reply not found.")
    return response


def _check_note(values: dict[str, Any]) -> None:
    note = values.get("note")
    if values["outcome"] != NOT_ACCEPTED:
        return
    if note is None:
        v.require({"note": ["Enter why the reply was not accepted"]})
    elif len(note.strip()) < NOT_ACCEPTED_NOTE_MIN:
        v.require(
            {
                "note": [
                    f"Why the reply was not accepted must be at least {NOT_ACCEPTED_NOTE_MIN} "
                    "characters"
                ]
            }
        )


@review_edit
def answer_reply(
    actor: User,
    review: Review,
    finding: Finding,
    response: FindingResponse,
    data: dict[str, Any],
) -> FindingResponse:
    """Record the reviewer's answer to one reply; 409 when it has one already."""
    require_permission(
        perm.can_edit_review(actor, review), "Only the review's reviewer can answer replies."
    )
    ensure_editable(review)
    if finding.review_id != review.id or response.finding_id != finding.id:
        raise NotFound("Reply not found.")
    if response.outcome is not None:
        raise Conflict(ALREADY_ANSWERED, {"outcome": [ALREADY_ANSWERED]})
    values = v.clean(data, OUTCOME_RULES)
    _check_note(values)
    response.outcome = values["outcome"]
    response.outcome_note = values.get("note")
    response.outcome_at = utcnow()
    response.outcome_by_id = actor.id
    label = vocab.label(vocab.RESPONSE_OUTCOMES, response.outcome).lower()
    audit(
        review,
        actor,
        "finding.response_answered",
        f"Answered {response.author.name}’s reply to finding “{finding.title}”: {label}",
        {"finding_id": finding.id, "response_id": response.id, "outcome": response.outcome},
    )
    notifications.reply_answered(review, finding, response)
    return response
