"""Lessons not learned in fixtures: an earlier review approved with an action addressing its
factor, and a later review of the same PDU with a factor of the same category.

The action's 1.1 fields (factors addressed, owner account, done or verified) are written
through the ORM: the actions service takes them on another branch; the reviews move through
the real transitions, so the recurrence is recorded by the approval itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sfo_review.extensions import db
from sfo_review.models import Action, Review, User
from tests.helpers_forms import move_to

DONE_ON = datetime(2024, 1, 10, 9, 0, tzinfo=UTC)
LATER_NOTIFIED = date(2024, 3, 1)


def address(
    data: dict[str, Any],
    owner: User | None,
    status: str = "done",
    completed_at: datetime | None = DONE_ON,
) -> Action:
    """An action of `data`'s review addressing its factor, owned by `owner`, in `status`."""
    action = Action(
        review=data["review"],
        description="Recruit to the team's vacant posts and cap caseloads at 50",
        owner="Head of PDU",
        owner_user=owner,
        level="pdu",
        due_date=date(2024, 1, 31),
        review_date=date(2024, 6, 30),
        success_measure="No officer in the team holds more than 50 cases for three months",
        status=status,
        completion_note="Posts filled" if status in ("done", "verified") else None,
        completed_at=completed_at if status in ("done", "verified") else None,
        systemic_factors=[data["factor"]],
    )
    db.session.add(action)
    db.session.commit()
    return action


def later_review(
    full_review: Callable[..., dict[str, Any]], notified: date = LATER_NOTIFIED, **changes: Any
) -> dict[str, Any]:
    """A review ready for factual accuracy, notified on `notified`, with `changes` to the
    review (`pdu=…`) or, for `category`, to its factor."""
    data = full_review()
    review: Review = data["review"]
    review.notification_date = notified
    if "category" in changes:
        data["factor"].category = changes.pop("category")
    for key, value in changes.items():
        setattr(review, key, value)
    db.session.commit()
    return data


def earlier_with_action(
    full_review: Callable[..., dict[str, Any]],
    owner: User | None,
    review_status: str = "approved",
    **action: Any,
) -> tuple[dict[str, Any], Action]:
    """An earlier review moved to `review_status`, with an action addressing its factor."""
    data = full_review()
    move_to(data, review_status)
    return data, address(data, owner, **action)
