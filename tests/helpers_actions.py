"""Valid action data for tests (api-v1.1 B): the v1 fields plus what every new action needs —
an owner account (an active leadership user), a success measure, a review date on or after
the due date, and the systemic factors it addresses."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sfo_review.models import Action, Review, User
from sfo_review.services import actions as action_service
from sfo_review.services import users

OWNER_EMAIL = "action.owner@example.gov.uk"
SUCCESS_MEASURE = "Caseload audit in three months shows no PSO above 50 cases."
PASSWORD = "correct-horse-battery"  # noqa: S105 - the tests' password (tests/conftest.py)


def action_owner(email: str = OWNER_EMAIL, name: str = "Alex Owner") -> User:
    """An active leadership account that owns actions, made on first use in a test."""
    user = users.user_by_email(email)
    if user is None:
        user = users.create_user(
            None, {"email": email, "name": name, "role": "leadership", "password": PASSWORD}
        )
    return user


def _day(value: Any) -> date:
    """The due date given, or (a bad one, for a bad-input test) a day far ahead."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return date(2035, 1, 1)


def action_data(review: Review, values: dict[str, Any] | None = None, **overrides: Any) -> dict:
    """`values` (the v1 fields, any of them) completed with the 1.1 fields the review allows:
    the owner, a success measure, a review date 90 days after the due date and the review's
    first systemic factor; `overrides` over all of them."""
    data: dict[str, Any] = {
        "description": "Review allocation of high-risk cases to PSOs",
        "owner": "Head of PDU",
        "level": "pdu",
        "due_date": (date.today() + timedelta(days=60)).isoformat(),
        "finding_ids": [f.id for f in review.findings[:1]],
        **(values or {}),
        **overrides,
    }
    data.setdefault("success_measure", SUCCESS_MEASURE)
    data.setdefault("owner_email", action_owner().email)
    data.setdefault("systemic_factor_ids", [f.id for f in review.systemic_factors[:1]])
    data.setdefault("review_date", (_day(data["due_date"]) + timedelta(days=90)).isoformat())
    return data


def add_action(
    actor: User, review: Review, values: dict[str, Any] | None = None, **overrides: Any
) -> Action:
    """Add a valid action through the service, as `actor`."""
    return action_service.add_action(actor, review, action_data(review, values, **overrides))


def old_action(review: Review, **values: Any) -> Action:
    """An action as it was before 1.1 (no owner account, factors, measure or review date),
    done: written straight to the table, as the migration left it."""
    from sfo_review.extensions import db

    action = Action(
        review_id=review.id,
        description="From before 1.1",
        owner="Head of PDU",
        level="pdu",
        due_date=review.due_date,
        status="done",
        completion_note="Done in v1.",
        **values,
    )
    db.session.add(action)
    db.session.commit()
    return action
