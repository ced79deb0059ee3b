"""Lessons not learned (api-v1.1 B): the recurrences recorded at approval, each an earlier
review's action whose factor category came back in a later review of the same PDU.

The period, region and PDU filters apply to the later review (where the factor came back):
a recurrence counts in the period in which the later review was notified. One query.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from sfo_review.extensions import db
from sfo_review.models import Action, ActionRecurrence, Review
from sfo_review.services.figures.scope import Scope


def recurrences(scope: Scope) -> dict[str, Any]:
    """`recurrences` of the figures: `{"total", "items": [...]}`, most recent later review
    first."""
    earlier = aliased(Review, name="earlier")
    query = scope.restrict(
        select(
            ActionRecurrence.category,
            Review.pdu,
            ActionRecurrence.action_id,
            earlier.id,
            earlier.reference,
            Review.id,
            Review.reference,
        )
        .join(Review, Review.id == ActionRecurrence.review_id)
        .join(Action, Action.id == ActionRecurrence.action_id)
        .join(earlier, earlier.id == Action.review_id)
    ).order_by(Review.notification_date.desc(), Review.id.desc(), ActionRecurrence.id)
    items = [
        {
            "category": category,
            "pdu": pdu,
            "action_id": action_id,
            "earlier_review": {"id": earlier_id, "reference": earlier_reference},
            "later_review": {"id": later_id, "reference": later_reference},
        }
        for (
            category,
            pdu,
            action_id,
            earlier_id,
            earlier_reference,
            later_id,
            later_reference,
        ) in db.session.execute(query)
    ]
    return {"total": len(items), "items": items}
